# [[file:../../primer.org::*Compact convolutions][Compact convolutions:1]]
"""Compact convolutions: a standard 3x3 convolution against a depthwise-separable one.

Data: scikit-learn's 8x8 digits as one-channel images.  Two small CNNs differ
only in their second and third convolutions: standard 3x3 convolutions, or a
depthwise 3x3 convolution (one filter per channel) followed by a 1x1 pointwise
one.  Parameters and multiply-adds are counted from the layer shapes; accuracy
is averaged over three seeds; CPU time is the median of a forward pass at batch 64,
the two networks called in turn.
"""
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

IMG = Path(__file__).resolve().parents[2] / "img" / "06-compression"
IMG.mkdir(parents=True, exist_ok=True)
torch.set_num_threads(1)
SEEDS, STEPS, C = 3, 150, 32

digits = load_digits()
X_tr, X_te, y_tr, y_te = train_test_split(
    digits.images.astype(np.float32) / 16.0, digits.target, test_size=0.3,
    stratify=digits.target, random_state=0)
X_tr, X_te = torch.tensor(X_tr)[:, None], torch.tensor(X_te)[:, None]
y_tr, y_te = torch.tensor(y_tr), torch.tensor(y_te)


def block(c_in, c_out, separable):
    if not separable:
        return nn.Conv2d(c_in, c_out, 3, padding=1)
    return nn.Sequential(nn.Conv2d(c_in, c_in, 3, padding=1, groups=c_in),   # depthwise
                         nn.Conv2d(c_in, c_out, 1))                          # pointwise


def cnn(separable):
    return nn.Sequential(nn.Conv2d(1, C, 3, padding=1), nn.ReLU(),
                         block(C, C, separable), nn.ReLU(), nn.MaxPool2d(2),   # 8x8 -> 4x4
                         block(C, C, separable), nn.ReLU(),
                         nn.Flatten(), nn.Linear(C * 16, 10))


def multiply_adds(model, size=8):
    """Multiply-adds of the convolutions and the output layer for one 8x8 image."""
    total, side = 0, size
    for layer in model.modules():
        if isinstance(layer, nn.MaxPool2d):
            side //= 2
        elif isinstance(layer, nn.Conv2d):
            k = layer.kernel_size[0]
            total += side * side * layer.out_channels * k * k * layer.in_channels // layer.groups
        elif isinstance(layer, nn.Linear):
            total += layer.in_features * layer.out_features
    return total


def train(model, seed):
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    for _ in range(STEPS):
        rows = torch.randint(0, len(X_tr), (64,), generator=gen)
        opt.zero_grad()
        nn.functional.cross_entropy(model(X_tr[rows]), y_tr[rows]).backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        return (model(X_te).argmax(1) == y_te).float().mean().item()


def cpu_ms(models, batch=64, calls=200):
    """Median CPU time per forward pass of each model, the models called in turn so
    that a busy machine slows them alike."""
    x = X_te[:batch]
    times = np.empty((len(models), calls))
    with torch.inference_mode():
        for _ in range(10):
            for model in models:
                model(x)
        for i in range(calls):
            for k, model in enumerate(models):
                start = time.process_time()
                model(x)
                times[k, i] = time.process_time() - start
    return np.median(times, axis=1) * 1e3


stats, trained = {}, {}
for name, separable in [("standard", False), ("separable", True)]:
    accs = []
    for seed in range(SEEDS):
        torch.manual_seed(seed)
        model = cnn(separable)
        accs.append(train(model, seed))
    trained[name] = model.eval()
    blocks = [model[2], model[5]]                       # the two layers that differ
    stats[name] = dict(params=sum(p.numel() for p in model.parameters()),
                       block_params=sum(p.numel() for b in blocks for p in b.parameters()),
                       macs=multiply_adds(model), acc=np.array(accs))
for name, ms in zip(trained, cpu_ms(list(trained.values()))):
    stats[name]["ms"] = ms
for name in stats:
    print(f"{name}_params = {stats[name]['params']}")
    print(f"{name}_block_params = {stats[name]['block_params']}")
    print(f"{name}_macs = {stats[name]['macs']}")
    print(f"{name}_ms = {stats[name]['ms']:.3f}")
    print(f"{name}_accuracy = {np.mean(stats[name]['acc']):.3f}")
    print(f"{name}_accuracy_sd = {np.std(stats[name]['acc']):.3f}")
s, d = stats["standard"], stats["separable"]
print(f"params_ratio = {s['params'] / d['params']:.1f}")
print(f"block_params_ratio = {s['block_params'] / d['block_params']:.1f}")
print(f"macs_ratio = {s['macs'] / d['macs']:.1f}")
print(f"time_ratio = {s['ms'] / d['ms']:.2f}")
# the per-layer saving from the formula: 1/C_out + 1/k^2
print(f"layer_cost_fraction_formula = {1 / C + 1 / 9:.3f}")

fig, ax = plt.subplots(figsize=(7, 3.2))
labels = ["parameters\n(two blocks)", "multiply-adds\n(whole network)", "CPU time\n(batch 64)"]
ratios = [s["block_params"] / d["block_params"], s["macs"] / d["macs"], s["ms"] / d["ms"]]
ax.bar(labels, ratios, color=["#4a7a96", "#4a7a96", "#b5523b"])
ax.axhline(1, color="#222222", lw=1)
for i, v in enumerate(ratios):
    ax.annotate(f"{v:.1f}x", (i, v), ha="center", xytext=(0, 3), textcoords="offset points")
ax.set_ylabel("standard / depthwise-separable")
ax.set_title(f"Accuracy: standard {np.mean(s['acc']):.3f}, separable {np.mean(d['acc']):.3f}",
             fontsize=10)
fig.tight_layout()
fig.savefig(IMG / "compact_conv.png", dpi=120)
# Compact convolutions:1 ends here
