# [[file:../../primer.org::*Classification metrics][Classification metrics:1]]
"""Confusion-matrix metrics, their asymmetry, cost-based thresholds, and ROC against
precision-recall as the positive class becomes rare.

Data: a scorer of fixed quality.  Negatives score N(0, 1), positives N(1.5, 1), so the
true ROC AUC is Phi(1.5 / sqrt 2) at every base rate, and the probability that a
row with score s is positive is known exactly (Bayes' rule on the two normal
densities).  The base rate is varied by adding negatives to 1,000 positives.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from scipy.stats import norm
from sklearn.metrics import (accuracy_score, average_precision_score, confusion_matrix,
                             f1_score, fbeta_score, precision_recall_curve,
                             precision_score, recall_score, roc_auc_score, roc_curve)

IMG = Path(__file__).resolve().parents[2] / "img" / "07-evaluation"
IMG.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)
SHIFT, N_POS = 1.5, 1_000


def sample(rate):
    """Scores and labels with N_POS positives and enough negatives for the base rate."""
    n_neg = round(N_POS * (1 - rate) / rate)
    s = np.concatenate([rng.normal(SHIFT, 1, N_POS), rng.normal(0, 1, n_neg)])
    y = np.concatenate([np.ones(N_POS, int), np.zeros(n_neg, int)])
    return s, y


def true_probability(s, rate):
    """P(positive | score) under the two known normal densities."""
    pos, neg = rate * norm.pdf(s, SHIFT), (1 - rate) * norm.pdf(s, 0)
    return pos / (pos + neg)


def counts(y, flagged):
    tp = int(np.sum(flagged & (y == 1)))
    fp = int(np.sum(flagged & (y == 0)))
    fn = int(np.sum(~flagged & (y == 1)))
    tn = int(np.sum(~flagged & (y == 0)))
    return tp, fp, fn, tn


def f_beta(tp, fp, fn, beta):
    p, r = tp / (tp + fp), tp / (tp + fn)
    return (1 + beta**2) * p * r / (beta**2 * p + r)


print(f"true_auc = {norm.cdf(SHIFT / np.sqrt(2)):.3f}")

# 1. The confusion matrix at one threshold, by hand and by scikit-learn.
s, y = sample(0.10)
flagged = s > 1.0
tp, fp, fn, tn = counts(y, flagged)
assert (tn, fp, fn, tp) == tuple(confusion_matrix(y, flagged).ravel())
mine = {"precision": tp / (tp + fp), "recall": tp / (tp + fn),
        "f1": f_beta(tp, fp, fn, 1), "f2": f_beta(tp, fp, fn, 2),
        "f05": f_beta(tp, fp, fn, 0.5)}
library = {"precision": precision_score(y, flagged), "recall": recall_score(y, flagged),
           "f1": f1_score(y, flagged), "f2": fbeta_score(y, flagged, beta=2),
           "f05": fbeta_score(y, flagged, beta=0.5)}
print(f"tp = {tp}\nfp = {fp}\nfn = {fn}\ntn = {tn}")
for key in mine:
    print(f"{key} = {mine[key]:.3f}")
print(f"max_diff_vs_sklearn = {max(abs(mine[k] - library[k]) for k in mine):.1e}")

# 2. Asymmetry: call the other class positive.  Accuracy and ROC AUC do not move.
print(f"accuracy = {accuracy_score(y, flagged):.3f}")
print(f"accuracy_swapped = {accuracy_score(1 - y, ~flagged):.3f}")
print(f"f1_swapped = {f1_score(1 - y, ~flagged):.3f}")
print(f"auc = {roc_auc_score(y, s):.3f}")
print(f"auc_swapped = {roc_auc_score(1 - y, -s):.3f}")
print(f"ap = {average_precision_score(y, s):.3f}")
print(f"ap_swapped = {average_precision_score(1 - y, -s):.3f}")
# Classification metrics:1 ends here

# [[file:../../primer.org::*Classification metrics][Classification metrics:2]]
# 3. A threshold from costs, at a base rate of 1 %: a false negative costs 50 reviews.
C_FP, C_FN, RATE = 1.0, 50.0, 0.01
s, y = sample(RATE)
p = true_probability(s, RATE)


def cost_per_1000(threshold):
    tp, fp, fn, tn = counts(y, p > threshold)
    return 1000 * (C_FP * fp + C_FN * fn) / len(y)


bayes = C_FP / (C_FP + C_FN)
grid = np.unique(np.quantile(p, np.linspace(0.5, 1, 2001)))
swept = np.array([cost_per_1000(t) for t in grid])
precision, recall, thresholds = precision_recall_curve(y, p)
f1_curve = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
f1_threshold = thresholds[np.argmax(f1_curve[:-1])]
print(f"bayes_threshold = {bayes:.4f}")
print(f"swept_best_threshold = {grid[np.argmin(swept)]:.4f}")
print(f"f1_best_threshold = {f1_threshold:.3f}")
print(f"cost_flag_nothing = {cost_per_1000(1.0):.1f}")
print(f"cost_at_0_5 = {cost_per_1000(0.5):.1f}")
print(f"cost_at_f1_best = {cost_per_1000(f1_threshold):.1f}")
print(f"cost_at_bayes = {cost_per_1000(bayes):.1f}")
print(f"cost_swept_best = {swept.min():.1f}")
print(f"recall_at_bayes = {recall_score(y, p > bayes):.3f}")
print(f"precision_at_bayes = {precision_score(y, p > bayes):.3f}")
# Classification metrics:2 ends here

# [[file:../../primer.org::*Classification metrics][Classification metrics:3]]
# 4. ROC AUC against average precision as positives become rare.
fig, (roc_ax, pr_ax) = plt.subplots(1, 2, figsize=(10, 4))
colours = ["#222222", "#4a7a96", "#d99a5e", "#b5523b"]
for rate, colour in zip([0.5, 0.1, 0.01, 0.001], colours):
    s, y = sample(rate)
    auc, ap = roc_auc_score(y, s), average_precision_score(y, s)
    key = f"{rate:g}".replace(".", "_")
    print(f"auc_rate_{key} = {auc:.3f}")
    print(f"ap_rate_{key} = {ap:.3f}")
    fpr, tpr, _ = roc_curve(y, s)
    precision, recall, _ = precision_recall_curve(y, s)
    label = f"1 positive in {round(1 / rate):,}"
    roc_ax.plot(fpr, tpr, color=colour, lw=1.2, label=f"{label}: AUC {auc:.2f}")
    pr_ax.plot(recall, precision, color=colour, lw=1.2, label=f"{label}: AP {ap:.3f}")
roc_ax.plot([0, 1], [0, 1], ":", color="#999999")
roc_ax.set_xlabel("false-positive rate")
roc_ax.set_ylabel("recall (true-positive rate)")
roc_ax.set_title("ROC: the four curves coincide")
pr_ax.set_xlabel("recall")
pr_ax.set_ylabel("precision")
pr_ax.set_title("Precision-recall: the same scorer collapses")
for ax in (roc_ax, pr_ax):
    ax.legend(fontsize=7)
fig.tight_layout()
fig.savefig(IMG / "classification_metrics.png", dpi=120)
# Classification metrics:3 ends here
