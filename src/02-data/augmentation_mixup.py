# [[file:../../primer.org::*Mixup, input noise and adversarial examples][Mixup, input noise and adversarial examples:1]]
"""Mixup, input noise and adversarial (FGSM) training as augmentation for a small
network on few labels: clean test accuracy and log loss, and accuracy on test
images corrupted by noise or by an adversarial perturbation.

Data: scikit-learn's 8x8 digits scaled to [0, 1].  A fixed test half; from the
other half, five draws of 20 training images per digit.  Model: a multilayer
perceptron (64 -> 128 -> 10, ReLU) trained with full-batch Adam for 300 steps.
Four set-ups share draws and seeds: plain; Gaussian input noise (a fresh draw,
standard deviation 0.2, every step); mixup (alpha = 0.4); and FGSM adversarial
training (half of each step's loss on images moved by epsilon = 0.1 along the
sign of the input gradient).  Differences from plain are paired by draw.
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

IMG = Path(__file__).resolve().parents[2] / "img" / "02-data"

IMG.mkdir(parents=True, exist_ok=True)
torch.set_num_threads(1)  # a network this small runs slower when split across threads

DRAWS, PER_CLASS, STEPS = 5, 20, 300
NOISE_SD, MIXUP_ALPHA, EPSILON = 0.2, 0.4, 0.1
TEST_NOISE_SD = 0.3
digits = load_digits()
X = torch.tensor(digits.data / 16.0, dtype=torch.float32)
y = torch.tensor(digits.target)
pool, test = train_test_split(np.arange(len(y)), test_size=0.5, stratify=digits.target,
                              random_state=0)


def fgsm(net, x, target, eps):
    """Move each input by eps along the sign of the loss gradient (one step)."""
    x = x.clone().requires_grad_(True)
    loss = nn.functional.cross_entropy(net(x), target)
    (grad,) = torch.autograd.grad(loss, x)
    return (x + eps * grad.sign()).detach()


def soft_cross_entropy(logits, target_probs):
    return -(target_probs * logits.log_softmax(1)).sum(1).mean()


def train(rows, setup, seed):
    torch.manual_seed(seed)
    net = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
    opt = torch.optim.Adam(net.parameters(), lr=3e-3)
    x, target = X[rows], y[rows]
    onehot = nn.functional.one_hot(target, 10).float()
    beta = torch.distributions.Beta(MIXUP_ALPHA, MIXUP_ALPHA)
    for _ in range(STEPS):
        if setup == "noise":
            loss = nn.functional.cross_entropy(net(x + NOISE_SD * torch.randn_like(x)), target)
        elif setup == "mixup":
            lam = beta.sample((len(x), 1))
            partner = torch.randperm(len(x))
            mixed_x = lam * x + (1 - lam) * x[partner]
            mixed_y = lam * onehot + (1 - lam) * onehot[partner]
            loss = soft_cross_entropy(net(mixed_x), mixed_y)
        elif setup == "adversarial":
            x_adv = fgsm(net, x, target, EPSILON)
            loss = 0.5 * (nn.functional.cross_entropy(net(x), target)
                          + nn.functional.cross_entropy(net(x_adv), target))
        else:
            loss = nn.functional.cross_entropy(net(x), target)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return net


def evaluate(net, noise_gen):
    xt, yt = X[test], y[test]
    with torch.no_grad():
        logits = net(xt)
        acc = (logits.argmax(1) == yt).float().mean().item()
        nll = nn.functional.cross_entropy(logits, yt).item()
        noisy = xt + TEST_NOISE_SD * torch.randn(xt.shape, generator=noise_gen)
        acc_noisy = (net(noisy).argmax(1) == yt).float().mean().item()
    x_adv = fgsm(net, xt, yt, EPSILON)
    with torch.no_grad():
        acc_adv = (net(x_adv).argmax(1) == yt).float().mean().item()
    return {"acc": acc, "nll": nll, "acc_noisy": acc_noisy, "acc_adv": acc_adv}
# Mixup, input noise and adversarial examples:1 ends here

# [[file:../../primer.org::*Mixup, input noise and adversarial examples][Mixup, input noise and adversarial examples:2]]
SETUPS = ["plain", "noise", "mixup", "adversarial"]
rng = np.random.default_rng(0)
scores = {s: [] for s in SETUPS}
for draw in range(DRAWS):
    rows = np.concatenate([rng.choice(pool[digits.target[pool] == c], PER_CLASS, replace=False)
                           for c in range(10)])
    for setup in SETUPS:
        net = train(rows, setup, seed=draw)
        scores[setup].append(evaluate(net, torch.Generator().manual_seed(1000 + draw)))

t95 = stats.t.ppf(0.975, DRAWS - 1)
METRICS = ["acc", "nll", "acc_noisy", "acc_adv"]
print(f"train_images = {10 * PER_CLASS}")
for s in SETUPS:
    for m in METRICS:
        print(f"{s}_{m} = {np.mean([r[m] for r in scores[s]]):.3f}")
for s in SETUPS[1:]:
    for m in METRICS:
        d = np.array([r[m] for r in scores[s]]) - np.array([r[m] for r in scores["plain"]])
        print(f"{s}_minus_plain_{m} = {d.mean():+.4f}")
        print(f"{s}_minus_plain_{m}_ci = {t95 * d.std(ddof=1) / np.sqrt(DRAWS):.4f}")
# Mixup, input noise and adversarial examples:2 ends here

# [[file:../../primer.org::*Mixup, input noise and adversarial examples][Mixup, input noise and adversarial examples:3]]
# Figure: what each set-up trains on, for one image, and the three test accuracies.
torch.manual_seed(0)
first = int(pool[digits.target[pool] == 3][0])
second = int(pool[digits.target[pool] == 8][0])
x0, x1 = X[first], X[second]
net = train(np.array([first, second]), "plain", seed=0)
examples = [("original 3", x0), ("input noise", x0 + NOISE_SD * torch.randn(64)),
            ("mixup: 0.6 of the 3,\n0.4 of an 8", 0.6 * x0 + 0.4 * x1),
            ("FGSM, epsilon 0.1", fgsm(net, x0[None], y[first:first + 1], EPSILON)[0])]
fig = plt.figure(figsize=(11, 3.6))
left, right = fig.subfigures(1, 2, width_ratios=[1.25, 1])
cells = left.subplots(1, 4)
for ax, (title, img) in zip(cells, examples):
    ax.imshow(img.reshape(8, 8).clamp(0, 1), cmap="gray_r", vmin=0, vmax=1)
    ax.set_title(title, fontsize=8)
    ax.set_xticks([])
    ax.set_yticks([])
ax = right.subplots()
colours = {"acc": "#222222", "acc_noisy": "#4a7a96", "acc_adv": "#b5523b"}
names = {"acc": "clean test", "acc_noisy": f"noisy test (sd {TEST_NOISE_SD})",
         "acc_adv": f"FGSM test (eps {EPSILON})"}
for j, m in enumerate(["acc", "acc_noisy", "acc_adv"]):
    for i, s in enumerate(SETUPS):
        values = [r[m] for r in scores[s]]
        ax.scatter(np.full(DRAWS, i + (j - 1) * 0.22), values, s=10, color=colours[m],
                   label=names[m] if i == 0 else None)
ax.set_xticks(range(len(SETUPS)), SETUPS)
ax.set_ylabel("test accuracy (one dot per draw)")
ax.set_title(f"{10 * PER_CLASS} training images", fontsize=10)
ax.legend(fontsize=7, loc="lower left")
right.subplots_adjust(left=0.16, right=0.97, bottom=0.12, top=0.9)
fig.savefig(IMG / "augmentation_mixup.png", dpi=120)
# Mixup, input noise and adversarial examples:3 ends here
