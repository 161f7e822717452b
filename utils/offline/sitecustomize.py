"""Loaded into every script the runner starts (via PYTHONPATH): the network is off.

Any attempt to reach another host from Python raises ``OSError`` at once, so a
script that would download something fails loudly in the build instead of
quietly depending on the network.  Loopback (127.0.0.0/8, ::1, localhost) and
Unix sockets still work, so a script may run a local server or
torch.distributed on 127.0.0.1.

Guarded: ``connect``, ``connect_ex``, ``sendto`` and ``sendmsg`` on every socket
made through ``socket`` or ``_socket`` (which a script could import to get the
unpatched class), and ``getaddrinfo``/``gethostbyname``.  A Python child started
with ``subprocess`` keeps the guard: its ``PYTHONPATH`` is made to include this
folder even when the script passes its own ``env``.

Limits (this is a guard against accidents, not a wall): ``ctypes`` calling libc,
a non-Python program (curl), a child started with ``python -I``/``-E`` or through
``os.exec*``/``os.posix_spawn`` with a scrubbed environment all bypass it.  The
runner's bubblewrap sandbox (a network namespace with only ``lo``) closes those
holes where it is available; without it this guard is all there is, and the
runner says so.
"""

import ipaddress
import os
import socket
import _socket

_HERE = os.path.dirname(os.path.abspath(__file__))
_INET = (socket.AF_INET, socket.AF_INET6)


def _local(host) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    if host.lower() in ("localhost", "localhost.", ""):
        return True
    try:
        ip = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False            # a host name other than localhost: would need DNS
    if getattr(ip, "ipv4_mapped", None):
        ip = ip.ipv4_mapped
    return ip.is_loopback or ip.is_unspecified


def _check(sock, address, what):
    if sock.family in _INET and isinstance(address, tuple) and not _local(address[0]):
        raise OSError(f"network disabled for primer scripts: {what} to {address[0]}")


_REAL = _socket.socket


class _GuardedSocket(_REAL):
    """_socket.socket with the outgoing calls checked; socket.socket is patched alike
    (explicit _REAL calls, not super(): these methods are also set on socket.socket)."""

    def connect(self, address):
        _check(self, address, "connect")
        return _REAL.connect(self, address)

    def connect_ex(self, address):
        _check(self, address, "connect")
        return _REAL.connect_ex(self, address)

    def sendto(self, data, *args):
        _check(self, args[-1], "sendto")
        return _REAL.sendto(self, data, *args)

    def sendmsg(self, buffers, ancdata=(), flags=0, address=None):
        if address is not None:
            _check(self, address, "sendmsg")
            return _REAL.sendmsg(self, buffers, ancdata, flags, address)
        return _REAL.sendmsg(self, buffers, ancdata, flags)


def _patch_class(cls):
    for name in ("connect", "connect_ex", "sendto", "sendmsg"):
        setattr(cls, name, getattr(_GuardedSocket, name))


_patch_class(socket.socket)        # its bases are the original _socket.socket: methods resolve here first
_socket.socket = _socket.SocketType = _GuardedSocket

def _lookup(real):
    def lookup(host, *args, **kwargs):
        if host is not None and not _local(host):
            raise OSError(f"network disabled for primer scripts: lookup of {host}")
        return real(host, *args, **kwargs)
    lookup.__name__ = real.__name__
    return lookup


for _name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex"):
    # socket's Python getaddrinfo calls _socket's at run time: wrap each module's own
    setattr(socket, _name, _lookup(getattr(socket, _name)))
    setattr(_socket, _name, _lookup(getattr(_socket, _name)))


def _keep_guard(env):
    """A copy of env whose PYTHONPATH includes this folder (the guard reaches Python children)."""
    if env is None:
        return None
    env = dict(env)
    parts = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    if _HERE not in parts:
        env["PYTHONPATH"] = os.pathsep.join([_HERE, *parts])
    return env


def _patch_subprocess():
    import subprocess
    real_init = subprocess.Popen.__init__

    def __init__(self, *args, **kwargs):
        if len(args) > 9:   # env passed positionally (args, bufsize, executable, stdin, …, env)
            args = (*args[:9], _keep_guard(args[9]), *args[10:])
        elif kwargs.get("env") is not None:
            kwargs["env"] = _keep_guard(kwargs["env"])
        real_init(self, *args, **kwargs)
    subprocess.Popen.__init__ = __init__


os.environ["PYTHONPATH"] = _keep_guard(os.environ)["PYTHONPATH"]
_patch_subprocess()
