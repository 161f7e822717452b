# [[file:../../primer.org::*Checkpointing][Checkpointing:1]]
"""Checkpoints that resume training exactly, what breaks when a piece of state is
left out, and keeping the best checkpoint for early stopping.

Data: synthetic regression with a known function of 8 inputs plus 12 inputs of
pure noise (400 training rows, 400 validation rows).  Model: a small MLP with
dropout, trained with Adam; each batch also gets numpy Gaussian jitter and, now and
then, a feature column masked by Python's random module, so that all four random
number generators a training loop typically touches are in play.  Checkpoints go to
a temporary directory.
"""
import random
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset

torch.set_num_threads(1)          # tiny tensors: a second thread only waits on a busy machine
torch.use_deterministic_algorithms(True)
IMG = Path(__file__).resolve().parents[2] / "img" / "04-modeling"
IMG.mkdir(parents=True, exist_ok=True)

data_rng = np.random.default_rng(0)
X = data_rng.normal(size=(800, 20)).astype(np.float32)
y = (np.sin(2 * X[:, 0]) + X[:, 1] * X[:, 2] + 0.5 * X[:, 3:8].sum(axis=1)
     + data_rng.normal(0, 0.5, 800)).astype(np.float32)
X_tr, y_tr = torch.from_numpy(X[:400]), torch.from_numpy(y[:400])
X_val, y_val = torch.from_numpy(X[400:]), torch.from_numpy(y[400:])


class Job:
    """Everything a training process creates at start-up."""

    def __init__(self, seed):
        random.seed(seed)
        torch.manual_seed(seed)
        self.model = torch.nn.Sequential(
            torch.nn.Linear(20, 64), torch.nn.ReLU(), torch.nn.Dropout(0.1),
            torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Dropout(0.1),
            torch.nn.Linear(64, 1))
        self.opt = torch.optim.Adam(self.model.parameters(), lr=3e-3)
        self.loader_gen = torch.Generator().manual_seed(seed)      # shuffling order
        self.loader = DataLoader(TensorDataset(X_tr, y_tr), batch_size=32, shuffle=True,
                                 generator=self.loader_gen)
        self.jitter = np.random.default_rng(seed)                   # augmentation noise
        self.epoch = 0

    def train_epoch(self):
        self.model.train()
        total = 0.0
        for xb, yb in self.loader:
            xb = xb + torch.from_numpy(self.jitter.normal(0, 0.05, xb.shape).astype(np.float32))
            if random.random() < 0.3:                               # mask one random column
                xb[:, random.randrange(xb.shape[1])] = 0.0
            loss = torch.nn.functional.mse_loss(self.model(xb).squeeze(1), yb)
            self.opt.zero_grad()
            loss.backward()
            self.opt.step()
            total += loss.item() * len(yb)
        self.epoch += 1
        return total / len(X_tr)

    def val_loss(self):
        self.model.eval()
        with torch.no_grad():
            return torch.nn.functional.mse_loss(self.model(X_val).squeeze(1), y_val).item()

    def save(self, path):
        torch.save({"epoch": self.epoch,
                    "model": self.model.state_dict(),
                    "optimizer": self.opt.state_dict(),
                    "rng": {"torch": torch.get_rng_state(),
                            "loader": self.loader_gen.get_state(),
                            "numpy": self.jitter.bit_generator.state,
                            "python": random.getstate()}}, path)

    def load(self, path, optimizer=True, rng=True, loader_rng=True):
        ckpt = torch.load(path, weights_only=True)
        self.epoch = ckpt["epoch"]
        self.model.load_state_dict(ckpt["model"])
        if optimizer:
            self.opt.load_state_dict(ckpt["optimizer"])
        if rng:
            torch.set_rng_state(ckpt["rng"]["torch"])
            self.jitter.bit_generator.state = ckpt["rng"]["numpy"]
            random.setstate(tuple(ckpt["rng"]["python"]))
        if loader_rng:
            self.loader_gen.set_state(ckpt["rng"]["loader"])
# Checkpointing:1 ends here

# [[file:../../primer.org::*Checkpointing][Checkpointing:2]]
def max_abs_diff(a, b):
    return max((p - q).abs().max().item() for p, q in zip(a.parameters(), b.parameters()))


def identical(a, b):
    return all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))


N = 10
tmp = tempfile.TemporaryDirectory()
ckpt = Path(tmp.name) / "epoch10.pt"

straight = Job(seed=0)
for _ in range(2 * N):
    straight.train_epoch()

first_half = Job(seed=0)
for _ in range(N):
    first_half.train_epoch()
first_half.save(ckpt)
n_params = sum(p.numel() for p in first_half.model.parameters())
print(f"weights_kb = {n_params * 4 / 1024:.0f}")
print(f"checkpoint_kb = {ckpt.stat().st_size / 1024:.0f}")
del first_half

variants = {                 # (start-up seed of the new process, what is left out)
    "full": (123, dict()),
    "no_optimizer": (123, dict(optimizer=False)),
    "no_rng": (0, dict(rng=False, loader_rng=False)),
    "no_loader_rng": (123, dict(loader_rng=False)),
}
for name, (seed, skip) in variants.items():
    job = Job(seed=seed)                  # a fresh process: new objects, its own seeding
    job.load(ckpt, **skip)
    while job.epoch < 2 * N:
        job.train_epoch()
    print(f"{name}_identical = {int(identical(straight.model, job.model))}")
    print(f"{name}_max_abs_diff = {round(max_abs_diff(straight.model, job.model), 4)}")
    print(f"{name}_val_loss = {job.val_loss():.4f}")
print(f"straight_val_loss = {straight.val_loss():.4f}")
# Checkpointing:2 ends here

# [[file:../../primer.org::*Checkpointing][Checkpointing:3]]
# Early stopping: keep the checkpoint with the lowest validation loss, stop after
# PATIENCE epochs without improvement, then serve the best checkpoint.
PATIENCE = 20
best_path = Path(tmp.name) / "best.pt"
job = Job(seed=0)
best_loss, best_epoch, history = float("inf"), 0, []
while job.epoch < 300:
    train_loss = job.train_epoch()
    history.append((train_loss, job.val_loss()))
    if history[-1][1] < best_loss:
        best_loss, best_epoch = history[-1][1], job.epoch
        job.save(best_path)
    elif job.epoch - best_epoch >= PATIENCE:
        break
served = Job(seed=7)
served.load(best_path)
print(f"best_epoch = {best_epoch}")
print(f"stopped_epoch = {job.epoch}")
print(f"best_val_loss = {best_loss:.4f}")
print(f"last_val_loss = {history[-1][1]:.4f}")
print(f"reloaded_best_val_loss = {served.val_loss():.4f}")
print(f"reloaded_matches_best = {int(served.val_loss() == best_loss)}")
tmp.cleanup()

fig, ax = plt.subplots(figsize=(8, 3.6))
epochs = np.arange(1, len(history) + 1)
ax.plot(epochs, [h[0] for h in history], color="#d99a5e",
        label="training loss (with dropout and jitter)")
ax.plot(epochs, [h[1] for h in history], color="#4a7a96", label="validation loss")
ax.axvline(best_epoch, color="#222222", ls="--", lw=1,
           label=f"best checkpoint (epoch {best_epoch})")
ax.axvspan(best_epoch, job.epoch, color="#eeeeee", label=f"patience: {PATIENCE} epochs")
ax.set_xlabel("epoch")
ax.set_ylabel("mean squared error")
ax.set_title("Early stopping serves the best checkpoint, not the last one")
ax.legend(fontsize=8)
fig.tight_layout()
fig.savefig(IMG / "checkpointing.png", dpi=120)
# Checkpointing:3 ends here
