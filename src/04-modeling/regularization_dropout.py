# [[file:../../primer.org::*Dropout and label smoothing][Dropout and label smoothing:1]]
"""Dropout and label smoothing: their effect on test accuracy, test log loss and
calibration (expected calibration error) of a network that can overfit.

Data: scikit-learn's 8x8 digits.  A fixed test half; from the other half, five
draws of 300 training images (30 per digit) and 300 more for fitting a softmax
temperature after training.  Model: a multilayer perceptron
(64 -> 64 -> 64 -> 10, ReLU) trained with full-batch Adam for 150 steps, long
enough to fit the training set perfectly.  Four set-ups share draws and seeds:
plain, dropout (p = 0.3 on both hidden layers), label smoothing (epsilon = 0.1)
and both.  Differences are paired by draw, with 95% t-intervals.
"""
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

DRAWS, PER_CLASS, STEPS = 5, 30, 150
DROPOUT, SMOOTHING = 0.3, 0.1
SETUPS = {"plain": (0.0, 0.0), "dropout": (DROPOUT, 0.0),
          "smoothing": (0.0, SMOOTHING), "both": (DROPOUT, SMOOTHING)}
digits = load_digits()
X = torch.tensor(digits.data / 16.0, dtype=torch.float32)
y = torch.tensor(digits.target)
pool, test = train_test_split(np.arange(len(y)), test_size=0.5, stratify=digits.target,
                              random_state=0)


def expected_calibration_error(prob, labels, bins=10):
    """Bin test images by top-class confidence; average |accuracy - confidence|."""
    confidence, predicted = prob.max(1)
    correct = (predicted == labels).float()
    edges = torch.linspace(0, 1, bins + 1)
    ece = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        inside = (confidence > lo) & (confidence <= hi)
        if inside.any():
            ece += inside.float().mean() * (correct[inside].mean() - confidence[inside].mean()).abs()
    return float(ece)


def temperature(logits, labels):
    """The temperature T that minimises log loss of softmax(logits / T), by grid search."""
    grid = torch.logspace(-0.6, 0.6, 49)
    losses = [nn.functional.cross_entropy(logits / t, labels).item() for t in grid]
    return float(grid[int(np.argmin(losses))])


def train_and_score(rows, val_rows, dropout, smoothing, seed):
    torch.manual_seed(seed)
    net = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Dropout(dropout),
                        nn.Linear(64, 64), nn.ReLU(), nn.Dropout(dropout),
                        nn.Linear(64, 10))
    opt = torch.optim.Adam(net.parameters(), lr=5e-3)
    for _ in range(STEPS):
        loss = nn.functional.cross_entropy(net(X[rows]), y[rows], label_smoothing=smoothing)
        opt.zero_grad()
        loss.backward()
        opt.step()
    net.eval()                                   # dropout off: the full network predicts
    with torch.no_grad():
        train_acc = (net(X[rows]).argmax(1) == y[rows]).float().mean().item()
        logits = net(X[test])
        prob = logits.softmax(1)
        acc = (prob.argmax(1) == y[test]).float().mean().item()
        nll = nn.functional.cross_entropy(logits, y[test]).item()
        confidence = prob.max(1).values.mean().item()
        t = temperature(net(X[val_rows]), y[val_rows])      # fitted on validation images
        prob_scaled = (logits / t).softmax(1)
    return {"temperature": t, "ece_scaled": expected_calibration_error(prob_scaled, y[test]),
            "prob_scaled": prob_scaled, "train_acc": train_acc, "acc": acc, "nll": nll,
            "ece": expected_calibration_error(prob, y[test]), "confidence": confidence,
            "prob": prob}
# Dropout and label smoothing:1 ends here

# [[file:../../primer.org::*Dropout and label smoothing][Dropout and label smoothing:2]]
rng = np.random.default_rng(0)
scores = {name: [] for name in SETUPS}
for draw in range(DRAWS):
    picked = [rng.choice(pool[digits.target[pool] == c], 2 * PER_CLASS, replace=False)
              for c in range(10)]
    rows = np.concatenate([p[:PER_CLASS] for p in picked])       # training images
    val_rows = np.concatenate([p[PER_CLASS:] for p in picked])   # for the temperature only
    for name, (p, eps) in SETUPS.items():
        scores[name].append(train_and_score(rows, val_rows, p, eps, seed=draw))

t95 = stats.t.ppf(0.975, DRAWS - 1)
METRICS = ["train_acc", "acc", "nll", "ece", "confidence", "temperature", "ece_scaled"]
for name in SETUPS:
    for m in METRICS:
        print(f"{name}_{m} = {np.mean([s[m] for s in scores[name]]):.3f}")
for name in ["dropout", "smoothing", "both"]:
    for m in ["acc", "nll", "ece", "ece_scaled"]:
        d = np.array([s[m] for s in scores[name]]) - np.array([s[m] for s in scores["plain"]])
        print(f"{name}_minus_plain_{m} = {d.mean():+.4f}")
        print(f"{name}_minus_plain_{m}_ci = {t95 * d.std(ddof=1) / np.sqrt(DRAWS):.4f}")
# Dropout and label smoothing:2 ends here

# [[file:../../primer.org::*Dropout and label smoothing][Dropout and label smoothing:3]]
def reliability(prob, labels, bins=10):
    """Mean confidence and accuracy of the test images in each confidence bin."""
    confidence, predicted = prob.max(1)
    correct = (predicted == labels).float()
    which = torch.clamp((confidence * bins).long(), max=bins - 1)
    keep = [b for b in range(bins) if (which == b).sum() >= 20]
    return ([confidence[which == b].mean().item() for b in keep],
            [correct[which == b].mean().item() for b in keep])


fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.2))
labels_all = y[test].repeat(DRAWS)
curves = [("plain", "prob", "#222222", "-"), ("dropout", "prob", "#4a7a96", "-"),
          ("smoothing", "prob", "#b5523b", "-"),
          ("smoothing", "prob_scaled", "#b5523b", ":")]
for name, key, colour, ls in curves:
    prob = torch.cat([s[key] for s in scores[name]])
    conf, acc = reliability(prob, labels_all)
    label = name + (" + temperature" if key == "prob_scaled" else "")
    left.plot(conf, acc, "o", ls=ls, color=colour, ms=4, label=label)
left.plot([0, 1], [0, 1], color="#cccccc", lw=1)
left.set_xlim(0.3, 1.01)
left.set_ylim(0.3, 1.01)
left.set_xlabel("confidence of the predicted class (bins with 20+ images)")
left.set_ylabel("accuracy in the bin")
left.set_title("Reliability on the test set (5 draws pooled)", fontsize=10)
left.legend(fontsize=8)
names = list(SETUPS)
for i, name in enumerate(names):
    raw = [s["ece"] for s in scores[name]]
    scaled = [s["ece_scaled"] for s in scores[name]]
    right.scatter(np.full(DRAWS, i - 0.12), raw, color="#b5523b", s=14,
                  label="as trained" if i == 0 else None)
    right.scatter(np.full(DRAWS, i + 0.12), scaled, color="#4a7a96", s=14,
                  label="after temperature scaling" if i == 0 else None)
right.set_xticks(range(len(names)), [n.replace("both", "dropout +\nsmoothing") for n in names])
right.set_ylabel("expected calibration error (per draw)")
right.set_title("Calibration error before and after a fitted temperature", fontsize=10)
right.legend(fontsize=8)
fig.tight_layout()
fig.savefig(IMG / "regularization_dropout.png", dpi=120)
# Dropout and label smoothing:3 ends here
