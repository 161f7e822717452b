# [[file:../../primer.org::*Quantization][Quantization:1]]
"""Post-training int8 quantization with ONNX Runtime, and 16-bit weights as the cheap first step.

Data: scikit-learn's 8x8 digits.  A perceptron with two hidden layers of width
512 is trained in PyTorch, exported to ONNX, and quantized by ONNX Runtime in
two ways: dynamic (int8 weights, activations quantized on the fly per batch)
and static (int8 weights per output channel, activation ranges calibrated once
on 256 training rows).  Sizes are serialized bytes; speeds are median CPU times
per call after warm-up (the least of seven interleaved rounds), at batch sizes
1 and 64 on one thread.
"""
import copy
import io
import logging
import tempfile
import time
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import onnx
import onnxruntime as ort
import torch
from onnxruntime.quantization import (CalibrationDataReader, QuantFormat, QuantType,
                                      quantize_dynamic, quantize_static)
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

IMG = Path(__file__).resolve().parents[2] / "img" / "06-compression"
IMG.mkdir(parents=True, exist_ok=True)
torch.set_num_threads(1)
torch.manual_seed(0)
logging.getLogger().setLevel(logging.ERROR)      # the quantizer logs advice at WARNING
WORK = Path(tempfile.mkdtemp(prefix="quantization-"))    # the .onnx files

digits = load_digits()
X_tr, X_te, y_tr, y_te = train_test_split(
    digits.data.astype(np.float32) / 16.0, digits.target, test_size=0.3,
    stratify=digits.target, random_state=0)
Xt_tr, yt_tr = torch.tensor(X_tr), torch.tensor(y_tr)

net = nn.Sequential(nn.Linear(64, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(),
                    nn.Linear(512, 10))
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
gen = torch.Generator().manual_seed(1)
for _ in range(300):
    rows = torch.randint(0, len(X_tr), (128,), generator=gen)
    opt.zero_grad()
    nn.functional.cross_entropy(net(Xt_tr[rows]), yt_tr[rows]).backward()
    opt.step()
net.eval()


def state_kb(model):
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    return buffer.getbuffer().nbytes / 1e3


# 16-bit weights: half the bytes, and usually no change in the predictions.
with torch.no_grad():
    ref = net(torch.tensor(X_te))
    for dtype, name in [(torch.float16, "fp16"), (torch.bfloat16, "bf16")]:
        low = copy.deepcopy(net).to(dtype)
        out = low(torch.tensor(X_te).to(dtype)).float()
        print(f"{name}_kb = {state_kb(low):.0f}")
        print(f"{name}_accuracy = {(out.argmax(1).numpy() == y_te).mean():.3f}")
        print(f"{name}_max_logit_error = {(out - ref).abs().max():.4f}")
print(f"fp32_kb = {state_kb(net):.0f}")

# Export once to ONNX (the torch.export-based exporter), then quantize the file.
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    program = torch.onnx.export(net, (torch.tensor(X_te[:4]),), dynamo=True, verbose=False,
                                dynamic_shapes=({0: torch.export.Dim("batch")},))
proto = program.model_proto
del proto.graph.value_info[:]        # stale shape hints trip the quantizer's shape inference
paths = {name: WORK / f"{name}.onnx" for name in ("fp32", "dynamic", "static")}
onnx.save(proto, paths["fp32"])
input_name = proto.graph.input[0].name
quantize_dynamic(paths["fp32"], paths["dynamic"], weight_type=QuantType.QInt8)


class Calibration(CalibrationDataReader):
    """Feeds 256 training rows, in batches of 32, to record activation ranges."""

    def __init__(self):
        self.batches = iter(np.array_split(X_tr[:256], 8))

    def get_next(self):
        batch = next(self.batches, None)
        return None if batch is None else {input_name: batch}


quantize_static(paths["fp32"], paths["static"], Calibration(), quant_format=QuantFormat.QDQ,
                per_channel=True, activation_type=QuantType.QUInt8,
                weight_type=QuantType.QInt8)


def session(path, threads=1):
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def median_time(run, clock, calls):
    times = np.empty(calls)
    for i in range(calls):
        start = clock()
        run()
        times[i] = clock() - start
    return np.median(times) * 1e3


def compare_times(runs, calls, rounds=7):
    """Median CPU ms per call of each model, timed in interleaved rounds so that a
    change in the machine's load hits all models alike; the least round counts
    (other work only adds time)."""
    for run in runs.values():
        for _ in range(10):
            run()                                       # warm-up
    best = {name: np.inf for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            best[name] = min(best[name], median_time(run, time.process_time, calls))
    return best


sessions = {name: session(path) for name, path in paths.items()}
probs, timing = {}, {}
for name, sess in sessions.items():
    logits = sess.run(None, {input_name: X_te})[0]
    probs[name] = np.exp(logits - logits.max(1, keepdims=True))
    probs[name] /= probs[name].sum(1, keepdims=True)
    print(f"{name}_onnx_kb = {paths[name].stat().st_size / 1e3:.0f}")
    print(f"{name}_accuracy = {(logits.argmax(1) == y_te).mean():.3f}")
    if name != "fp32":
        agree = (logits.argmax(1) == probs["fp32"].argmax(1)).mean()
        print(f"{name}_agreement = {agree:.4f}")
        print(f"{name}_max_prob_change = {np.abs(probs[name] - probs['fp32']).max():.4f}")

for batch in (1, 64):
    rows = X_te[:batch]
    best = compare_times({name: (lambda sess=sess: sess.run(None, {input_name: rows}))
                          for name, sess in sessions.items()}, 1000 if batch == 1 else 200)
    for name, ms in best.items():
        timing[(name, batch)] = ms
        print(f"{name}_batch{batch}_ms = {ms:.4f}")

for batch in (1, 64):
    for name in ("dynamic", "static"):
        ratio = timing[("fp32", batch)] / timing[(name, batch)]
        print(f"{name}_speedup_batch{batch} = {ratio:.2f}")
# Which int8 dot-product instructions this CPU offers (the speed-ups depend on them).
try:  # Linux lists CPU features here; elsewhere we report "unknown"
    with open("/proc/cpuinfo") as cpuinfo:
        flags = next((line.split(":", 1)[1].split() for line in cpuinfo
                      if line.startswith("flags")), None)
except OSError:
    flags = None
vnni = [f for f in ("avx512_vnni", "avx_vnni", "amx_int8") if f in (flags or [])]
print(f"cpu_int8_dot_instructions = "
      f"{'unknown' if flags is None else '+'.join(vnni) or 'none'}")

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
sizes = {"fp32": paths["fp32"].stat().st_size, "fp16 (torch)": state_kb(
    copy.deepcopy(net).half()) * 1e3, "int8 dynamic": paths["dynamic"].stat().st_size,
    "int8 static": paths["static"].stat().st_size}
left.barh(list(sizes), np.array(list(sizes.values())) / 1e3,
          color=["#999999", "#d99a5e", "#4a7a96", "#4a7a96"])
left.invert_yaxis()
left.set_xlabel("serialized size (kB)")
left.set_title("Model file")
pos = np.arange(3)
for k, batch in enumerate((1, 64)):
    right.bar(pos + 0.2 * (2 * k - 1), [timing[(n, batch)] / timing[("fp32", batch)]
                                        for n in ("fp32", "dynamic", "static")],
              width=0.4, color=["#4a7a96", "#b5523b"][k], label=f"batch {batch}")
right.set_xticks(pos, ["fp32", "int8 dynamic", "int8 static"])
right.set_ylabel("CPU time per call / fp32")
right.set_title("ONNX Runtime, one thread")
right.legend(fontsize=8)
fig.tight_layout()
fig.savefig(IMG / "quantization.png", dpi=120)
# Quantization:1 ends here
