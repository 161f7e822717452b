# [[file:../../primer.org::*Group leakage][Group leakage:1]]
"""Leaks that come from how rows were collected rather than from any one column:
several rows per patient, the same record stored more than once, and a column
that identifies the site, whose label rate differs in the training data only.

All three data sets are synthetic with a known generating process, so each
validation estimate can be checked against the score on freshly generated data.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold, cross_val_predict
from sklearn.neighbors import NearestNeighbors
from threadpoolctl import threadpool_limits

threadpool_limits(1)  # small data: one thread is as fast and is not slowed by a busy machine
IMG = Path(__file__).resolve().parents[2] / "img" / "03-features"
IMG.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)


def booster():
    return HistGradientBoostingClassifier(max_iter=60, learning_rate=0.15, max_leaf_nodes=15,
                                          random_state=0)


def validate(X, y, cv, groups=None, metric=roc_auc_score):
    """Score of the out-of-fold predictions under the given splitter."""
    method = "predict_proba" if metric is roc_auc_score else "predict"
    p = cross_val_predict(booster(), X, y, cv=cv, groups=groups, method=method)
    return metric(y, p[:, 1] if p.ndim == 2 else p)


def new_data_score(X, y, X_new, y_new, metric=roc_auc_score):
    """Fit on all the rows at hand, score on freshly generated ones."""
    model = booster().fit(X, y)
    p = model.predict_proba(X_new)[:, 1] if metric is roc_auc_score else model.predict(X_new)
    return metric(y_new, p)


# 1. Group leakage: 8 visits per patient.  Each patient has a stable physiology
# (8 measurements, re-measured with small error at every visit) and an
# unobserved frailty that shifts the risk of every one of their visits.
def clinic(n_patients, visits):
    patient = np.repeat(np.arange(n_patients), visits)
    physiology = rng.normal(size=(n_patients, 8))
    frailty = rng.normal(0, 1.5, n_patients)
    X = physiology[patient] + rng.normal(0, 0.3, (len(patient), 8))
    logit = 1.0 * X[:, 0] - 0.8 * X[:, 1] + frailty[patient]
    y = (rng.random(len(patient)) < 1 / (1 + np.exp(-logit))).astype(int)
    return X, y, patient


X, y, patient = clinic(300, 8)
X_new, y_new, _ = clinic(3_000, 1)                       # patients never seen
groups = {
    "rows": validate(X, y, KFold(5, shuffle=True, random_state=0)),
    "patients": validate(X, y, GroupKFold(5), groups=patient),
    "new": new_data_score(X, y, X_new, y_new),
}
for key, value in groups.items():
    print(f"patients_{key}_auc = {value:.3f}")
# Group leakage:1 ends here

# [[file:../../primer.org::*Data-generation leakage][Data-generation leakage:1]]
# 2. Duplicates: 1,000 records, each stored one to four times with a tiny
# difference (re-submitted forms, re-crawled pages).  The label is a clean rule
# flipped for 20 % of records, so no model can exceed 80 % accuracy on new data.
def records(n):
    X = rng.normal(size=(n, 10))
    y = ((X[:, 0] + X[:, 1] > 0) ^ (rng.random(n) < 0.2)).astype(int)
    return X, y


X_orig, y_orig = records(1_000)
record = np.repeat(np.arange(1_000), rng.integers(1, 5, 1_000))
X = X_orig[record] + rng.normal(0, 0.01, (len(record), 10))
y = y_orig[record]
X_new, y_new = records(5_000)
print(f"stored_rows = {len(record)}")
duplicates = {
    "rows": validate(X, y, KFold(5, shuffle=True, random_state=0), metric=accuracy_score),
    "records": validate(X, y, GroupKFold(5), groups=record, metric=accuracy_score),
    "new": new_data_score(X, y, X_new, y_new, metric=accuracy_score),
}
for key, value in duplicates.items():
    print(f"duplicates_{key}_accuracy = {value:.3f}")
best = np.mean((X_new[:, 0] + X_new[:, 1] > 0) == y_new)        # the true rule, on new records
print(f"true_rule_accuracy = {best:.3f}")
# Detection: how many validation rows have a near-twin in the training folds?
for key, (train, test) in [("rows", next(KFold(5, shuffle=True, random_state=0).split(X))),
                           ("records", next(GroupKFold(5).split(X, groups=record)))]:
    gaps = NearestNeighbors(n_neighbors=1).fit(X[train]).kneighbors(X[test])[0][:, 0]
    print(f"near_twin_share_{key} = {np.mean(gaps < 0.1):.2f}")
# Data-generation leakage:1 ends here

# [[file:../../primer.org::*Data-generation leakage][Data-generation leakage:2]]
# 3. A column that records how the data were collected.  Two hospitals scan
# patients on different machines; the 3 scanner columns (calibration offsets)
# identify the hospital.  For training, hospital A sent mostly positive cases and
# hospital B mostly negative ones; in deployment both see the same prevalence.
calibration = {"A": np.array([0.8, -0.5, 0.3]), "B": np.array([-0.8, 0.5, -0.3])}


def hospital(n, name, base_logit):
    clinical = rng.normal(size=(n, 5))
    scanner = calibration[name] + rng.normal(0, 0.3, (n, 3))
    logit = 1.2 * clinical[:, 0] - 0.8 * clinical[:, 1] + 0.6 * clinical[:, 2] + base_logit
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return np.hstack([clinical, scanner]), y, np.full(n, name)


def pooled(*parts):
    return [np.concatenate(column) for column in zip(*parts)]


X, y, site = pooled(hospital(1_000, "A", 1.5), hospital(1_000, "B", -1.5))
X_new, y_new, site_new = pooled(hospital(2_000, "A", -0.5), hospital(2_000, "B", -0.5))
for name in "AB":
    print(f"positive_rate_train_{name} = {y[site == name].mean():.2f}")
    print(f"positive_rate_deploy_{name} = {y_new[site_new == name].mean():.2f}")
folds = StratifiedKFold(5, shuffle=True, random_state=0)
shortcut = {}
for key, columns in [("with_scanner", slice(None)), ("without_scanner", slice(0, 5))]:
    shortcut[key] = (validate(X[:, columns], y, folds),
                     new_data_score(X[:, columns], y, X_new[:, columns], y_new))
    print(f"site_{key}_validation_auc = {shortcut[key][0]:.3f}")
    print(f"site_{key}_deployment_auc = {shortcut[key][1]:.3f}")
# Detection: if the features predict the hospital, the hospital can stand in for the label.
print(f"hospital_from_features_auc = {validate(X, (site == 'A').astype(int), folds):.3f}")

fig, axes = plt.subplots(1, 3, figsize=(11, 3.5))
panels = [
    (axes[0], groups, ["rows", "patients", "new"],
     ["KFold\nover visits", "GroupKFold\nby patient", "new\npatients"], "ROC AUC",
     "Several visits per patient", None),
    (axes[1], duplicates, ["rows", "records", "new"],
     ["KFold over\nstored rows", "GroupKFold\nby record", "new\nrecords"], "accuracy",
     "Records stored 1 to 4 times", best),
]
colors = ["#d99a5e", "#4a7a96", "#222222"]
for ax, scores, keys, labels, xlabel, title, ceiling in panels:
    ax.barh(range(3), [scores[k] for k in keys], color=colors)
    ax.set_yticks(range(3), labels)
    ax.invert_yaxis()
    ax.set_xlim(0.5, 1.0)
    ax.set_xlabel(xlabel)
    ax.set_title(title, fontsize=10)
    if ceiling:
        ax.axvline(ceiling, color="#999999", ls=":", lw=1)
        ax.text(ceiling, 2.45, " best possible", fontsize=7, color="#666666")
ax = axes[2]
pos = np.arange(2)
ax.barh(pos - 0.2, [shortcut[k][0] for k in shortcut], height=0.38, color="#d99a5e",
        label="cross-validation")
ax.barh(pos + 0.2, [shortcut[k][1] for k in shortcut], height=0.38, color="#222222",
        label="deployment")
ax.set_yticks(pos, ["with scanner\ncolumns", "without scanner\ncolumns"])
ax.invert_yaxis()
ax.set_xlim(0.5, 1.0)
ax.set_xlabel("ROC AUC")
ax.set_title("Site confounded with the label", fontsize=10)
ax.legend(fontsize=7, loc="upper right")
fig.tight_layout()
fig.savefig(IMG / "leakage_groups_and_duplicates.png", dpi=120)
# Data-generation leakage:2 ends here
