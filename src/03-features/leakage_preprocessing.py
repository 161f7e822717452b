# [[file:../../primer.org::*Preprocessing fitted before the split][Preprocessing fitted before the split:1]]
"""Preprocessing fitted before the split: harmless when it ignores the label,
decisive when it looks at it.

Part 1: imputation and scaling fitted on all rows of scikit-learn's breast-cancer
data (with 20 % of the values deleted at random) versus inside a Pipeline.
Part 2: the top features chosen by a univariate test on ALL rows, then
cross-validated, on data where every feature is pure noise and the true accuracy
of any classifier is 50 %.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.feature_selection import SelectKBest, f_classif
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import RepeatedStratifiedKFold, StratifiedKFold, cross_val_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

threadpool_limits(1)  # small data: one thread is as fast and is not slowed by a busy machine
IMG = Path(__file__).resolve().parents[2] / "img" / "03-features"
IMG.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)

# Part 1.  Unsupervised preprocessing on all rows.
X, y = load_breast_cancer(return_X_y=True)
X[rng.random(X.shape) < 0.2] = np.nan
cv = RepeatedStratifiedKFold(n_splits=5, n_repeats=4, random_state=0)
prepared = StandardScaler().fit_transform(SimpleImputer().fit_transform(X))   # leaky
scaling = {}
for key, classifier in [("logistic", LogisticRegression(max_iter=5000)),
                        ("knn", KNeighborsClassifier(n_neighbors=5))]:
    before_split = cross_val_score(classifier, prepared, y, cv=cv)
    in_pipeline = cross_val_score(make_pipeline(SimpleImputer(), StandardScaler(), classifier),
                                  X, y, cv=cv)
    scaling[key] = (before_split.mean(), in_pipeline.mean())
    print(f"scaling_{key}_leaky_accuracy = {before_split.mean():.4f}")
    print(f"scaling_{key}_honest_accuracy = {in_pipeline.mean():.4f}")
    print(f"scaling_{key}_gap = {np.mean(before_split - in_pipeline):.4f}")
# Preprocessing fitted before the split:1 ends here

# [[file:../../primer.org::*Preprocessing fitted before the split][Preprocessing fitted before the split:2]]
# Part 2.  Feature selection on all rows, with nothing to find.
n, k, repeats = 100, 10, 5
widths = [10, 100, 1_000, 10_000]
folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
sweep = {"leaky": [], "honest": [], "fresh": []}
selected_corr = []
for p in widths:
    leaky, honest, fresh = [], [], []
    for _ in range(repeats):
        X_noise = rng.normal(size=(n, p))
        y_noise = np.repeat([0, 1], n // 2)
        chosen = SelectKBest(f_classif, k=k).fit(X_noise, y_noise)    # sees every label
        leaky.append(cross_val_score(LogisticRegression(), chosen.transform(X_noise), y_noise,
                                     cv=folds).mean())
        pipeline = make_pipeline(SelectKBest(f_classif, k=k), LogisticRegression())
        honest.append(cross_val_score(pipeline, X_noise, y_noise, cv=folds).mean())
        # New rows from the same (empty) process; only the k chosen columns are read.
        X_new, y_new = rng.normal(size=(2_000, k)), rng.integers(0, 2, 2_000)
        model = LogisticRegression().fit(chosen.transform(X_noise), y_noise)
        fresh.append(model.score(X_new, y_new))
        if p == widths[-1]:
            kept = chosen.get_support()
            corr = np.abs([np.corrcoef(X_noise[:, j], y_noise)[0, 1] for j in np.where(kept)[0]])
            selected_corr.append(corr.mean())
    for key, values in [("leaky", leaky), ("honest", honest), ("fresh", fresh)]:
        sweep[key].append(np.mean(values))
        print(f"selection_{key}_accuracy_p{p} = {np.mean(values):.3f}")
print(f"selected_abs_correlation = {np.mean(selected_corr):.2f}")
print(f"expected_max_abs_correlation = {np.sqrt(2 * np.log(widths[-1]) / n):.2f}")

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6),
                               gridspec_kw={"width_ratios": [1, 1.4]})
pos = np.arange(len(scaling))
left.plot([v[0] for v in scaling.values()], pos, "o", color="#d99a5e", ms=9,
          label="imputer and scaler fitted on all rows")
left.plot([v[1] for v in scaling.values()], pos, "s", color="#4a7a96", ms=6,
          label="fitted inside each training fold")
left.set_yticks(pos, ["logistic\nregression", "5-nearest\nneighbours"])
left.set_ylim(-0.6, 1.6)
left.set_xlim(0.93, 0.98)
left.set_xlabel("cross-validated accuracy")
left.set_title("Breast cancer, 20 % of values missing")
left.legend(fontsize=7, loc="upper left")
styles = [("leaky", "selected on all rows, then CV", "#d99a5e", "o-"),
          ("honest", "selection inside the CV pipeline", "#4a7a96", "s-"),
          ("fresh", "leaky model on new rows", "#222222", "^--")]
for key, label, color, marker in styles:
    right.plot(widths, sweep[key], marker, color=color, label=label)
right.axhline(0.5, color="#999999", ls=":", lw=1)
right.set_xscale("log")
right.set_ylim(0.4, 0.9)
right.set_xlabel(f"number of pure-noise features (n = {n} rows, top {k} kept)")
right.set_ylabel("accuracy (truth: 0.5)")
right.set_title("Feature selection before cross-validation")
right.legend(fontsize=7, loc="upper left")
fig.tight_layout()
fig.savefig(IMG / "leakage_preprocessing.png", dpi=120)
# Preprocessing fitted before the split:2 ends here
