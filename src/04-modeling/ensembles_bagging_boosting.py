# [[file:../../primer.org::*Bagging][Bagging:1]]
"""Bagging cuts the variance of deep trees; boosting cuts bias one stage at a time.

Data: synthetic, with a known ground truth.  Regression: Friedman's benchmark
function y = 10 sin(pi x1 x2) + 20 (x3 - 0.5)^2 + 10 x4 + 5 x5 + noise, with five
more inputs that do nothing, so the squared bias and the variance of a model can
be measured against the true function.  Classification: a click-like label drawn
from a known probability, so the best achievable log loss (the mean entropy of the
true probabilities) is known.
"""
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.ensemble import (BaggingRegressor, GradientBoostingClassifier,
                              HistGradientBoostingClassifier)
from sklearn.tree import DecisionTreeRegressor
from threadpoolctl import threadpool_limits

threadpool_limits(1)
IMG = Path(__file__).resolve().parents[2] / "img" / "04-modeling"
IMG.mkdir(parents=True, exist_ok=True)
NOISE_SD = 1.0


def friedman(n, rng):
    """Inputs, noisy targets and the noise-free truth of Friedman's function."""
    X = rng.random((n, 10))
    f = (10 * np.sin(np.pi * X[:, 0] * X[:, 1]) + 20 * (X[:, 2] - 0.5) ** 2
         + 10 * X[:, 3] + 5 * X[:, 4])
    return X, f + rng.normal(0, NOISE_SD, n), f


# 1. Bias and variance over 20 independent training sets of 300 rows.
X_test, _, f_test = friedman(2_000, np.random.default_rng(0))
n_sets, n_train, n_trees = 20, 300, 25
preds = {"tree": [], "bagged": []}
member_preds = []                   # one bootstrap tree per training set
for s in range(n_sets):
    X, y, _ = friedman(n_train, np.random.default_rng(100 + s))
    tree = DecisionTreeRegressor(random_state=s).fit(X, y)
    bag = BaggingRegressor(DecisionTreeRegressor(), n_estimators=n_trees,
                           random_state=s).fit(X, y)
    preds["tree"].append(tree.predict(X_test))
    preds["bagged"].append(bag.predict(X_test))
    member_preds.append(bag.estimators_[0].predict(X_test))
decomp = {}
for name, p in preds.items():
    p = np.array(p)                                   # (training sets, test points)
    variance = p.var(axis=0, ddof=1).mean()
    # The mean over n_sets fits still carries variance / n_sets of noise: remove it.
    bias2 = ((p.mean(axis=0) - f_test) ** 2).mean() - variance / n_sets
    mse = ((p - f_test) ** 2).mean()                  # error against the truth
    decomp[name] = (bias2, variance, mse)
    print(f"{name}_bias2 = {bias2:.2f}")
    print(f"{name}_variance = {variance:.2f}")
    print(f"{name}_mse = {mse:.2f}")
print(f"noise_variance = {NOISE_SD ** 2:.2f}")
print(f"variance_ratio = {decomp['tree'][1] / decomp['bagged'][1]:.1f}")
# Why not n_trees times less: the bootstrap trees are correlated.  From the
# variance of one member (sigma2) and of the mean of B members,
# Var(mean) = rho sigma2 + (1 - rho) sigma2 / B gives their correlation rho.
sigma2 = np.array(member_preds).var(axis=0).mean()
rho = (decomp["bagged"][1] - sigma2 / n_trees) / (sigma2 * (1 - 1 / n_trees))
print(f"member_variance = {sigma2:.2f}")
print(f"member_correlation = {rho:.2f}")

# 2. Test error against the number of bagged trees, on the first training set.
X, y, _ = friedman(n_train, np.random.default_rng(100))
tree_mse_first = ((preds["tree"][0] - f_test) ** 2).mean()
print(f"tree_mse_first_set = {tree_mse_first:.2f}")
bag = BaggingRegressor(DecisionTreeRegressor(), n_estimators=100, random_state=0).fit(X, y)
member = np.array([t.predict(X_test) for t in bag.estimators_])
running = np.cumsum(member, axis=0) / np.arange(1, 101)[:, None]   # mean of the first k
bag_curve = ((running - f_test) ** 2).mean(axis=1)
for k in (1, 10, 25, 100):
    print(f"bagged_mse_{k}_trees = {bag_curve[k - 1]:.2f}")
# Bagging:1 ends here

# [[file:../../primer.org::*Boosting][Boosting:1]]
# 3. Boosting: the test loss after every stage, for two learning rates.
def clicks(n, rng):
    """Features, a label drawn from a known probability, and that probability."""
    X = rng.normal(size=(n, 10))
    logit = (-1.0 + 1.2 * X[:, 0] - 0.8 * X[:, 1] + 1.5 * np.sin(2 * X[:, 2])
             + 1.0 * X[:, 3] * X[:, 4] + 0.8 * (X[:, 5] > 0.5))
    p = 1 / (1 + np.exp(-logit))
    return X, (rng.random(n) < p).astype(int), p


def loss(y, p):
    """Mean log loss (binary cross-entropy) in nats."""
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


Xc_test, yc_test, p_test = clicks(10_000, np.random.default_rng(1))
Xc, yc, _ = clicks(1_500, np.random.default_rng(2))
bayes = loss(yc_test, p_test)
print(f"bayes_log_loss = {bayes:.3f}")
stages = {}
for lr, n_stages in ((0.5, 150), (0.1, 200)):
    start = time.process_time()
    gb = GradientBoostingClassifier(n_estimators=n_stages, learning_rate=lr, max_depth=3,
                                    random_state=0).fit(Xc, yc)
    fit_s = time.process_time() - start
    test_curve = [loss(yc_test, p[:, 1]) for p in gb.staged_predict_proba(Xc_test)]
    train_curve = [loss(yc, p[:, 1]) for p in gb.staged_predict_proba(Xc)]
    stages[lr] = (train_curve, test_curve)
    key = f"lr{str(lr).replace('.', '')}"
    best = int(np.argmin(test_curve))
    print(f"gb_{key}_best_stage = {best + 1}")
    print(f"gb_{key}_best_test_loss = {test_curve[best]:.3f}")
    print(f"gb_{key}_final_test_loss = {test_curve[-1]:.3f}")
    print(f"gb_{key}_final_train_loss = {train_curve[-1]:.3f}")
    print(f"gb_{key}_fit_s = {fit_s:.2f}")
# Boosting:1 ends here

# [[file:../../primer.org::*Boosting][Boosting:2]]
# 4. The practical choice: histogram gradient boosting with early stopping.
for n in (1_500, 15_000):
    Xh, yh, _ = (Xc, yc, None) if n == len(yc) else clicks(n, np.random.default_rng(3))
    start = time.process_time()
    hgb = HistGradientBoostingClassifier(learning_rate=0.1, max_iter=500, early_stopping=True,
                                         validation_fraction=0.1, random_state=0).fit(Xh, yh)
    fit_s = time.process_time() - start
    print(f"hgb_{n}_iterations = {hgb.n_iter_}")
    print(f"hgb_{n}_test_loss = {loss(yc_test, hgb.predict_proba(Xc_test)[:, 1]):.3f}")
    print(f"hgb_{n}_fit_s = {fit_s:.2f}")

fig, axes = plt.subplots(1, 3, figsize=(11, 3.6))
ax = axes[0]
names = ["single deep tree", f"bagged ({n_trees} trees)"]
b2 = [decomp["tree"][0], decomp["bagged"][0]]
var = [decomp["tree"][1], decomp["bagged"][1]]
ax.bar(names, b2, color="#4a7a96", label="squared bias")
ax.bar(names, var, bottom=b2, color="#d99a5e", label="variance")
ax.set_ylabel("error against the true function")
ax.set_title("Bagging: bias stays, variance goes")
ax.legend(fontsize=8)
ax = axes[1]
ax.plot(np.arange(1, len(bag_curve) + 1), bag_curve, color="#4a7a96", label="bagged trees")
ax.axhline(tree_mse_first, color="#b5523b", ls="--", label="one tree on all rows")
ax.set_xscale("log")
ax.set_xlabel("number of bagged trees (log scale)")
ax.set_ylabel("test MSE against the truth")
ax.set_title("More bagged trees never hurt")
ax.legend(fontsize=8)
ax = axes[2]
for (lr, (train_curve, test_curve)), colour in zip(stages.items(), ["#b5523b", "#4a7a96"]):
    stage = np.arange(1, len(test_curve) + 1)
    ax.plot(stage, test_curve, color=colour, label=f"test, learning rate {lr}")
    ax.plot(stage, train_curve, color=colour, ls=":", label=f"train, learning rate {lr}")
ax.axhline(bayes, color="#222222", ls="--", lw=1, label="true probabilities (test)")
ax.set_ylim(0, 1.0)
ax.set_xlabel("boosting stage")
ax.set_ylabel("log loss")
ax.set_title("More boosting stages can hurt")
ax.legend(fontsize=7)
fig.tight_layout()
fig.savefig(IMG / "ensembles_bagging_boosting.png", dpi=120)
# Boosting:2 ends here
