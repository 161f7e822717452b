"""Loaded into every script the runner starts (via PYTHONPATH): the network is off.

Any attempt to open a connection to another host raises ``OSError`` at once, so
a script that would download something fails loudly in the build instead of
quietly depending on the network.  Local (loopback and Unix) sockets still work.
"""

import socket

_LOCAL = ("127.", "::1", "localhost", "0.0.0.0")
_connect, _getaddrinfo = socket.socket.connect, socket.getaddrinfo


def _blocked(host) -> bool:
    return isinstance(host, str) and not host.startswith(_LOCAL)


def connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and _blocked(address[0]):
        raise OSError(f"network disabled for primer scripts: connect to {address[0]}")
    return _connect(self, address)


def getaddrinfo(host, *args, **kwargs):
    if _blocked(host):
        raise OSError(f"network disabled for primer scripts: lookup of {host}")
    return _getaddrinfo(host, *args, **kwargs)


socket.socket.connect = connect
socket.getaddrinfo = getaddrinfo
