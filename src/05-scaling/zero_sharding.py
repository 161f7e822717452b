# [[file:../../primer.org::*Sharding the optimizer state: ZeRO and FSDP][Sharding the optimizer state: ZeRO and FSDP:1]]
"""Sharding the training state: ZeRO stage 1 and FSDP2 against plain DDP.

Two ranks (gloo on 127.0.0.1) train the same 8-layer perceptron with Adam for 10
steps in three ways: DDP with a full Adam on every rank; DDP with
torch.distributed.optim.ZeroRedundancyOptimizer (ZeRO stage 1: each rank keeps the
Adam moments of its share of the parameters); and FSDP2, torch.distributed.fsdp's
fully_shard applied to every linear layer (ZeRO stage 3: parameters, gradients and
moments all sharded).  Each rank reports the bytes it holds, read from its own
tensors; rank 0 compares every variant's final weights with one process trained on
the whole batch.  Part 2 evaluates the ZeRO paper's per-device formula.
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
from torch.distributed.fsdp import fully_shard
from torch.distributed.optim import ZeroRedundancyOptimizer
from torch.nn.parallel import DistributedDataParallel as DDP

STEPS, BATCH, FEATURES, WIDTH, LAYERS = 10, 64, 32, 256, 8


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


def make_model() -> torch.nn.Module:
    torch.manual_seed(0)
    layers = [torch.nn.Linear(FEATURES, WIDTH), torch.nn.Tanh()]
    for _ in range(LAYERS - 2):
        layers += [torch.nn.Linear(WIDTH, WIDTH), torch.nn.Tanh()]
    layers.append(torch.nn.Linear(WIDTH, 1))
    return torch.nn.Sequential(*layers)


def batch(step: int):
    g = torch.Generator().manual_seed(step)
    x = torch.randn(BATCH, FEATURES, generator=g)
    return x, torch.sin(x[:, :1]) * x[:, 1:2]


def local(t: torch.Tensor) -> torch.Tensor:
    """The part of a (possibly sharded) tensor that lives on this rank."""
    return t.to_local() if hasattr(t, "to_local") else t


def nbytes(tensors) -> int:
    return sum(local(t).numel() * local(t).element_size() for t in tensors)


def state_bytes(opt) -> int:
    inner = opt.optim if isinstance(opt, ZeroRedundancyOptimizer) else opt
    return nbytes(v for st in inner.state.values() for v in st.values()
                  if torch.is_tensor(v) and v.dim() > 0)


def full_weights(model: torch.nn.Module) -> torch.Tensor:
    out = []
    for p in model.parameters():
        p = p.detach()
        out.append((p.full_tensor() if hasattr(p, "full_tensor") else p).reshape(-1))
    return torch.cat(out)


def train(rank: int, world: int, variant: str):
    model = make_model()
    if variant == "single":
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    elif variant == "fsdp2":
        for layer in model:
            if isinstance(layer, torch.nn.Linear):
                fully_shard(layer)              # each layer gathered only while in use
        fully_shard(model)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    else:
        model = DDP(model)
        if variant == "zero1":
            opt = ZeroRedundancyOptimizer(model.parameters(),
                                          optimizer_class=torch.optim.Adam, lr=1e-3)
        else:
            opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for step in range(STEPS):
        x, y = batch(step)
        if variant != "single":
            x, y = x.chunk(world)[rank], y.chunk(world)[rank]
        opt.zero_grad(set_to_none=True)
        torch.nn.functional.mse_loss(model(x), y).backward()
        held = (nbytes(model.parameters()),
                nbytes(p.grad for p in model.parameters() if p.grad is not None))
        opt.step()
    return full_weights(model), held[0], held[1], state_bytes(opt)


def worker(rank: int, world: int) -> None:
    reference = train(rank, world, "single")[0] if rank == 0 else None
    totals = {}
    for variant in ("ddp", "zero1", "fsdp2"):
        weights, w_b, g_b, s_b = train(rank, world, variant)
        mine = torch.tensor([w_b, g_b, s_b], dtype=torch.float64)
        every = [torch.zeros(3, dtype=torch.float64) for _ in range(world)]
        dist.all_gather(every, mine)
        if rank == 0:
            print(f"{variant}_max_abs_diff_vs_single = "
                  f"{(weights - reference).abs().max().item():.3g}")
            for r, (w, g, s) in enumerate(every):
                print(f"{variant}_rank{r}_weight_bytes = {int(w)}")
                print(f"{variant}_rank{r}_grad_bytes = {int(g)}")
                print(f"{variant}_rank{r}_adam_bytes = {int(s)}")
            totals[variant] = (max(e[2] for e in every).item(),
                               max(sum(e) for e in every).item())
            print(f"{variant}_max_rank_total_bytes = {int(totals[variant][1])}")
    if rank == 0:
        start = full_weights(make_model())
        print(f"max_abs_weight_change = {(reference - start).abs().max().item():.3g}")
        for variant in ("zero1", "fsdp2"):
            print(f"{variant}_adam_share_of_ddp = {totals[variant][0] / totals['ddp'][0]:.3f}")
            print(f"{variant}_total_share_of_ddp = {totals[variant][1] / totals['ddp'][1]:.3f}")
        params = sum(p.numel() for p in make_model().parameters())
        print(f"params = {params}")
        print(f"world_size = {world}")
        zero_table()


def zero_table() -> None:
    """Per-device bytes of mixed-precision Adam (K = 12 bytes of optimizer state per
    parameter) under ZeRO's stages, for the paper's example: 7.5 billion
    parameters on 64 data-parallel devices."""
    psi, nd, k = 7.5e9, 64, 12
    stages = {"stage0": (2 + 2 + k) * psi,
              "stage1": (2 + 2) * psi + k * psi / nd,
              "stage2": 2 * psi + (2 + k) * psi / nd,
              "stage3": (2 + 2 + k) * psi / nd}
    for name, b in stages.items():
        print(f"zero_7p5b_{name}_gb = {b / 1e9:.1f}")
    # Communication per step and device, in units of the parameter count: plain
    # data parallelism all-reduces the gradients (reduce-scatter + all-gather,
    # 2 Psi); stages 1-2 do the same in another order; stage 3 also all-gathers
    # the weights again for the backward pass (3 Psi).
    print("zero_comm_stage0_psi = 2")
    print("zero_comm_stage3_psi = 3")


if __name__ == "__main__":
    launch(worker)
# Sharding the optimizer state: ZeRO and FSDP:1 ends here
