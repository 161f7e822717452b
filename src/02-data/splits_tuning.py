# [[file:../../primer.org::*Why the training score cannot choose][Why the training score cannot choose:1]]
"""Picking a hyperparameter by training score or by validation score, judged on a test set.

Data: 30 synthetic binary problems from make_classification (4,000 rows, 10
features, 10% of labels reassigned at random).  Each is split into 1,000 training,
500 validation and 2,500 test rows.  The hyperparameter is a decision tree's
maximum depth, 1 to 16.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier

IMG = Path(__file__).resolve().parents[2] / "img" / "02-data"

IMG.mkdir(parents=True, exist_ok=True)
DEPTHS = np.arange(1, 17)
REPEATS = 30

# scores[r, i, j]: repeat r, depth DEPTHS[i], j = train / validation / test accuracy
scores = np.zeros((REPEATS, len(DEPTHS), 3))
small_val = np.zeros((REPEATS, len(DEPTHS)))   # accuracy on the first 100 validation rows
for r in range(REPEATS):
    X, y = make_classification(n_samples=4000, n_features=10, n_informative=4,
                               n_redundant=2, flip_y=0.1, class_sep=0.8, random_state=r)
    tr, rest = train_test_split(np.arange(4000), train_size=1000, stratify=y, random_state=r)
    va, te = train_test_split(rest, train_size=500, stratify=y[rest], random_state=r)
    for i, depth in enumerate(DEPTHS):
        tree = DecisionTreeClassifier(max_depth=depth, random_state=r).fit(X[tr], y[tr])
        correct = tree.predict(X) == y
        scores[r, i] = [correct[tr].mean(), correct[va].mean(), correct[te].mean()]
        small_val[r, i] = correct[va[:100]].mean()

rows = np.arange(REPEATS)
by_train = scores[:, :, 0].argmax(axis=1)     # the depth the training score prefers
by_val = scores[:, :, 1].argmax(axis=1)       # the depth the validation score prefers
by_small = small_val.argmax(axis=1)
print(f"train_pick_depth = {DEPTHS[by_train].mean():.1f}")
print(f"train_pick_train_acc = {scores[rows, by_train, 0].mean():.3f}")
print(f"train_pick_test_acc = {scores[rows, by_train, 2].mean():.3f}")
print(f"val_pick_depth = {DEPTHS[by_val].mean():.1f}")
print(f"val_pick_val_acc = {scores[rows, by_val, 1].mean():.3f}")
print(f"val_pick_test_acc = {scores[rows, by_val, 2].mean():.3f}")
print(f"best_depth_test_acc = {scores[:, :, 2].max(axis=1).mean():.3f}")
print(f"val_beats_train_on_test = {np.sum(scores[rows, by_val, 2] > scores[rows, by_train, 2])}")
print(f"test_gain_points = {100 * (scores[rows, by_val, 2] - scores[rows, by_train, 2]).mean():.1f}")
print(f"val_optimism_points = {100 * (scores[rows, by_val, 1] - scores[rows, by_val, 2]).mean():.1f}")
# The same gap averaged over every depth, i.e. without any choosing: chance alone.
print(f"unselected_gap_points = {100 * (scores[:, :, 1] - scores[:, :, 2]).mean():.1f}")
print(f"small_val_optimism_points = "
      f"{100 * (small_val[rows, by_small] - scores[rows, by_small, 2]).mean():.1f}")
print(f"small_val_pick_test_acc = {scores[rows, by_small, 2].mean():.3f}")

fig, ax = plt.subplots(figsize=(7.5, 3.6))
for j, (label, color) in enumerate([("training", "#b5523b"), ("validation", "#d99a5e"),
                                    ("test", "#4a7a96")]):
    ax.plot(DEPTHS, scores[:, :, j].mean(axis=0), "o-", ms=3, color=color, label=label)
ax.axvline(DEPTHS[by_val].mean(), color="#999999", ls=":", lw=1,
           label="mean depth chosen by validation")
ax.set_xlabel("maximum tree depth")
ax.set_ylabel(f"accuracy, mean of {REPEATS} problems")
ax.set_xticks(DEPTHS[::2])
ax.legend(fontsize=8)
ax.set_title("Training accuracy keeps rising; validation and test do not")
fig.tight_layout()
fig.savefig(IMG / "splits_tuning.png", dpi=120)
# Why the training score cannot choose:1 ends here
