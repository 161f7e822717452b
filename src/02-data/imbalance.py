# [[file:../../primer.org::*Class imbalance][Class imbalance:1]]
"""Class imbalance: what accuracy hides, and what resampling, class weights and
threshold moving do to precision, recall, ranking and calibration.

Data: 100,000 synthetic rows with eight standard-normal features and a label drawn
from a known logistic model whose intercept makes about 1.5% of rows positive.
Split 50/25/25 into training, validation and test sets, stratified by the label.
Every treatment touches the training split only; validation and test keep the
natural class balance.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.calibration import calibration_curve
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (average_precision_score, f1_score, log_loss,
                             precision_recall_curve, precision_score, recall_score)
from sklearn.model_selection import train_test_split

IMG = Path(__file__).resolve().parents[2] / "img" / "02-data"

IMG.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)

n = 100_000
X = rng.normal(size=(n, 8))
weights = np.array([2.4, -2.0, 1.6, 1.2, -1.0, 0.8, 0.0, 0.0])
p_true = 1 / (1 + np.exp(-(X @ weights - 9.4)))
y = (rng.random(n) < p_true).astype(int)
train, rest = train_test_split(np.arange(n), test_size=0.5, stratify=y, random_state=0)
val, test = train_test_split(rest, test_size=0.5, stratify=y[rest], random_state=0)
print(f"positive_rate = {y.mean():.4f}")
print(f"train_positives = {y[train].sum()}")
print(f"all_negative_accuracy = {1 - y[test].mean():.4f}")

pos, neg = train[y[train] == 1], train[y[train] == 0]
oversampled = np.concatenate([neg, rng.choice(pos, size=len(neg), replace=True)])
undersampled = np.concatenate([pos, rng.choice(neg, size=len(pos), replace=False)])


def logreg(rows, class_weight=None):
    return LogisticRegression(max_iter=1000, class_weight=class_weight).fit(X[rows], y[rows])


models = {
    "none": logreg(train),
    "oversample": logreg(oversampled),
    "undersample": logreg(undersampled),
    "balanced": logreg(train, class_weight="balanced"),
}
prob_val = {k: m.predict_proba(X[val])[:, 1] for k, m in models.items()}
prob_test = {k: m.predict_proba(X[test])[:, 1] for k, m in models.items()}
# Class imbalance:1 ends here

# [[file:../../primer.org::*Class imbalance][Class imbalance:2]]
def best_f1_threshold(y_true, prob):
    precision, recall, thresholds = precision_recall_curve(y_true, prob)
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
    return thresholds[np.argmax(f1[:-1])]


y_test = y[test]
none_at_half = prob_test["none"] >= 0.5
print(f"none_accuracy = {np.mean(none_at_half == y_test):.4f}")
for name, prob in prob_test.items():
    at_half = prob >= 0.5
    print(f"{name}_precision = {precision_score(y_test, at_half):.3f}")
    print(f"{name}_recall = {recall_score(y_test, at_half):.3f}")
    print(f"{name}_f1 = {f1_score(y_test, at_half):.3f}")
    tuned = best_f1_threshold(y[val], prob_val[name])
    print(f"{name}_f1_tuned = {f1_score(y_test, prob >= tuned):.3f}")
    print(f"{name}_pr_auc = {average_precision_score(y_test, prob):.3f}")
    print(f"{name}_log_loss = {log_loss(y_test, prob):.4f}")
    print(f"{name}_mean_prob = {prob.mean():.4f}")
print(f"none_tuned_threshold = {best_f1_threshold(y[val], prob_val['none']):.3f}")
print(f"truth_pr_auc = {average_precision_score(y_test, p_true[test]):.3f}")
# Paired bootstrap over test rows: each remedy minus the untreated model, for the
# tuned F1 and the PR-AUC.
cut = {k: best_f1_threshold(y[val], prob_val[k]) for k in prob_test}
scores = {"f1_tuned": lambda k, rows: f1_score(y_test[rows], prob_test[k][rows] >= cut[k]),
          "pr_auc": lambda k, rows: average_precision_score(y_test[rows], prob_test[k][rows])}
boot = np.random.default_rng(1)
resamples = [boot.integers(0, len(y_test), len(y_test)) for _ in range(60)]
every = np.arange(len(y_test))
for metric, score in scores.items():
    base = [score("none", rows) for rows in resamples]
    for k in ["oversample", "undersample", "balanced"]:
        diff = [score(k, rows) - b for rows, b in zip(resamples, base)]
        print(f"{k}_minus_none_{metric} = {score(k, every) - score('none', every):+.3f}")
        print(f"{k}_minus_none_{metric}_se = {np.std(diff):.3f}")
print(f"truth_log_loss = {log_loss(y_test, p_true[test]):.4f}")

# A recall target instead of F1: the highest threshold that keeps 80 % recall on validation.
precision, recall, thresholds = precision_recall_curve(y[val], prob_val["none"])
target = thresholds[np.flatnonzero(recall[:-1] >= 0.8)[-1]]
print(f"recall80_test_recall = {recall_score(y_test, prob_test['none'] >= target):.3f}")
print(f"recall80_test_precision = {precision_score(y_test, prob_test['none'] >= target):.3f}")

# Undoing undersampling: keeping a share beta of the negatives multiplies the odds by
# 1/beta, so p = beta * q / (beta * q - q + 1) maps the model's q back.
beta = len(pos) / len(neg)
q = prob_test["undersample"]
corrected = beta * q / (beta * q - q + 1)
print(f"undersample_corrected_log_loss = {log_loss(y_test, corrected):.4f}")
print(f"undersample_corrected_mean_prob = {corrected.mean():.4f}")
# Class imbalance:2 ends here

# [[file:../../primer.org::*Class imbalance][Class imbalance:3]]
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
styles = {"none": ("#222222", "-"), "oversample": ("#d99a5e", "--"),
          "undersample": ("#b5523b", ":"), "balanced": ("#4a7a96", "-.")}
for name, (color, ls) in styles.items():
    precision, recall, _ = precision_recall_curve(y_test, prob_test[name])
    left.plot(recall, precision, ls=ls, color=color, label=name)
    at_half = prob_test[name] >= 0.5
    left.plot(recall_score(y_test, at_half), precision_score(y_test, at_half), "o",
              color=color, ms=7)
left.set_xlabel("recall")
left.set_ylabel("precision")
left.set_title("Test precision-recall (dots: threshold 0.5)", fontsize=10)
left.legend(fontsize=8)
for name, prob in [("none", prob_test["none"]), ("balanced", prob_test["balanced"]),
                   ("undersample", prob_test["undersample"]),
                   ("undersample, corrected", corrected)]:
    frac_pos, mean_pred = calibration_curve(y_test, prob, n_bins=10, strategy="quantile")
    seen = frac_pos > 0                 # deciles without a positive cannot go on a log axis
    color, ls = styles.get(name, ("#999999", "-"))
    right.plot(mean_pred[seen], frac_pos[seen], "o", ls=ls, color=color, ms=3, label=name)
right.plot([1e-4, 1], [1e-4, 1], color="#cccccc", lw=1)
right.set_xscale("log")
right.set_yscale("log")
right.set_xlim(1e-4, 1)
right.set_ylim(1e-4, 1)
right.set_xlabel("mean predicted probability (deciles with a positive)")
right.set_ylabel("observed positive rate")
right.set_title("Calibration on the test set", fontsize=10)
right.legend(fontsize=8)
fig.tight_layout()
fig.savefig(IMG / "imbalance.png", dpi=120)
# Class imbalance:3 ends here
