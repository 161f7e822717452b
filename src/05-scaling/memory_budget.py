# [[file:../../primer.org::*Bytes measured on a real model][Bytes measured on a real model:1]]
"""Where the memory of a training step goes: weights, gradients, optimizer state, activations.

Part 1 measures every byte on a real (small) model: a 4-layer pre-norm transformer
encoder from torch.nn, trained with Adam in float32.  Parameter, gradient and
optimizer-state bytes are read from the tensors themselves; the activations that
autograd keeps for the backward pass are counted with saved_tensors_hooks.  Each is
compared with a formula.  Part 2 applies the formulas to GPT-style shapes from 1.5 to
175 billion parameters under mixed-precision Adam and asks what fits on one 80 GB device.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import torch

IMG = Path(__file__).resolve().parents[2] / "img" / "05-scaling"
IMG.mkdir(parents=True, exist_ok=True)
torch.set_num_threads(1)
torch.manual_seed(0)


def encoder(d: int, heads: int, layers: int) -> torch.nn.Module:
    block = torch.nn.TransformerEncoderLayer(d, heads, 4 * d, dropout=0.0,
                                             batch_first=True, norm_first=True)
    return torch.nn.TransformerEncoder(block, layers, enable_nested_tensor=False)


def tensor_bytes(tensors) -> int:
    return sum(t.numel() * t.element_size() for t in tensors)


def saved_activation_bytes(model: torch.nn.Module, x: torch.Tensor) -> int:
    """Bytes of the distinct storages autograd saves during a forward pass,
    leaving out the parameters (they are counted as weights)."""
    weights = {p.untyped_storage().data_ptr() for p in model.parameters()}
    kept = {}

    def pack(t):
        ptr = t.untyped_storage().data_ptr()
        if ptr not in weights:
            kept[ptr] = t.untyped_storage().nbytes()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        model(x).square().mean().backward()
    return sum(kept.values())


def activation_formula(b: int, s: int, d: int, heads: int, layers: int,
                       nbytes: int = 4, loss_input: bool = True) -> int:
    """Per layer: 12 tensors of b*s*d values (the inputs and outputs of both layer
    norms (4), the q, k and v projections (3), the attention output (1), the
    feed-forward's 4d-wide hidden layer (4)) plus per-token statistics (mean and
    1/std of both layer norms, one log-sum-exp per head).  The loss keeps the
    model's output, one more b*s*d tensor."""
    per_layer = b * s * (12 * d + 4 + heads)
    return nbytes * (layers * per_layer + (b * s * d if loss_input else 0))


d, heads, layers, seq = 256, 4, 4, 128
model = encoder(d, heads, layers)
n_params = sum(p.numel() for p in model.parameters())
opt = torch.optim.Adam(model.parameters(), lr=1e-3)

rows = []
for batch in (4, 8, 16):
    model.zero_grad(set_to_none=True)
    x = torch.randn(batch, seq, d)
    measured = saved_activation_bytes(model, x)
    rows.append((batch, measured, activation_formula(batch, seq, d, heads, layers)))
opt.step()                                     # Adam creates its two moments here

weight_b = tensor_bytes(model.parameters())
grad_b = tensor_bytes(p.grad for p in model.parameters())
state_b = tensor_bytes(v for st in opt.state.values() for v in st.values()
                       if torch.is_tensor(v) and v.dim() > 0)
print(f"params = {n_params}")
print(f"weight_bytes = {weight_b}")
print(f"weight_bytes_per_param = {weight_b / n_params:.2f}")
print(f"grad_bytes_per_param = {grad_b / n_params:.2f}")
print(f"adam_state_bytes_per_param = {state_b / n_params:.2f}")
print(f"fp32_adam_bytes_per_param = {(weight_b + grad_b + state_b) / n_params:.2f}")
for batch, measured, predicted in rows:
    print(f"act_bytes_b{batch} = {measured}")
    print(f"act_formula_b{batch} = {predicted}")
print(f"act_b16_over_b4 = {rows[2][1] / rows[0][1]:.3f}")
print(f"act_b16_over_states = {rows[2][1] / (weight_b + grad_b + state_b):.2f}")

# A second shape checks that the formula is not tuned to the first one.
model2 = encoder(128, 8, 2)
m2 = saved_activation_bytes(model2, torch.randn(3, 64, 128))
print(f"act_bytes_check = {m2}")
print(f"act_formula_check = {activation_formula(3, 64, 128, 8, 2)}")

# Part 2: mixed-precision Adam keeps fp16/bf16 weights and gradients (2 + 2 bytes)
# and an fp32 master copy with two fp32 moments (4 + 4 + 4 bytes): 16 bytes/param.
GB = 1e9
DEVICE_GB = 80
shapes = [("1.5B", 48, 1600, 25), ("6.7B", 32, 4096, 32), ("13B", 40, 5120, 40),
          ("65B", 80, 8192, 64), ("175B", 96, 12288, 96)]


def key(name: str) -> str:
    """A printable key for a model size: 1.5B -> gpt1p5b."""
    return "gpt" + name.lower().replace(".", "p")


seq_len = 2048
table = []
for name, L, width, h in shapes:
    psi = 12 * L * width ** 2                  # attention 4d^2 + feed-forward 8d^2 per layer
    weights, grads, optim = 2 * psi / GB, 2 * psi / GB, 12 * psi / GB
    act = activation_formula(1, seq_len, width, h, L, nbytes=2, loss_input=False) / GB
    table.append((name, psi, weights, grads, optim, act))
    print(f"{key(name)}_params_b = {psi / 1e9:.2f}")
    print(f"{key(name)}_states_gb = {weights + grads + optim:.0f}")
    print(f"{key(name)}_act_per_seq_gb = {act:.1f}")
    print(f"{key(name)}_fits_80gb = {weights + grads + optim + act <= DEVICE_GB}")
big = table[-1]
print(f"gpt175b_min_devices_80gb = {int(np.ceil((big[2] + big[3] + big[4]) / DEVICE_GB))}")
print(f"max_params_b_training_80gb = {DEVICE_GB * GB / 16 / 1e9:.1f}")
print(f"max_params_b_bf16_weights_only_80gb = {DEVICE_GB * GB / 2 / 1e9:.1f}")

fig, ax = plt.subplots(figsize=(7.5, 4))
names = [t[0] for t in table]
bottom = np.zeros(len(table))
parts = [("weights (bf16)", 2, "#4a7a96"), ("gradients (bf16)", 3, "#8fb3c9"),
         ("fp32 master + Adam moments", 4, "#b5523b"),
         ("activations, one 2,048-token sequence", 5, "#d99a5e")]
for label, col, colour in parts:
    vals = np.array([t[col] for t in table])
    ax.bar(names, vals, bottom=bottom, label=label, color=colour)
    bottom += vals
ax.set_ylim(1, 5000)                           # log scale: bars start at 1 GB
ax.axhline(DEVICE_GB, color="#222222", ls="--", lw=1)
ax.text(-0.4, DEVICE_GB * 1.15, "one 80 GB device", fontsize=8)
ax.set_yscale("log")
ax.set_ylabel("GB (log scale)")
ax.set_xlabel("model size (GPT-style shape)")
ax.set_title("Training memory under mixed-precision Adam")
ax.legend(fontsize=8, loc="upper left")
fig.tight_layout()
fig.savefig(IMG / "memory_budget.png", dpi=120)
# Bytes measured on a real model:1 ends here
