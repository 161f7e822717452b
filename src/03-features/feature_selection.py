# [[file:../../primer.org::*Feature selection][Feature selection:1]]
"""Three ways to select features, scored against a known truth.

Data: make_classification with 10 informative columns followed by 140 pure-noise
columns (shuffle=False keeps the informative ones first, so we know which they
are), 800 training rows and 2,000 test rows.  Selectors: random probes against
extra-trees importances, L1-penalised logistic regression over a path of
penalties, and a mutual-information filter with the same probes as cut-off.  Each is
scored by the precision and recall with which it recovers the informative
columns, and by the test AUC of the same downstream model fitted on its pick.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification
from sklearn.ensemble import ExtraTreesClassifier
from sklearn.feature_selection import SelectFromModel, mutual_info_classif
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

IMG = Path(__file__).resolve().parents[2] / "img" / "03-features"

IMG.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)

n_informative, n_features = 10, 150
X, y = make_classification(n_samples=2_800, n_features=n_features,
                           n_informative=n_informative, n_redundant=0, n_repeated=0,
                           n_clusters_per_class=1, class_sep=0.6, flip_y=0.02,
                           shuffle=False, random_state=0)
order = rng.permutation(len(y))     # shuffle=False also leaves the rows sorted by class
X, y = X[order], y[order]
truth = np.arange(n_features) < n_informative
X_tr, y_tr, X_te, y_te = X[:800], y[:800], X[800:], y[800:]
folds = StratifiedKFold(3, shuffle=True, random_state=0)


def downstream():
    return make_pipeline(StandardScaler(), LogisticRegression(C=1.0, solver="newton-cholesky"))


def report(name, keep):
    tp = np.sum(keep & truth)
    precision = tp / max(keep.sum(), 1)
    recall = tp / truth.sum()
    model = downstream().fit(X_tr[:, keep], y_tr)
    auc = roc_auc_score(y_te, model.predict_proba(X_te[:, keep])[:, 1])
    print(f"{name}_selected = {keep.sum()}")
    print(f"{name}_precision = {precision:.2f}")
    print(f"{name}_recall = {recall:.2f}")
    print(f"{name}_test_auc = {auc:.3f}")
    return auc


report("all", np.ones(n_features, bool))
report("oracle", truth)

# How many informative columns show a signal on their own?  A column's marginal
# AUC is how well it ranks the classes by itself; compare with the best noise column.
marginal = np.array([abs(roc_auc_score(y_tr, col) - 0.5) + 0.5 for col in X_tr.T])
hidden = np.sum(marginal[truth] < marginal[~truth].max())
print(f"informative_hidden_marginally = {hidden}")
# Feature selection:1 ends here

# [[file:../../primer.org::*Feature selection][Feature selection:2]]
# 1. Random probes: a shuffled copy of every column keeps its distribution but
# breaks any relation to y.  A feature is kept if its importance beats the best
# probe in a majority of repeats.
repeats = 5
wins = np.zeros(n_features)
for r in range(repeats):
    probes = np.column_stack([rng.permutation(col) for col in X_tr.T])
    forest = ExtraTreesClassifier(n_estimators=50, min_samples_leaf=2, random_state=r)
    importance = forest.fit(np.hstack([X_tr, probes]), y_tr).feature_importances_
    wins += importance[:n_features] > importance[n_features:].max()
    if r == 0:
        first, first_probes = importance, probes
probe_keep = wins > repeats / 2
print(f"noise_beating_best_probe_once = {np.sum((wins > 0) & ~truth)}")
report("probe", probe_keep)

# 2. L1: a path over the penalty strength 1/C; the final C is the one with the
# best cross-validated AUC of the L1 model on the training rows.
Cs = np.logspace(-2.5, 0, 11)
path = []
for C in Cs:
    l1 = make_pipeline(StandardScaler(),
                       LogisticRegression(C=C, l1_ratio=1.0, solver="liblinear",
                                          random_state=0))
    auc = cross_val_score(l1, X_tr, y_tr, cv=folds, scoring="roc_auc")
    keep = SelectFromModel(l1[-1]).fit(l1[0].fit_transform(X_tr), y_tr).get_support()
    path.append((C, auc.mean(), keep))
best = max(range(len(Cs)), key=lambda i: path[i][1])
print(f"l1_best_C = {Cs[best]:.3g}")
report("l1", path[best][2])

# 3. Mutual information, a filter: each column is scored on its own, and the
# probes of the first repeat again supply the cut-off.
mi = mutual_info_classif(np.hstack([X_tr, first_probes]), y_tr, random_state=0)
report("mi", mi[:n_features] > mi[n_features:].max())

fig, axes = plt.subplots(1, 3, figsize=(11, 3.5))
jitter = rng.uniform(-0.15, 0.15, 2 * n_features)
groups = [("informative", first[:n_features][truth], "#4a7a96"),
          ("noise", first[:n_features][~truth], "#999999"),
          ("probes", first[n_features:], "#d99a5e")]
for i, (label, values, color) in enumerate(groups):
    axes[0].scatter(i + jitter[:len(values)], values, s=8, color=color)
axes[0].axhline(first[n_features:].max(), color="#b5523b", ls="--", lw=1, label="best probe")
axes[0].set_xticks(range(3), [g[0] for g in groups])
axes[0].set_ylabel("extra-trees importance")
axes[0].set_title("Random probes (first repeat)", fontsize=10)
axes[0].legend(fontsize=7)
C_path = [c for c, _, _ in path]
axes[1].semilogx(C_path, [np.sum(k & truth) / k.sum() if k.any() else np.nan
                          for _, _, k in path], "o-",
                 color="#4a7a96", label="precision")
axes[1].semilogx(C_path, [np.sum(k & truth) / truth.sum() for _, _, k in path], "s-",
                 color="#d99a5e", label="recall")
axes[1].semilogx(C_path, [a for _, a, _ in path], "^-", color="#222222", label="CV AUC")
axes[1].axvline(Cs[best], color="#b5523b", ls="--", lw=1)
axes[1].set_xlabel("C (weaker penalty to the right)")
axes[1].set_title("L1 path", fontsize=10)
axes[1].legend(fontsize=7)
mi_groups = [("informative", mi[:n_features][truth], "#4a7a96"),
             ("noise", mi[:n_features][~truth], "#999999"),
             ("probes", mi[n_features:], "#d99a5e")]
for i, (label, values, color) in enumerate(mi_groups):
    axes[2].scatter(i + jitter[:len(values)], values, s=8, color=color)
axes[2].axhline(mi[n_features:].max(), color="#b5523b", ls="--", lw=1, label="best probe")
axes[2].set_xticks(range(3), [g[0] for g in mi_groups])
axes[2].set_ylabel("estimated mutual information")
axes[2].set_title("Mutual information filter", fontsize=10)
axes[2].legend(fontsize=7)
fig.tight_layout()
fig.savefig(IMG / "feature_selection.png", dpi=120)
# Feature selection:2 ends here
