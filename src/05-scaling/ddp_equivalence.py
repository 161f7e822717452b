# [[file:../../primer.org::*Two ranks compute what one process computes][Two ranks compute what one process computes:1]]
"""Data parallelism: two ranks under DistributedDataParallel against one process.

Two worker processes (gloo on 127.0.0.1; NCCL if a GPU is present) each take half of
every global batch; DDP averages their gradients with an all-reduce.  Rank 0 also
trains a plain copy of the same model on the whole batch.  After the same number of
steps the three sets of weights should agree to float32 rounding.  A second run
breaks one rank on purpose and shows that the check catches it:
  --break allreduce   (default) both ranks skip the gradient all-reduce (no_sync)
  --break seed        rank 1 draws its half of the batch from the wrong seed
(or set SCALING_BREAK=allreduce|seed).  Run it as a plain script, which starts two
workers itself, or under torchrun --standalone --nproc-per-node=2.
"""
import os
import signal
import socket
import sys
import threading
import time
from datetime import timedelta

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch.nn.parallel import DistributedDataParallel as DDP

STEPS, GLOBAL_BATCH, FEATURES = 30, 64, 16


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


def make_model() -> torch.nn.Module:
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(FEATURES, 64), torch.nn.Tanh(),
                               torch.nn.Linear(64, 64), torch.nn.Tanh(),
                               torch.nn.Linear(64, 1))


def global_batch(step: int, seed: int = 0):
    g = torch.Generator().manual_seed(1000 * seed + step)
    x = torch.randn(GLOBAL_BATCH, FEATURES, generator=g)
    y = torch.sin(x[:, :1] * 2) + x[:, 1:2] * x[:, 2:3] + 0.1 * torch.randn(
        GLOBAL_BATCH, 1, generator=g)
    return x, y


def flat(model: torch.nn.Module) -> torch.Tensor:
    return torch.cat([p.detach().reshape(-1) for p in model.parameters()])


def train_ddp(rank: int, world: int, broken: str | None) -> torch.Tensor:
    dev = device()
    model = DDP(make_model().to(dev))
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    for step in range(STEPS):
        seed = 1 if (broken == "seed" and rank == 1) else 0
        x, y = global_batch(step, seed)
        x, y = x.chunk(world)[rank].to(dev), y.chunk(world)[rank].to(dev)
        opt.zero_grad(set_to_none=True)
        if broken == "allreduce":
            with model.no_sync():              # forward and backward inside: no averaging
                torch.nn.functional.mse_loss(model(x), y).backward()
        else:                                  # DDP all-reduces the gradients in backward
            torch.nn.functional.mse_loss(model(x), y).backward()
        opt.step()
    return flat(model.module)


def train_single() -> torch.Tensor:
    model = make_model()
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    for step in range(STEPS):
        x, y = global_batch(step)
        loss = torch.nn.functional.mse_loss(model(x), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    return flat(model)


def worker(rank: int, world: int, broken: str) -> None:
    reference = train_single() if rank == 0 else None
    start = flat(make_model())
    for label, mode in [("ddp", None), ("broken", broken)]:
        mine = train_ddp(rank, world, mode).cpu()
        everyone = [torch.empty_like(mine) for _ in range(world)]
        dist.all_gather(everyone, mine)
        if rank == 0:
            vs_single = max((w - reference).abs().max().item() for w in everyone)
            between = max((w - everyone[0]).abs().max().item() for w in everyone)
            print(f"{label}_max_abs_diff_vs_single = {vs_single:.3g}")
            print(f"{label}_max_abs_diff_between_ranks = {between:.3g}")
    if rank == 0:
        print(f"world_size = {world}")
        print(f"broken_mode = {broken}")
        print(f"steps = {STEPS}")
        print(f"max_abs_weight_change = {(reference - start).abs().max().item():.3g}")


if __name__ == "__main__":
    mode = os.environ.get("SCALING_BREAK", "allreduce")
    if "--break" in sys.argv:
        mode = sys.argv[sys.argv.index("--break") + 1]
    if mode not in ("allreduce", "seed"):
        sys.exit("--break takes allreduce or seed")
    launch(worker, mode)
# Two ranks compute what one process computes:1 ends here
