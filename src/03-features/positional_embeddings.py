# [[file:../../primer.org::*Positional embeddings][Positional embeddings:1]]
"""Positional embeddings: the sinusoidal table of the Transformer, its geometry, and
a task a bag of embeddings cannot solve until positions are added.

Task (synthetic, exact labels): a sequence of 12 tokens contains one A and one B
among random filler tokens; the label says whether A comes before B.  A mean of
token embeddings is blind to order, so it can do no better than chance.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

IMG = Path(__file__).resolve().parents[2] / "img" / "03-features"

IMG.mkdir(parents=True, exist_ok=True)
torch.manual_seed(0)
torch.set_num_threads(1)   # tiny models: thread start-up costs more than it saves
rng = np.random.default_rng(0)


def sinusoidal(n_positions: int, dim: int) -> np.ndarray:
    """PE[pos, 2i] = sin(pos / 10000**(2i/dim)), PE[pos, 2i+1] = cos(same angle)."""
    pos = np.arange(n_positions)[:, None]
    freq = 10000.0 ** (-np.arange(0, dim, 2) / dim)
    table = np.zeros((n_positions, dim))
    table[:, 0::2] = np.sin(pos * freq)
    table[:, 1::2] = np.cos(pos * freq)
    return table


# 1. Geometry.  The dot product of two positions depends only on their offset,
# and moving by k positions is the same linear map (a rotation) for every position.
P = sinusoidal(64, 64)
gram = P @ P.T
spread = max(np.ptp(np.diagonal(gram, offset)) for offset in range(64))
print(f"dot_product_offset_only_max_spread = {spread:.2e}")
shift = 5
M, *_ = np.linalg.lstsq(P[:-shift], P[shift:], rcond=None)
print(f"shift_by_5_linear_residual = {np.abs(P[:-shift] @ M - P[shift:]).max():.2e}")
print(f"dot_neighbour = {gram[10, 11]:.2f}")
print(f"dot_offset_10 = {gram[10, 20]:.2f}")
print(f"dot_self = {gram[10, 10]:.2f}")
# Positional embeddings:1 ends here

# [[file:../../primer.org::*Positional embeddings][Positional embeddings:2]]
# 2. The order task.
LENGTH, VOCAB, DIM = 12, 16, 32
A, B = 0, 1


def make_sequences(n: int, length: int = LENGTH):
    tokens = rng.integers(2, VOCAB, size=(n, length))
    slots = np.argsort(rng.random((n, length)), axis=1)[:, :2]   # two distinct positions
    rows = np.arange(n)
    tokens[rows, slots[:, 0]] = A
    tokens[rows, slots[:, 1]] = B
    return torch.tensor(tokens), torch.tensor(slots[:, 0] < slots[:, 1], dtype=torch.float32)


class BagModel(nn.Module):
    """Token embedding (+ position), a per-position MLP, mean pooling, a linear read-out."""
    def __init__(self, positions: str, max_len: int = 16):
        super().__init__()
        self.tokens = nn.Embedding(VOCAB, DIM)
        self.positions = positions
        if positions == "learned":
            self.pos = nn.Embedding(max_len, DIM)
        elif positions == "sinusoidal":
            self.register_buffer("pos_table", torch.tensor(sinusoidal(max_len, DIM), dtype=torch.float32))
        self.mlp = nn.Sequential(nn.Linear(DIM, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU())
        self.out = nn.Linear(64, 1)

    def forward(self, x):
        h = self.tokens(x)
        where = torch.arange(x.shape[1])
        if self.positions == "learned":
            h = h + self.pos(where)
        elif self.positions == "sinusoidal":
            h = h + self.pos_table[where]
        return self.out(self.mlp(h).mean(dim=1)).squeeze(-1)


X_train, y_train = make_sequences(4000)
X_test, y_test = make_sequences(3000)
models = {}
for positions in ["none", "sinusoidal", "learned"]:
    torch.manual_seed(0)
    model = BagModel(positions)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for epoch in range(8):
        for idx in torch.randperm(len(X_train)).split(200):
            loss = F.binary_cross_entropy_with_logits(model(X_train[idx]), y_train[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    with torch.no_grad():
        accuracy = ((model(X_test) > 0).float() == y_test).float().mean().item()
    models[positions] = model
    print(f"{positions}_test_accuracy = {accuracy:.3f}")
# Positional embeddings:2 ends here

# [[file:../../primer.org::*Positional embeddings][Positional embeddings:3]]
# 3. Longer sequences than in training: length 16, so positions 12-15 are new.
# The learned table has rows for them, but no example ever trained those rows.
X_long, y_long = make_sequences(3000, length=16)
new_position = (X_long[:, LENGTH:] <= B).any(dim=1)      # A or B sits at 12-15
for positions, model in models.items():
    with torch.no_grad():
        correct = ((model(X_long) > 0).float() == y_long).float()
    print(f"{positions}_len16_seen_positions_accuracy = {correct[~new_position].mean().item():.3f}")
    print(f"{positions}_len16_new_positions_accuracy = {correct[new_position].mean().item():.3f}")

fig, axes = plt.subplots(1, 3, figsize=(11, 3.5), layout="constrained")
im = axes[0].imshow(P, cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto")
axes[0].set_xlabel("embedding dimension")
axes[0].set_ylabel("position")
axes[0].set_title("sinusoidal table (64 x 64)", fontsize=10)
fig.colorbar(im, ax=axes[0], shrink=0.8)
im = axes[1].imshow(gram, cmap="viridis")
axes[1].set_xlabel("position")
axes[1].set_ylabel("position")
axes[1].set_title("dot product between positions", fontsize=10)
fig.colorbar(im, ax=axes[1], shrink=0.8)
learned = F.normalize(models["learned"].pos.weight.detach(), dim=1)
im = axes[2].imshow((learned @ learned.T).numpy(), cmap="viridis", vmin=-1, vmax=1)
axes[2].axhline(LENGTH - 0.5, color="white", lw=1)
axes[2].axvline(LENGTH - 0.5, color="white", lw=1)
axes[2].set_xlabel("position")
axes[2].set_ylabel("position")
axes[2].set_title("learned table, cosine (12-15 never trained)", fontsize=10)
fig.colorbar(im, ax=axes[2], shrink=0.8)
fig.savefig(IMG / "positional_embeddings.png", dpi=120)
# Positional embeddings:3 ends here
