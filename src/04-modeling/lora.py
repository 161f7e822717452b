# [[file:../../primer.org::*Adapters and low-rank adaptation][Adapters and low-rank adaptation:1]]
"""LoRA and adapters: adapting a frozen pretrained network with few trainable parameters.

Data: scikit-learn's 8x8 digits.  An MLP is pretrained on half of the images;
the new task is the other half rotated by 15 degrees (a scanner whose paper feed
is skewed), with five labelled images per class.  Full fine-tuning, a new training
from scratch, retraining the output layer, bottleneck adapters and LoRA at ranks
1-8 are compared over three draws of the labelled images.
"""
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import torch
from scipy.ndimage import rotate
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

IMG = Path(__file__).resolve().parents[2] / "img" / "04-modeling"

IMG.mkdir(parents=True, exist_ok=True)
torch.set_num_threads(1)
torch.manual_seed(0)
LABELS_PER_CLASS, SEEDS, STEPS, ANGLE, ALPHA = 5, 3, 120, 15, 8

digits = load_digits()
old, new = train_test_split(np.arange(len(digits.target)), test_size=0.5,
                            stratify=digits.target, random_state=0)
images = digits.images / 16.0
X_old = torch.tensor(images[old].reshape(-1, 64), dtype=torch.float32)
y_old = torch.tensor(digits.target[old])
turned = np.stack([rotate(im, ANGLE, reshape=False, order=1) for im in images[new]])
X_new = torch.tensor(turned.reshape(-1, 64), dtype=torch.float32)
y_new = torch.tensor(digits.target[new])


class LoRALinear(nn.Module):
    """y = W x + b + (alpha / r) B A x, with W and b frozen and B initialised to zero."""

    def __init__(self, base: nn.Linear, r: int, alpha: float):
        super().__init__()
        self.base = base
        for p in base.parameters():
            p.requires_grad_(False)
        self.A = nn.Parameter(torch.randn(r, base.in_features) / math.sqrt(base.in_features))
        self.B = nn.Parameter(torch.zeros(base.out_features, r))
        self.scale = alpha / r

    def forward(self, x):
        return self.base(x) + self.scale * (x @ self.A.T) @ self.B.T

    def merged(self) -> nn.Linear:
        """A plain Linear layer with W + (alpha / r) B A: no extra cost at serving time."""
        out = nn.Linear(self.base.in_features, self.base.out_features)
        with torch.no_grad():
            out.weight.copy_(self.base.weight + self.scale * self.B @ self.A)
            out.bias.copy_(self.base.bias)
        return out


class Adapter(nn.Module):
    """A bottleneck added after a frozen layer: h + U relu(D h), with U initialised to zero."""

    def __init__(self, width: int, bottleneck: int):
        super().__init__()
        self.down = nn.Linear(width, bottleneck)
        self.up = nn.Linear(bottleneck, width)
        nn.init.zeros_(self.up.weight)
        nn.init.zeros_(self.up.bias)

    def forward(self, h):
        return h + self.up(torch.relu(self.down(h)))


def mlp() -> nn.Sequential:
    return nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(),
                         nn.Linear(128, 10))


def train(model, X, y, steps, lr, batch=None):
    opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=lr)
    model.train()
    for _ in range(steps):
        rows = torch.randint(0, len(X), (batch,)) if batch else slice(None)
        opt.zero_grad()
        nn.functional.cross_entropy(model(X[rows]), y[rows]).backward()
        opt.step()
    return model


def accuracy(model, X, y) -> float:
    model.eval()
    with torch.no_grad():
        return (model(X).argmax(1) == y).float().mean().item()


def trainable(model) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


base = train(mlp(), X_old, y_old, steps=300, lr=3e-3, batch=128)
state = base.state_dict()
print(f"pretrained_params = {trainable(base)}")
# Adapters and low-rank adaptation:1 ends here

# [[file:../../primer.org::*Adapters and low-rank adaptation][Adapters and low-rank adaptation:2]]
def variant(name):
    """The model for one way of adapting, and its learning rate."""
    model = mlp()
    if name == "scratch":
        return model, 3e-3
    model.load_state_dict(state)
    for p in model.parameters():
        p.requires_grad_(name == "full")
    if name == "full":
        return model, 3e-3
    if name == "head":                               # retrain the output layer only
        for p in model[4].parameters():
            p.requires_grad_(True)
        return model, 1e-2
    if name == "adapter":                            # a bottleneck of 4 after each hidden layer
        return nn.Sequential(model[0], model[1], Adapter(128, 4), model[2], model[3],
                             Adapter(128, 4), model[4]), 1e-2
    r = int(name.removeprefix("lora_r"))             # LoRA on all three linear layers
    for i in (0, 2, 4):
        model[i] = LoRALinear(model[i], r, ALPHA)
    return model, 1e-2


names = ["frozen", "head", "adapter", "lora_r1", "lora_r2", "lora_r4", "lora_r8", "full",
         "scratch"]
scores = {name: [] for name in names}
sizes = {}
for seed in range(SEEDS):
    rng = np.random.default_rng(seed)
    labelled = np.concatenate([rng.choice(np.flatnonzero(y_new.numpy() == c),
                                          LABELS_PER_CLASS, replace=False) for c in range(10)])
    test = np.setdiff1d(np.arange(len(y_new)), labelled)
    for name in names:
        torch.manual_seed(seed)
        model, lr = ((base, 0.0) if name == "frozen" else variant(name))
        if name != "frozen":
            train(model, X_new[labelled], y_new[labelled], STEPS, lr)
        scores[name].append(accuracy(model, X_new[test], y_new[test]))
        sizes[name] = 0 if name == "frozen" else trainable(model)
for name in names:
    print(f"{name}_trainable = {sizes[name]}")
for name, s in scores.items():
    print(f"{name}_accuracy = {np.mean(s):.3f}")
    print(f"{name}_sd = {np.std(s):.3f}")

# Merge the rank-8 adapters into plain Linear layers and check the outputs agree.
model = variant("lora_r8")[0]
train(model, X_new[labelled], y_new[labelled], STEPS, 1e-2)
merged = nn.Sequential(*[m.merged() if isinstance(m, LoRALinear) else m for m in model])
with torch.no_grad():
    gap = (model(X_new) - merged(X_new)).abs().max().item()
print(f"merged_max_abs_diff = {gap:.1e}")
print(f"merged_params = {sum(p.numel() for p in merged.parameters())}")
d, r = 4096, 8                      # one square layer of a large transformer, for scale
print(f"lora_share_4096_r8_pct = {100 * r * (d + d) / (d * d):.2f}")

fig, ax = plt.subplots(figsize=(8, 4))
mean = {name: np.mean(s) for name, s in scores.items()}
ranks = [f"lora_r{r}" for r in (1, 2, 4, 8)]
ax.plot([sizes[k] for k in ranks], [mean[k] for k in ranks], "o-", color="#b5523b",
        label="LoRA, rank 1, 2, 4, 8")
for name, label, marker in [("head", "output layer only", "s"), ("adapter", "adapters", "^"),
                            ("full", "full fine-tuning", "D"), ("scratch", "from scratch", "x")]:
    ax.plot(sizes[name], mean[name], marker, color="#222222" if name != "adapter" else "#4a7a96",
            ms=8, label=label)
ax.axhline(mean["frozen"], color="#999999", ls=":", label="pretrained, not adapted")
ax.set_xscale("log")
ax.set_xlabel("trainable parameters (log scale)")
ax.set_ylabel("accuracy on rotated digits")
ax.set_title("Adapting a digit classifier to 15-degree rotated scans, 5 labels per class")
ax.legend(fontsize=8, loc="center right")
fig.tight_layout()
fig.savefig(IMG / "lora.png", dpi=120)
# Adapters and low-rank adaptation:2 ends here
