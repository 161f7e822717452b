# [[file:../../primer.org::*Dynamic shapes][Dynamic shapes:1]]
"""Variable-length inputs: padding waste, bucketing, packed sequences, adaptive pooling.

Data: 2,048 synthetic token sequences whose lengths follow a heavy-tailed
log-normal distribution (median about 20, clipped to 1-256), and the 8x8
digits resized to three image sizes.  An LSTM (random weights: the cost does not
depend on them) encodes batches of 32 sequences formed in three ways: in
random order, after sorting by length, and in length buckets.  CPU time is
summed over all batches (least of five passes, after a warm-up pass), on one
thread.
"""
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.datasets import load_digits
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence

IMG = Path(__file__).resolve().parents[2] / "img" / "06-compression"
IMG.mkdir(parents=True, exist_ok=True)
torch.set_num_threads(1)
torch.manual_seed(0)
rng = np.random.default_rng(0)
N, BATCH, DIM = 2048, 32, 32
BUCKETS = [8, 16, 32, 64, 128, 256]

lengths = np.clip(np.round(rng.lognormal(np.log(20), 0.9, N)), 1, 256).astype(int)
sequences = [torch.randn(n, DIM) for n in lengths]
print(f"median_length = {np.median(lengths):.0f}")
print(f"p99_length = {np.percentile(lengths, 99):.0f}")
print(f"max_length = {lengths.max()}")
lstm = nn.LSTM(DIM, 64, batch_first=True).eval()


def chunks(order):
    return [order[i:i + BATCH] for i in range(0, len(order), BATCH)]


def bucket_batches():
    """Sequences grouped by length bucket and shuffled within it; no batch straddles two."""
    bucket = np.searchsorted(BUCKETS, lengths)
    return [batch for b in range(len(BUCKETS))
            for batch in chunks(rng.permutation(np.flatnonzero(bucket == b)))]


def widths(plan, pad_to=None):
    """Pad each batch to its longest sequence, or up to the next bucket boundary."""
    for idx in plan:
        width = lengths[idx].max()
        yield idx, (next(b for b in pad_to if b >= width) if pad_to else width)


def run(plan):
    """Pad each batch to its width and run the LSTM; return pad share, CPU s, shapes."""
    real = padded = 0
    shapes = set()
    cpu = 0.0
    with torch.inference_mode():
        for idx, width in plan:
            x = torch.zeros(len(idx), width, DIM)
            for row, i in enumerate(idx):
                x[row, :lengths[i]] = sequences[i]
            start = time.process_time()
            lstm(x)
            cpu += time.process_time() - start
            real += lengths[idx].sum()
            padded += len(idx) * width
            shapes.add(width)
    return 1 - real / padded, cpu, len(shapes), padded


random_batches = chunks(rng.permutation(N))
sorted_batches = chunks(np.argsort(lengths, kind="stable"))
bucketed = bucket_batches()
plans = {"random": lambda: widths(random_batches),
         "sorted": lambda: widths(sorted_batches),
         "bucketed": lambda: widths(bucketed),
         "bucketed_fixed": lambda: widths(bucketed, pad_to=BUCKETS)}
run(plans["random"]())                                  # warm-up
stats = {}
for name, plan in plans.items():
    repeats = [run(plan()) for _ in range(5)]
    cpu = min(r[1] for r in repeats)                    # least of five passes: load only adds
    stats[name] = (repeats[0][0], cpu, repeats[0][2], repeats[0][3])
    waste, cpu, shapes, tokens = stats[name]
    print(f"{name}_pad_share = {waste:.3f}")
    print(f"{name}_cpu_s = {cpu:.3f}")
    print(f"{name}_distinct_shapes = {shapes}")
print(f"random_vs_sorted_time = {stats['random'][1] / stats['sorted'][1]:.1f}")
print(f"random_vs_sorted_tokens = {stats['random'][3] / stats['sorted'][3]:.1f}")
print(f"time_ratio_over_token_ratio = "
      f"{stats['random'][1] / stats['sorted'][1] / (stats['random'][3] / stats['sorted'][3]):.2f}")

# Packed sequences: the LSTM skips the padding, so each sequence's final state is
# exactly what it would be if the sequence were run on its own.
idx = random_batches[0]
batch = pad_sequence([sequences[i] for i in idx], batch_first=True)
with torch.inference_mode():
    _, (h_packed, _) = lstm(pack_padded_sequence(batch, torch.tensor(lengths[idx]),
                                                 batch_first=True, enforce_sorted=False))
    _, (h_padded, _) = lstm(batch)              # runs over the padding too
    alone = torch.stack([lstm(sequences[i][None])[1][0][0, 0] for i in idx])
print(f"packed_vs_alone_max_diff = {(h_packed[0] - alone).abs().max():.1e}")
print(f"padded_vs_alone_max_diff = {(h_padded[0] - alone).abs().max():.2f}")

# Adaptive pooling: one CNN for several image sizes.
digits = load_digits()
images = torch.tensor(digits.images[:64, None] / 16.0, dtype=torch.float32)
cnn = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.Conv2d(16, 16, 3, padding=1),
                    nn.ReLU(), nn.AdaptiveAvgPool2d(4), nn.Flatten(), nn.Linear(256, 10)).eval()
shapes = set()
with torch.inference_mode():
    for side in (8, 12, 20):
        resized = nn.functional.interpolate(images, size=(side, side), mode="bilinear")
        shapes.add(tuple(cnn(resized).shape))
print("adaptive_input_sizes = 3")
print(f"adaptive_output_shapes = {len(shapes)}")

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
left.hist(lengths, bins=np.arange(0, 260, 4), color="#4a7a96")
left.set_yscale("log")
left.set_xlabel("sequence length (tokens)")
left.set_ylabel("sequences (log scale)")
left.set_title("Heavy-tailed lengths")
names = list(stats)
right.bar(np.arange(4) - 0.2, [stats[n][0] for n in names], width=0.4, color="#b5523b",
          label="share of pad tokens")
right.bar(np.arange(4) + 0.2, [stats[n][1] / stats["random"][1] for n in names], width=0.4,
          color="#4a7a96", label="LSTM CPU time / random")
right.set_xticks(range(4), ["random", "sorted", "bucketed", "bucketed,\nfixed widths"])
right.set_title("Batches of 32")
right.legend(fontsize=8)
fig.tight_layout()
fig.savefig(IMG / "dynamic_shapes.png", dpi=120)
# Dynamic shapes:1 ends here
