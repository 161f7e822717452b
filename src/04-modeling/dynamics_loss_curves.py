# [[file:../../primer.org::*Reading loss curves][Reading loss curves:1]]
"""Three loss-curve pathologies produced on purpose, each next to its fix.

Data: five overlapping Gaussian classes in 20 dimensions (2,000 training and
500 validation rows), a 20-64-5 ReLU network trained by plain mini-batch SGD
(batches of 32, 8 epochs).  The validation loss is recorded after every step.
1. Oscillation: a learning rate that is too high, and data sorted by class.
2. A sharp jump: one batch with four corrupted rows (a unit error, x 1000) or a
   NaN, with no protection, with gradient-norm clipping and with row validation.
3. A stuck loss: a data loader that hands out the same 32 rows at every step.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

IMG = Path(__file__).resolve().parents[2] / "img" / "04-modeling"

IMG.mkdir(parents=True, exist_ok=True)
torch.set_num_threads(1)
rng = np.random.default_rng(0)

d, k = 20, 5
centres = rng.normal(0, 0.5, size=(k, d))
labels = rng.integers(0, k, 2_500)
features = centres[labels] + rng.normal(0, 1.0, size=(2_500, d))
X = torch.tensor(features[:2_000], dtype=torch.float32)
y = torch.tensor(labels[:2_000])
X_val = torch.tensor(features[2_000:], dtype=torch.float32)
y_val = torch.tensor(labels[2_000:])
BATCH, EPOCHS, INJECT_AT = 32, 8, 250
STEPS_PER_EPOCH = -(-len(X) // BATCH)


def validate_rows(xb, yb, limit=10.0):
    """A schema check: every feature finite and within +-limit (z-score scale)."""
    ok = torch.isfinite(xb).all(dim=1) & (xb.abs() <= limit).all(dim=1)
    return xb[ok], yb[ok]


def train(lr=0.05, order="shuffled", corrupt=None, clip=None, check=False, loader_bug=False):
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(d, 64), nn.ReLU(), nn.Linear(64, k))
    order_rng = np.random.default_rng(1)
    val_curve, batch_curve, norms, step = [], [], [], 0
    for epoch in range(EPOCHS):
        if order == "shuffled":
            order_idx = torch.from_numpy(order_rng.permutation(len(X)))
        else:                                   # stored sorted by class, never shuffled
            order_idx = torch.argsort(y, stable=True)
        for start in range(0, len(X), BATCH):
            step += 1
            rows = order_idx[start:start + BATCH]
            if loader_bug:                      # next(iter(loader)) on every step
                rows = order_idx[:BATCH] if order == "sorted" else torch.arange(BATCH)
            xb, yb = X[rows], y[rows]
            if corrupt is not None and step == INJECT_AT:
                xb = xb.clone()
                xb[:corrupt[0]] = corrupt[1]    # e.g. 4 rows in the wrong unit
            if check:
                xb, yb = validate_rows(xb, yb)
            loss = nn.functional.cross_entropy(net(xb), yb)
            net.zero_grad()
            loss.backward()
            # clip_grad_norm_ rescales the gradient in place when its norm exceeds
            # max_norm, and returns the norm it measured before clipping.
            norms.append(nn.utils.clip_grad_norm_(net.parameters(),
                                                  max_norm=clip or float("inf")).item())
            with torch.no_grad():
                for p in net.parameters():
                    p -= lr * p.grad
                val_curve.append(nn.functional.cross_entropy(net(X_val), y_val).item())
            batch_curve.append(loss.item())
    return np.array(val_curve), np.array(batch_curve), np.array(norms)
# Reading loss curves:1 ends here

# [[file:../../primer.org::*Reading loss curves][Reading loss curves:2]]
runs = {
    "baseline": train(),
    "high_lr": train(lr=1.0),
    "sorted": train(order="sorted"),
    "outlier": train(corrupt=(4, 1000.0)),
    "outlier_clipped": train(corrupt=(4, 1000.0), clip=1.0),
    "outlier_validated": train(corrupt=(4, 1000.0), check=True),
    "nan": train(corrupt=(1, float("nan"))),
    "nan_clipped": train(corrupt=(1, float("nan")), clip=1.0),
    "nan_validated": train(corrupt=(1, float("nan")), check=True),
    "same_batch": train(loader_bug=True),
}
last_epoch = slice(-STEPS_PER_EPOCH, None)
for name in ["baseline", "high_lr", "sorted"]:
    val = runs[name][0]
    print(f"{name}_val_loss_last_epoch_mean = {val[last_epoch].mean():.3f}")
    print(f"{name}_val_loss_last_epoch_sd = {val[last_epoch].std():.4f}")
# Curves are indexed from 0, steps from 1: the corrupted batch is curve[INJECT_AT - 1].
print(f"val_loss_before_injection = {runs['outlier'][0][INJECT_AT - 2]:.3f}")
print(f"grad_norm_median = {np.median(runs['baseline'][2]):.2f}")
print(f"grad_norm_corrupted_batch = {runs['outlier'][2][INJECT_AT - 1]:.0f}")
for name in ["outlier", "outlier_clipped", "outlier_validated"]:
    val = runs[name][0]
    print(f"{name}_val_loss_peak = {val[INJECT_AT - 1:INJECT_AT + 19].max():.3f}")
    print(f"{name}_val_loss_final = {val[-1]:.3f}")
for name in ["nan", "nan_clipped", "nan_validated"]:
    val = runs[name][0]
    bad = np.flatnonzero(~np.isfinite(val))
    print(f"{name}_first_nan_step = {bad[0] + 1 if bad.size else 'none'}")
    print(f"{name}_finite_final = {int(np.isfinite(val[-1]))}")
print(f"same_batch_val_loss_final = {runs['same_batch'][0][-1]:.3f}")
print(f"same_batch_batch_loss_last_epoch = {runs['same_batch'][1][last_epoch].mean():.3f}")
print(f"baseline_val_loss_final = {runs['baseline'][0][-1]:.3f}")
print(f"baseline_batch_loss_last_epoch = {runs['baseline'][1][last_epoch].mean():.3f}")

fig, axes = plt.subplots(1, 3, figsize=(11, 3.8))
steps = np.arange(1, EPOCHS * STEPS_PER_EPOCH + 1)
ax = axes[0]
ax.plot(steps, runs["high_lr"][0], color="#b5523b", lw=0.8, label="learning rate 1.0")
ax.plot(steps, runs["sorted"][0], color="#d99a5e", lw=0.8, label="sorted by class, not shuffled")
ax.plot(steps, runs["baseline"][0], color="#4a7a96", lw=1.2, label="fix: rate 0.05, shuffled")
ax.set_title("Oscillating loss")
ax = axes[1]
ax.plot(steps, runs["outlier"][0], color="#b5523b", lw=0.8, label=f"4 rows x 1000 at step {INJECT_AT}")
ax.plot(steps, runs["outlier_clipped"][0], color="#d99a5e", lw=1.5, label="fix: clip gradient norm to 1")
ax.plot(steps, runs["outlier_validated"][0], color="#4a7a96", lw=0.8, ls="--",
        label="fix: drop rows failing the range check")
ax.axvline(INJECT_AT, color="#222222", ls=":", lw=1, label="one NaN row: loss is NaN from here")
ax.set_yscale("log")
ax.set_title("Sharp jump")
ax = axes[2]
ax.plot(steps, runs["same_batch"][0], color="#b5523b", lw=1.2, label="same 32 rows every step: validation")
ax.plot(steps, runs["same_batch"][1], color="#b5523b", lw=0.8, ls=":", label="same 32 rows: logged batch loss")
ax.plot(steps, runs["baseline"][0], color="#4a7a96", lw=1.2, label="fix: iterate over all rows")
ax.set_title("Stuck loss")
for ax in axes:
    ax.set_xlabel("SGD step")
    ax.legend(fontsize=7)
axes[0].set_ylabel("loss (validation unless stated)")
fig.tight_layout()
fig.savefig(IMG / "dynamics_loss_curves.png", dpi=120)
# Reading loss curves:2 ends here
