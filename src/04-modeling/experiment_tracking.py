# [[file:../../primer.org::*Experiment tracking and versioning][Experiment tracking and versioning:1]]
"""A minimal file-based experiment tracker, a six-run sweep logged with it, and a
check that the best run can be reproduced from what was logged.

Data: scikit-learn's bundled handwritten digits (1,797 8x8 images), split into
train / validation / test.  Model: a small MLP trained one epoch at a time.
Every run is a folder under a temporary directory (nothing is written to the
repository): params.json, metrics.jsonl (one line per epoch), samples.json and
summary.json, with hashes of the data and of this file.
"""
import hashlib
import json
import platform
import tempfile
import time
import tracemalloc
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import sklearn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits

threadpool_limits(1)   # small matrices: extra BLAS threads only wait on a busy machine
IMG = Path(__file__).resolve().parents[2] / "img" / "04-modeling"
IMG.mkdir(parents=True, exist_ok=True)
CODE_HASH = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]


def data_hash(*arrays):
    """A short content hash of the arrays a run trains and validates on."""
    h = hashlib.sha256()
    for a in arrays:
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()[:12]


class Run:
    """One experiment: a folder with its config, a metric log and a summary."""

    def __init__(self, root, params, data_version):
        self.run_id = f"run-{len(list(root.iterdir())):03d}"
        self.dir = root / self.run_id
        self.dir.mkdir()
        self.params = {**params, "data_hash": data_version, "code_hash": CODE_HASH,
                       "python": platform.python_version(), "numpy": np.__version__,
                       "sklearn": sklearn.__version__}
        (self.dir / "params.json").write_text(json.dumps(self.params, indent=1))
        self._metrics = (self.dir / "metrics.jsonl").open("a")

    def log(self, step, **metrics):
        self._metrics.write(json.dumps({"step": step, **metrics}) + "\n")
        self._metrics.flush()                     # a crashed run keeps its curve

    def finish(self, summary, samples):
        self._metrics.close()
        (self.dir / "samples.json").write_text(json.dumps(samples))
        (self.dir / "summary.json").write_text(json.dumps(summary, indent=1))


def load_runs(root):
    """Read every finished run back from disk, as a dashboard would."""
    runs = []
    for d in sorted(root.iterdir()):
        if (d / "summary.json").is_file():
            runs.append({"run_id": d.name, **json.loads((d / "params.json").read_text()),
                         **json.loads((d / "summary.json").read_text())})
    return runs
# Experiment tracking and versioning:1 ends here

# [[file:../../primer.org::*Experiment tracking and versioning][Experiment tracking and versioning:2]]
def train(root, params, data):
    """Train one configuration, logging every epoch; return the run and the model."""
    X_tr, y_tr, X_val, y_val = data
    run = Run(root, params, data_hash(*data))
    model = MLPClassifier(hidden_layer_sizes=(params["hidden"],), alpha=params["alpha"],
                          learning_rate_init=params["lr"], batch_size=params["batch_size"],
                          random_state=params["seed"])
    classes = np.unique(y_tr)
    tracemalloc.start()
    start = time.perf_counter()
    best, speeds = (np.inf, -1), []
    for epoch in range(1, params["epochs"] + 1):
        t0 = time.perf_counter()
        model.partial_fit(X_tr, y_tr, classes=classes)        # one pass over the data
        speeds.append(len(y_tr) / (time.perf_counter() - t0))
        proba = model.predict_proba(X_val)
        val_loss = -np.mean(np.log(np.clip(proba[np.arange(len(y_val)), y_val], 1e-12, 1)))
        val_acc = np.mean(proba.argmax(axis=1) == y_val)
        run.log(epoch, train_loss=model.loss_, val_loss=val_loss, val_acc=val_acc,
                examples_per_s=speeds[-1])
        best = min(best, (val_loss, epoch))
    peak_mb = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    pred = proba.argmax(axis=1)
    samples = [{"val_index": int(i), "label": int(y_val[i]), "predicted": int(pred[i]),
                "confidence": round(float(proba[i].max()), 3)}
               for i in np.flatnonzero(pred != y_val)[:5]]
    summary = {"val_loss": val_loss, "val_acc": val_acc, "best_val_loss": best[0],
               "best_epoch": best[1], "wall_s": time.perf_counter() - start,
               "examples_per_s": float(np.median(speeds)), "peak_mb": peak_mb}
    run.finish(summary, samples)
    return run, model


digits = load_digits()
X = digits.data / 16.0
X_rest, X_test, y_rest, y_test = train_test_split(X, digits.target, test_size=0.2,
                                                  stratify=digits.target, random_state=0)
X_tr, X_val, y_tr, y_val = train_test_split(X_rest, y_rest, test_size=0.25,
                                            stratify=y_rest, random_state=0)
data = (X_tr, y_tr, X_val, y_val)
print(f"train_rows = {len(y_tr)}")
base = {"alpha": 1e-4, "batch_size": 64, "epochs": 20, "seed": 0}
sweep = [{**base, "hidden": h, "lr": lr} for h in (16, 64) for lr in (3e-4, 3e-3, 3e-2)]

tmp = tempfile.TemporaryDirectory()          # every run folder lives here, never in the repo
root = Path(tmp.name)
for params in sweep:
    train(root, params, data)
runs = sorted(load_runs(root), key=lambda r: r["val_loss"])
print(f"{'run':8} {'hidden':>6} {'lr':>7} {'val_loss':>9} {'val_acc':>8} "
      f"{'best_ep':>7} {'peak_mb':>7}")
for r in runs:
    print(f"{r['run_id']:8} {r['hidden']:6d} {r['lr']:7.4f} {r['val_loss']:9.4f} "
          f"{r['val_acc']:8.4f} {r['best_epoch']:7d} {r['peak_mb']:7.2f}")
best, second = runs[0], runs[1]
files = sorted(p.name for p in (root / best["run_id"]).iterdir())
print(f"run_files = {len(files)} ({', '.join(files)})")
print(f"logged_lines = {sum(1 for _ in open(root / best['run_id'] / 'metrics.jsonl'))}")
print(f"best_run = {best['run_id']}")
print(f"best_hidden = {best['hidden']}")
print(f"best_lr = {best['lr']}")
print(f"best_val_loss = {best['val_loss']:.4f}")
print(f"best_val_acc = {best['val_acc']:.4f}")
print(f"second_val_loss = {second['val_loss']:.4f}")
print(f"worst_val_loss = {runs[-1]['val_loss']:.4f}")
print(f"worst_run_lr = {runs[-1]['lr']}")
print(f"best_peak_mb = {best['peak_mb']:.2f}")
print(f"best_examples_per_s = {best['examples_per_s']:.0f}")

# A dashboard in miniature: every curve is read back from the run folders.
fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), sharey=True)
for r in sorted(runs, key=lambda r: r["run_id"]):
    lines = [json.loads(line) for line in open(root / r["run_id"] / "metrics.jsonl")]
    style = dict(color="#4a7a96" if r["hidden"] == 64 else "#b5523b",
                 ls={3e-4: ":", 3e-3: "-", 3e-2: "--"}[r["lr"]])
    label = f"{r['run_id']}: hidden {r['hidden']}, lr {r['lr']}"
    for ax, key in zip(axes, ["train_loss", "val_loss"]):
        ax.plot([l["step"] for l in lines], [l[key] for l in lines], label=label, **style)
for ax, title in zip(axes, ["training loss (logged per epoch)", "validation loss"]):
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_title(title)
axes[0].set_ylabel("cross-entropy (log scale)")
axes[1].legend(fontsize=7)
fig.tight_layout()
fig.savefig(IMG / "experiment_tracking.png", dpi=120)
# Experiment tracking and versioning:2 ends here

# [[file:../../primer.org::*Experiment tracking and versioning][Experiment tracking and versioning:3]]
# Reproduce the best run from its logged config alone.
config = json.loads((root / best["run_id"] / "params.json").read_text())
assert config["data_hash"] == data_hash(*data) and config["code_hash"] == CODE_HASH
keys = ["alpha", "batch_size", "epochs", "seed", "hidden", "lr"]
again, model = train(root, {k: config[k] for k in keys}, data)
curve = lambda run_id: [json.loads(line) for line in open(root / run_id / "metrics.jsonl")]
diffs = [abs(a[m] - b[m]) for a, b in zip(curve(best["run_id"]), curve(again.run_id))
         for m in ("train_loss", "val_loss", "val_acc")]
summary = json.loads((again.dir / "summary.json").read_text())
print(f"reproduced_val_loss = {summary['val_loss']:.4f}")
print(f"reproduced_max_abs_diff = {max(diffs)}")
print(f"test_acc_best = {model.score(X_test, y_test):.4f}")   # the test set, used once

# The seed is part of the config: the same hyperparameters with other seeds.
seed_losses = [best["val_loss"]]
for s in (1, 2, 3):
    run, _ = train(root, {**{k: config[k] for k in keys}, "seed": s}, data)
    seed_losses.append(json.loads((run.dir / "summary.json").read_text())["val_loss"])
print(f"seed_val_loss_min = {min(seed_losses):.4f}")
print(f"seed_val_loss_max = {max(seed_losses):.4f}")
# The runner-up with the same seeds: a ranking needs both spreads, not one.
second_config = json.loads((root / second["run_id"] / "params.json").read_text())
second_losses = [second["val_loss"]]
for s in (1, 2, 3):
    run, _ = train(root, {**{k: second_config[k] for k in keys}, "seed": s}, data)
    second_losses.append(json.loads((run.dir / "summary.json").read_text())["val_loss"])
print(f"second_seed_val_loss_min = {min(second_losses):.4f}")
print(f"second_seed_val_loss_max = {max(second_losses):.4f}")
gap = np.mean(second_losses) - np.mean(seed_losses)
gap_se = np.sqrt((np.var(second_losses, ddof=1) + np.var(seed_losses, ddof=1)) / 4)
print(f"seed_mean_val_loss = {np.mean(seed_losses):.4f}")
print(f"second_seed_mean_val_loss = {np.mean(second_losses):.4f}")
print(f"seed_mean_gap = {gap:.4f}")
print(f"seed_mean_gap_se = {gap_se:.4f}")

# The data hash notices a silently changed training set (one label changed).
y_changed = y_tr.copy()
y_changed[0] = (y_changed[0] + 1) % 10
print(f"data_hash = sha256:{data_hash(*data)}")
print(f"changed_data_hash = sha256:{data_hash(X_tr, y_changed, X_val, y_val)}")
print(f"total_runs = {len(list(root.iterdir()))}")
tmp.cleanup()
# Experiment tracking and versioning:3 ends here
