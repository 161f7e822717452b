# [[file:../../primer.org::*Rematerialization: recomputing activations][Rematerialization: recomputing activations:1]]
"""Rematerialization (activation checkpointing): memory saved and compute paid.

A stack of 16 residual MLP blocks (layer norm, d -> 4d, GELU, 4d -> d) is trained
for one step in three ways: keep every activation; checkpoint every block
(torch.utils.checkpoint, use_reentrant=False: each block keeps only its input and
recomputes the rest in the backward pass); checkpoint segments of sqrt(16) = 4
blocks.  Memory is read from glibc's allocator (mallinfo2: bytes in use, heap and
mmap), so it counts every tensor PyTorch holds, including those the checkpoint
stores outside autograd's hooks: the bytes held after the forward pass and the peak
during the backward pass, above the weights.  Compute is counted as block forward
calls, and timed as the median CPU time of a training step after warm-up.
"""
import ctypes
import statistics
import time

import torch
from torch.utils.checkpoint import checkpoint

torch.set_num_threads(1)
torch.manual_seed(0)
BLOCKS, D, ROWS = 16, 256, 256


class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                 "fsmblks", "uordblks", "fordblks", "keepcost")]


libc = ctypes.CDLL("libc.so.6")
libc.mallinfo2.restype = MallInfo2


def in_use() -> int:
    info = libc.mallinfo2()
    return info.uordblks + info.hblkhd      # heap chunks in use + mmapped chunks


PEAK = [0]


def note() -> None:
    PEAK[0] = max(PEAK[0], in_use())


def sample(grad):
    """Called in the backward pass each time a block boundary's gradient is ready."""
    note()
    return grad


class Block(torch.nn.Module):
    calls = 0

    def __init__(self):
        super().__init__()
        self.norm = torch.nn.LayerNorm(D)
        self.up = torch.nn.Linear(D, 4 * D)
        self.down = torch.nn.Linear(4 * D, D)

    def forward(self, x):
        Block.calls += 1
        out = x + self.down(torch.nn.functional.gelu(self.up(self.norm(x))))
        note()                       # runs again when a checkpoint recomputes the block
        return out


blocks = torch.nn.ModuleList(Block() for _ in range(BLOCKS))
x = torch.randn(ROWS, D)




def forward(strategy: str, h: torch.Tensor, watch: bool = False) -> torch.Tensor:
    if strategy == "none":
        for b in blocks:
            h = b(h)
            if watch:
                h.register_hook(sample)
    elif strategy == "every":
        for b in blocks:
            h = checkpoint(b, h, use_reentrant=False)
            if watch:
                h.register_hook(sample)
    else:                                       # segments of sqrt(n) blocks
        seg = int(BLOCKS ** 0.5)

        def run(h, start):
            for b in blocks[start:start + seg]:
                h = b(h)
            return h

        for start in range(0, BLOCKS, seg):
            h = checkpoint(run, h, start, use_reentrant=False)
            if watch:
                h.register_hook(sample)
    return h


def measure(strategy: str):
    blocks.zero_grad(set_to_none=False)      # gradient buffers exist before we start
    h0 = x.clone().requires_grad_()
    base = in_use()
    Block.calls = 0
    # no early stop: a recomputed block runs to its end, so note() sees it
    with torch.utils.checkpoint.set_checkpoint_early_stop(False):
        loss = forward(strategy, h0, watch=True).square().mean()
    after_forward = in_use() - base
    PEAK[0] = 0                              # from here on: the backward pass
    loss.backward()
    return after_forward, PEAK[0] - base, Block.calls


STRATEGIES = ("none", "every", "sqrt")


def step_cpu_ms(rounds: int = 7) -> dict[str, float]:
    """Median CPU time of a training step per strategy.  The strategies take turns,
    step by step, so that a busy neighbour or a warm cache favours none of them."""
    cpu = {s: [] for s in STRATEGIES}
    for i in range(rounds + 1):
        for s in STRATEGIES:
            c0 = time.process_time()
            blocks.zero_grad(set_to_none=False)
            forward(s, x.clone().requires_grad_()).square().mean().backward()
            if i > 0:                                    # round 0 warms up
                cpu[s].append((time.process_time() - c0) * 1e3)
    return {s: statistics.median(t) for s, t in cpu.items()}


# warm-up: the first checkpointed step after an ordinary one holds extra memory
# once (allocator and checkpoint set-up), so every strategy runs once unmeasured
for s in STRATEGIES:
    measure(s)
act_bytes = ROWS * D * 4
cpu_ms = step_cpu_ms()
res = {s: (*measure(s), cpu_ms[s]) for s in STRATEGIES}
print(f"blocks = {BLOCKS}")
print(f"activation_mb_per_block_input = {act_bytes / 1e6:.3f}")
for s, (held, peak, calls, cpu) in res.items():
    print(f"{s}_held_after_forward_mb = {held / 1e6:.2f}")
    print(f"{s}_peak_backward_mb = {peak / 1e6:.2f}")
    print(f"{s}_block_forward_calls = {calls}")
    print(f"{s}_step_cpu_ms = {cpu:.1f}")
for s in ("every", "sqrt"):
    print(f"{s}_held_share_of_none = {res[s][0] / res['none'][0]:.3f}")
    print(f"{s}_peak_share_of_none = {res[s][1] / res['none'][1]:.3f}")
    print(f"{s}_cpu_ratio_to_none = {res[s][3] / res['none'][3]:.2f}")

# The model behind the numbers: with segments of k blocks, the forward pass keeps
# n/k segment inputs of a bytes, and the backward pass adds one segment's full
# activations, k * A, while it is recomputed.
a = act_bytes
A = res["none"][0] / BLOCKS                     # one block's activations, measured
print(f"block_activation_over_input = {A / a:.2f}")
for k in (1, 4):
    print(f"formula_peak_k{k}_mb = {((BLOCKS / k) * a + k * A) / 1e6:.2f}")
best = min((k for k in range(1, BLOCKS + 1) if BLOCKS % k == 0),
           key=lambda k: (BLOCKS / k) * a + k * A)
print(f"best_segment_blocks = {best}")
print(f"sqrt_rule_segment_blocks = {int(BLOCKS ** 0.5)}")
# Rematerialization: recomputing activations:1 ends here
