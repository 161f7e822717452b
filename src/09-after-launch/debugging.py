# [[file:../../primer.org::*Debugging ML systems][Debugging ML systems:1]]
"""Debugging a model: five planted bugs and the diagnostic that catches each.

Synthetic truth: 8 numeric features in raw units (an age, an amount in dollars, counts,
rates) that the pipeline standardises; 5 classes with P(y | z) = softmax(1.6 z W), z the
standardised features and W drawn once per seed; each row also belongs to one of four
regions, which the model does not see.  The model is an 8-16-5 ReLU network trained
full-batch with Adam (learning rate 0.02, 100 steps) on 1,000 rows.  One bug at a time:
  shuffled labels : a join on the wrong key gives each training row another row's label
  dead lr         : the learning rate is 100,000 times too small (a slip in a config)
  raw features    : the standardisation step is skipped, so the amount arrives as ~5,000
  leaked feature  : the extract holds a column written after the outcome (a resolution
                    code); at serving time it is unknown and filled with its training mean
  serving skew    : one region's client sends the amount in cents instead of dollars
Diagnostics: loss at initialisation against log C, the gradient norm at the first step,
how far the weights moved in the whole run, overfitting one batch of 32 rows, the
training loss against the loss of a constant prediction, ablation (drop each feature,
retrain, watch validation accuracy), and accuracy per region on labelled serving traffic
against the same region offline.  Five seeds (world, split, initialisation).
"""
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

IMG = Path(__file__).resolve().parents[2] / "img" / "09-after-launch"
IMG.mkdir(parents=True, exist_ok=True)
torch.set_num_threads(1)
D, C, H, REGIONS = 8, 5, 16, 4
N_TRAIN, N_VAL, N_SERVE = 1_000, 2_000, 4_000
STEPS, LR, SEEDS = 100, 2e-2, range(5)
DEAD = 1e-5                                               # the slip that kills the learning rate
MU = np.array([40.0, 5_000.0, 3.0, 0.5, 100.0, 12.0, 0.2, 7.0])   # raw units of each column
SD = np.array([12.0, 1_500.0, 1.5, 0.3, 30.0, 4.0, 0.1, 2.0])
AMOUNT, SKEWED_REGION = 1, 3
BUGS = ["healthy", "shuffled_labels", "dead_lr", "raw_features", "leaked_feature", "serving_skew"]


def world(rng):
    """Raw features, labels and regions of every row; index arrays for the three splits."""
    w = rng.normal(size=(D, C))
    n = N_TRAIN + N_VAL + N_SERVE
    z = rng.normal(size=(n, D))
    logits = 1.6 * z @ w
    p = np.exp(logits - logits.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    y = (p.cumsum(1) > rng.random((n, 1))).argmax(1)
    leak = y + rng.normal(0, 0.35, n)                   # written after the outcome
    splits = np.split(np.arange(n), [N_TRAIN, N_TRAIN + N_VAL])
    return MU + SD * z, leak, y, rng.integers(0, REGIONS, n), splits, p.argmax(1) == y


class StackedMLP(nn.Module):
    """M independent d-H-C ReLU networks evaluated side by side (M = 1 for a single model)."""

    def __init__(self, m, d):
        super().__init__()
        self.w1 = nn.Parameter(torch.empty(m, d, H).uniform_(-1, 1) / math.sqrt(d))
        self.b1 = nn.Parameter(torch.empty(m, 1, H).uniform_(-1, 1) / math.sqrt(d))
        self.w2 = nn.Parameter(torch.empty(m, H, C).uniform_(-1, 1) / math.sqrt(H))
        self.b2 = nn.Parameter(torch.empty(m, 1, C).uniform_(-1, 1) / math.sqrt(H))

    def forward(self, x):                               # x: [M, n, d] -> logits [M, n, C]
        return torch.relu(x @ self.w1 + self.b1) @ self.w2 + self.b2


def fit(x, y, lr=LR, seed=0, masks=None):
    """Full-batch Adam (written out; the same update as torch.optim.Adam).  With masks
    ([M, d] of 0/1), M models train at once, model k seeing only the columns masks[k]
    keeps: a zero column gets zero gradient, so for a freshly initialised model zeroing
    a feature is the same as dropping it."""
    torch.manual_seed(seed)
    masks = torch.ones(1, x.shape[1]) if masks is None else masks
    xs = x[None] * masks[:, None, :]
    model = StackedMLP(len(masks), x.shape[1])
    params = list(model.parameters())
    m1 = [torch.zeros_like(p) for p in params]
    m2 = [torch.zeros_like(p) for p in params]
    curve, info = [], {}
    for t in range(1, STEPS + 1):
        losses = nn.functional.cross_entropy(model(xs).transpose(1, 2), y.expand(len(masks), -1),
                                             reduction="none").mean(1)
        grads = torch.autograd.grad(losses.sum(), params)
        curve.append(losses[0].item())
        with torch.no_grad():
            if t == 1:
                info["init_loss"] = losses[0].item()
                info["grad_norm"] = torch.cat([g[0].flatten() for g in grads]).norm().item()
                start = torch.cat([p[0].flatten() for p in params])
            for p, g, a, b in zip(params, grads, m1, m2):
                a.mul_(0.9).add_(g, alpha=0.1)
                b.mul_(0.999).addcmul_(g, g, value=0.001)
                p -= lr * (a / (1 - 0.9 ** t)) / ((b / (1 - 0.999 ** t)).sqrt() + 1e-8)
    info["final_loss"], info["curve"] = curve[-1], curve
    with torch.no_grad():                               # distance travelled, relative to the start
        end = torch.cat([p[0].flatten() for p in params])
        info["weight_change"] = ((end - start).norm() / start.norm()).item()
    return model, masks, info
# Debugging ML systems:1 ends here

# [[file:../../primer.org::*Debugging ML systems][Debugging ML systems:2]]
def predict(model, masks, x):
    with torch.no_grad():
        return model(x[None] * masks[:, None, :]).argmax(2).numpy()     # [M, n]


def run(seed):
    rng = np.random.default_rng(seed)
    raw, leak, y_np, region, (tr, va, se), bayes_right = world(rng)
    mu, sd = raw[tr].mean(0), raw[tr].std(0)
    y = torch.tensor(y_np)
    prior = np.bincount(y_np[tr], minlength=C) / len(tr)
    out = {"bayes_acc": bayes_right[va].mean(),
           "constant_loss": -(prior * np.log(prior)).sum(),   # the loss of the best constant prediction
           "majority_acc": np.mean(y_np[va] == prior.argmax())}
    for bug in BUGS:
        x_np = (raw - mu) / sd
        labels, lr = y.clone(), LR
        if bug == "shuffled_labels":
            labels[tr] = y[tr][torch.tensor(rng.permutation(len(tr)))]
        elif bug == "dead_lr":
            lr = LR * DEAD
        elif bug == "raw_features":
            x_np = raw.copy()
        elif bug == "leaked_feature":
            x_np = np.column_stack([x_np, (leak - leak[tr].mean()) / leak[tr].std()])
        x = torch.tensor(x_np, dtype=torch.float32)
        if bug == "serving_skew":                       # trained exactly as the healthy model was
            r = {k: v for k, v in out["healthy"].items()
                 if k not in ("drops", "top_drop", "top_drop_share", "genuine_drop_sum")}
        else:
            model, masks, r = fit(x[tr], labels[tr], lr=lr, seed=seed)
            r.update(model=model, masks=masks)
            # overfit one batch: 32 training rows, the run's own settings
            r["batch"] = fit(x[tr[:32]], labels[tr[:32]], lr=lr, seed=seed)[2]
            r["batch_loss"] = r["batch"]["final_loss"]
            r["train_loss_ratio"] = r["final_loss"] / out["constant_loss"]
        model, masks = r["model"], r["masks"]
        ok_va = predict(model, masks, x[va])[0] == y_np[va]
        r["val_acc"] = ok_va.mean()
        # serving traffic: what production sends, scored once its labels arrive
        x_serve = x_np[se].copy()
        if bug == "leaked_feature":
            x_serve[:, -1] = 0.0                        # not known yet: filled with the training mean
        if bug == "serving_skew":
            cents = region[se] == SKEWED_REGION
            x_serve[cents, AMOUNT] = (100 * raw[se][cents, AMOUNT] - mu[AMOUNT]) / sd[AMOUNT]
        ok_se = predict(model, masks, torch.tensor(x_serve, dtype=torch.float32))[0] == y_np[se]
        r["serve_acc"] = ok_se.mean()
        r["slice_offline"] = np.array([ok_va[region[va] == g].mean() for g in range(REGIONS)])
        r["slice_serving"] = np.array([ok_se[region[se] == g].mean() for g in range(REGIONS)])
        r["worst_slice_gap"] = (r["slice_offline"] - r["slice_serving"]).max()
        # ablation: the full model and one model without each feature, trained side by side
        if bug in ("healthy", "leaked_feature"):
            d = x.shape[1]
            masks = torch.cat([torch.ones(1, d), 1 - torch.eye(d)])   # row 0 keeps every column
            m, mk, _ = fit(x[tr], labels[tr], lr=lr, seed=seed, masks=masks)
            acc = (predict(m, mk, x[va]) == y_np[va]).mean(1)
            drops = np.clip(acc[0] - acc[1:], 0, None)   # validation accuracy lost without each feature
            r["drops"], r["top_drop"], r["top_drop_share"] = drops, drops.max(), drops.max() / drops.sum()
            r["genuine_drop_sum"] = drops[:D].sum()      # the eight real features together
        out[bug] = r
    return out


runs = [run(s) for s in SEEDS]
# Debugging ML systems:2 ends here

# [[file:../../primer.org::*Debugging ML systems][Debugging ML systems:3]]
def report(key, values, digits=3):
    """Mean over the seeds, and the lowest and highest seed (the spread)."""
    v = np.asarray(values, dtype=float)
    print(f"{key} = {v.mean():.{digits}f}")
    print(f"{key}_lo = {v.min():.{digits}f}")
    print(f"{key}_hi = {v.max():.{digits}f}")


def seeds(bug, key):
    return [r[bug][key] for r in runs]


METRICS = ["init_loss", "grad_norm", "weight_change", "batch_loss", "train_loss_ratio",
           "val_acc", "serve_acc", "worst_slice_gap"]
HEAD = ["init loss", "|grad|", "moved", "batch loss", "train/const", "val acc", "serve acc", "slice gap"]
print("mean of 5 seeds".ljust(16) + "".join(f"{h:>12}" for h in HEAD))
for bug in BUGS:
    print(f"{bug:<16}" + "".join(f"{np.mean(seeds(bug, m)):>12.4g}" for m in METRICS))
print(f"log_c = {math.log(C):.3f}")
report("constant_loss", [r["constant_loss"] for r in runs])
report("bayes_acc", [r["bayes_acc"] for r in runs])
report("majority_acc", [r["majority_acc"] for r in runs])
for bug in BUGS[:-1]:
    for key in ["init_loss", "grad_norm", "batch_loss", "train_loss_ratio"]:
        huge = bug == "raw_features" and key in ("init_loss", "grad_norm")
        digits = 4 if key == "batch_loss" else 0 if huge else 3
        report(f"{bug}_{key}", seeds(bug, key), digits)
    moved = seeds(bug, "weight_change")
    print(f"{bug}_weight_change = {np.mean(moved):.2g}")
    print(f"{bug}_weight_change_lo = {np.min(moved):.2g}")
    print(f"{bug}_weight_change_hi = {np.max(moved):.2g}")
for bug in BUGS:
    for key in ["val_acc", "serve_acc", "worst_slice_gap"]:
        report(f"{bug}_{key}", seeds(bug, key))
for bug in ("healthy", "leaked_feature"):
    for key in ["top_drop", "top_drop_share", "genuine_drop_sum"]:
        report(f"{bug}_{key}", seeds(bug, key))
# Serving skew: the aggregate gap against the gap in the region that sends cents.
report("serving_skew_overall_gap",
       np.subtract(seeds("serving_skew", "val_acc"), seeds("serving_skew", "serve_acc")))
report("serving_skew_region_gap", [r["serving_skew"]["slice_offline"][SKEWED_REGION]
                                   - r["serving_skew"]["slice_serving"][SKEWED_REGION] for r in runs])
report("serving_skew_other_regions_gap", [np.delete(r["serving_skew"]["slice_offline"]
                                                   - r["serving_skew"]["slice_serving"], SKEWED_REGION).max()
                                         for r in runs])
# standard error of one region's offline-minus-serving gap at an accuracy of 0.8
print(f"slice_gap_se = {math.sqrt(0.8 * 0.2 * (REGIONS / N_VAL + REGIONS / N_SERVE)):.3f}")
print(f"dead_lr_divisor = {1 / DEAD:,.0f}")

fig, axes = plt.subplots(2, 2, figsize=(11, 7))
colours = {"healthy": "#4a7a96", "shuffled_labels": "#d99a5e", "dead_lr": "#555555",
           "raw_features": "#b5523b", "leaked_feature": "#5b8c5a"}
for bug, col in colours.items():
    style = dict(color=col, ls=":" if bug == "dead_lr" else "-", lw=2.2 if bug == "dead_lr" else 1.3)
    axes[0, 0].plot(runs[0][bug]["curve"], label=bug.replace("_", " "), **style)
    axes[0, 1].plot(runs[0][bug]["batch"]["curve"], **style)
for ax, title in [(axes[0, 0], "training loss, all 1,000 rows"),
                  (axes[0, 1], "training loss, one batch of 32 rows")]:
    ax.axhline(math.log(C), color="#222222", ls="--", lw=0.6, zorder=0)
    ax.text(STEPS, math.log(C) * 1.15, "log C", ha="right", fontsize=8)
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_title(title, fontsize=10)
axes[0, 0].legend(fontsize=7)
cols = np.arange(D + 1)
axes[1, 0].bar(cols[:D] - 0.2, np.mean(seeds("healthy", "drops"), axis=0), 0.4, color=colours["healthy"],
               label="healthy extract")
axes[1, 0].bar(cols + 0.2, np.mean(seeds("leaked_feature", "drops"), axis=0), 0.4,
               color=colours["leaked_feature"], label="extract with the leaked column")
axes[1, 0].set_xticks(cols, [f"x{j}" for j in range(D)] + ["leak"])
axes[1, 0].set_ylabel("validation accuracy lost")
axes[1, 0].set_title("ablation: retrain without one feature", fontsize=10)
axes[1, 0].legend(fontsize=7)
g = np.arange(REGIONS)
bars = [("healthy", "slice_offline", "", "offline (validation)"),
        ("healthy", "slice_serving", "//", "serving, healthy"),
        ("serving_skew", "slice_serving", "xx", "serving, region 3 sends cents")]
for k, (bug, side, hatch, label) in enumerate(bars):
    axes[1, 1].bar(g + (k - 1) * 0.27, np.mean(seeds(bug, side), axis=0), 0.27, hatch=hatch, label=label,
                   color="#4a7a96" if bug == "healthy" else "#b5523b", edgecolor="white")
axes[1, 1].set_xticks(g, [f"region {j}" for j in g])
axes[1, 1].set_ylim(0, 1)
axes[1, 1].set_ylabel("accuracy")
axes[1, 1].set_title("accuracy per slice", fontsize=10)
axes[1, 1].legend(fontsize=7, loc="lower left")
fig.tight_layout()
fig.savefig(IMG / "debugging.png", dpi=120)
# Debugging ML systems:3 ends here
