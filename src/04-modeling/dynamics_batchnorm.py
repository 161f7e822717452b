# [[file:../../primer.org::*Activations and gradients][Activations and gradients:5]]
"""Batch normalisation in a deep ReLU network: training with and without it.

Data: a synthetic four-class task in 20 dimensions (labels from a fixed random
teacher; 4,000 training and 1,000 held-out rows).  A 10-layer, 64-unit ReLU
network is trained for 250 SGD steps (batches of 64) with PyTorch's default
initialisation and with He initialisation, each with and without a BatchNorm1d
layer after every linear layer, at a moderate and at a large learning rate.
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

d, k = 20, 4
teacher = rng.normal(size=(d, k))


def make(m):
    x = rng.normal(size=(m, d))
    y = np.argmax(np.tanh(x @ teacher) + 0.3 * np.sin(2 * x[:, :k]), axis=1)
    return torch.tensor(x, dtype=torch.float32), torch.tensor(y)


X, y = make(4_000)
X_held, y_held = make(1_000)


def deep_net(batchnorm, he_init, depth=10, width=64):
    torch.manual_seed(0)
    layers, fan_in = [], d
    for _ in range(depth):
        linear = nn.Linear(fan_in, width)
        if he_init:
            nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")
            nn.init.zeros_(linear.bias)
        layers += [linear] + ([nn.BatchNorm1d(width)] if batchnorm else []) + [nn.ReLU()]
        fan_in = width
    return nn.Sequential(*layers, nn.Linear(fan_in, k))


def train(net, lr, steps=250):
    batch_rng, losses = np.random.default_rng(1), []
    net.train()                     # batch statistics while training
    for _ in range(steps):
        rows = torch.from_numpy(batch_rng.integers(0, len(X), 64))
        loss = nn.functional.cross_entropy(net(X[rows]), y[rows])
        net.zero_grad()
        loss.backward()
        with torch.no_grad():
            for p in net.parameters():
                p -= lr * p.grad
        losses.append(loss.item())
    net.eval()                      # running averages at evaluation time
    with torch.no_grad():
        held = nn.functional.cross_entropy(net(X_held), y_held).item()
        acc = (net(X_held).argmax(dim=1) == y_held).float().mean().item()
    return np.array(losses), held, acc


print(f"chance_loss = {np.log(k):.3f}")
settings = {"default init, rate 0.05": ("default_lr005", False, 0.05),
            "He init, rate 0.05": ("he_lr005", True, 0.05),
            "He init, rate 0.8": ("he_lr08", True, 0.8)}
curves = {}
for label, (key, he_init, lr) in settings.items():
    for suffix, batchnorm in [("plain", False), ("bn", True)]:
        curves[label, batchnorm], held, acc = train(deep_net(batchnorm, he_init), lr)
        print(f"{key}_{suffix}_train_loss_last_50 = {curves[label, batchnorm][-50:].mean():.3f}")
        print(f"{key}_{suffix}_held_loss = {held:.3f}")
        print(f"{key}_{suffix}_held_accuracy = {acc:.3f}")

fig, axes = plt.subplots(1, 3, figsize=(11, 3.4), sharey=True)
for ax, label in zip(axes, settings):
    for batchnorm, color, name in [(False, "#b5523b", "no normalisation"),
                                   (True, "#4a7a96", "BatchNorm after every layer")]:
        curve = curves[label, batchnorm]
        smooth = np.convolve(curve, np.ones(10) / 10, mode="valid")
        ax.plot(np.arange(10, len(curve) + 1), smooth, color=color, label=name)
    ax.axhline(np.log(k), color="#222222", ls=":", lw=1, label="chance: ln 4")
    ax.set_title(label)
    ax.set_xlabel("SGD step")
axes[0].set_ylabel("training loss (10-step mean)")
axes[0].legend(fontsize=8)
fig.tight_layout()
fig.savefig(IMG / "dynamics_batchnorm.png", dpi=120)
# Activations and gradients:5 ends here
