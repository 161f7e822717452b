# [[file:../../primer.org::*Activations and gradients][Activations and gradients:3]]
"""Vanishing and exploding gradients in deep networks, and gradient clipping.

Part 1 (vanishing): 20-layer, 64-unit networks on a synthetic four-class task
(labels from a fixed random teacher).  We measure the gradient norm of every
layer's weights at initialisation for sigmoid and tanh with Glorot initialisation,
ReLU with PyTorch's default nn.Linear initialisation and ReLU with He
initialisation, then train three of them with the same SGD settings.
Part 2 (exploding): a 20-layer linear network on a least-squares problem with
known weights, initialised 20% too large, trained with and without
gradient-norm clipping.
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

d, k, DEPTH, WIDTH = 20, 4, 20, 64
teacher = rng.normal(size=(d, k))
x = rng.normal(size=(4_000, d))
X = torch.tensor(x, dtype=torch.float32)
y = torch.tensor(np.argmax(np.tanh(x @ teacher) + 0.3 * np.sin(2 * x[:, :k]), axis=1))
print(f"chance_loss = {np.log(k):.3f}")

he = lambda w: nn.init.kaiming_normal_(w, nonlinearity="relu")   # Var(w) = 2 / fan_in
glorot = nn.init.xavier_normal_                                   # Var(w) = 2 / (fan_in + fan_out)
pytorch_default = lambda w: nn.init.kaiming_uniform_(w, a=5**0.5) # what nn.Linear does
configs = {"sigmoid_glorot": (nn.Sigmoid, glorot), "tanh_glorot": (nn.Tanh, glorot),
           "relu_default": (nn.ReLU, pytorch_default), "relu_he": (nn.ReLU, he)}


def deep_net(activation, init):
    torch.manual_seed(0)
    layers, fan_in = [], d
    for _ in range(DEPTH):
        linear = nn.Linear(fan_in, WIDTH)
        init(linear.weight)
        nn.init.zeros_(linear.bias)
        layers += [linear, activation()]
        fan_in = WIDTH
    head = nn.Linear(fan_in, k)
    init(head.weight)
    nn.init.zeros_(head.bias)
    return nn.Sequential(*layers, head)


def layer_gradient_norms(net):
    net.zero_grad()
    nn.functional.cross_entropy(net(X[:512]), y[:512]).backward()
    return np.array([m.weight.grad.norm().item() for m in net if isinstance(m, nn.Linear)])


def train(net, loss_fn, lr, steps=300, clip=None):
    batch_rng, losses = np.random.default_rng(1), []
    for _ in range(steps):
        rows = torch.from_numpy(batch_rng.integers(0, len(X), 64))
        loss = loss_fn(net, rows)
        net.zero_grad()
        loss.backward()
        if clip is not None:
            nn.utils.clip_grad_norm_(net.parameters(), max_norm=clip)
        with torch.no_grad():
            for p in net.parameters():
                p -= lr * p.grad
        losses.append(loss.item())
        if not np.isfinite(losses[-1]):
            break                       # the weights are no longer numbers
    return np.array(losses)


classify = lambda net, rows: nn.functional.cross_entropy(net(X[rows]), y[rows])
norms, curves = {}, {}
for name, (activation, init) in configs.items():
    norms[name] = layer_gradient_norms(deep_net(activation, init))
    print(f"{name}_grad_first_layer = {norms[name][0]:.2e}")
    print(f"{name}_grad_last_layer = {norms[name][-1]:.2e}")
    print(f"{name}_first_over_last = {norms[name][0] / norms[name][-1]:.1e}")
for name in ["sigmoid_glorot", "relu_he"]:
    curves[name] = train(deep_net(*configs[name]), classify, lr=0.05)
    print(f"{name}_loss_first_50 = {curves[name][:50].mean():.3f}")
    print(f"{name}_loss_last_50 = {curves[name][-50:].mean():.3f}")
# Activations and gradients:3 ends here

# [[file:../../primer.org::*Activations and gradients][Activations and gradients:4]]
# Part 2: exploding gradients.  A deep linear network multiplies its input by 20
# weight matrices; with weights 1.2 times the variance-preserving scale, signals
# and gradients grow by about 1.2 per layer.
w_true = rng.normal(size=d) / np.sqrt(d)
target = torch.tensor(x @ w_true + 0.1 * rng.normal(size=len(x)), dtype=torch.float32)


def linear_net(gain):
    torch.manual_seed(0)
    layers = [nn.Linear(d if i == 0 else 32, 32, bias=False) for i in range(DEPTH)]
    for layer in layers:
        nn.init.normal_(layer.weight, 0, gain / layer.in_features**0.5)
    head = nn.Linear(32, 1, bias=False)
    nn.init.normal_(head.weight, 0, 1 / 32**0.5)
    return nn.Sequential(*layers, head)


regress = lambda net, rows: ((net(X[rows]).squeeze(1) - target[rows]) ** 2).mean()
print(f"noise_floor_mse = {0.1**2:.3f}")
for gain, key in [(1.0, "gain_1_0"), (1.2, "gain_1_2")]:
    net = linear_net(gain)
    net.zero_grad()
    regress(net, torch.arange(512)).backward()
    total = torch.sqrt(sum((p.grad**2).sum() for p in net.parameters())).item()
    print(f"{key}_grad_norm_at_init = {total:.3g}")
explode = {
    "gain 1.0, no clipping": train(linear_net(1.0), regress, lr=0.003, steps=200),
    "gain 1.2, no clipping": train(linear_net(1.2), regress, lr=0.003, steps=200),
    "gain 1.2, clip norm to 1": train(linear_net(1.2), regress, lr=0.003, steps=200, clip=1.0),
}
with np.errstate(invalid="ignore"):
    bad = np.flatnonzero(~np.isfinite(explode["gain 1.2, no clipping"]))
print(f"unclipped_first_nonfinite_step = {bad[0] + 1 if bad.size else 'none'}")
print(f"clipped_loss_first = {explode['gain 1.2, clip norm to 1'][0]:.1f}")
print(f"clipped_loss_last_50 = {explode['gain 1.2, clip norm to 1'][-50:].mean():.3f}")
print(f"well_initialised_loss_last_50 = {explode['gain 1.0, no clipping'][-50:].mean():.3f}")

fig, axes = plt.subplots(1, 3, figsize=(11, 3.7))
palette = {"sigmoid_glorot": "#b5523b", "tanh_glorot": "#d99a5e",
           "relu_default": "#999999", "relu_he": "#4a7a96"}
names = {"sigmoid_glorot": "sigmoid, Glorot init", "tanh_glorot": "tanh, Glorot init",
         "relu_default": "ReLU, PyTorch weight scale, zero bias", "relu_he": "ReLU, He init"}
for name, g in norms.items():
    axes[0].semilogy(np.arange(1, len(g) + 1), g, "o-", ms=3, color=palette[name], label=names[name])
axes[0].set_xlabel("layer (1 = next to the input)")
axes[0].set_ylabel("weight-gradient norm at init")
axes[0].set_title("Gradient per layer, 20 layers")
for name, curve in curves.items():
    axes[1].plot(curve, color=palette[name], lw=0.8, label=names[name])
axes[1].axhline(np.log(k), color="#222222", ls=":", lw=1, label="chance: ln 4")
axes[1].set_xlabel("SGD step")
axes[1].set_ylabel("training loss (batch)")
axes[1].set_title("Training the deep classifiers")
for (label, curve), color in zip(explode.items(), ["#4a7a96", "#b5523b", "#d99a5e"]):
    finite = np.isfinite(curve)
    if finite.sum() < 5:            # the unclipped run: mark its few finite losses
        label += f" (non-finite from step {np.flatnonzero(~finite)[0] + 1})"
        axes[2].semilogy(np.flatnonzero(finite) + 1, curve[finite], "X", ms=8, color=color, label=label)
    else:
        axes[2].semilogy(np.flatnonzero(finite) + 1, curve[finite], color=color, lw=0.8, label=label)
axes[2].set_xlabel("SGD step")
axes[2].set_ylabel("training MSE (batch)")
axes[2].set_title("20-layer linear network")
axes[2].set_ylim(top=1e7)           # room for the legend above the curves
for ax, where in zip(axes, ["lower right", "upper right", "upper right"]):
    ax.legend(fontsize=7, loc=where)
fig.tight_layout()
fig.savefig(IMG / "dynamics_gradients.png", dpi=120)
# Activations and gradients:4 ends here
