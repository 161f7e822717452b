# [[file:../../primer.org::*Fairness as slice evaluation][Fairness as slice evaluation:1]]
"""Fairness criteria as slice metrics on one model: demographic parity, equal
opportunity, equalized odds and calibration within groups, and why with different
base rates they cannot all hold.

Data: 80,000 synthetic applicants in two groups of equal size.  A latent risk r
has mean 0 in group a and 0.8 in group b; the outcome is drawn from a known
logistic function of r, so the base rates differ.  The model (logistic
regression) sees a noisy measurement of r and the group.  Three decision rules
use its score: one threshold of 0.5 for everyone, group thresholds that equalise
selection rates, and group thresholds that equalise true-positive rates.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import LogisticRegression

IMG = Path(__file__).resolve().parents[2] / "img" / "07-evaluation"
IMG.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)
n = 80_000
group = rng.integers(0, 2, n)                        # 0 = a, 1 = b
risk = rng.normal(0.8 * group, 1.0)
y = (rng.random(n) < 1 / (1 + np.exp(-(-0.8 + 1.6 * risk)))).astype(int)
X = np.column_stack([risk + rng.normal(0, 0.6, n), group])
train, test = np.arange(n) < n // 2, np.arange(n) >= n // 2
score = LogisticRegression().fit(X[train], y[train]).predict_proba(X[test])[:, 1]
y_te, g_te = y[test], group[test]


def rates(decision, g):
    m = g_te == g
    pos, neg = m & (y_te == 1), m & (y_te == 0)
    return {"selection": decision[m].mean(), "tpr": decision[pos].mean(),
            "fpr": decision[neg].mean(), "ppv": y_te[m & decision].mean()}


def threshold_for(g, metric, target):
    """The group's score threshold at which `metric` reaches `target`."""
    m = g_te == g
    pool = score[m & (y_te == 1)] if metric == "tpr" else score[m]
    return np.quantile(pool, 1 - target)


for g, name in [(0, "a"), (1, "b")]:
    m = g_te == g
    print(f"base_rate_{name} = {y_te[m].mean():.3f}")
    print(f"mean_score_{name} = {score[m].mean():.3f}")
    bins = np.minimum((score[m] * 10).astype(int), 9)
    gaps = [abs(score[m][bins == b].mean() - y_te[m][bins == b].mean()) * np.mean(bins == b)
            for b in range(10) if np.any(bins == b)]
    print(f"ece_{name} = {sum(gaps):.3f}")
    # Kleinberg et al.'s balance conditions: the mean score among positives and negatives.
    print(f"mean_score_positives_{name} = {score[m & (y_te == 1)].mean():.3f}")
    print(f"mean_score_negatives_{name} = {score[m & (y_te == 0)].mean():.3f}")

single = score > 0.5
overall_selection = single.mean()
overall_tpr = single[y_te == 1].mean()
rules = {
    "single_threshold": single,
    "demographic_parity": np.where(g_te == 0, score > threshold_for(0, "selection", overall_selection),
                                   score > threshold_for(1, "selection", overall_selection)),
    "equal_opportunity": np.where(g_te == 0, score > threshold_for(0, "tpr", overall_tpr),
                                  score > threshold_for(1, "tpr", overall_tpr)),
}
table = {}
for rule, decision in rules.items():
    table[rule] = [rates(decision, 0), rates(decision, 1)]
    print(f"{rule}_accuracy = {np.mean(decision == y_te):.4f}")
    for metric in ["selection", "tpr", "fpr", "ppv"]:
        a, b = table[rule][0][metric], table[rule][1][metric]
        print(f"{rule}_{metric}_a = {a:.3f}")
        print(f"{rule}_{metric}_b = {b:.3f}")
        print(f"{rule}_{metric}_gap = {b - a:.3f}")
per_group = (g_te == 0).sum()
print(f"rate_gap_se_at_half = {np.sqrt(2 * 0.25 / (per_group * y_te.mean())):.3f}")
# Fairness as slice evaluation:1 ends here

# [[file:../../primer.org::*Fairness as slice evaluation][Fairness as slice evaluation:2]]
fig, axes = plt.subplots(1, 3, figsize=(11, 3.4), sharey=True)
metrics = ["selection", "tpr", "fpr", "ppv"]
labels = ["selection\nrate", "true-positive\nrate", "false-positive\nrate", "precision\n(PPV)"]
titles = {"single_threshold": "One threshold (0.5)", "demographic_parity": "Equal selection rates",
          "equal_opportunity": "Equal true-positive rates"}
for ax, (rule, (ra, rb)) in zip(axes, table.items()):
    pos = np.arange(len(metrics))
    ax.bar(pos - 0.2, [ra[k] for k in metrics], 0.4, color="#4a7a96", label="group a")
    ax.bar(pos + 0.2, [rb[k] for k in metrics], 0.4, color="#d99a5e", label="group b")
    ax.set_xticks(pos, labels, fontsize=7)
    ax.set_title(titles[rule], fontsize=10)
axes[0].set_ylabel("rate")
axes[0].legend(fontsize=8)
fig.tight_layout()
fig.savefig(IMG / "fairness.png", dpi=120)
# Fairness as slice evaluation:2 ends here
