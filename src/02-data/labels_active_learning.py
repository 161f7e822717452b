# [[file:../../primer.org::*Active learning][Active learning:1]]
"""Active learning: which examples to buy labels for.  Uncertainty sampling versus
random sampling as learning curves.

Data: scikit-learn's handwritten digits.  The training part (1,257 images) is the
unlabelled pool whose labels can be "bought" twenty at a time; the test part (540)
is never queried.  Averaged over five random splits and starting sets.
"""
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")   # many small fits: threads only wait
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

IMG = Path(__file__).resolve().parents[2] / "img" / "02-data"

IMG.mkdir(parents=True, exist_ok=True)
X, y = load_digits(return_X_y=True)
X = X / 16.0
START, BATCH, BUDGET, SEEDS = 20, 20, 200, 5
budgets = np.arange(START, BUDGET + 1, BATCH)


def margin(proba):
    """Gap between the two most probable classes: small means the model is unsure."""
    top2 = np.sort(proba, axis=1)[:, -2:]
    return top2[:, 1] - top2[:, 0]


def learning_curve(strategy, seed):
    X_pool, X_te, y_pool, y_te = train_test_split(X, y, test_size=0.3, stratify=y,
                                                  random_state=seed)
    rng = np.random.default_rng(seed)
    labelled = [i for c in range(10)                # a seed set with two images per class
                for i in rng.choice(np.flatnonzero(y_pool == c), size=START // 10, replace=False)]
    clf = LogisticRegression(C=10.0, max_iter=1000, warm_start=True)  # refits start from the last fit
    accuracy = []
    while True:
        clf.fit(X_pool[labelled], y_pool[labelled])
        accuracy.append(np.mean(clf.predict(X_te) == y_te))
        if len(labelled) >= BUDGET:
            return np.array(accuracy)
        pool = np.setdiff1d(np.arange(len(y_pool)), labelled)
        if strategy == "random":
            buy = rng.choice(pool, size=BATCH, replace=False)
        else:                                  # the BATCH examples with the smallest margin
            buy = pool[np.argsort(margin(clf.predict_proba(X_pool[pool])))[:BATCH]]
        labelled += list(buy)                  # the "annotator" reveals y_pool[buy]


curves = {s: np.array([learning_curve(s, seed) for seed in range(SEEDS)])
          for s in ["random", "uncertainty"]}
mean = {s: c.mean(axis=0) for s, c in curves.items()}
for s in curves:
    for b in [40, 60, 100, 140, 200]:
        print(f"{s}_accuracy_at_{b} = {mean[s][budgets == b][0]:.3f}")
target = mean["random"][-1]
needed = budgets[np.argmax(mean["uncertainty"] >= target)]
print(f"random_accuracy_at_budget = {target:.3f}")
print(f"uncertainty_labels_to_match = {needed}")
print(f"labels_saved_share = {1 - needed / BUDGET:.2f}")
wins = np.mean(curves["uncertainty"][:, budgets >= 100] > curves["random"][:, budgets >= 100])
print(f"uncertainty_wins_share_from_100 = {wins:.2f}")

fig, ax = plt.subplots(figsize=(8, 3.8))
for s, color in [("random", "#b5523b"), ("uncertainty", "#4a7a96")]:
    lo, hi = curves[s].min(axis=0), curves[s].max(axis=0)
    ax.fill_between(budgets, lo, hi, color=color, alpha=0.15)
    ax.plot(budgets, mean[s], "-", color=color, lw=2,
            label=f"{s} sampling (mean of {SEEDS}, band: min to max)")
ax.axhline(target, color="#999999", ls=":", lw=1)
ax.set_xlabel("labels bought")
ax.set_ylabel("test accuracy")
ax.set_title("Active learning on digits, logistic regression")
ax.legend(fontsize=8, loc="lower right")
fig.tight_layout()
fig.savefig(IMG / "labels_active_learning.png", dpi=120)
# Active learning:1 ends here
