# [[file:../../primer.org::*What an all-reduce costs: the α–β model and the ring][What an all-reduce costs: the α–β model and the ring:1]]
"""Data parallelism's cost: all-reduce time against message size, DDP's gradient
buckets, and a projection of scaling efficiency to many workers.

Part 1 times torch.distributed.all_reduce between two ranks (gloo over 127.0.0.1)
for messages of 4 KB to 16 MB and fits the alpha-beta model t = alpha + beta * bytes.
Part 2 trains a 12-layer perceptron (12.6 MB of float32 gradients) under DDP with
bucket_cap_mb from 0.25 to 100, against the same step with no communication and
with one all-reduce after the backward pass.  Part 3 projects the efficiency of ring
all-reduce data parallelism to 8-1,024 workers from the fitted model (a projection:
its assumptions are printed with it).  All-reduce times are the fastest of 15
rounds after warm-up (other jobs can only add to them) and step times are medians
of wall-clock time; this machine's loopback stands in for a network, so absolute numbers are
this machine's, not a cluster's.
"""
import os
import signal
import socket
import statistics
import threading
import time
from datetime import timedelta
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch.nn.parallel import DistributedDataParallel as DDP

IMG = Path(__file__).resolve().parents[2] / "img" / "05-scaling"
SIZES = [2 ** k for k in range(10, 23)]             # float32 elements: 4 KB ... 16 MB
BUCKETS_MB = [0.25, 1, 4, 25, 100]
LAYERS, WIDTH, BATCH = 12, 512, 32


# ---- launcher: the same few functions open every distributed script of this chapter
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_rank(rank: int, world: int, fn, args) -> None:
    """Join the process group, run fn(rank, world, *args), always leave the group."""
    torch.set_num_threads(1)
    backend = "nccl" if torch.cuda.is_available() else "gloo"
    if backend == "nccl":
        torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", rank)))
    dist.init_process_group(backend, rank=rank, world_size=world,
                            timeout=timedelta(seconds=60))
    try:
        fn(rank, world, *args)
        dist.barrier()                 # nobody tears down while a partner still talks
    finally:
        dist.destroy_process_group()


def exit_with_parent(parent: int) -> None:
    """Stop this rank as soon as its launcher is gone (killed with SIGKILL, say),
    even while it waits in a collective for a partner that will never answer."""
    while os.getppid() == parent:
        time.sleep(0.2)
    os._exit(1)


def run_and_exit(rank: int, world: int, fn, args, parent: int) -> None:
    """Run one rank, then leave without the interpreter's teardown, where gloo's
    threads could still abort a finished rank (2 of 14 torchrun runs here)."""
    threading.Thread(target=exit_with_parent, args=(parent,), daemon=True).start()
    run_rank(rank, world, fn, args)
    print(end="", flush=True)
    os._exit(0)


def launch(fn, *args, world: int = 2) -> None:
    """Under torchrun (RANK set) this process is one rank.  Otherwise start `world`
    ranks with the spawn method and stop all of them if one fails or we are killed."""
    if "RANK" in os.environ:
        run_and_exit(int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"]), fn, args,
                     os.getppid())
    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = str(free_port())
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=run_and_exit, args=(r, world, fn, args, os.getpid()),
                         daemon=True) for r in range(world)]

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    try:
        for p in procs:
            p.start()
        while any(p.is_alive() for p in procs):
            for r, p in enumerate(procs):
                p.join(timeout=0.1)
                if p.exitcode not in (None, 0):
                    raise SystemExit(f"rank {r} failed (exit code {p.exitcode})")
        bad = [r for r, p in enumerate(procs) if p.exitcode != 0]
        if bad:
            raise SystemExit(f"ranks {bad} failed")
    finally:
        for p in procs:
            if p.is_alive():
                p.kill()
            p.join()
# ---- end of launcher


def device() -> torch.device:
    if torch.cuda.is_available():
        return torch.device("cuda", torch.cuda.current_device())
    return torch.device("cpu")


def median_ms(fns: dict, warmup: int, reps: int) -> dict:
    """For each function: median and interquartile range (ms) of its wall time, ranks
    starting together, and the median CPU time (ms) this process (all its threads)
    spent in it.  The functions take turns, call by call, so that load from other
    jobs falls on all of them alike."""
    times = {label: [] for label in fns}
    cpu = {label: [] for label in fns}
    for i in range(warmup + reps):
        for label, fn in fns.items():
            dist.barrier()
            t0, c0 = time.perf_counter(), time.process_time()
            fn()
            if torch.cuda.is_available():
                torch.cuda.synchronize()
            if i >= warmup:
                times[label].append((time.perf_counter() - t0) * 1e3)
                cpu[label].append((time.process_time() - c0) * 1e3)
    out = {}
    for label in fns:
        q = statistics.quantiles(times[label], n=4)
        out[label] = (statistics.median(times[label]), q[2] - q[0],
                      statistics.median(cpu[label]))
    return out


def make_model() -> torch.nn.Module:
    torch.manual_seed(0)
    layers = []
    for _ in range(LAYERS):
        layers += [torch.nn.Linear(WIDTH, WIDTH), torch.nn.ReLU()]
    return torch.nn.Sequential(*layers)


def worker(rank: int, world: int) -> None:
    dev = device()
    out = {}
    # Part 1: all-reduce time against message size.  The sizes take turns, round
    # after round, so a burst of load from other jobs hits all of them alike.
    bufs = {n: torch.ones(n, device=dev) for n in SIZES}
    times = {n: [] for n in SIZES}
    # Other jobs can only add time to a call, never take it away, so the fastest of
    # the rounds estimates what the collective itself costs; the median and the
    # interquartile range say how much the machine added.
    for i in range(3 + 15):                    # 3 warm-up rounds
        for n in SIZES:
            dist.barrier()
            t0 = time.perf_counter()
            dist.all_reduce(bufs[n])
            if i >= 3:
                times[n].append((time.perf_counter() - t0) * 1e3)
    for n in SIZES:
        q = statistics.quantiles(times[n], n=4)
        out[n * 4] = (min(times[n]), statistics.median(times[n]), q[2] - q[0])

    # Part 2: one training step under DDP for several bucket sizes.
    x = torch.randn(BATCH, WIDTH, device=dev)

    def step(model):
        model.zero_grad(set_to_none=True)
        model(x).square().mean().backward()

    plain = make_model().to(dev)

    def step_then_allreduce():
        step(plain)
        grads = torch.cat([p.grad.reshape(-1) for p in plain.parameters()])
        dist.all_reduce(grads)                 # one message after the whole backward

    fns = {"compute only": lambda: step(plain),
           "one all-reduce after backward": step_then_allreduce}
    for cap in BUCKETS_MB:
        ddp = DDP(make_model().to(dev), bucket_cap_mb=cap)
        fns[f"DDP bucket {cap} MB"] = lambda ddp=ddp: step(ddp)
    steps = median_ms(fns, warmup=2, reps=7)
    grad_bytes = sum(p.numel() * 4 for p in plain.parameters())

    if rank == 0:
        report(world, out, steps, grad_bytes)


def report(world, out, steps, grad_bytes) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    IMG.mkdir(parents=True, exist_ok=True)
    nbytes = np.array(list(out), dtype=float)
    best = np.array([out[b][0] for b in out])
    for b in out:
        print(f"allreduce_{int(b) // 1024}kb_ms = {out[b][0]:.3f}")
        print(f"allreduce_{int(b) // 1024}kb_median_ms = {out[b][1]:.3f}")
        print(f"allreduce_{int(b) // 1024}kb_iqr_ms = {out[b][2]:.3f}")
    # Weighted least squares on relative error: small and large messages count alike.
    beta, alpha = np.polyfit(nbytes, best, 1, w=1 / best)
    fit = alpha + beta * nbytes
    print(f"alpha_us = {alpha * 1e3:.1f}")
    print(f"beta_ns_per_byte = {beta * 1e6:.3f}")
    print(f"fit_bandwidth_gb_s = {1e-6 / beta:.2f}")
    print(f"fit_max_rel_error = {np.max(np.abs(fit / best - 1)):.2f}")
    t = dict(zip(nbytes.astype(int) // 1024, best))
    print(f"ratio_64kb_over_4kb = {t[64] / t[4]:.2f}")
    print(f"ratio_16mb_over_1mb = {t[16384] / t[1024]:.1f}")
    # Ring all-reduce: each rank sends (and receives) 2(p-1)/p of the message.
    print(f"ring_traffic_factor_p2 = {2 * (world - 1) / world:.2f}")
    print(f"ring_traffic_factor_p1024 = {2 * 1023 / 1024:.3f}")

    print(f"grad_mb = {grad_bytes / 1e6:.1f}")
    keys = {"compute only": "compute", "one all-reduce after backward": "serial"}
    for label, (m, iqr, c) in steps.items():
        key = keys[label] if label in keys else (
            "bucket_" + label.split()[2].replace(".", "p") + "mb")
        print(f"step_{key}_ms = {m:.1f}")
        print(f"step_{key}_iqr_ms = {iqr:.1f}")
        print(f"step_{key}_cpu_ms = {c:.1f}")
    ddp_cpu = [c for label, (_, _, c) in steps.items() if label.startswith("DDP")]
    print(f"ddp_mean_cpu_over_compute = {np.mean(ddp_cpu) / steps['compute only'][2]:.2f}")
    comm_ms = alpha + beta * grad_bytes
    print(f"allreduce_grads_model_ms = {comm_ms:.1f}")

    # Part 3: projection.  Weak scaling (fixed batch per worker), ring all-reduce of
    # all gradients each step, every link as fast as this loopback (alpha and beta as
    # fitted), compute = the CPU time of one step (what a core of its own would take);
    # efficiency = compute / step time.
    compute_ms = steps["compute only"][2]
    ps = np.array([2, 8, 64, 256, 1024])
    ring = 2 * (ps - 1) * alpha + 2 * (ps - 1) / ps * grad_bytes * beta
    eff_serial = compute_ms / (compute_ms + ring)
    eff_overlap = compute_ms / np.maximum(compute_ms, ring)
    for p, r, e1, e2 in zip(ps, ring, eff_serial, eff_overlap):
        print(f"proj_p{p}_allreduce_ms = {r:.1f}")
        print(f"proj_p{p}_eff_no_overlap = {e1:.2f}")
        print(f"proj_p{p}_eff_full_overlap = {e2:.2f}")
    print(f"proj_latency_share_p1024 = {2 * 1023 * alpha / ring[-1]:.3f}")

    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    ax = axes[0]
    ax.loglog(nbytes, best, "o", color="#4a7a96", label="fastest of 15 rounds")
    ax.loglog(nbytes, [out[b][1] for b in out], "x", color="#999999", label="median")
    grid = np.geomspace(nbytes[0], nbytes[-1], 50)
    ax.loglog(grid, alpha + beta * grid, "-", color="#b5523b",
              label=f"fit: {alpha * 1e3:.0f} us + bytes / {1e-6 / beta:.1f} GB/s")
    ax.set_xlabel("message size (bytes)")
    ax.set_ylabel("all-reduce time (ms)")
    ax.set_title("Two ranks, gloo on loopback")
    ax.legend(fontsize=8)
    ax = axes[1]
    labels = list(steps)
    ax.barh(labels, [steps[k][2] for k in labels],
            color=["#999999", "#d99a5e"] + ["#4a7a96"] * len(BUCKETS_MB), label="CPU time")
    ax.errorbar([steps[k][0] for k in labels], labels, xerr=[steps[k][1] / 2 for k in labels],
                fmt="D", color="#222222", ms=4, label="wall time (bar: IQR)")
    ax.set_xlabel("median per step, rank 0 (ms)")
    ax.legend(fontsize=8)
    ax.set_title(f"One step, {grad_bytes / 1e6:.0f} MB of gradients")
    ax.invert_yaxis()
    ax = axes[2]
    pp = np.geomspace(2, 1024, 60)
    rr = 2 * (pp - 1) * alpha + 2 * (pp - 1) / pp * grad_bytes * beta
    ax.semilogx(pp, compute_ms / (compute_ms + rr), color="#b5523b", label="no overlap")
    ax.semilogx(pp, compute_ms / np.maximum(compute_ms, rr), color="#4a7a96",
                label="perfect overlap")
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("workers (projection)")
    ax.set_ylabel("scaling efficiency")
    ax.set_title("Projected from the fitted model")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(IMG / "ddp_allreduce.png", dpi=120)


if __name__ == "__main__":
    launch(worker)
# What an all-reduce costs: the α–β model and the ring:1 ends here
