# [[file:../../primer.org::*Pruning][Pruning:1]]
"""Magnitude pruning with torch.nn.utils.prune, and what it does to size and speed.

Data: scikit-learn's 8x8 digits.  A perceptron with two hidden layers of width
512 is trained, then pruned in two ways:
  unstructured: the smallest weights of all three layers (global L1 magnitude)
      are masked to zero at sparsities from 50 % to 98 %, with and without 60
      steps of fine-tuning with the masks held fixed;
  structured: whole hidden neurons with the smallest L2 norm are removed, which
      gives genuinely smaller dense layers.
Serialized sizes are measured with torch.save; speeds are median CPU times of a
forward pass at batch 64 on one thread.
"""
import copy
import io
import time
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn
from torch.nn.utils import prune

IMG = Path(__file__).resolve().parents[2] / "img" / "06-compression"
IMG.mkdir(parents=True, exist_ok=True)
torch.set_num_threads(1)
torch.manual_seed(0)
WIDTH = 512
warnings.filterwarnings("ignore", message="Sparse CSR tensor support is in beta")

digits = load_digits()
X_tr, X_te, y_tr, y_te = train_test_split(
    digits.data.astype(np.float32) / 16.0, digits.target, test_size=0.3,
    stratify=digits.target, random_state=0)
X_tr, X_te = torch.tensor(X_tr), torch.tensor(X_te)
y_tr, y_te = torch.tensor(y_tr), torch.tensor(y_te)


def train(model, steps, lr=1e-3):
    gen = torch.Generator().manual_seed(1)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    for _ in range(steps):
        rows = torch.randint(0, len(X_tr), (128,), generator=gen)
        opt.zero_grad()
        nn.functional.cross_entropy(model(X_tr[rows]), y_tr[rows]).backward()
        opt.step()
    return model.eval()


def accuracy(model):
    with torch.no_grad():
        return (model(X_te).argmax(1) == y_te).float().mean().item()


def saved_bytes(obj):
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    return buffer.getbuffer().nbytes


def cpu_ms_turns(fns, calls=100):
    """Median CPU time per call of each function; they take turns call by call, so
    that a change in the machine's speed during the run touches all of them alike."""
    with torch.inference_mode():
        for _ in range(10):
            for fn in fns:
                fn()
        times = np.empty((len(fns), calls))
        for i in range(calls):
            for j, fn in enumerate(fns):
                start = time.process_time()
                fn()
                times[j, i] = time.process_time() - start
    return np.median(times, axis=1) * 1e3


def cpu_ms(fn, calls=60):
    """Median CPU time per call of one function."""
    return cpu_ms_turns([fn], calls)[0]


def linears(model):
    return [m for m in model if isinstance(m, nn.Linear)]


net = train(nn.Sequential(nn.Linear(64, WIDTH), nn.ReLU(), nn.Linear(WIDTH, WIDTH),
                          nn.ReLU(), nn.Linear(WIDTH, 10)), 400)
dense_acc = accuracy(net)
dense_bytes = saved_bytes(net.state_dict())
x = X_te[:64]
dense_ms = cpu_ms(lambda: net(x))
print(f"dense_accuracy = {dense_acc:.3f}")
print(f"dense_kb = {dense_bytes / 1e3:.0f}")
print(f"dense_ms = {dense_ms:.3f}")

# Unstructured: global magnitude pruning over the three weight matrices.
SPARSITIES = [0.5, 0.8, 0.9, 0.95, 0.98]
acc_cut, acc_tuned = [], []
for s in SPARSITIES:
    model = copy.deepcopy(net)
    params = [(layer, "weight") for layer in linears(model)]
    prune.global_unstructured(params, pruning_method=prune.L1Unstructured, amount=s)
    acc_cut.append(accuracy(model))
    acc_tuned.append(accuracy(train(model, 60, lr=3e-4)))   # masks stay applied
    key = f"{round(s * 100)}"
    print(f"sparsity{key}_accuracy = {acc_cut[-1]:.3f}")
    print(f"sparsity{key}_accuracy_tuned = {acc_tuned[-1]:.3f}")
    if s == 0.9:
        masked = model                                       # keep for the size study
        layer_sparsity = [float((m.weight == 0).float().mean()) for m in linears(model)]
        for i, v in enumerate(layer_sparsity, 1):
            print(f"layer{i}_sparsity_90 = {v:.2f}")

# What the masks do to the file and to the clock (90 % sparsity).
masked_bytes = saved_bytes(masked.state_dict())        # weight_orig + weight_mask
masked_ms = cpu_ms(lambda: masked(x))                  # recomputes weight = orig * mask
for layer in linears(masked):
    prune.remove(layer, "weight")                      # bake the zeros in: plain tensors
baked_bytes = saved_bytes(masked.state_dict())
dense_paired_ms, baked_ms = cpu_ms_turns([lambda: net(x), lambda: masked(x)])
converted = {k: (v.to_sparse_csr() if v.dim() == 2 else v)
             for k, v in masked.state_dict().items()}
# torch.save writes whole storages.  The column indices that to_sparse_csr() returns
# are a view of a 2 x nnz index storage left over from the conversion, so the file
# carries the row indices too.  Rebuilding the CSR tensors from copies of their three
# arrays stores what the format needs: values, column indices and row offsets.


def rebuilt(v, index=torch.int64):
    if v.layout != torch.sparse_csr:
        return v
    return torch.sparse_csr_tensor(v.crow_indices().to(index).clone(),
                                   v.col_indices().to(index).clone(),
                                   v.values().clone(), v.shape, check_invariants=True)


converted_bytes = saved_bytes(converted)
sparse_bytes = saved_bytes({k: rebuilt(v) for k, v in converted.items()})
int32_bytes = saved_bytes({k: rebuilt(v, torch.int32) for k, v in converted.items()})
nnz = sum(v._nnz() for v in converted.values() if v.layout == torch.sparse_csr)
rows = sum(v.shape[0] + 1 for v in converted.values() if v.layout == torch.sparse_csr)
biases = sum(v.numel() for v in converted.values() if v.layout != torch.sparse_csr)
formula = nnz * (4 + 8) + rows * 8 + biases * 4          # float32 values, int64 indices
print(f"masked_kb = {masked_bytes / 1e3:.0f}")
print(f"baked_kb = {baked_bytes / 1e3:.0f}")
print(f"csr_converted_kb = {converted_bytes / 1e3:.0f}")
print(f"csr_kb = {sparse_bytes / 1e3:.0f}")
print(f"csr_formula_kb = {formula / 1e3:.0f}")
print(f"csr_int32_kb = {int32_bytes / 1e3:.0f}")
print(f"masked_size_ratio = {masked_bytes / dense_bytes:.2f}")
print(f"csr_converted_size_ratio = {converted_bytes / dense_bytes:.2f}")
print(f"csr_size_ratio = {sparse_bytes / dense_bytes:.2f}")
print(f"csr_int32_size_ratio = {int32_bytes / dense_bytes:.2f}")
print(f"masked_ms = {masked_ms:.3f}")
print(f"baked_ms = {baked_ms:.3f}")
print(f"baked_speedup = {dense_paired_ms / baked_ms:.2f}")

# A sparse kernel on the middle layer alone: CSR matrix times a dense batch.
middle = net[2].weight.detach()
h = torch.relu(net[0](x)).detach().T.contiguous()          # 512 x 64
dense_layer_ms = cpu_ms(lambda: middle @ h)
for s in (0.9, 0.98):
    threshold = middle.abs().flatten().kthvalue(int(s * middle.numel())).values
    csr = torch.where(middle.abs() > threshold, middle, 0).to_sparse_csr()
    ratio = dense_layer_ms / cpu_ms(lambda: csr @ h)
    print(f"csr_layer_speedup_{round(s * 100)} = {ratio:.2f}")
# Pruning:1 ends here

# [[file:../../primer.org::*Pruning][Pruning:2]]
# Structured: remove whole hidden neurons (rows of a layer, columns of the next).
def shrink(model, keep):
    """A smaller dense network keeping the hidden neurons with the largest L2 norm."""
    first, second, last = [copy.deepcopy(m) for m in linears(model)]
    k = int(keep * WIDTH)
    prune.ln_structured(first, "weight", amount=WIDTH - k, n=2, dim=0)
    rows1 = first.weight_mask[:, 0].nonzero().flatten()          # surviving neurons
    prune.ln_structured(second, "weight", amount=WIDTH - k, n=2, dim=0)
    rows2 = second.weight_mask[:, 0].nonzero().flatten()
    a, b, c = nn.Linear(64, k), nn.Linear(k, k), nn.Linear(k, 10)
    with torch.no_grad():
        a.weight.copy_(first.weight_orig[rows1])
        a.bias.copy_(first.bias[rows1])
        b.weight.copy_(second.weight_orig[rows2][:, rows1])
        b.bias.copy_(second.bias[rows2])
        c.weight.copy_(last.weight[:, rows2])
        c.bias.copy_(last.bias)
    return nn.Sequential(a, nn.ReLU(), b, nn.ReLU(), c).eval()


KEEP = [0.5, 0.25, 0.125]
struct_speedup, struct_cut, struct_tuned = [], [], []
for keep in KEEP:
    small = shrink(net, keep)
    dense_paired_ms, small_ms = cpu_ms_turns([lambda: net(x), lambda: small(x)])
    struct_speedup.append(dense_paired_ms / small_ms)
    struct_cut.append(accuracy(small))
    struct_tuned.append(accuracy(train(small, 60, lr=3e-4)))
    key = round(keep * WIDTH)
    print(f"neurons{key}_kb = {saved_bytes(small.state_dict()) / 1e3:.0f}")
    print(f"neurons{key}_speedup = {struct_speedup[-1]:.2f}")
    print(f"neurons{key}_accuracy = {struct_cut[-1]:.3f}")
    print(f"neurons{key}_accuracy_tuned = {struct_tuned[-1]:.3f}")

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
pct = [100 * s for s in SPARSITIES]
left.plot(pct, acc_cut, "o-", color="#4a7a96", label="masked, no fine-tuning")
left.plot(pct, acc_tuned, "s--", color="#b5523b", label="masked, 60 fine-tuning steps")
left.axhline(dense_acc, color="#222222", ls="--", lw=1, label="dense network")
left.set_xlabel("share of weights set to zero (%)")
left.set_ylabel("test accuracy")
left.set_title("Global magnitude pruning")
left.legend(fontsize=8, loc="lower left")
labels = ["dense", "masks", "zeros\nbaked in", "CSR as\nconverted", "CSR,\nint64", "CSR,\nint32"]
sizes = [dense_bytes, masked_bytes, baked_bytes, converted_bytes, sparse_bytes, int32_bytes]
right.bar(labels, np.array(sizes) / 1e3,
          color=["#999999", "#b5523b", "#d99a5e", "#8fb3c7", "#4a7a96", "#2f5f7a"])
right.set_ylabel("torch.save size (kB)")
right.tick_params(axis="x", labelsize=8)
right.set_title("The saved file at 90 % sparsity")
fig.tight_layout()
fig.savefig(IMG / "pruning.png", dpi=120)
# Pruning:2 ends here
