# [[file:../../primer.org::*Target (mean) encoding without the leak][Target (mean) encoding without the leak:1]]
"""Target (mean) encoding fitted in-sample leaks the label; fitted out of fold it does not.

Ground truth: y depends on x alone; user_id (4,000 values) is pure noise.  Any
value the model appears to find in user_id is leakage.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import KFold, cross_val_score, train_test_split
from sklearn.preprocessing import TargetEncoder
from threadpoolctl import threadpool_limits

IMG = Path(__file__).resolve().parents[2] / "img" / "03-features"

IMG.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)
threadpool_limits(1)   # one OpenMP thread: small fits, no oversubscription on a busy machine

n = 20_000
x = rng.normal(size=n)
user_id = rng.integers(0, 4_000, size=n)
y = (rng.random(n) < 1 / (1 + np.exp(-1.5 * x))).astype(int)
x_tr, x_te, id_tr, id_te, y_tr, y_te = train_test_split(
    x, user_id, y, test_size=0.5, random_state=0)
print(f"rows_per_user = {len(id_tr) / len(np.unique(id_tr)):.1f}")

folds = KFold(n_splits=5, shuffle=True, random_state=0)
encoder = TargetEncoder(cv=folds)
oof_tr = encoder.fit_transform(id_tr[:, None], y_tr)   # out of fold, for training rows
naive_tr = encoder.transform(id_tr[:, None])            # full-data statistics: leaks
enc_te = encoder.transform(id_te[:, None])              # what serving would compute


def evaluate(train_features, test_features):
    model = HistGradientBoostingClassifier(random_state=0)
    validation = cross_val_score(model, train_features, y_tr, cv=folds,
                                 scoring="roc_auc").mean()
    model.fit(train_features, y_tr)
    test = roc_auc_score(y_te, model.predict_proba(test_features)[:, 1])
    return validation, test


results = {
    "x only": evaluate(x_tr[:, None], x_te[:, None]),
    "x + in-sample encoding": evaluate(np.c_[x_tr, naive_tr], np.c_[x_te, enc_te]),
    "x + out-of-fold encoding": evaluate(np.c_[x_tr, oof_tr], np.c_[x_te, enc_te]),
}
for label, key in [("x only", "baseline"), ("x + in-sample encoding", "naive"),
                   ("x + out-of-fold encoding", "oof")]:
    validation, test = results[label]
    print(f"{key}_validation_auc = {validation:.3f}")
    print(f"{key}_test_auc = {test:.3f}")
naive_gap = results["x + in-sample encoding"][0] - results["x + in-sample encoding"][1]
oof_gap = results["x + out-of-fold encoding"][0] - results["x + out-of-fold encoding"][1]
print(f"naive_optimism = {naive_gap:.3f}")
print(f"oof_optimism = {oof_gap:.3f}")
print(f"corr_naive_encoding_label = {np.corrcoef(naive_tr.ravel(), y_tr)[0, 1]:.3f}")
print(f"corr_oof_encoding_label = {np.corrcoef(oof_tr.ravel(), y_tr)[0, 1]:.3f}")

fig, ax = plt.subplots(figsize=(7, 3.2))
labels = list(results)
pos = np.arange(len(labels))
ax.barh(pos + 0.2, [v for v, _ in results.values()], height=0.38,
        color="#d99a5e", label="cross-validation on the training rows")
ax.barh(pos - 0.2, [t for _, t in results.values()], height=0.38,
        color="#4a7a96", label="held-out test rows")
ax.set_yticks(pos, labels)
ax.set_xlim(0.5, 1.0)
ax.set_xlabel("ROC AUC")
ax.legend(loc="lower right", fontsize=8)
ax.set_title("A noise column, target-encoded two ways")
fig.tight_layout()
fig.savefig(IMG / "target_encoding.png", dpi=120)
# Target (mean) encoding without the leak:1 ends here
