# [[file:../../primer.org::*Gradient accumulation][Gradient accumulation:1]]
"""Gradient accumulation: k micro-batches against one large batch, and DDP's no_sync.

Part 1 (one process): a perceptron trained for 20 steps, once on batches of 64
rows and once accumulating the gradients of 4 micro-batches of 16 rows per step,
with and without a BatchNorm layer.  Part 2 (two ranks, DDP): 4 micro-batches per
rank per step, synchronising after every micro-batch or only after the last (the
others under no_sync).  A communication hook counts the all-reduces and their
bytes; CPU time per optimizer step is the median over 15 steps after warm-up.
Both DDP variants are compared with one process trained on the whole batch.
Run as a plain script (it starts two workers) or under torchrun.
"""
import os
import signal
import socket
import statistics
import sys
import threading
import time
from datetime import timedelta

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch.distributed.algorithms.ddp_comm_hooks import default_hooks
from torch.nn.parallel import DistributedDataParallel as DDP

STEPS, BATCH, MICRO, FEATURES, WIDTH = 20, 64, 4, 16, 256


# ---- launcher: the same few functions open every distributed script of this chapter
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_rank(rank: int, world: int, fn, args) -> None:
    """Join the process group, run fn(rank, world, *args), always leave the group."""
    torch.set_num_threads(1)
    backend = "gloo"           # this program keeps its tensors on the CPU: no NCCL
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


def make_model(batchnorm: bool = False) -> torch.nn.Module:
    torch.manual_seed(0)
    norm = [torch.nn.BatchNorm1d(WIDTH)] if batchnorm else []
    return torch.nn.Sequential(torch.nn.Linear(FEATURES, WIDTH), *norm, torch.nn.Tanh(),
                               torch.nn.Linear(WIDTH, WIDTH), torch.nn.Tanh(),
                               torch.nn.Linear(WIDTH, 1))


def batch(step: int):
    g = torch.Generator().manual_seed(step)
    x = torch.randn(BATCH, FEATURES, generator=g)
    y = torch.sin(2 * x[:, :1]) + x[:, 1:2] * x[:, 2:3]
    return x, y


def flat(model: torch.nn.Module) -> torch.Tensor:
    return torch.cat([p.detach().reshape(-1) for p in model.parameters()])


def train_local(batchnorm: bool, micro: int) -> torch.Tensor:
    """One process; each step accumulates `micro` micro-batches (1 = plain step)."""
    model = make_model(batchnorm)
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    for step in range(STEPS):
        x, y = batch(step)
        opt.zero_grad(set_to_none=True)
        for xm, ym in zip(x.chunk(micro), y.chunk(micro)):
            # mean over the micro-batch, divided by the number of micro-batches:
            # the accumulated gradient is the mean over the whole batch
            (torch.nn.functional.mse_loss(model(xm), ym) / micro).backward()
        opt.step()
    return flat(model)


def counting_hook(state: dict, bucket):
    state["calls"] += 1
    state["bytes"] += bucket.buffer().numel() * bucket.buffer().element_size()
    return default_hooks.allreduce_hook(None, bucket)


def train_ddp(rank: int, world: int, use_no_sync: bool):
    model = DDP(make_model())
    state = {"calls": 0, "bytes": 0}
    model.register_comm_hook(state, counting_hook)
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    cpu = []
    for step in range(STEPS):
        x, y = batch(step)
        x, y = x.chunk(world)[rank], y.chunk(world)[rank]
        opt.zero_grad(set_to_none=True)
        c0 = time.process_time()
        pieces = list(zip(x.chunk(MICRO), y.chunk(MICRO)))
        for i, (xm, ym) in enumerate(pieces):
            last = i == len(pieces) - 1
            if use_no_sync and not last:
                with model.no_sync():          # gradients accumulate locally
                    (torch.nn.functional.mse_loss(model(xm), ym) / MICRO).backward()
            else:
                (torch.nn.functional.mse_loss(model(xm), ym) / MICRO).backward()
        opt.step()
        cpu.append((time.process_time() - c0) * 1e3)
    return flat(model.module), state, cpu


def worker(rank: int, world: int) -> None:
    if rank == 0:
        plain = train_local(False, 1)
        accum = train_local(False, MICRO)
        plain_bn = train_local(True, 1)
        accum_bn = train_local(True, MICRO)
        print(f"micro_batches = {MICRO}")
        print(f"accum_max_abs_diff = {(plain - accum).abs().max().item():.3g}")
        print(f"accum_bn_max_abs_diff = {(plain_bn - accum_bn).abs().max().item():.3g}")
        print(f"max_abs_weight_change = {(plain - flat(make_model())).abs().max().item():.3g}")
    results = {}
    for label, flag in [("sync_every", False), ("no_sync", True)]:
        weights, state, cpu = train_ddp(rank, world, flag)
        results[label] = (weights, state, statistics.median(cpu[5:]))   # after warm-up
    if rank == 0:
        for label, (weights, state, cpu_ms) in results.items():
            print(f"{label}_max_abs_diff_vs_single = {(weights - plain).abs().max().item():.3g}")
            print(f"{label}_allreduce_calls = {state['calls']}")
            print(f"{label}_allreduce_mb = {state['bytes'] / 1e6:.2f}")
            print(f"{label}_cpu_ms_per_step = {cpu_ms:.2f}")
        s, n = results["sync_every"], results["no_sync"]
        print(f"calls_ratio = {s[1]['calls'] / n[1]['calls']:.2f}")
        print(f"cpu_ratio = {s[2] / n[2]:.2f}")
        print(f"optimizer_steps = {STEPS}")


if __name__ == "__main__":
    launch(worker)
# Gradient accumulation:1 ends here
