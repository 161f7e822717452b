# [[file:../../primer.org::*Semi-supervision by self-training][Semi-supervision by self-training:1]]
"""Self-training: a few labels plus many unlabelled examples versus the few labels alone.

Data: scikit-learn's handwritten digits (1,797 images, 10 classes).  We keep the
labels of 3 images per class in the training part and hide the rest, as if only
30 had been labelled by hand.  Averaged over five random draws of the 30.
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
from sklearn.semi_supervised import SelfTrainingClassifier

IMG = Path(__file__).resolve().parents[2] / "img" / "02-data"

IMG.mkdir(parents=True, exist_ok=True)
X, y = load_digits(return_X_y=True)
X = X / 16.0
X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
PER_CLASS, ROUNDS, ADD_PER_CLASS, SEEDS = 3, 8, 12, 5


def model():
    return LogisticRegression(C=10.0, max_iter=1000)


def self_train(labelled):
    """Class-balanced self-training.  Each round: fit on the labelled set, predict
    the unlabelled pool, and move the ADD_PER_CLASS most confident predictions of
    every class into the labelled set with their predicted label."""
    X_l, y_l = X_tr[labelled], y_tr[labelled]
    pool = np.setdiff1d(np.arange(len(y_tr)), labelled)
    test_acc, pseudo_acc = [], []
    for _ in range(ROUNDS):
        clf = model().fit(X_l, y_l)
        test_acc.append(np.mean(clf.predict(X_te) == y_te))
        proba = clf.predict_proba(X_tr[pool])
        guess, confidence = clf.classes_[proba.argmax(axis=1)], proba.max(axis=1)
        take = np.concatenate([np.flatnonzero(guess == c)[np.argsort(-confidence[guess == c])][:ADD_PER_CLASS]
                               for c in clf.classes_])
        pseudo_acc.append(np.mean(guess[take] == y_tr[pool][take]))   # hidden truth
        X_l, y_l = np.vstack([X_l, X_tr[pool][take]]), np.r_[y_l, guess[take]]
        pool = np.delete(pool, take)
    test_acc.append(np.mean(model().fit(X_l, y_l).predict(X_te) == y_te))
    return np.array(test_acc), np.array(pseudo_acc)


runs = {"supervised": [], "self_training": [], "sklearn_threshold": [], "pseudo": [],
        "n_pseudo_sklearn": [], "fewest_sklearn": []}
for seed in range(SEEDS):
    rng = np.random.default_rng(seed)
    labelled = np.concatenate([rng.choice(np.flatnonzero(y_tr == c), PER_CLASS, replace=False)
                               for c in range(10)])
    curve, pseudo = self_train(labelled)
    runs["supervised"].append(curve[0])            # round 0 is the few labels alone
    runs["self_training"].append(curve)
    runs["pseudo"].append(pseudo)
    # scikit-learn's version: add every prediction above a fixed confidence.
    y_partial = np.full(len(y_tr), -1)
    y_partial[labelled] = y_tr[labelled]
    st = SelfTrainingClassifier(model(), threshold=0.9, max_iter=ROUNDS).fit(X_tr, y_partial)
    runs["sklearn_threshold"].append(np.mean(st.predict(X_te) == y_te))
    added = st.labeled_iter_ > 0
    runs["n_pseudo_sklearn"].append(added.sum())
    runs["fewest_sklearn"].append(np.bincount(st.transduction_[added], minlength=10).min())

curve = np.mean(runs["self_training"], axis=0)
pseudo = np.mean(runs["pseudo"], axis=0)
full = np.mean(model().fit(X_tr, y_tr).predict(X_te) == y_te)
print(f"labelled = {PER_CLASS * 10}")
print(f"unlabelled = {len(y_tr) - PER_CLASS * 10}")
print(f"supervised_accuracy = {np.mean(runs['supervised']):.3f}")
print(f"self_training_accuracy = {curve[-1]:.3f}")
print(f"self_training_pseudo_labels = {ROUNDS * ADD_PER_CLASS * 10}")
print(f"pseudo_label_accuracy_first_round = {pseudo[0]:.3f}")
print(f"pseudo_label_accuracy_last_round = {pseudo[-1]:.3f}")
print(f"sklearn_threshold_accuracy = {np.mean(runs['sklearn_threshold']):.3f}")
print(f"sklearn_threshold_pseudo_labels = {np.mean(runs['n_pseudo_sklearn']):.0f}")
print(f"sklearn_fewest_pseudo_labels_in_a_class = {np.mean(runs['fewest_sklearn']):.1f}")
print(f"balanced_pseudo_labels_per_class = {ROUNDS * ADD_PER_CLASS}")
print(f"all_labels_accuracy = {full:.3f}")
wins = sum(c[-1] > s for c, s in zip(runs["self_training"], runs["supervised"]))
print(f"self_training_wins = {wins} of {SEEDS}")

added = np.arange(ROUNDS + 1) * ADD_PER_CLASS * 10
fig, ax = plt.subplots(figsize=(8, 3.8))
for c in runs["self_training"]:
    ax.plot(added, c, color="#4a7a96", alpha=0.3, lw=1)
ax.plot(added, curve, "o-", color="#4a7a96", label="test accuracy, self-training (mean of 5)")
ax.plot(added[1:], pseudo, "s--", color="#d99a5e", label="accuracy of the pseudo-labels added that round")
ax.axhline(full, color="#222222", ls=":", lw=1, label="all 1,257 training labels")
ax.axhline(np.mean(runs["sklearn_threshold"]), color="#b5523b", ls="--", lw=1,
           label="SelfTrainingClassifier, threshold 0.9")
ax.set_xlabel("pseudo-labelled images added to the 30 hand labels")
ax.set_ylabel("accuracy")
ax.set_title("Self-training on digits from 3 labels per class")
ax.legend(fontsize=8, loc="lower right")
fig.tight_layout()
fig.savefig(IMG / "labels_self_training.png", dpi=120)
# Semi-supervision by self-training:1 ends here
