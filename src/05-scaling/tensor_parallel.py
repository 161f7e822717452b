# [[file:../../primer.org::*Tensor parallelism][Tensor parallelism:1]]
"""Tensor parallelism: a transformer MLP block split across two ranks, Megatron style.

The block is Y = GELU(X A) B with A of shape d x 4d and B of shape 4d x d.  Rank r
keeps the columns A_r of A and the matching rows B_r of B, computes
GELU(X A_r) B_r on the whole input, and one all-reduce sums the two partial outputs
into Y.  In the backward pass the gradient with respect to X needs one all-reduce
too.  Rank 0 compares outputs and gradients with the unsplit block, each rank
counts the bytes it sent, and the communication per step is compared with what
data parallelism would send for the same block.
Run as a plain script (it starts two workers) or under torchrun.
"""
import os
import signal
import socket
import threading
import time
from datetime import timedelta

import torch
import torch.distributed as dist
import torch.multiprocessing as mp

D, TOKENS = 256, 512                   # width, and batch x sequence length
SENT = {"bytes": 0, "calls": 0}


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


def all_reduce_counted(t: torch.Tensor) -> torch.Tensor:
    SENT["bytes"] += t.numel() * t.element_size()
    SENT["calls"] += 1
    dist.all_reduce(t)
    return t


class CopyToRanks(torch.autograd.Function):
    """Megatron's f: identity forward; all-reduce of the input's gradient backward."""

    @staticmethod
    def forward(ctx, x):
        return x

    @staticmethod
    def backward(ctx, grad):
        return all_reduce_counted(grad.clone())


class SumFromRanks(torch.autograd.Function):
    """Megatron's g: all-reduce forward (sum the partial outputs); identity backward."""

    @staticmethod
    def forward(ctx, partial):
        return all_reduce_counted(partial.clone())

    @staticmethod
    def backward(ctx, grad):
        return grad


def full_weights():
    g = torch.Generator().manual_seed(0)
    a = torch.randn(D, 4 * D, generator=g) / D ** 0.5
    b = torch.randn(4 * D, D, generator=g) / (4 * D) ** 0.5
    x = torch.randn(TOKENS, D, generator=g)
    return a, b, x


def worker(rank: int, world: int) -> None:
    a, b, x = full_weights()
    cols = 4 * D // world
    a_r = a[:, rank * cols:(rank + 1) * cols].clone().requires_grad_()   # column split
    b_r = b[rank * cols:(rank + 1) * cols, :].clone().requires_grad_()   # row split
    x_r = x.clone().requires_grad_()
    y = SumFromRanks.apply(torch.nn.functional.gelu(CopyToRanks.apply(x_r) @ a_r) @ b_r)
    fwd_calls = SENT["calls"]
    y.square().mean().backward()
    parts_a = [torch.empty_like(a_r) for _ in range(world)]
    parts_b = [torch.empty_like(b_r) for _ in range(world)]
    dist.all_gather(parts_a, a_r.grad)
    dist.all_gather(parts_b, b_r.grad)
    if rank != 0:
        return
    # the unsplit block on one process
    a_f, b_f, x_f = (t.clone().requires_grad_() for t in (a, b, x))
    y_f = torch.nn.functional.gelu(x_f @ a_f) @ b_f
    y_f.square().mean().backward()
    print(f"world_size = {world}")
    print(f"output_max_abs_diff = {(y - y_f).abs().max().item():.3g}")
    print(f"output_max_abs = {y_f.abs().max().item():.3g}")
    print(f"grad_x_max_abs_diff = {(x_r.grad - x_f.grad).abs().max().item():.3g}")
    print(f"grad_a_max_abs_diff = {(torch.cat(parts_a, 1) - a_f.grad).abs().max().item():.3g}")
    print(f"grad_b_max_abs_diff = {(torch.cat(parts_b, 0) - b_f.grad).abs().max().item():.3g}")
    params = a.numel() + b.numel()
    print(f"weight_bytes_per_rank = {(a_r.numel() + b_r.numel()) * 4}")
    print(f"weight_bytes_unsplit = {params * 4}")
    print(f"allreduce_calls_forward = {fwd_calls}")
    print(f"allreduce_calls_total = {SENT['calls']}")
    print(f"allreduce_mb_per_step = {SENT['bytes'] / 1e6:.3f}")
    ring = 2 * (world - 1) / world
    # Per rank and step, in a ring: tensor parallelism all-reduces the activations
    # twice (forward and backward), data parallelism the block's gradients once.
    tp = 2 * ring * TOKENS * D * 4
    dp = ring * params * 4
    print(f"tp_traffic_mb = {tp / 1e6:.3f}")
    print(f"dp_traffic_mb = {dp / 1e6:.3f}")
    print(f"tp_over_dp = {tp / dp:.3f}")
    # The same ratio, 2 * tokens * d / (8 d^2) = tokens / (4 d), for large models.
    for name, d, tokens in [("gpt3_1seq", 12288, 2048), ("gpt3_8seq", 12288, 8 * 2048),
                            ("d4096_1seq", 4096, 2048), ("d4096_8seq", 4096, 8 * 2048)]:
        print(f"tp_over_dp_{name} = {tokens / (4 * d):.3f}")


if __name__ == "__main__":
    launch(worker)
# Tensor parallelism:1 ends here
