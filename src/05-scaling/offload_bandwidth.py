# [[file:../../primer.org::*Offloading to host memory and disk][Offloading to host memory and disk:1]]
"""Offloading: this machine's bandwidths and a step-time model of ZeRO-Offload.

Measures (a) a RAM-to-RAM copy of 128 MB, and the same bytes moved as repeated
copies of a 256 KB buffer that stays in the processor's cache, (b) writing the
same bytes to a
memory-mapped file in the working directory and reading them back after asking
the kernel to drop the file's cached pages, (c) the CPU time of one Adam step
over 4 million float32 parameters on one core, and (d) spilling a real model's
saved activations to that file and reading them back.  Then it evaluates when
moving gradients and weights between an accelerator and the host hides behind
the backward pass, with the device's speed and link bandwidth given as stated
assumptions (this machine has no accelerator).
"""
import os
import statistics
import time
from pathlib import Path

import numpy as np
import torch

torch.set_num_threads(1)
torch.manual_seed(0)
MB = 2 ** 20
N_BYTES = 128 * MB


def median_seconds(fn, reps: int = 5, warmup: int = 1) -> float:
    times = []
    for i in range(warmup + reps):
        t0 = time.perf_counter()
        fn()
        if i >= warmup:
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


def filesystem_of(path: Path) -> str:
    best, kind = "", "unknown"
    for line in open("/proc/self/mounts"):
        mount, fstype = line.split()[1], line.split()[2]
        if str(path).startswith(mount) and len(mount) > len(best):
            best, kind = mount, fstype
    return kind


src = torch.rand(N_BYTES // 4)
dst = torch.empty_like(src)
ram_s = median_seconds(lambda: dst.copy_(src))
print(f"ram_copy_gb_s = {N_BYTES / ram_s / 1e9:.2f}")

# One level up the hierarchy: a buffer small enough that source and destination
# stay in the core's cache.  Each timing copies it until 128 MB have moved, so
# the cost of one call is spread over many.
CACHE_BYTES = 256 * 1024
small = torch.rand(CACHE_BYTES // 4)
small_dst = torch.empty_like(small)


def cache_copies():
    for _ in range(N_BYTES // CACHE_BYTES):
        small_dst.copy_(small)


cache_s = median_seconds(cache_copies)
print(f"cache_copy_kb = {CACHE_BYTES // 1024}")
print(f"cache_copy_gb_s = {N_BYTES / cache_s / 1e9:.2f}")
print(f"cache_over_ram_copy = {ram_s / cache_s:.1f}")

path = Path.cwd() / "offload.bin"
print(f"spill_filesystem = {filesystem_of(path.resolve())}")
mm = np.memmap(path, dtype=np.float32, mode="w+", shape=(N_BYTES // 4,))
host = src.numpy()


def write():
    mm[:] = host
    mm.flush()                                   # msync: the bytes reach the file
    os.fsync(os.open(path, os.O_RDONLY))


def read_cold():
    fd = os.open(path, os.O_RDONLY)
    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)   # drop clean cached pages
    os.close(fd)
    back = np.memmap(path, dtype=np.float32, mode="r", shape=(N_BYTES // 4,))
    return float(np.asarray(back).sum())


write_s = median_seconds(write, reps=3)
read_s = median_seconds(read_cold, reps=3)
print(f"file_write_gb_s = {N_BYTES / write_s / 1e9:.2f}")
print(f"file_read_gb_s = {N_BYTES / read_s / 1e9:.2f}")
assert np.array_equal(np.asarray(np.memmap(path, dtype=np.float32, mode="r",
                                           shape=(N_BYTES // 4,)))[:1000], host[:1000])

# CPU Adam, the update ZeRO-Offload moves to the host
params = [torch.zeros(4_000_000, requires_grad=True)]
params[0].grad = torch.randn(4_000_000)
opt = torch.optim.Adam(params, lr=1e-3)
opt.step()
cpu_times = []
for _ in range(5):
    c0 = time.process_time()
    opt.step()
    cpu_times.append(time.process_time() - c0)
adam_rate = 4_000_000 / statistics.median(cpu_times)
print(f"cpu_adam_mparams_per_s_one_core = {adam_rate / 1e6:.0f}")

# Spill a real model's saved activations and read them back.
model = torch.nn.Sequential(*[torch.nn.Sequential(torch.nn.Linear(512, 2048), torch.nn.GELU(),
                                                  torch.nn.Linear(2048, 512)) for _ in range(4)])
x = torch.randn(256, 512)
kept = []
with torch.autograd.graph.saved_tensors_hooks(lambda t: kept.append(t) or t, lambda t: t):
    loss = model(x).square().mean()
weights = {p.untyped_storage().data_ptr() for p in model.parameters()}
acts = {t.untyped_storage().data_ptr(): t for t in kept
        if t.untyped_storage().data_ptr() not in weights}
flat = torch.cat([t.detach().reshape(-1).float() for t in acts.values()]).numpy()
spill = np.memmap(Path.cwd() / "activations.bin", dtype=np.float32, mode="w+",
                  shape=flat.shape)
t0 = time.perf_counter()
spill[:] = flat
spill.flush()
fd = os.open(Path.cwd() / "activations.bin", os.O_RDONLY)
os.fsync(fd)
os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
os.close(fd)
back = np.array(np.memmap(Path.cwd() / "activations.bin", dtype=np.float32, mode="r",
                          shape=flat.shape))
spill_s = time.perf_counter() - t0
c0 = time.process_time()
loss.backward()
backward_cpu_s = time.process_time() - c0
print(f"spilled_mb = {flat.nbytes / 1e6:.1f}")
print(f"spill_roundtrip_equal = {bool(np.array_equal(back, flat))}")
print(f"spill_roundtrip_ms = {spill_s * 1e3:.1f}")
print(f"backward_cpu_ms = {backward_cpu_s * 1e3:.1f}")
path.unlink()
(Path.cwd() / "activations.bin").unlink()

# Step-time model of ZeRO-Offload (assumptions, not measurements):
FLOPS = 100e12         # sustained accelerator speed, FLOP/s
LINK = 25e9            # host-device bandwidth each way, bytes/s
CORES = 32             # host cores running the optimizer
print(f"assumed_device_tflops = {FLOPS / 1e12:.0f}")
print(f"assumed_link_gb_s = {LINK / 1e9:.0f}")
print(f"assumed_host_cores = {CORES}")
# Per step: 2 bytes/param of fp16 gradients down, 2 of fp16 weights up (4 Psi),
# against a backward pass of 4 Psi FLOPs per token: hidden when tokens >= FLOPS/LINK.
print(f"tokens_to_hide_transfer = {FLOPS / LINK:.0f}")
for psi in (1e9, 10e9):
    for tokens in (1024, 4096, 16384):
        compute = 6 * psi * tokens / FLOPS
        transfer = 4 * psi / LINK
        adam = psi / (adam_rate * CORES)
        # best case: transfers and the host update run while the device computes
        step = max(compute, transfer + adam)
        tag = f"psi{int(psi / 1e9)}b_t{tokens}"
        print(f"{tag}_compute_s = {compute:.3f}")
        print(f"{tag}_transfer_s = {transfer:.3f}")
        print(f"{tag}_cpu_adam_s = {adam:.3f}")
        print(f"{tag}_offload_overhead = {step / compute - 1:.2f}")
# Offloading to host memory and disk:1 ends here
