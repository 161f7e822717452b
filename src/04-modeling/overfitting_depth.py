# [[file:../../primer.org::*Overfitting][Overfitting:1]]
"""Overfitting: training and test accuracy of a decision tree as its depth grows,
with clean labels and with 10 % of the training labels flipped.

Data: scikit-learn's breast-cancer table (569 rows), split 60/20/20 into
training, validation and test sets ten times with different seeds.  The flipped
labels are known, so we can check whether the tree memorised them.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier

IMG = Path(__file__).resolve().parents[2] / "img" / "04-modeling"

IMG.mkdir(parents=True, exist_ok=True)
X, y = load_breast_cancer(return_X_y=True)
depths = list(range(1, 11)) + [None]           # None: grow until every leaf is pure
labels = [str(d) for d in depths[:-1]] + ["full"]
n_splits = 10


def run(flip_share):
    # Separate arrays for each quantity: (split, depth).
    train_acc = np.zeros((n_splits, len(depths)))
    val_acc = np.zeros_like(train_acc)
    test_acc = np.zeros_like(train_acc)
    flipped_fit = np.zeros_like(train_acc)
    leaves = np.zeros_like(train_acc)
    for s in range(n_splits):
        X_tr, X_rest, y_tr, y_rest = train_test_split(X, y, test_size=0.4, stratify=y,
                                                      random_state=s)
        X_val, X_te, y_val, y_te = train_test_split(X_rest, y_rest, test_size=0.5,
                                                    stratify=y_rest, random_state=s)
        flipped = np.random.default_rng(s).random(len(y_tr)) < flip_share
        y_seen = np.where(flipped, 1 - y_tr, y_tr)   # validation and test stay clean
        for j, depth in enumerate(depths):
            tree = DecisionTreeClassifier(max_depth=depth, random_state=0).fit(X_tr, y_seen)
            train_acc[s, j] = tree.score(X_tr, y_seen)
            val_acc[s, j] = tree.score(X_val, y_val)
            test_acc[s, j] = tree.score(X_te, y_te)
            leaves[s, j] = tree.get_n_leaves()
            if flipped.any():
                flipped_fit[s, j] = np.mean(tree.predict(X_tr[flipped]) == y_seen[flipped])
    return train_acc, val_acc, test_acc, flipped_fit, leaves
# Overfitting:1 ends here

# [[file:../../primer.org::*Overfitting][Overfitting:2]]
curves = {}
for name, share in [("clean", 0.0), ("noisy", 0.1)]:
    train_acc, val_acc, test_acc, flipped_fit, leaves = run(share)
    curves[name] = (train_acc, test_acc)
    best = int(np.argmax(test_acc.mean(axis=0)))
    print(f"{name}_best_test_depth = {labels[best]}")
    print(f"{name}_best_test_acc = {test_acc.mean(axis=0)[best]:.3f}")
    print(f"{name}_full_train_acc = {train_acc[:, -1].mean():.3f}")
    print(f"{name}_full_test_acc = {test_acc[:, -1].mean():.3f}")
    print(f"{name}_full_gap = {train_acc[:, -1].mean() - test_acc[:, -1].mean():.3f}")
    print(f"{name}_full_leaves = {leaves[:, -1].mean():.0f}")
    if share > 0:
        print(f"{name}_depth1_train_acc = {train_acc[:, 0].mean():.3f}")
        print(f"{name}_depth1_test_acc = {test_acc[:, 0].mean():.3f}")
        print(f"{name}_flipped_fit_best_depth = {flipped_fit[:, best].mean():.3f}")
        print(f"{name}_flipped_fit_full = {flipped_fit[:, -1].mean():.3f}")
    # Choosing the depth on the test set flatters the test score; choosing it on
    # the validation set does not.
    chosen = np.argmax(val_acc, axis=1)
    print(f"{name}_test_if_depth_picked_on_test = {test_acc.max(axis=1).mean():.3f}")
    print(f"{name}_test_if_depth_picked_on_val = "
          f"{test_acc[np.arange(n_splits), chosen].mean():.3f}")

fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharey=True)
x = np.arange(len(depths))
for ax, (name, title) in zip(axes, [("clean", "clean labels"),
                                     ("noisy", "10 % of training labels flipped")]):
    for acc, label, color in [(curves[name][0], "training", "#b5523b"),
                              (curves[name][1], "test", "#4a7a96")]:
        mean, sd = acc.mean(axis=0), acc.std(axis=0)
        ax.plot(x, mean, "o-", color=color, label=label, ms=4)
        ax.fill_between(x, mean - sd, mean + sd, color=color, alpha=0.15)
    ax.set_xticks(x, labels)
    ax.set_xlabel("maximum tree depth")
    ax.set_title(title)
    ax.grid(alpha=0.3)
axes[0].set_ylabel("accuracy (mean and sd over 10 splits)")
axes[0].legend()
fig.tight_layout()
fig.savefig(IMG / "overfitting_depth.png", dpi=120)
# Overfitting:2 ends here
