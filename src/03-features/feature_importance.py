# [[file:../../primer.org::*Permutation importance and partial dependence][Permutation importance and partial dependence:1]]
"""Permutation importance and partial dependence checked against a known function,
and the bias of impurity-based (MDI) importance towards high-cardinality columns.

Part 1: y = 2 sin(1.5 x1) + x2^2 + x3 * x4 + noise, with x5 unused and all inputs
independent and uniform on [-2, 2], fitted by gradient boosting.  Part 2: a
random forest on a synthetic classification task with three informative columns
and two that are pure noise: a continuous one and a unique row id.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.ensemble import HistGradientBoostingRegressor, RandomForestClassifier
from sklearn.inspection import partial_dependence, permutation_importance
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits

threadpool_limits(1)  # small data: one thread is as fast and is not slowed by a busy machine
IMG = Path(__file__).resolve().parents[2] / "img" / "03-features"
IMG.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)

# Part 1.  A model whose true structure is known.
truth = {0: lambda v: 2 * np.sin(1.5 * v), 1: lambda v: v ** 2}
n = 6_000
X = rng.uniform(-2, 2, size=(n, 5))
y = truth[0](X[:, 0]) + truth[1](X[:, 1]) + X[:, 2] * X[:, 3] + rng.normal(0, 0.5, n)
names = ["x1", "x2", "x3", "x4", "x5"]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=2_000, random_state=0)
model = HistGradientBoostingRegressor(max_iter=200, random_state=0).fit(X_train, y_train)
print(f"test_r2 = {model.score(X_test, y_test):.3f}")
print(f"best_possible_r2 = {1 - 0.25 / np.var(y_test):.3f}")

perm = permutation_importance(model, X_test, y_test, scoring="r2", n_repeats=5,
                              random_state=0)
for name, mean in zip(names, perm.importances_mean):
    print(f"permutation_r2_drop_{name} = {mean:.3f}")
print(f"permutation_largest_sd = {perm.importances_std.max():.3f}")

# What the true function's importances are.  Permuting x_j costs E[(f(x) - f(x~))^2]
# / Var(y) of R^2: twice the variance of an additive term, and E[x4^2] * 2 Var(x3)
# for the product x3 x4.  For U(-2, 2): Var(2 sin 1.5x) = 2 - sin(6) / 3,
# Var(x^2) = 64/45, Var(x3 x4) = (4/3)^2.
var_terms = {"x1": 2 - np.sin(6) / 3, "x2": 64 / 45, "x3x4": 16 / 9}
var_y = sum(var_terms.values()) + 0.5 ** 2
true_drop = {"x1": 2 * var_terms["x1"] / var_y, "x2": 2 * var_terms["x2"] / var_y,
             "x3": 4 / 3 * 2 * 4 / 3 / var_y}
for name, value in true_drop.items():
    print(f"true_r2_drop_{name} = {value:.3f}")


class TrueFunction(RegressorMixin, BaseEstimator):
    """The noiseless truth, with the interface permutation_importance needs."""

    def fit(self, X, y):
        return self

    def predict(self, X):
        return truth[0](X[:, 0]) + truth[1](X[:, 1]) + X[:, 2] * X[:, 3]


# The truth scored on the same rows with the same shuffles as the model.
perm_truth = permutation_importance(TrueFunction(), X_test, y_test, scoring="r2",
                                    n_repeats=5, random_state=0)
for name, mean in zip(names[:4], perm_truth.importances_mean):
    print(f"truth_r2_drop_{name} = {mean:.3f}")

pdp = {}
for j in [0, 1]:
    # For tree ensembles scikit-learn computes the average exactly from the trees.
    result = partial_dependence(model, X_test, [j], grid_resolution=40)
    grid, average = result["grid_values"][0], result["average"][0]
    # Partial dependence is defined up to a constant: compare centred curves.
    error = (average - average.mean()) - (truth[j](grid) - truth[j](grid).mean())
    print(f"pdp_{names[j]}_rmse = {np.sqrt(np.mean(error ** 2)):.3f}")
    print(f"true_{names[j]}_range = {np.ptp(truth[j](grid)):.2f}")
    pdp[j] = (grid, average)
ice = partial_dependence(model, X_test[:300], [3], kind="both", grid_resolution=20)
ice_grid, ice_average, ice_curves = (ice["grid_values"][0], ice["average"][0],
                                     ice["individual"][0])
print(f"pdp_x4_range = {np.ptp(ice_average):.3f}")
print(f"ice_x4_mean_range = {np.ptp(ice_curves, axis=1).mean():.2f}")

fig, axes = plt.subplots(1, 4, figsize=(11, 2.9))
for ax, j in zip(axes[:2], [0, 1]):
    grid, average = pdp[j]
    ax.plot(grid, truth[j](grid) - truth[j](grid).mean(), color="#999999", lw=3,
            label="true effect")
    ax.plot(grid, average - average.mean(), color="#b5523b", lw=1.5, label="partial dependence")
    ax.set_xlabel(names[j])
    ax.set_title(f"effect of {names[j]} (centred)", fontsize=10)
axes[0].legend(fontsize=7)
ax = axes[2]
ax.plot(ice_grid, (ice_curves[:60] - ice_curves[:60].mean(axis=1, keepdims=True)).T,
        color="#4a7a96", lw=0.5, alpha=0.5)
ax.plot(ice_grid, ice_average - ice_average.mean(), color="#b5523b", lw=2)
ax.set_xlabel("x4")
ax.set_title("x4: ICE curves and their mean", fontsize=10)
ax = axes[3]
ax.barh(range(5), perm.importances_mean, xerr=perm.importances_std, color="#4a7a96")
ax.set_yticks(range(5), names)
ax.invert_yaxis()
ax.set_xlabel("drop in test R² when permuted")
ax.set_title("permutation importance", fontsize=10)
fig.tight_layout()
fig.savefig(IMG / "feature_importance-pdp.png", dpi=120)
# Permutation importance and partial dependence:1 ends here

# [[file:../../primer.org::*Impurity importance and its bias][Impurity importance and its bias:1]]
# Part 2.  Impurity-based importance (MDI) against permutation importance.
n = 2_000
binary = rng.integers(0, 2, n)                    # strong effect, two values
group = rng.integers(0, 4, n)                     # moderate effect, four values
score = rng.normal(size=n)                        # moderate effect, continuous
noise = rng.normal(size=n)                        # no effect, continuous
row_id = rng.permutation(n)                       # no effect, every value unique
logit = 1.6 * (binary - 0.5) + np.array([-0.6, -0.2, 0.2, 0.6])[group] + 0.8 * score
label = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
columns = ["binary", "group", "score", "noise", "row_id"]
table = np.column_stack([binary, group, score, noise, row_id]).astype(float)
T_train, T_test, l_train, l_test = train_test_split(table, label, test_size=0.5,
                                                    random_state=0)
forest = RandomForestClassifier(n_estimators=100, random_state=0).fit(T_train, l_train)
print(f"forest_test_accuracy = {forest.score(T_test, l_test):.3f}")
mdi = forest.feature_importances_
held_out = permutation_importance(forest, T_test, l_test, scoring="roc_auc", n_repeats=3,
                                  random_state=0).importances_mean
in_sample = permutation_importance(forest, T_train, l_train, scoring="roc_auc", n_repeats=3,
                                   random_state=0).importances_mean
for name, a, b, c in zip(columns, mdi, held_out, in_sample):
    print(f"mdi_{name} = {a:.3f}")
    print(f"perm_test_{name} = {b:.3f}")
    print(f"perm_train_{name} = {c:.3f}")
rank = {name: r + 1 for r, name in enumerate(np.array(columns)[np.argsort(-mdi)])}
print(f"mdi_rank_row_id = {rank['row_id']}")
print(f"mdi_rank_noise = {rank['noise']}")
print(f"mdi_rank_binary = {rank['binary']}")

fig, axes = plt.subplots(1, 3, figsize=(10, 2.8), sharey=True)
for ax, values, title in [(axes[0], mdi, "impurity (MDI), training data"),
                          (axes[1], in_sample, "permutation, training rows"),
                          (axes[2], held_out, "permutation, held-out rows")]:
    ax.barh(range(5), values, color=["#4a7a96"] * 3 + ["#b5523b"] * 2)
    ax.axvline(0, color="#222222", lw=0.6)
    ax.set_title(title, fontsize=10)
axes[0].set_yticks(range(5), columns)
axes[0].invert_yaxis()
axes[0].set_xlabel("share of impurity decrease")
axes[1].set_xlabel("drop in AUC")
axes[2].set_xlabel("drop in AUC")
fig.tight_layout()
fig.savefig(IMG / "feature_importance-mdi.png", dpi=120)
# Impurity importance and its bias:1 ends here
