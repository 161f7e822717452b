# [[file:../../primer.org::*Low precision: bf16, fp16 and loss scaling][Low precision: bf16, fp16 and loss scaling:1]]
"""Low-precision training: bf16 autocast on CPU, fp16 gradient underflow and loss
scaling, and the error of summing in low precision.

Data: scikit-learn's bundled handwritten digits (1,797 8x8 images, 10 classes).
Model: a perceptron with two hidden layers of 256 units.  Part 1 trains it in
float32 and in bfloat16 autocast (torch.autocast on the CPU) and compares test
accuracy and the bytes autograd saves for the backward pass.  Part 2 stores the
gradients in float16, as a GPU's half-precision backward pass would, with no loss
scaling, a fixed scale, and dynamic loss scaling, and counts the gradient values
that float16 flushes to zero.  Part 3 adds 20,000 numbers one at a time in
float16, bfloat16 and float32.
"""
import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.set_num_threads(1)
torch.manual_seed(0)
rng = np.random.default_rng(0)

digits = load_digits()
X = torch.tensor(digits.data / 16.0, dtype=torch.float32)
y = torch.tensor(digits.target)
idx_tr, idx_te = train_test_split(np.arange(len(y)), test_size=0.3, random_state=0,
                                  stratify=digits.target)
X_tr, X_te, y_tr, y_te = X[idx_tr], X[idx_te], y[idx_tr], y[idx_te]
print(f"n_test = {len(y_te)}")
EPOCHS, BATCH = 30, 64


def make_model() -> torch.nn.Module:
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(64, 256), torch.nn.ReLU(),
                               torch.nn.Linear(256, 256), torch.nn.ReLU(),
                               torch.nn.Linear(256, 10))


def accuracy(model, autocast: bool = False) -> float:
    with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=autocast):
        return (model(X_te).argmax(1) == y_te).float().mean().item()


def saved_bytes(model, autocast: bool) -> int:
    weights = {p.untyped_storage().data_ptr() for p in model.parameters()}
    kept = {}

    def pack(t):
        if t.untyped_storage().data_ptr() not in weights:
            kept[t.untyped_storage().data_ptr()] = t.untyped_storage().nbytes()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t), \
            torch.autocast("cpu", dtype=torch.bfloat16, enabled=autocast):
        loss = torch.nn.functional.cross_entropy(model(X_tr[:BATCH]), y_tr[:BATCH])
    loss.backward()
    return sum(kept.values())


def train(grad_mode: str = "fp32", autocast: bool = False, lr: float = 0.05):
    """grad_mode: fp32; fp16 (gradients stored in float16, no scaling);
    fp16_static (scaled by 2**10); fp16_dynamic (start at 2**16, halve on overflow
    and skip the step, double after 200 clean steps)."""
    model = make_model()
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    scale, clean, skipped, flushed, total = 2.0 ** 16, 0, 0, 0, 0
    g = torch.Generator().manual_seed(0)
    for epoch in range(EPOCHS):
        order = torch.randperm(len(y_tr), generator=g)
        for start in range(0, len(order), BATCH):
            rows = order[start:start + BATCH]
            opt.zero_grad(set_to_none=True)
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=autocast):
                loss = torch.nn.functional.cross_entropy(model(X_tr[rows]), y_tr[rows])
            s = {"fp32": 1.0, "fp16": 1.0, "fp16_static": 2.0 ** 10,
                 "fp16_dynamic": scale}[grad_mode]
            (loss * s).backward()
            if grad_mode != "fp32":
                overflow = False
                for p in model.parameters():
                    half = p.grad.half()
                    flushed += int(((half == 0) & (p.grad != 0)).sum())
                    total += p.grad.numel()
                    overflow |= not bool(torch.isfinite(half).all())
                    p.grad = half.float() / s
                if grad_mode == "fp16_dynamic":
                    if overflow:
                        scale, clean = scale / 2, 0
                        skipped += 1
                        continue
                    clean += 1
                    if clean == 200:
                        scale, clean = scale * 2, 0
            opt.step()
    return model, flushed / max(total, 1), skipped, scale


# Part 1: bf16 autocast
fp32_model, _, _, _ = train("fp32")
bf16_model, _, _, _ = train("fp32", autocast=True)
print(f"acc_fp32_trained = {accuracy(fp32_model):.4f}")
print(f"acc_fp32_trained_bf16_inference = {accuracy(fp32_model, autocast=True):.4f}")
print(f"acc_bf16_autocast_trained = {accuracy(bf16_model, autocast=True):.4f}")
b32, b16 = saved_bytes(make_model(), False), saved_bytes(make_model(), True)
print(f"saved_bytes_fp32 = {b32}")
print(f"saved_bytes_bf16_autocast = {b16}")
print(f"saved_bytes_ratio = {b16 / b32:.3f}")

# Part 2: the gradients of the trained model, in float16
fp32_model.zero_grad()
torch.nn.functional.cross_entropy(fp32_model(X_tr), y_tr).backward()
grads = torch.cat([p.grad.reshape(-1) for p in fp32_model.parameters()]).abs()
nonzero = grads[grads > 0]
for name, scale in [("none", 1.0), ("2p10", 2.0 ** 10), ("2p16", 2.0 ** 16)]:
    scaled = nonzero * scale
    print(f"final_grads_zero_in_fp16_scale_{name} = "
          f"{float(((scaled.half()) == 0).float().mean()):.4f}")
    print(f"final_grads_subnormal_in_fp16_scale_{name} = "
          f"{float((scaled < 2.0 ** -14).float().mean()):.4f}")
print(f"final_grad_median = {float(nonzero.median()):.3g}")
print(f"final_grad_max_scaled_2p16 = {float(nonzero.max() * 2 ** 16):.3g}")

for mode in ("fp16", "fp16_static", "fp16_dynamic"):
    model, share, skipped, scale = train(mode)
    print(f"{mode}_flushed_share = {share:.4f}")
    print(f"{mode}_acc = {accuracy(model):.4f}")
    if mode == "fp16_dynamic":
        print(f"fp16_dynamic_skipped_steps = {skipped}")
        print(f"fp16_dynamic_final_scale_log2 = {np.log2(scale):.0f}")

# Part 3: adding 20,000 values from U(0, 1) one at a time
values = rng.random(20_000)
exact = float(np.sum(values.astype(np.float64)))
print(f"sum_exact = {exact:.1f}")
for name, dtype in [("fp16", torch.float16), ("bf16", torch.bfloat16),
                    ("fp32", torch.float32)]:
    acc = torch.zeros((), dtype=dtype)
    for v in torch.tensor(values, dtype=dtype):
        acc = acc + v                       # result rounded to dtype at every step
    print(f"sum_{name}_sequential = {float(acc):.1f}")
    print(f"sum_{name}_rel_error = {abs(float(acc) - exact) / exact:.2e}")
acc32 = torch.tensor(values, dtype=torch.bfloat16).float().sum()
print(f"sum_bf16_values_fp32_accumulator_rel_error = {abs(float(acc32) - exact) / exact:.2e}")
# Low precision: bf16, fp16 and loss scaling:1 ends here
