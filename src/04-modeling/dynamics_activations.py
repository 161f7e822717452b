# [[file:../../primer.org::*Activations and gradients][Activations and gradients:1]]
"""Activation functions, their slopes, and dead ReLU units after a too-large learning rate.

Part 1: sigmoid, tanh, ReLU, leaky ReLU and GELU with their derivatives, computed
by autograd on a grid.  Part 2: a 20-128-128-4 network on a synthetic
classification task (labels from a fixed random teacher) is trained at a normal
learning rate, hit with 20 steps at a learning rate 40 times larger, then trained
normally again.  After each phase we count the hidden units that are silent
(pre-activation <= 0) on every one of 1,000 held-out rows, for ReLU and for leaky
ReLU with slopes 0.01 and 0.1.
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

# Part 1: the functions and their derivatives.
z = torch.linspace(-5, 5, 1001, requires_grad=True)
functions = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "ReLU": torch.relu,
             "leaky ReLU (0.1)": lambda t: nn.functional.leaky_relu(t, 0.1),
             "GELU": nn.functional.gelu}
values, slopes = {}, {}
for name, f in functions.items():
    out = f(z)
    slopes[name] = torch.autograd.grad(out.sum(), z)[0].numpy()
    values[name] = out.detach().numpy()
grid = z.detach().numpy()
at = lambda x: int(np.argmin(np.abs(grid - x)))
print(f"sigmoid_max_slope = {slopes['sigmoid'].max():.3f}")
print(f"sigmoid_slope_at_5 = {slopes['sigmoid'][at(5)]:.4f}")
print(f"tanh_max_slope = {slopes['tanh'].max():.3f}")
print(f"tanh_slope_at_3 = {slopes['tanh'][at(3)]:.4f}")
print(f"sigmoid_bound_10_layers = {0.25**10:.1e}")
print(f"gelu_minimum = {values['GELU'].min():.3f}")
print(f"gelu_argmin = {grid[values['GELU'].argmin()]:.2f}")
# Activations and gradients:1 ends here

# [[file:../../primer.org::*Activations and gradients][Activations and gradients:2]]
# Part 2: dead units.  Labels come from a fixed random teacher, so the task is
# learnable but not trivial.
rng = np.random.default_rng(0)
d, k = 20, 4
teacher = rng.normal(size=(d, k))


def make(m):
    x = rng.normal(size=(m, d))
    y = np.argmax(np.tanh(x @ teacher) + 0.3 * np.sin(2 * x[:, :k]), axis=1)
    return torch.tensor(x, dtype=torch.float32), torch.tensor(y)


X, y = make(4_000)
X_held, y_held = make(1_000)


def silent_units(net):
    """Mask of hidden units whose pre-activation is <= 0 on every held-out row.
    For ReLU such a unit outputs 0 and passes back no gradient: it is dead."""
    masks, h = [], X_held
    with torch.no_grad():
        for layer in net:
            h = layer(h)
            if isinstance(layer, nn.Linear) and layer.out_features != k:
                masks.append((h <= 0).all(dim=0))
    return torch.cat(masks)


def incoming_weights(net):
    """Each hidden unit's incoming weights and bias, one row per unit."""
    hidden = [layer for layer in net if isinstance(layer, nn.Linear)][:-1]
    return [torch.cat([l.weight, l.bias[:, None]], dim=1).detach().clone() for l in hidden]


def accuracy(net):
    with torch.no_grad():
        return (net(X_held).argmax(dim=1) == y_held).float().mean().item()


def sgd(net, lr, steps, batch_rng):
    for _ in range(steps):
        rows = torch.from_numpy(batch_rng.integers(0, len(X), 64))
        loss = nn.functional.cross_entropy(net(X[rows]), y[rows])
        net.zero_grad()
        loss.backward()
        with torch.no_grad():
            for p in net.parameters():
                p -= lr * p.grad


LR, SHOCK_LR = 0.05, 2.0
activations = {"relu": nn.ReLU(), "leaky001": nn.LeakyReLU(0.01), "leaky01": nn.LeakyReLU(0.1)}
phases = {}
for name, act in activations.items():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(d, 128), act, nn.Linear(128, 128), act, nn.Linear(128, k))
    batch_rng = np.random.default_rng(1)
    record = []
    for lr, steps in [(LR, 300), (SHOCK_LR, 20), (LR, 600)]:
        if lr == LR and record:                       # entering the recovery phase
            silent_then, weights_then = silent_units(net), incoming_weights(net)
        sgd(net, lr, steps, batch_rng)
        record.append((silent_units(net).float().mean().item(), accuracy(net)))
    phases[name] = record
    for (share, acc), phase in zip(record, ["before", "after_shock", "after_recovery"]):
        print(f"{name}_silent_{phase} = {share:.3f}")
        print(f"{name}_accuracy_{phase} = {acc:.3f}")
    # Did the units that were silent after the shock learn anything afterwards?
    moved = torch.cat([(now - then).abs().amax(dim=1) > 0
                       for now, then in zip(incoming_weights(net), weights_then)])
    print(f"{name}_silent_units_frozen = {(~moved[silent_then]).float().mean().item():.2f}")

fig, axes = plt.subplots(1, 3, figsize=(11, 3.6))
palette = {"sigmoid": "#b5523b", "tanh": "#d99a5e", "ReLU": "#222222",
           "leaky ReLU (0.1)": "#7a9a4a", "GELU": "#4a7a96"}
for name in functions:
    axes[0].plot(grid, values[name], color=palette[name], label=name)
    axes[1].plot(grid, slopes[name], color=palette[name], label=name)
axes[0].set_ylim(-1.5, 3)
axes[0].set_title("Activation f(z)")
axes[1].set_title("Derivative f'(z)")
for ax in axes[:2]:
    ax.set_xlabel("pre-activation z")
    ax.axhline(0, color="#999999", lw=0.5)
    ax.legend(fontsize=7)
labels = ["before", "after 20 steps\nat rate 2.0", "after 600 more\nsteps at 0.05"]
for offset, (name, label) in zip([-0.25, 0, 0.25], [("relu", "ReLU"), ("leaky001", "leaky 0.01"),
                                                   ("leaky01", "leaky 0.1")]):
    axes[2].bar(np.arange(3) + offset, [s for s, _ in phases[name]], width=0.25, label=label,
                color={"relu": "#222222", "leaky001": "#d99a5e", "leaky01": "#7a9a4a"}[name])
axes[2].set_xticks(range(3), labels, fontsize=8)
axes[2].set_ylabel("share of silent hidden units")
axes[2].set_title("Dead units after a large step")
axes[2].legend(fontsize=7)
fig.tight_layout()
fig.savefig(IMG / "dynamics_activations.png", dpi=120)
# Activations and gradients:2 ends here
