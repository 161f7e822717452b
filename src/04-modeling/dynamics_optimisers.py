# [[file:../../primer.org::*Optimisers and learning-rate schedules][Optimisers and learning-rate schedules:1]]
"""Optimisers and learning-rate schedules, measured on one small network.

Data: scikit-learn's 8x8 digits, scaled to [-1, 1]; 70% for training, 30% held
out for test accuracy.  Model: a multilayer perceptron (64 -> 64 -> 64 -> 10,
ReLU), minibatches of 64, eight epochs.  Part 1 gives SGD, SGD with momentum and
Adam a small grid of learning rates each, picks each optimiser's rate by its
mean final training loss over two seeds, and then trains five seeds at that
rate (AdamW uses Adam's rate with decoupled weight decay).  Part 2 runs Adam at three
times its chosen rate with a constant rate, linear warm-up, cosine decay and
warm-up followed by cosine decay, and at its chosen rate with and without warm-up
plus cosine decay, again over five seeds.
"""
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import torch
from scipy import stats
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

IMG = Path(__file__).resolve().parents[2] / "img" / "04-modeling"

IMG.mkdir(parents=True, exist_ok=True)
torch.set_num_threads(1)  # a network this small runs slower when split across threads

EPOCHS, BATCH, SEEDS = 8, 64, 5
WARMUP = 0.1             # share of the steps spent warming up
digits = load_digits()
X = torch.tensor(digits.data / 8.0 - 1.0, dtype=torch.float32)
y = torch.tensor(digits.target)
train, test = train_test_split(np.arange(len(y)), test_size=0.3, stratify=digits.target,
                               random_state=0)
X_train, y_train, X_test, y_test = X[train], y[train], X[test], y[test]
STEPS = EPOCHS * math.ceil(len(train) / BATCH)
print(f"steps = {STEPS}")


def make_optimiser(name, params, lr):
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr)
    if name == "momentum":
        return torch.optim.SGD(params, lr=lr, momentum=0.9)
    if name == "adam":
        return torch.optim.Adam(params, lr=lr)
    return torch.optim.AdamW(params, lr=lr, weight_decay=0.05)


def rate_factor(step, schedule):
    """Multiplier on the peak rate at `step` (0-based)."""
    warm = int(WARMUP * STEPS) if schedule in ("warmup", "warmup_cosine") else 0
    if step < warm:
        return (step + 1) / warm
    if schedule in ("cosine", "warmup_cosine"):
        return 0.5 * (1 + math.cos(math.pi * (step - warm) / (STEPS - warm)))
    return 1.0


def train_run(optimiser, lr, seed, schedule="constant"):
    """Train once; return the per-epoch mean training loss, the final loss on the
    whole training set, and test accuracy."""
    torch.manual_seed(seed)
    net = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(),
                        nn.Linear(64, 10))
    opt = make_optimiser(optimiser, net.parameters(), lr)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: rate_factor(s, schedule))
    order = torch.Generator().manual_seed(seed)
    curve = []
    for _ in range(EPOCHS):
        perm = torch.randperm(len(y_train), generator=order)
        total = 0.0
        for i in range(0, len(perm), BATCH):
            batch = perm[i:i + BATCH]
            loss = nn.functional.cross_entropy(net(X_train[batch]), y_train[batch])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(batch)
        curve.append(total / len(perm))
    with torch.no_grad():
        final = nn.functional.cross_entropy(net(X_train), y_train).item()
        acc = (net(X_test).argmax(1) == y_test).float().mean().item()
    if not math.isfinite(final):
        final = float("inf")
    return np.array(curve), final, acc
# Optimisers and learning-rate schedules:1 ends here

# [[file:../../primer.org::*Optimisers and learning-rate schedules][Optimisers and learning-rate schedules:2]]
# Part 1: a grid of rates per optimiser, each rate judged by its mean final training
# loss over seeds 0 and 1; the chosen rate then gets seeds 2-4 as well.
GRID = {"sgd": [0.1, 0.3, 1.0], "momentum": [0.01, 0.03, 0.1, 0.3],
        "adam": [1e-3, 3e-3, 1e-2, 3e-2]}
TUNING_SEEDS = 2
grid_runs, best_lr, runs = {}, {}, {}
for name, rates in GRID.items():
    grid_runs[name] = [[train_run(name, lr, s) for s in range(TUNING_SEEDS)] for lr in rates]
    mean_loss = [np.mean([r[1] for r in rs]) for rs in grid_runs[name]]
    pick = int(np.argmin(mean_loss))
    best_lr[name] = rates[pick]
    runs[name] = grid_runs[name][pick] + [train_run(name, rates[pick], s)
                                          for s in range(TUNING_SEEDS, SEEDS)]
    print(f"{name}_best_lr = {best_lr[name]:g}")
    print(f"{name}_grid_final_loss = " + " ".join(f"{v:.3f}" for v in mean_loss))
    print(f"{name}_lowest_rate_loss = {mean_loss[0]:.3f}")
    print(f"{name}_highest_rate_loss = {mean_loss[-1]:.3f}")
best_lr["adamw"] = best_lr["adam"]
runs["adamw"] = [train_run("adamw", best_lr["adamw"], s) for s in range(SEEDS)]
t95 = stats.t.ppf(0.975, SEEDS - 1)
for name, rs in runs.items():
    final = np.array([r[1] for r in rs])
    print(f"{name}_final_loss = {final.mean():.4f}")
    print(f"{name}_final_loss_sd = {final.std(ddof=1):.4f}")
    print(f"{name}_epoch1_loss = {np.mean([r[0][0] for r in rs]):.3f}")
    print(f"{name}_test_acc = {np.mean([r[2] for r in rs]):.3f}")


FIELDS = {"final_loss": lambda r: r[1], "test_acc": lambda r: r[2],
          "epoch1_loss": lambda r: r[0][0]}


def paired(a, b, runs_a, runs_b, field):
    """Mean and 95% half-width of (a - b) over seeds for one result field."""
    get = FIELDS[field]
    d = np.array([get(ra) for ra in runs_a]) - np.array([get(rb) for rb in runs_b])
    return d.mean(), t95 * d.std(ddof=1) / np.sqrt(len(d))


for a, b in [("momentum", "sgd"), ("adam", "sgd"), ("adam", "momentum"), ("adamw", "adam")]:
    for field in FIELDS:
        mean, half = paired(a, b, runs[a], runs[b], field)
        print(f"{a}_minus_{b}_{field} = {mean:+.4f}")
        print(f"{a}_minus_{b}_{field}_ci = {half:.4f}")
# Optimisers and learning-rate schedules:2 ends here

# [[file:../../primer.org::*Optimisers and learning-rate schedules][Optimisers and learning-rate schedules:3]]
# Part 2: schedules.  Adam at three times its chosen rate under four schedules, and
# at its chosen rate with and without warm-up plus cosine decay.  Runs that Part 1
# already made (constant rates) are reused.
HIGH = 3 * best_lr["adam"]
SCHEDULES = ["constant", "warmup", "cosine", "warmup_cosine"]
high_grid = next((i for i, r in enumerate(GRID["adam"]) if np.isclose(r, HIGH)), None)
sched_runs = {}
for s in SCHEDULES:
    done = grid_runs["adam"][high_grid] if (s == "constant" and high_grid is not None) else []
    sched_runs[f"high_{s}"] = done + [train_run("adam", HIGH, seed, s)
                                      for seed in range(len(done), SEEDS)]
sched_runs["tuned_constant"] = runs["adam"]
sched_runs["tuned_warmup_cosine"] = [train_run("adam", best_lr["adam"], seed, "warmup_cosine")
                                     for seed in range(SEEDS)]
print(f"high_lr = {HIGH:g}")
for s, rs in sched_runs.items():
    print(f"{s}_final_loss = {np.mean([r[1] for r in rs]):.4f}")
    print(f"{s}_test_acc = {np.mean([r[2] for r in rs]):.3f}")
for a, b in [("high_cosine", "high_constant"), ("high_warmup", "high_constant"),
             ("high_warmup_cosine", "high_cosine"), ("high_constant", "tuned_constant"),
             ("high_warmup_cosine", "tuned_constant"), ("tuned_warmup_cosine", "tuned_constant")]:
    for field in ["final_loss", "test_acc"]:
        mean, half = paired(a, b, sched_runs[a], sched_runs[b], field)
        print(f"{a}_minus_{b}_{field} = {mean:+.4f}")
        print(f"{a}_minus_{b}_{field}_ci = {half:.4f}")
# Optimisers and learning-rate schedules:3 ends here

# [[file:../../primer.org::*Optimisers and learning-rate schedules][Optimisers and learning-rate schedules:4]]
fig, (ax_grid, ax_opt, ax_sched) = plt.subplots(1, 3, figsize=(13, 3.9))
colours = {"sgd": "#999999", "momentum": "#4a7a96", "adam": "#b5523b", "adamw": "#d99a5e"}
for name, rates in GRID.items():
    mean_loss = [min(np.mean([r[1] for r in rs]), 3.0) for rs in grid_runs[name]]
    ax_grid.plot(rates, mean_loss, "o-", color=colours[name], label=name)
ax_grid.set_xscale("log")
ax_grid.set_yscale("log")
ax_grid.set_xlabel("learning rate")
ax_grid.set_ylabel("final training loss (mean of 2 seeds)")
ax_grid.set_title("Each optimiser has its own good rate", fontsize=10)
ax_grid.legend(fontsize=8)
epochs = np.arange(1, EPOCHS + 1)
for name, rs in runs.items():
    curves = np.array([r[0] for r in rs])
    ax_opt.plot(epochs, curves.mean(0), color=colours[name],
                label=f"{name} (lr {best_lr[name]:g})")
    ax_opt.fill_between(epochs, curves.min(0), curves.max(0), color=colours[name], alpha=0.2)
ax_opt.set_yscale("log")
ax_opt.set_xlabel("epoch")
ax_opt.set_ylabel("training loss (mean; band: 5 seeds)")
ax_opt.set_title("At their chosen rates", fontsize=10)
ax_opt.legend(fontsize=8)
styles = {"high_constant": ("#999999", "-"), "high_warmup": ("#4a7a96", "--"),
          "high_cosine": ("#d99a5e", "-"), "high_warmup_cosine": ("#b5523b", "-"),
          "tuned_constant": ("#222222", ":")}
for s, (colour, ls) in styles.items():
    curves = np.array([r[0] for r in sched_runs[s]])
    lr = HIGH if s.startswith("high") else best_lr["adam"]
    label = s.replace("high_", "").replace("tuned_", "").replace("_", " + ") + f" (peak {lr:g})"
    ax_sched.plot(epochs, curves.mean(0), color=colour, ls=ls, label=label)
    ax_sched.fill_between(epochs, curves.min(0), curves.max(0), color=colour, alpha=0.12)
ax_sched.set_yscale("log")
ax_sched.set_xlabel("epoch")
ax_sched.set_title("Adam: schedules", fontsize=10)
ax_sched.legend(fontsize=7)
fig.tight_layout()
fig.savefig(IMG / "dynamics_optimisers.png", dpi=120)
# Optimisers and learning-rate schedules:4 ends here
