# [[file:../../primer.org::*Low-rank factorization][Low-rank factorization:1]]
"""Low-rank factorization of a trained layer by truncated SVD.

Data: scikit-learn's 8x8 digits.  A perceptron with two hidden layers of width
512 is trained, then its 512x512 middle layer W is replaced by the product of
two thin matrices from the truncated SVD, W ~ U_r S_r V_r^T, for ranks 4 to 512.
For each rank: parameters, CPU time of the layer at batch 64, test accuracy
without and with a short fine-tuning of the factorized network.
"""
import copy
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

IMG = Path(__file__).resolve().parents[2] / "img" / "06-compression"
IMG.mkdir(parents=True, exist_ok=True)
torch.set_num_threads(1)
torch.manual_seed(0)
WIDTH = 512

digits = load_digits()
X_tr, X_te, y_tr, y_te = train_test_split(
    digits.data.astype(np.float32) / 16.0, digits.target, test_size=0.3,
    stratify=digits.target, random_state=0)
X_tr, X_te = torch.tensor(X_tr), torch.tensor(X_te)
y_tr, y_te = torch.tensor(y_tr), torch.tensor(y_te)


def train(model, steps, lr=1e-3, batch=128):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    gen = torch.Generator().manual_seed(1)
    model.train()
    for _ in range(steps):
        rows = torch.randint(0, len(X_tr), (batch,), generator=gen)
        opt.zero_grad()
        nn.functional.cross_entropy(model(X_tr[rows]), y_tr[rows]).backward()
        opt.step()
    return model.eval()


def accuracy(model):
    with torch.no_grad():
        return (model(X_te).argmax(1) == y_te).float().mean().item()


def factorize(layer: nn.Linear, r: int) -> nn.Sequential:
    """Two Linear layers whose product is the best rank-r approximation of layer.weight."""
    U, S, Vh = torch.linalg.svd(layer.weight.detach(), full_matrices=False)
    first = nn.Linear(layer.in_features, r, bias=False)
    second = nn.Linear(r, layer.out_features)
    with torch.no_grad():
        first.weight.copy_(S[:r, None].sqrt() * Vh[:r])        # r x n
        second.weight.copy_(U[:, :r] * S[:r].sqrt())           # m x r
        second.bias.copy_(layer.bias)
    return nn.Sequential(first, second)


def cpu_ms(module, x, calls=100):
    with torch.inference_mode():
        for _ in range(20):                              # warm-up
            module(x)
        times = np.empty(calls)
        for i in range(calls):
            start = time.process_time()
            module(x)
            times[i] = time.process_time() - start
    return np.median(times) * 1e3


net = nn.Sequential(nn.Linear(64, WIDTH), nn.ReLU(), nn.Linear(WIDTH, WIDTH), nn.ReLU(),
                    nn.Linear(WIDTH, 10))
W0 = net[2].weight.detach().clone()                     # the random initial weights
train(net, 400)
base_acc = accuracy(net)
middle = net[2]
m, n = middle.weight.shape
print(f"dense_accuracy = {base_acc:.3f}")
print(f"dense_params = {m * n + m}")
print(f"break_even_rank = {m * n / (m + n):.0f}")
S = torch.linalg.svdvals(middle.weight.detach())
energy = torch.cumsum(S ** 2, 0) / (S ** 2).sum()
S_update = torch.linalg.svdvals(middle.weight.detach() - W0)
energy_update = torch.cumsum(S_update ** 2, 0) / (S_update ** 2).sum()
for r in (16, 64):
    print(f"energy_rank{r} = {energy[r - 1]:.3f}")
    print(f"update_energy_rank{r} = {energy_update[r - 1]:.3f}")
print(f"update_relative_norm = {(middle.weight.detach() - W0).norm() / W0.norm():.3f}")
# Low-rank factorization:1 ends here

# [[file:../../primer.org::*Low-rank factorization][Low-rank factorization:2]]
ranks = [4, 8, 16, 32, 64, 128, 256, 384, 512]
x = torch.randn(64, n)
dense_ms = cpu_ms(middle, x)
print(f"dense_layer_ms = {dense_ms:.3f}")
params, layer_ms, acc_cut, acc_tuned = [], [], [], []
for r in ranks:
    model = copy.deepcopy(net)
    model[2] = factorize(middle, r)
    params.append(r * (m + n) + m)
    layer_ms.append(cpu_ms(model[2], x))
    acc_cut.append(accuracy(model))
    # a short fine-tuning only where the cut visibly hurt
    acc_tuned.append(accuracy(train(model, 60, lr=3e-4)) if r <= 16 else acc_cut[-1])
    print(f"rank{r}_params_ratio = {params[-1] / (m * n + m):.3f}")
    print(f"rank{r}_speedup = {dense_ms / layer_ms[-1]:.2f}")
    print(f"rank{r}_accuracy = {acc_cut[-1]:.3f}")
    print(f"rank{r}_accuracy_tuned = {acc_tuned[-1]:.3f}")

smallest = next(r for r, a in zip(ranks, acc_cut) if a >= base_acc - 0.005)
print(f"smallest_rank_within_half_point = {smallest}")

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
left.plot(ranks, np.array(params) / (m * n + m), "o-", color="#4a7a96",
          label="parameters / dense")
left.plot(ranks, dense_ms / np.array(layer_ms), "s-", color="#b5523b",
          label="speed-up of the layer (CPU time, batch 64)")
left.axhline(1, color="#222222", lw=1)
left.axvline(m * n / (m + n), color="#999999", ls=":", lw=1)
left.annotate("break-even r = mn/(m+n)", (m * n / (m + n), 6), fontsize=8,
              ha="right", xytext=(-4, 0), textcoords="offset points")
left.set_xscale("log", base=2)
left.set_yscale("log")
left.set_xlabel("rank r (log scale)")
left.set_title("Cost of the factorized 512x512 layer")
left.legend(fontsize=8)
right.plot(ranks, acc_cut, "o-", color="#4a7a96", label="truncated SVD, no retraining")
right.plot(ranks[:3], acc_tuned[:3], "s--", color="#b5523b", label="after 60 fine-tuning steps")
right.axhline(base_acc, color="#222222", ls="--", lw=1, label="dense network")
right.set_xscale("log", base=2)
right.set_xlabel("rank r (log scale)")
right.set_ylabel("test accuracy")
right.set_title("Accuracy of the factorized network")
right.legend(fontsize=8)
fig.tight_layout()
fig.savefig(IMG / "lowrank_svd.png", dpi=120)
# Low-rank factorization:2 ends here
