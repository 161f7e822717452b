# [[file:../../primer.org::*Fewer bits, per-channel scales and quantization-aware training][Fewer bits, per-channel scales and quantization-aware training:1]]
"""Fewer bits: per-tensor against per-channel scales, and quantization-aware training.

Data: scikit-learn's 8x8 digits.  A perceptron with two hidden layers of width
256 is trained in float32.  Its weights are then rounded to b-bit integers with
a symmetric scale per tensor or per output channel (row), b = 8, 4, 3, 2
(post-training quantization, PTQ).  Quantization-aware training (QAT) fine-tunes
the network with the rounding inside the forward pass (fake quantization) and a
straight-through gradient, then quantizes it the same way.  Activations stay in
float32 throughout, so only the weights' precision is studied.
"""
import copy
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn
from torch.nn import functional as F

IMG = Path(__file__).resolve().parents[2] / "img" / "06-compression"
IMG.mkdir(parents=True, exist_ok=True)
torch.set_num_threads(1)
torch.manual_seed(0)
BITS = [8, 4, 3, 2]

digits = load_digits()
X_tr, X_te, y_tr, y_te = train_test_split(
    digits.data.astype(np.float32) / 16.0, digits.target, test_size=0.3,
    stratify=digits.target, random_state=0)
X_tr, X_te = torch.tensor(X_tr), torch.tensor(X_te)
y_tr, y_te = torch.tensor(y_tr), torch.tensor(y_te)


def quantize(w, bits, per_channel):
    """Symmetric uniform quantization, returned in float: scale * round(w / scale)."""
    levels = 2 ** (bits - 1) - 1                   # e.g. 127 for int8, 7 for int4
    top = w.abs().amax(dim=1, keepdim=True) if per_channel else w.abs().max()
    scale = top.clamp_min(1e-8) / levels
    return torch.clamp(torch.round(w / scale), -levels, levels) * scale


class FakeQuantLinear(nn.Linear):
    """A Linear layer whose forward pass uses quantized weights; gradients pass
    straight through the rounding as if it were the identity."""
    bits = 32

    def forward(self, x):
        if self.bits >= 32:
            return super().forward(x)
        w = self.weight
        w_q = w + (quantize(w, self.bits, per_channel=True) - w).detach()
        return F.linear(x, w_q, self.bias)


def mlp():
    return nn.Sequential(FakeQuantLinear(64, 256), nn.ReLU(), FakeQuantLinear(256, 256),
                         nn.ReLU(), FakeQuantLinear(256, 10))


def train(model, steps, lr):
    gen = torch.Generator().manual_seed(1)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(steps):
        rows = torch.randint(0, len(X_tr), (128,), generator=gen)
        opt.zero_grad()
        F.cross_entropy(model(X_tr[rows]), y_tr[rows]).backward()
        opt.step()
    return model.eval()


def accuracy(model):
    with torch.no_grad():
        return (model(X_te).argmax(1) == y_te).float().mean().item()


def ptq(model, bits, per_channel):
    out = copy.deepcopy(model)
    with torch.no_grad():
        for layer in out:
            if isinstance(layer, nn.Linear):
                layer.weight.copy_(quantize(layer.weight, bits, per_channel))
    return out


net = train(mlp(), 300, 1e-3)
base = accuracy(net)
print(f"float_accuracy = {base:.3f}")
# Rows of a trained layer differ in scale; one scale per tensor serves the largest row.
W = net[2].weight.detach()
row_max = W.abs().amax(1)
print(f"row_max_ratio = {row_max.max() / row_max.median():.1f}")
err = {}
for bits in BITS:
    for per_channel, tag in [(False, "tensor"), (True, "channel")]:
        rel = (quantize(W, bits, per_channel) - W).norm() / W.norm()
        err[(bits, tag)] = rel.item()
        print(f"weight_error_{tag}_int{bits} = {rel:.4f}")
        print(f"ptq_{tag}_int{bits}_accuracy = {accuracy(ptq(net, bits, per_channel)):.3f}")

# Quantization-aware training where post-training rounding breaks: 2 bits.
qat = copy.deepcopy(net)
for layer in qat:
    if isinstance(layer, FakeQuantLinear):
        layer.bits = 2
qat_before = accuracy(qat)                 # same as per-channel PTQ at 2 bits
train(qat, 200, 3e-4)
print(f"qat_int2_before = {qat_before:.3f}")
print(f"qat_int2_accuracy = {accuracy(qat):.3f}")
# the same extra steps without fake quantization, then PTQ: is it the steps or the QAT?
more = train(copy.deepcopy(net), 200, 3e-4)
print(f"longer_float_then_ptq_int2_accuracy = {accuracy(ptq(more, 2, True)):.3f}")

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
for tag, color in [("tensor", "#b5523b"), ("channel", "#4a7a96")]:
    left.plot(BITS, [err[(b, tag)] for b in BITS], "o-", color=color, label=f"per {tag}")
left.set_xlabel("bits per weight")
left.set_ylabel("relative error of the middle layer's weights")
left.invert_xaxis()
left.set_title("Rounding error")
left.legend(fontsize=8)
labels = ["float32", "PTQ int2\nper tensor", "PTQ int2\nper channel", "QAT int2\nper channel"]
values = [base, accuracy(ptq(net, 2, False)), qat_before, accuracy(qat)]
right.bar(labels, values, color=["#999999", "#b5523b", "#4a7a96", "#2f6b3a"])
right.set_ylim(0.5, 1.0)
right.set_ylabel("test accuracy")
right.set_title("Two-bit weights")
fig.tight_layout()
fig.savefig(IMG / "quantization_bits.png", dpi=120)
# Fewer bits, per-channel scales and quantization-aware training:1 ends here
