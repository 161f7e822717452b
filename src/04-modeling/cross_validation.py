# [[file:../../primer.org::*Stratified folds and rare positives][Stratified folds and rare positives:1]]
"""Cross-validation schemes side by side: what each puts in its folds, and how
much the estimate moves with the scheme and the random seed.

Data: scikit-learn's breast-cancer table (fold composition with few positives),
its diabetes table (regression: stratified bins, leave-one-out, spread of the
estimate), and simulated patients and time series whose truth is known
(grouped rows and forward-in-time validation).
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy.stats import hypergeom
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.model_selection import (GroupKFold, KFold, LeaveOneOut, StratifiedKFold,
                                     TimeSeriesSplit, train_test_split)
from sklearn.neighbors import KNeighborsRegressor
from threadpoolctl import threadpool_limits

threadpool_limits(1)
IMG = Path(__file__).resolve().parents[2] / "img" / "04-modeling"
IMG.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)

# 1. Few positives, rows sorted by label (as many exports are).
X_bc, y_bc = load_breast_cancer(return_X_y=True)
y_bc = 1 - y_bc                                   # 1 = malignant
keep = np.concatenate([np.flatnonzero(y_bc == 0),
                       rng.choice(np.flatnonzero(y_bc == 1), size=20, replace=False)])
X_few, y_few = X_bc[keep], y_bc[keep]             # benign first, then 20 malignant
print(f"few_rows = {len(y_few)}")
print(f"few_positives = {y_few.sum()}")


def positives_per_fold(splitter):
    return np.array([y_few[test].sum() for _, test in splitter.split(X_few, y_few)])


print(f"kfold_sorted_empty_folds = {np.sum(positives_per_fold(KFold(5)) == 0)}")
shuffled = np.concatenate([positives_per_fold(KFold(10, shuffle=True, random_state=r))
                           for r in range(100)])
print(f"shuffled_10fold_empty_share = {np.mean(shuffled == 0):.3f}")
print(f"shuffled_10fold_min_positives = {shuffled.min()}")
print(f"shuffled_10fold_max_positives = {shuffled.max()}")
# A fold of s rows drawn without replacement from 377 misses all 20 positives with
# the hypergeometric probability C(357, s) / C(377, s); ten folds hold 37 or 38 rows.
sizes = [len(test) for _, test in KFold(10).split(X_few)]
print(f"expected_empty_share = {np.mean([hypergeom.pmf(0, len(y_few), y_few.sum(), k) for k in sizes]):.3f}")
strat = np.concatenate([positives_per_fold(StratifiedKFold(10, shuffle=True, random_state=r))
                        for r in range(100)])
print(f"stratified_positives_min = {strat.min()}")
print(f"stratified_positives_max = {strat.max()}")
# Stratified folds and rare positives:1 ends here

# [[file:../../primer.org::*Stratified folds and rare positives][Stratified folds and rare positives:2]]
# 2. Regression: stratify on deciles of the target.
X_d, y_d = load_diabetes(return_X_y=True)
X_d = np.column_stack([np.ones(len(y_d)), X_d])   # intercept column
deciles = pd.qcut(y_d, 10, labels=False)


def fold_means(splits):
    return np.array([y_d[test].mean() for _, test in splits])


plain_sd = [fold_means(KFold(5, shuffle=True, random_state=r).split(X_d)).std()
            for r in range(50)]
binned_sd = [fold_means(StratifiedKFold(5, shuffle=True, random_state=r).split(X_d, deciles)).std()
             for r in range(50)]
print(f"target_sd = {y_d.std():.1f}")
print(f"fold_mean_sd_kfold = {np.mean(plain_sd):.2f}")
print(f"fold_mean_sd_binned = {np.mean(binned_sd):.2f}")
# Stratified folds and rare positives:2 ends here

# [[file:../../primer.org::*How much the estimate moves][How much the estimate moves:1]]
# 3. One model (least squares), one data set, several schemes.
def fold_mse(splits):
    errors = []
    for train, test in splits:
        w = np.linalg.lstsq(X_d[train], y_d[train], rcond=None)[0]
        errors.append(np.mean((X_d[test] @ w - y_d[test]) ** 2))
    return np.array(errors)


idx = np.arange(len(y_d))
holdout = np.array([fold_mse([train_test_split(idx, test_size=0.2, random_state=s)])[0]
                    for s in range(200)])
print(f"holdout_mse_mean = {holdout.mean():.0f}")
print(f"holdout_mse_sd = {holdout.std():.0f}")
print(f"holdout_mse_min = {holdout.min():.0f}")
print(f"holdout_mse_max = {holdout.max():.0f}")
spread = {"hold-out 80/20": holdout}
for k in [5, 10]:
    for name, make in [("kfold", lambda r: KFold(k, shuffle=True, random_state=r).split(X_d)),
                       ("binned", lambda r: StratifiedKFold(k, shuffle=True, random_state=r)
                        .split(X_d, deciles))]:
        runs = [fold_mse(make(r)) for r in range(50)]
        estimates = np.array([r.mean() for r in runs])
        print(f"{name}{k}_mse_mean = {estimates.mean():.0f}")
        print(f"{name}{k}_estimate_sd = {estimates.std():.1f}")
        if name == "kfold":
            print(f"{name}{k}_fold_sd = {np.mean([r.std() for r in runs]):.0f}")
        spread[f"{k}-fold" + (" binned" if name == "binned" else "")] = estimates
loo = fold_mse(LeaveOneOut().split(X_d))
print(f"loo_fits = {len(loo)}")
print(f"loo_mse = {loo.mean():.0f}")
print(f"loo_fold_sd = {loo.std():.0f}")
# For least squares the n fits are not needed: the leave-one-out residual of
# row i is its ordinary residual divided by 1 - h_ii (h: the hat matrix diagonal).
w_all = np.linalg.lstsq(X_d, y_d, rcond=None)[0]
h = np.einsum("ij,ji->i", X_d, np.linalg.pinv(X_d))
loo_shortcut = np.mean(((y_d - X_d @ w_all) / (1 - h)) ** 2)
print(f"loo_shortcut_abs_diff = {abs(loo_shortcut - loo.mean()):.1e}")
# How much the estimate moves:1 ends here

# [[file:../../primer.org::*Groups and time][Groups and time:1]]
# 4. Several rows per group: patients seen at 8 visits each.  A patient's visits
# look alike and share a patient effect the features cannot explain.
def clinic(n_patients, local_rng):
    base = local_rng.normal(size=(n_patients, 4))
    effect = local_rng.normal(0, 0.7, n_patients)
    patient = np.repeat(np.arange(n_patients), 8)
    X = base[patient] + 0.3 * local_rng.normal(size=(len(patient), 4))
    y = 2 * np.sin(X[:, 0]) + 0.5 * X[:, 1] ** 2 + effect[patient] \
        + 0.3 * local_rng.normal(size=len(patient))
    return X, y, patient


def cv_mse(model, X, y, splits):
    return np.mean([np.mean((model.fit(X[tr], y[tr]).predict(X[te]) - y[te]) ** 2)
                    for tr, te in splits])


knn = KNeighborsRegressor(n_neighbors=10)
group_rows = []
for rep in range(10):
    local = np.random.default_rng(100 + rep)
    X_g, y_g, patient = clinic(150, local)
    X_new, y_new, _ = clinic(1000, local)          # patients the model never saw
    group_rows.append([
        cv_mse(knn, X_g, y_g, KFold(5, shuffle=True, random_state=rep).split(X_g)),
        cv_mse(knn, X_g, y_g, GroupKFold(5).split(X_g, y_g, patient)),
        np.mean((knn.fit(X_g, y_g).predict(X_new) - y_new) ** 2)])
group_rows = np.array(group_rows).mean(axis=0)
print(f"group_random_kfold_mse = {group_rows[0]:.3f}")
print(f"group_groupkfold_mse = {group_rows[1]:.3f}")
print(f"group_new_patients_mse = {group_rows[2]:.3f}")
train, test = next(KFold(5, shuffle=True, random_state=0).split(X_g))
print(f"random_kfold_test_rows_with_patient_in_train = "
      f"{np.isin(patient[test], patient[train]).mean():.3f}")
# Groups and time:1 ends here

# [[file:../../primer.org::*Groups and time][Groups and time:2]]
# 5. A daily series whose level drifts (a random walk) plus a weekly pattern.
# The model sees the week number and the weekday.
ts_rows = []
for rep in range(60):
    local = np.random.default_rng(200 + rep)
    days = np.arange(730)
    level = np.cumsum(local.normal(0, 0.5, len(days)))
    y_t = level + 2 * np.sin(2 * np.pi * (days % 7) / 7) + local.normal(0, 1, len(days))
    X_t = np.column_stack([days / 7, days % 7])
    model = KNeighborsRegressor(n_neighbors=5)
    horizon = len(days) // 6                         # forecast the next ~4 months
    cut = len(days) - horizon
    ts_rows.append([
        cv_mse(model, X_t[:cut], y_t[:cut], KFold(5, shuffle=True, random_state=rep).split(X_t[:cut])),
        cv_mse(model, X_t[:cut], y_t[:cut], TimeSeriesSplit(4, test_size=horizon).split(X_t[:cut])),
        np.mean((model.fit(X_t[:cut], y_t[:cut]).predict(X_t[cut:]) - y_t[cut:]) ** 2)])
ts_rows = np.array(ts_rows)
print(f"ts_shuffled_kfold_mse = {ts_rows[:, 0].mean():.2f}")
print(f"ts_timeseriessplit_mse = {ts_rows[:, 1].mean():.2f}")
print(f"ts_future_mse = {ts_rows[:, 2].mean():.2f}")
print(f"ts_future_mse_sd_between_series = {ts_rows[:, 2].std():.2f}")
print(f"ts_future_mse_standard_error = {ts_rows[:, 2].std() / np.sqrt(len(ts_rows)):.2f}")
# Groups and time:2 ends here

# [[file:../../primer.org::*Groups and time][Groups and time:3]]
# Figure 1: which rows land in which test fold, on 40 toy rows.
n_toy = 40
toy_y = np.r_[np.zeros(32, int), np.ones(8, int)]          # sorted, 20 % positive
toy_group = np.repeat(np.arange(8), 5)
schemes = [("KFold, rows sorted by label", KFold(4).split(np.zeros(n_toy))),
           ("StratifiedKFold (shuffled)",
            StratifiedKFold(4, shuffle=True, random_state=0).split(np.zeros(n_toy), toy_y)),
           ("GroupKFold (8 groups of 5 rows)",
            GroupKFold(4).split(np.zeros(n_toy), toy_y, toy_group)),
           ("TimeSeriesSplit (rows in time order)", TimeSeriesSplit(4).split(np.zeros(n_toy)))]
fig, axes = plt.subplots(len(schemes), 1, figsize=(9, 7), sharex=True)
for ax, (title, splits) in zip(axes, schemes):
    grid = np.full((4, n_toy), np.nan)               # nan: not used in that fold
    for fold, (tr, te) in enumerate(splits):
        grid[fold, tr], grid[fold, te] = 0, 1
    ax.imshow(grid, cmap="coolwarm", vmin=0, vmax=1, aspect="auto")
    marks = toy_group if "Group" in title else toy_y
    ax.scatter(np.arange(n_toy), np.full(n_toy, 4.1), c=marks, cmap="tab10" if "Group" in title
               else "Greys", vmin=0, vmax=9 if "Group" in title else 1, marker="s", s=18,
               edgecolors="k", linewidths=0.3)
    ax.set_ylim(4.6, -0.6)
    ax.set_yticks(range(4), [f"fold {i + 1}" for i in range(4)], fontsize=8)
    ax.set_title(title, fontsize=10, loc="left")
axes[-1].set_xlabel("row (blue: training, red: test, white: unused; squares: label or group)")
fig.tight_layout()
fig.savefig(IMG / "cross_validation-folds.png", dpi=120)

# Figure 2: spread of the estimate across seeds, by scheme.
fig, ax = plt.subplots(figsize=(9, 3.6))
names = list(spread)
ax.boxplot([spread[n] for n in names], orientation="horizontal", widths=0.5)
ax.axvline(loo.mean(), color="#b5523b", ls="--", lw=1, label="leave-one-out")
ax.set_yticks(range(1, len(names) + 1), names)
ax.set_xlabel("estimated test MSE of least squares on the diabetes data")
ax.set_title("200 hold-out seeds and 50 reshuffles of each k-fold scheme")
ax.legend(loc="lower right", fontsize=8)
fig.tight_layout()
fig.savefig(IMG / "cross_validation-spread.png", dpi=120)
# Groups and time:3 ends here
