# [[file:../../primer.org::*Inference runtimes and compilation][Inference runtimes and compilation:1]]
"""Eager PyTorch against ONNX Runtime on a small transformer encoder.

Model: token embedding, two transformer encoder layers (width 128, 4 heads,
feed-forward 256), mean pooling and a linear head over 10 classes, with random
weights (speed and agreement do not depend on the weight values).  It is
exported once with torch.onnx.export and run by ONNX Runtime with its graph
optimizations off, at the basic level and at the extended level.  Median CPU
time per call after warm-up, one thread, at batch 1 and 64 of sequences of 32
tokens; the four ways of running the model take turns, call by call.
"""
import tempfile
import time
import warnings
from collections import Counter
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import onnx
import onnxruntime as ort
import torch
from torch import nn

ort.set_default_logger_severity(3)          # errors only

IMG = Path(__file__).resolve().parents[2] / "img" / "06-compression"
IMG.mkdir(parents=True, exist_ok=True)
torch.set_num_threads(1)
torch.manual_seed(0)
VOCAB, WIDTH, LENGTH = 1000, 128, 32
WORK = Path(tempfile.mkdtemp(prefix="runtimes-"))


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, WIDTH)
        layer = nn.TransformerEncoderLayer(WIDTH, nhead=4, dim_feedforward=256,
                                           batch_first=True, activation="gelu")
        self.encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
        self.head = nn.Linear(WIDTH, 10)

    def forward(self, tokens):
        return self.head(self.encoder(self.embed(tokens)).mean(1))


model = Classifier().eval()
tokens = {b: torch.randint(0, VOCAB, (b, LENGTH)) for b in (1, 64)}

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    start = time.process_time()
    program = torch.onnx.export(model, (tokens[64],), dynamo=True, verbose=False,
                                dynamic_shapes=({0: torch.export.Dim("batch")},))
    export_s = time.process_time() - start
program.save(str(WORK / "model.onnx"), external_data=False)
print(f"export_cpu_s = {export_s:.1f}")


def session(level, save_as=None):
    options = ort.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    options.graph_optimization_level = level
    if save_as:
        options.optimized_model_filepath = str(save_as)   # the graph ORT actually runs
    return ort.InferenceSession(str(WORK / "model.onnx"), options,
                                providers=["CPUExecutionProvider"])


LEVELS = {"ort_none": ort.GraphOptimizationLevel.ORT_DISABLE_ALL,
          "ort_basic": ort.GraphOptimizationLevel.ORT_ENABLE_BASIC,
          "ort_extended": ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED}
sessions = {label: session(level, WORK / f"{label}.onnx") for label, level in LEVELS.items()}
name = sessions["ort_none"].get_inputs()[0].name


def median_ms(runs, calls):
    """Median CPU time per call of each runner; the runners take turns, call by call,
    so that a busy machine slows them alike and none gains from going first."""
    for _ in range(10):
        for run in runs.values():
            run()
    times = {label: np.empty(calls) for label in runs}
    for i in range(calls):
        for label, run in runs.items():
            start = time.process_time()
            run()
            times[label][i] = time.process_time() - start
    return {label: np.median(t) * 1e3 for label, t in times.items()}


ms = {}
for b, x in tokens.items():
    calls = 200 if b == 1 else 30
    feed = {name: x.numpy()}
    runs = {"eager": lambda: model(x)}
    for label, sess in sessions.items():
        runs[label] = lambda sess=sess: sess.run(None, feed)
    with torch.inference_mode():
        eager_out = model(x).numpy()
        worst = max(np.abs(sess.run(None, feed)[0] - eager_out).max() for sess in sessions.values())
        for label, value in median_ms(runs, calls).items():
            ms[(label, b)] = value
    print(f"max_abs_diff_batch{b} = {worst:.1e}")
    for label in ["eager", *LEVELS]:
        print(f"{label}_batch{b}_ms = {ms[(label, b)]:.3f}")
    print(f"ort_speedup_batch{b} = {ms[('eager', b)] / ms[('ort_basic', b)]:.2f}")
    print(f"extended_vs_basic_batch{b} = {ms[('ort_extended', b)] / ms[('ort_basic', b)]:.2f}")

# What the optimizer did to the graph, and how many operators eager mode dispatches.
count = {label: Counter(n.op_type for n in onnx.load(WORK / f"{label}.onnx").graph.node)
         for label in LEVELS}
for label, ops in count.items():
    print(f"{label}_nodes = {sum(ops.values())}")
for op in ("LayerNormalization", "SkipLayerNormalization", "MatMul", "Add"):
    print(f"{op}_basic = {count['ort_basic'][op]}")
    print(f"{op}_extended = {count['ort_extended'][op]}")
with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
    with torch.inference_mode():
        model(tokens[1])
aten = sum(e.count for e in prof.key_averages() if e.key.startswith("aten::"))
print(f"eager_aten_calls = {aten}")

fig, ax = plt.subplots(figsize=(8, 3.4))
labels = ["eager PyTorch", "ORT, no graph\noptimization", "ORT basic", "ORT extended"]
pos = np.arange(len(labels))
for k, b in enumerate((1, 64)):
    rel = [ms[(lab, b)] / ms[("eager", b)] for lab in ["eager", *LEVELS]]
    ax.bar(pos + 0.2 * (2 * k - 1), rel, width=0.4, color=["#4a7a96", "#b5523b"][k],
           label=f"batch {b}")
ax.set_xticks(pos, labels)
ax.set_ylabel("CPU time per call / eager")
ax.set_title("A two-layer transformer encoder, one thread")
ax.legend(fontsize=8)
fig.tight_layout()
fig.savefig(IMG / "runtimes.png", dpi=120)
# Inference runtimes and compilation:1 ends here
