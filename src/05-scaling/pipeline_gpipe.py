# [[file:../../primer.org::*Pipeline parallelism][Pipeline parallelism:1]]
"""Pipeline parallelism: a two-stage GPipe schedule, and 1F1B, with send/recv.

An 8-layer perceptron is cut into two stages of four layers, one per rank (gloo on
127.0.0.1).  A batch of 256 rows is split into M micro-batches; stage 0 sends each
micro-batch's activations to stage 1, which sends back the gradient with respect to
them.  GPipe runs all M forwards, then all M backwards; 1F1B starts each backward
as soon as it can.  Each stage times every forward and backward it computes
(wall clock) and calls the rest of the step idle, so the bubble fraction is
measured, not assumed; the schedule is written out with torch.distributed
isend/recv rather than torch.distributed.pipelining so that each wait is visible.
Wall-clock idle time on a shared machine also counts time the operating system
gave to other jobs, so the schedule is also replayed from each operation's CPU
time (the least of four steps) with free messages: that is the schedule's own bubble.
Gradients are checked against the unsplit model on the whole batch.
Run as a plain script (it starts two workers) or under torchrun.
"""
import os
import signal
import socket
import statistics
import threading
import time
from datetime import timedelta
from pathlib import Path

import torch
import torch.distributed as dist
import torch.multiprocessing as mp

IMG = Path(__file__).resolve().parents[2] / "img" / "05-scaling"
BATCH, WIDTH, LAYERS = 256, 384, 8
MICRO = [1, 2, 4, 8, 16]
REPEATS = 5                        # steps per setting; the first is a warm-up


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


def make_model() -> torch.nn.Sequential:
    torch.manual_seed(0)
    layers = []
    for _ in range(LAYERS):
        layers += [torch.nn.Linear(WIDTH, WIDTH), torch.nn.Tanh()]
    return torch.nn.Sequential(*layers)


def stage_of(model: torch.nn.Sequential, rank: int) -> torch.nn.Sequential:
    half = len(model) // 2
    return model[:half] if rank == 0 else model[half:]


def data():
    g = torch.Generator().manual_seed(1)
    x = torch.randn(BATCH, WIDTH, generator=g)
    return x, torch.tanh(x.roll(1, dims=1))


def order(schedule: str, rank: int, m: int) -> list:
    """The sequence of (op, micro-batch) a stage executes."""
    if schedule == "gpipe":
        return [("F", i) for i in range(m)] + [("B", i) for i in range(m)]
    warm = min(m, 2 - 1 - rank)                 # 1F1B: K - 1 - s warm-up forwards
    ops = [("F", i) for i in range(warm)]
    for i in range(warm, m):
        ops += [("F", i), ("B", i - warm)]
    return ops + [("B", i) for i in range(m - warm, m)]


def replay(schedule: str, m: int, cost: list) -> float:
    """Idle share of a two-stage schedule whose operations take the measured CPU
    times and whose messages are free: the schedule's own bubble, without this
    machine's load.  F_i on stage 1 waits for F_i on stage 0; B_i on stage 0 waits
    for B_i on stage 1."""
    queues = [order(schedule, r, m) for r in (0, 1)]
    done, clock, pos = {}, [0.0, 0.0], [0, 0]
    while pos[0] < len(queues[0]) or pos[1] < len(queues[1]):
        progressed = False
        for r in (0, 1):
            if pos[r] == len(queues[r]):
                continue
            op, i = queues[r][pos[r]]
            dep = (1 - r, op, i) if (r == 1 and op == "F") or (r == 0 and op == "B") else None
            if dep is not None and dep not in done:
                continue
            start = max(clock[r], done[dep] if dep else 0.0)
            clock[r] = done[(r, op, i)] = start + cost[r][(op, i)]
            pos[r] += 1
            progressed = True
        assert progressed, "schedule deadlocked"
    span = max(clock)
    work = sum(sum(c.values()) for c in cost)
    return 1 - work / (2 * span)


def run_step(stage, rank: int, m: int, schedule: str):
    """One training step over m micro-batches.  Returns busy seconds, total
    seconds, the largest number of micro-batches whose activations were alive,
    and the CPU time of each operation."""
    x, y = data()
    xs, ys = x.chunk(m), y.chunk(m)
    rows = BATCH // m
    stage.zero_grad(set_to_none=True)
    pending, live, max_live, busy = [], {}, 0, 0.0
    cpu = {}                                 # (op, micro-batch) -> CPU seconds of this thread

    def forward(i):
        nonlocal busy, max_live
        if rank == 0:
            t0, c0 = time.perf_counter(), time.thread_time()
            out = stage(xs[i])
            busy += time.perf_counter() - t0
            cpu[("F", i)] = time.thread_time() - c0
            pending.append(dist.isend(out.detach(), dst=1))
            live[i] = (out, None)
        else:
            inp = torch.empty(rows, WIDTH)
            dist.recv(inp, src=0)
            inp.requires_grad_()
            t0, c0 = time.perf_counter(), time.thread_time()
            loss = torch.nn.functional.mse_loss(stage(inp), ys[i]) / m
            busy += time.perf_counter() - t0
            cpu[("F", i)] = time.thread_time() - c0
            live[i] = (loss, inp)
        max_live = max(max_live, len(live))

    def backward(i):
        nonlocal busy
        out, inp = live.pop(i)
        if rank == 0:
            grad = torch.empty(rows, WIDTH)
            dist.recv(grad, src=1)
            t0, c0 = time.perf_counter(), time.thread_time()
            out.backward(grad)
            busy += time.perf_counter() - t0
        else:
            t0, c0 = time.perf_counter(), time.thread_time()
            out.backward()
            busy += time.perf_counter() - t0
        cpu[("B", i)] = time.thread_time() - c0
        if rank == 1:
            pending.append(dist.isend(inp.grad, dst=0))

    dist.barrier()
    start = time.perf_counter()
    for op, i in order(schedule, rank, m):
        (forward if op == "F" else backward)(i)
    for req in pending:
        req.wait()
    total = time.perf_counter() - start
    return busy, total, max_live, cpu


def worker(rank: int, world: int) -> None:
    assert world == 2, "this schedule is written for two stages"
    model = make_model()
    stage = stage_of(model, rank)
    rows, costs = {}, {}
    for schedule in ("gpipe", "1f1b"):
        for m in MICRO:
            fractions, per_op = [], []
            for rep in range(REPEATS):
                busy, total, max_live, cpu = run_step(stage, rank, m, schedule)
                if rep > 0:
                    fractions.append(1 - busy / total)
                    per_op.append(cpu)
            rows[(schedule, m)] = (statistics.median(fractions), max_live)
            # the least CPU each operation took: interference from other work on
            # the machine (caches, a shared core) can only add to it
            costs[(schedule, m)] = {k: min(c[k] for c in per_op) for k in per_op[0]}
    gathered = [None] * world
    dist.all_gather_object(gathered, costs)
    # gradients of the last step against the unsplit model on the whole batch
    ref = make_model()
    x, y = data()
    torch.nn.functional.mse_loss(ref(x), y).backward()
    mine = torch.cat([p.grad.reshape(-1) for p in stage.parameters()])
    want = torch.cat([p.grad.reshape(-1) for p in stage_of(ref, rank).parameters()])
    diff = torch.tensor([(mine - want).abs().max().item()])
    dist.all_reduce(diff, op=dist.ReduceOp.MAX)
    bubbles = torch.tensor([rows[k][0] for k in sorted(rows)])
    lives = torch.tensor([float(rows[k][1]) for k in sorted(rows)])
    every_b = [torch.zeros_like(bubbles) for _ in range(world)]
    every_l = [torch.zeros_like(lives) for _ in range(world)]
    dist.all_gather(every_b, bubbles)
    dist.all_gather(every_l, lives)
    if rank == 0:
        report(sorted(rows), every_b, every_l, diff.item(), gathered)


def report(keys, bubbles, lives, diff, costs) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    IMG.mkdir(parents=True, exist_ok=True)
    print(f"stages = 2")
    print(f"grad_max_abs_diff_vs_unsplit = {diff:.3g}")
    measured, gaps = {}, []
    for j, (schedule, m) in enumerate(keys):
        bubble = (bubbles[0][j].item() + bubbles[1][j].item()) / 2   # mean over stages
        replayed = replay(schedule, m, [costs[0][(schedule, m)], costs[1][(schedule, m)]])
        measured[(schedule, m)] = (bubble, replayed)
        key = "onef1b" if schedule == "1f1b" else schedule    # keys start with a letter
        print(f"{key}_m{m}_wall_bubble = {bubble:.3f}")
        print(f"{key}_m{m}_replay_bubble = {replayed:.3f}")
        print(f"{key}_m{m}_stage0_live_microbatches = {int(lives[0][j].item())}")
        if schedule == "gpipe":
            print(f"theory_m{m}_bubble = {(2 - 1) / (m + 2 - 1):.3f}")
            # The formula assumes equal stages.  With forward and backward times f_s
            # and b_s per micro-batch on stage s, the slower stage paces each phase:
            # GPipe's span is M (max f + max b) + min f + min b.
            c = [costs[r][(schedule, m)] for r in (0, 1)]
            f = [sum(v for (op, _), v in c[r].items() if op == "F") / m for r in (0, 1)]
            b = [sum(v for (op, _), v in c[r].items() if op == "B") / m for r in (0, 1)]
            span = m * (max(f) + max(b)) + min(f) + min(b)
            print(f"stage1_over_stage0_work_m{m} = {(f[1] + b[1]) / (f[0] + b[0]):.3f}")
            theory = 1 - m * (sum(f) + sum(b)) / (2 * span)
            print(f"theory_unequal_m{m}_bubble = {theory:.3f}")
            gaps.append(abs(theory - replayed))
    # the formula averages the micro-batches of a stage; the replay does not
    print(f"theory_unequal_largest_gap = {max(gaps):.3f}")
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    ms = sorted({m for _, m in keys})
    ax.plot(ms, [1 / (m + 1) for m in ms], "k--", label="(K-1)/(M+K-1), K = 2")
    ax.plot(ms, [measured[("gpipe", m)][1] for m in ms], "o-", color="#4a7a96",
            label="GPipe, replayed from measured CPU times")
    ax.plot(ms, [measured[("1f1b", m)][1] for m in ms], "s-", color="#b5523b",
            label="1F1B, replayed")
    ax.plot(ms, [measured[("gpipe", m)][0] for m in ms], "o:", color="#999999",
            label="GPipe, wall clock on this busy machine")
    ax.set_xscale("log", base=2)
    ax.set_xlabel("micro-batches M")
    ax.set_ylabel("idle share of the step (bubble)")
    ax.set_ylim(0, 1)
    ax.set_title("Two-stage pipeline on two ranks")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(IMG / "pipeline_gpipe.png", dpi=120)


if __name__ == "__main__":
    launch(worker)
# Pipeline parallelism:1 ends here
