# [[file:../../primer.org::*A heuristic first][A heuristic first:1]]
"""A hand-written rule against a learned model, as the number of labelled examples grows.

Data: synthetic card transactions with a KNOWN fraud probability.  Fraud depends on
an unusually large amount and a new device (what an analyst would write down), and
also on three weaker signals the analyst does not use.  The rule needs no
labels; the model needs them.  Where do the two curves cross?
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from threadpoolctl import threadpool_limits

threadpool_limits(1)   # tiny fits: extra threads only add waiting when the CPU is busy
IMG = Path(__file__).resolve().parents[2] / "img" / "01-scope"
IMG.mkdir(parents=True, exist_ok=True)
REVIEW_SHARE = 0.05    # the fraud team can inspect 5% of transactions


def transactions(n, rng):
    """Features, fraud labels and the true fraud probability of n transactions."""
    amount_z = rng.normal(size=n)               # log(amount / this user's usual), standardised
    new_device = (rng.random(n) < 0.15).astype(float)
    night = (rng.random(n) < 0.25).astype(float)
    merchant_risk = rng.normal(size=n)
    account_years = rng.exponential(1.0, size=n)
    irrelevant = rng.normal(size=(n, 10))       # columns a model must learn to ignore
    logit = (-3.3 + 1.8 * np.maximum(amount_z, 0) + 1.5 * new_device
             + 1.0 * night * new_device + 0.8 * merchant_risk
             - 1.2 * np.minimum(account_years, 2))
    p = 1 / (1 + np.exp(-logit))
    y = (rng.random(n) < p).astype(int)
    X = np.column_stack([amount_z, new_device, night, merchant_risk, account_years, irrelevant])
    return X, y, p


def rule(X):
    """The analyst's rule: large amounts are suspicious, a new device more so."""
    return np.maximum(X[:, 0], 0) + X[:, 1]


def caught(score, y):
    """Share of all fraud found when the top REVIEW_SHARE of scores is reviewed."""
    top = np.argpartition(-score, int(len(y) * REVIEW_SHARE))[: int(len(y) * REVIEW_SHARE)]
    return y[top].sum() / y.sum()


X_test, y_test, p_test = transactions(20_000, np.random.default_rng(0))
print(f"fraud_rate = {y_test.mean():.3f}")
print(f"rule_caught = {caught(rule(X_test), y_test):.3f}")
print(f"rule_auc = {roc_auc_score(y_test, rule(X_test)):.3f}")
print(f"truth_caught = {caught(p_test, y_test):.3f}")
print(f"truth_auc = {roc_auc_score(y_test, p_test):.3f}")
# A heuristic first:1 ends here

# [[file:../../primer.org::*A heuristic first][A heuristic first:2]]
# Learned models trained on n labelled transactions, 10 independent samples per n.
sizes = [25, 50, 100, 150, 200, 300, 400, 600, 800, 1200, 1600, 3200, 6400, 12800]
with_rule = lambda X: np.column_stack([X, rule(X)])   # the rule as one more feature
curves = {"model": [], "model + rule feature": []}
final_auc = {"model": [], "model + rule feature": []}
for n in sizes:
    found = {k: [] for k in curves}
    for rep in range(10):
        X, y, _ = transactions(n, np.random.default_rng(1000 + rep))
        for name, features in [("model", lambda A: A), ("model + rule feature", with_rule)]:
            if y.sum() < 2:                  # too few frauds to fit anything: random order
                score = np.random.default_rng(rep).random(len(y_test))
            else:
                model = LogisticRegression(max_iter=2000).fit(features(X), y)
                score = model.decision_function(features(X_test))
            found[name].append(caught(score, y_test))
            if n == sizes[-1]:
                final_auc[name].append(roc_auc_score(y_test, score))
    for name in curves:
        curves[name].append(np.array(found[name]))

rule_score = caught(rule(X_test), y_test)
for name, key in [("model", "model"), ("model + rule feature", "hybrid")]:
    means = np.array([c.mean() for c in curves[name]])
    first = next(n for n, m in zip(sizes, means) if m > rule_score)
    runs_ahead = np.sum(curves[name][sizes.index(first)] > rule_score)
    print(f"{key}_caught_n25 = {means[0]:.3f}")
    print(f"{key}_caught_n200 = {means[sizes.index(200)]:.3f}")
    print(f"{key}_caught_n12800 = {means[-1]:.3f}")
    print(f"{key}_auc_n12800 = {np.mean(final_auc[name]):.3f}")
    print(f"{key}_crossover_n = {first}")
    print(f"{key}_runs_ahead_at_crossover = {runs_ahead}")
    print(f"{key}_crossover_frauds = {first * y_test.mean():.0f}")
# Paired by training sample (both models see the same ten samples at each size):
# the sizes at which the rule feature's gain exceeds two standard errors.
gain = [h - m for h, m in zip(curves["model + rule feature"], curves["model"])]
clear = [n for n, g in zip(sizes, gain) if g.mean() > 2 * g.std(ddof=1) / np.sqrt(len(g))]
print(f"hybrid_clear_gain_sizes = {len(clear)}")
print(f"hybrid_clear_gain_largest_n = {max(clear)}")
print(f"hybrid_caught_gain_n12800 = {gain[-1].mean():+.3f}")
print(f"hybrid_caught_gain_n12800_se = {gain[-1].std(ddof=1) / np.sqrt(len(gain[-1])):.3f}")
auc_gain = np.array(final_auc["model + rule feature"]) - np.array(final_auc["model"])
print(f"hybrid_auc_gain_n12800 = {auc_gain.mean():+.3f}")
print(f"hybrid_auc_gain_n12800_se = {auc_gain.std(ddof=1) / np.sqrt(len(auc_gain)):.4f}")

fig, ax = plt.subplots(figsize=(8, 4))
colours = {"model": "#4a7a96", "model + rule feature": "#b5523b"}
labels = {"model": "logistic regression on the raw features",
          "model + rule feature": "logistic regression with the rule as a feature"}
for name, colour in colours.items():
    stack = np.array(curves[name])
    ax.plot(sizes, stack.mean(axis=1), "o-", color=colour, label=labels[name])
    ax.fill_between(sizes, np.percentile(stack, 10, axis=1), np.percentile(stack, 90, axis=1),
                    color=colour, alpha=0.15)
ax.axhline(rule_score, color="#222222", ls="--", lw=1.2, label="hand-written rule (no labels)")
ax.axhline(caught(p_test, y_test), color="#999999", ls=":", lw=1.2, label="true probability (ceiling)")
ax.set_xscale("log")
ax.set_xlabel("labelled transactions used for training (log scale)")
ax.set_ylabel("share of fraud caught\nreviewing the top 5%")
ax.set_title("A rule beats a model until the labels arrive")
ax.legend(fontsize=8, loc="lower right")
fig.tight_layout()
fig.savefig(IMG / "framing_heuristic_first.png", dpi=120)
# A heuristic first:2 ends here
