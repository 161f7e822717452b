# [[file:../../primer.org::*Evaluation complexity: latency, tails and batching][Evaluation complexity: latency, tails and batching:1]]
"""Single-request and batched inference latency for models of growing size.

Data: synthetic rows with 32 Gaussian features and a nonlinear label.
Models: logistic regression, random forests of 10 and 100 trees (scikit-learn),
and two-hidden-layer perceptrons of width 64, 512 and 2,048 (PyTorch, random
weights: a forward pass costs the same whatever the weights are).  Everything
runs on one CPU thread; absolute times depend on the machine that runs this.
"""
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

IMG = Path(__file__).resolve().parents[2] / "img" / "01-scope"

IMG.mkdir(parents=True, exist_ok=True)
threadpool_limits(1)
torch.set_num_threads(1)
torch.manual_seed(0)
rng = np.random.default_rng(0)

n, d = 4_096, 32                      # rows to score; models train on the first 1,000
X = rng.normal(size=(n, d)).astype(np.float32)
y = (X[:, 0] + X[:, 1] * X[:, 2] > 0).astype(int)
X_fit, y_fit = X[:1_000], y[:1_000]


def perceptron(width):
    net = torch.nn.Sequential(torch.nn.Linear(d, width), torch.nn.ReLU(),
                              torch.nn.Linear(width, width), torch.nn.ReLU(),
                              torch.nn.Linear(width, 1)).eval()

    def predict(rows):
        with torch.inference_mode():
            return torch.sigmoid(net(torch.from_numpy(rows))).numpy()
    return predict


predictors = {
    "logistic": LogisticRegression().fit(X_fit, y_fit).predict_proba,
    "forest10": RandomForestClassifier(n_estimators=10, max_depth=10,
                                       random_state=0).fit(X_fit, y_fit).predict_proba,
    "forest100": RandomForestClassifier(n_estimators=100, max_depth=10,
                                        random_state=0).fit(X_fit, y_fit).predict_proba,
    "mlp64": perceptron(64),
    "mlp512": perceptron(512),
    "mlp2048": perceptron(2048),
}


def timed_calls(predict, batch, calls):
    """Wall-clock and CPU seconds of `calls` consecutive calls on `batch` rows each."""
    wall, cpu = np.empty(calls), np.empty(calls)
    for i in range(calls):
        start_row = (i * batch) % (n - batch + 1)
        rows = X[start_row:start_row + batch]
        t, c = time.perf_counter(), time.process_time()
        predict(rows)
        wall[i], cpu[i] = time.perf_counter() - t, time.process_time() - c
    return wall, cpu


BATCH = 256
single_p50, single_p99, single_cpu = {}, {}, {}
for name, predict in predictors.items():
    timed_calls(predict, 1, 5)                       # warm-up: caches, lazy init,
    timed_calls(predict, BATCH, 2)                   # buffers for the larger batch
    wall, cpu = timed_calls(predict, 1, 400)
    _, batch_cpu = timed_calls(predict, BATCH, 20)
    single_p50[name] = np.percentile(wall, 50) * 1e3
    single_p99[name] = np.percentile(wall, 99) * 1e3
    print(f"{name}_p50_ms = {single_p50[name]:.3f}")
    print(f"{name}_p99_ms = {single_p99[name]:.3f}")
    print(f"{name}_p50_cpu_ms = {np.median(cpu) * 1e3:.3f}")
    # Throughput from the median CPU time per call: a few calls slowed by
    # another job's use of the caches do not move it.
    print(f"{name}_single_rps = {1 / np.median(cpu):.0f}")
    print(f"{name}_batch_rps = {BATCH / np.median(batch_cpu):.0f}")
    print(f"{name}_batch_gain = {np.median(cpu) * BATCH / np.median(batch_cpu):.1f}")
    single_cpu[name] = np.median(cpu)
print(f"forest_100_over_10_cpu = {single_cpu['forest100'] / single_cpu['forest10']:.1f}")
# Evaluation complexity: latency, tails and batching:1 ends here

# [[file:../../primer.org::*Evaluation complexity: latency, tails and batching][Evaluation complexity: latency, tails and batching:2]]
sweep = [1, 4, 16, 64, 256, 1024]
batch_ms, batch_rps = [], []
for b in sweep:
    timed_calls(predictors["mlp512"], b, 2)                   # warm-up
    wall, cpu = timed_calls(predictors["mlp512"], b, max(20, 2_000 // b))
    batch_ms.append(np.median(cpu) * 1e3)        # CPU time: steadier than wall time
    batch_rps.append(b / np.median(cpu))
    print(f"mlp512_batch{b}_ms = {batch_ms[-1]:.3f}")
    print(f"mlp512_batch{b}_rps = {batch_rps[-1]:.0f}")

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
names = list(predictors)
pos = np.arange(len(names))
left.barh(pos + 0.2, [single_p50[k] for k in names], height=0.38, color="#4a7a96",
          label="p50")
left.barh(pos - 0.2, [single_p99[k] for k in names], height=0.38, color="#b5523b",
          label="p99")
left.set_yticks(pos, names)
left.set_xscale("log")
left.set_xlabel("single-row latency, ms (log scale)")
left.set_title("Latency grows with model size")
left.legend(fontsize=8)
right.plot(batch_ms, batch_rps, "o-", color="#222222")
for b, ms, rps in zip(sweep, batch_ms, batch_rps):
    right.annotate(f"B={b}", (ms, rps), textcoords="offset points", xytext=(-6, 7),
                   fontsize=8)
right.set_xscale("log")
right.set_yscale("log")
right.margins(x=0.08, y=0.12)                      # room for the labels
right.set_xlabel("CPU time per batch, ms (log scale)")
right.set_ylabel("rows scored per second (log)")
right.set_title("Batching the width-512 perceptron")
fig.tight_layout()
fig.savefig(IMG / "capacity_latency.png", dpi=120)
# Evaluation complexity: latency, tails and batching:2 ends here
