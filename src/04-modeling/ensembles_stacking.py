# [[file:../../primer.org::*Stacking][Stacking:2]]
"""Stacking with in-sample meta-features leaks; out-of-fold meta-features do not.

Data: synthetic, with a known click probability (a linear part, a sine, an
interaction and a step), 2,000 training rows and 20,000 test rows.  Four base
models are stacked under a logistic-regression meta-model in two ways: on the base
models' predictions for their own training rows (the leak), and on out-of-fold
predictions (cross_val_predict; scikit-learn's StackingClassifier does the same).
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingClassifier, StackingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict, cross_val_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier
from threadpoolctl import threadpool_limits

threadpool_limits(1)
IMG = Path(__file__).resolve().parents[2] / "img" / "04-modeling"
IMG.mkdir(parents=True, exist_ok=True)


def clicks(n, rng):
    """Features, a label drawn from a known probability, and that probability."""
    X = rng.normal(size=(n, 10))
    logit = (-1.0 + 1.2 * X[:, 0] - 0.8 * X[:, 1] + 1.5 * np.sin(2 * X[:, 2])
             + 1.0 * X[:, 3] * X[:, 4] + 0.8 * (X[:, 5] > 0.5))
    p = 1 / (1 + np.exp(-logit))
    return X, (rng.random(n) < p).astype(int), p


X, y, _ = clicks(2_000, np.random.default_rng(0))
X_test, y_test, p_test = clicks(20_000, np.random.default_rng(1))
print(f"truth_test_auc = {roc_auc_score(y_test, p_test):.3f}")

base = {
    "logistic": make_pipeline(StandardScaler(), LogisticRegression()),
    "tree": DecisionTreeClassifier(min_samples_leaf=2, random_state=0),
    "boosting": HistGradientBoostingClassifier(random_state=0),
    "knn": make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors=5)),
}
folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)

in_sample, out_of_fold, test_meta = [], [], []
for name, model in base.items():
    model.fit(X, y)
    in_sample.append(model.predict_proba(X)[:, 1])        # its own training rows: the leak
    out_of_fold.append(cross_val_predict(model, X, y, cv=folds, method="predict_proba")[:, 1])
    test_meta.append(model.predict_proba(X_test)[:, 1])   # serving: fitted on all rows
    print(f"{name}_train_auc = {roc_auc_score(y, in_sample[-1]):.3f}")
    print(f"{name}_oof_auc = {roc_auc_score(y, out_of_fold[-1]):.3f}")
    print(f"{name}_test_auc = {roc_auc_score(y_test, test_meta[-1]):.3f}")
in_sample, out_of_fold, test_meta = (np.column_stack(a) for a in (in_sample, out_of_fold, test_meta))
print(f"average_test_auc = {roc_auc_score(y_test, test_meta.mean(axis=1)):.3f}")

results = {}
for key, meta_train in [("insample", in_sample), ("oof", out_of_fold)]:
    meta = LogisticRegression()
    # What the practitioner sees: the meta-model cross-validated on its training table.
    validation = cross_val_score(meta, meta_train, y, cv=folds, scoring="roc_auc").mean()
    meta.fit(meta_train, y)
    test = roc_auc_score(y_test, meta.predict_proba(test_meta)[:, 1])
    results[key] = (validation, test, meta)
    print(f"{key}_validation_auc = {validation:.3f}")
    print(f"{key}_test_auc = {test:.3f}")
    print(f"{key}_gap = {validation - test:.3f}")
    for name, w in zip(base, meta.coef_.ravel()):
        print(f"{key}_weight_{name} = {w:.2f}")

stack = StackingClassifier(list(base.items()), final_estimator=LogisticRegression(),
                           cv=folds, stack_method="predict_proba").fit(X, y)
print(f"sklearn_stacking_test_auc = {roc_auc_score(y_test, stack.predict_proba(X_test)[:, 1]):.3f}")
coef_diff = np.abs(stack.final_estimator_.coef_ - results["oof"][2].coef_).max()
print(f"sklearn_vs_manual_max_diff = {coef_diff:.1e}")


def test_aucs(seed):
    """Redraw the 2,000 training rows and redo both stacks; test AUCs on the same
    test rows."""
    X, y, _ = clicks(2_000, np.random.default_rng(seed))
    fitted = [clone(m).fit(X, y) for m in base.values()]
    own = np.column_stack([m.predict_proba(X)[:, 1] for m in fitted])
    oof = np.column_stack([cross_val_predict(m, X, y, cv=folds, method="predict_proba")[:, 1]
                           for m in base.values()])
    served = np.column_stack([m.predict_proba(X_test)[:, 1] for m in fitted])
    auc = {name: roc_auc_score(y_test, served[:, j]) for j, name in enumerate(base)}
    auc["average"] = roc_auc_score(y_test, served.mean(axis=1))
    for key, meta_train in [("insample", own), ("oof", oof)]:
        meta = LogisticRegression().fit(meta_train, y)
        auc[key] = roc_auc_score(y_test, meta.predict_proba(served)[:, 1])
    return auc


# Is the out-of-fold stack's edge over boosting more than the luck of one draw?
first = {name: roc_auc_score(y_test, test_meta[:, j]) for j, name in enumerate(base)}
first.update(average=roc_auc_score(y_test, test_meta.mean(axis=1)),
             insample=results["insample"][1], oof=results["oof"][1])
draws = [first] + [test_aucs(seed) for seed in [2, 3, 4]]
print(f"training_draws = {len(draws)}")
for a, b in [("oof", "boosting"), ("insample", "boosting"), ("insample", "average"),
             ("oof", "insample")]:
    gaps = np.array([d[a] - d[b] for d in draws])
    print(f"{a}_minus_{b}_mean = {gaps.mean():+.3f}")
    print(f"{a}_minus_{b}_sd = {gaps.std(ddof=1):.3f}")
    print(f"{a}_minus_{b}_wins = {np.sum(gaps > 0)}")

fig, ax = plt.subplots(figsize=(8, 4.4))
rows = [(label, roc_auc_score(y, out_of_fold[:, j]), roc_auc_score(y_test, test_meta[:, j]))
        for j, label in enumerate(["logistic", "tree", "boosting", "k-NN"])]
rows += [("stack, in-sample meta-features", *results["insample"][:2]),
         ("stack, out-of-fold meta-features", *results["oof"][:2])]
pos = np.arange(len(rows))[::-1]
ax.barh(pos + 0.2, [r[1] for r in rows], height=0.38, color="#d99a5e",
        label="estimate before launch (cross-validation on the training rows)")
ax.barh(pos - 0.2, [r[2] for r in rows], height=0.38, color="#4a7a96",
        label="held-out test rows")
ax.axvline(roc_auc_score(y_test, p_test), color="#222222", ls="--", lw=1,
           label="true probabilities on the test rows")
ax.set_yticks(pos, [r[0] for r in rows])
ax.set_xlim(0.6, 1.0)
ax.set_xlabel("ROC AUC")
ax.set_title("Only the in-sample stack promises more than it delivers")
ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.35, -0.17), ncol=2)
fig.tight_layout()
fig.savefig(IMG / "ensembles_stacking.png", dpi=120)
# Stacking:2 ends here
