# [[file:../../primer.org::*One-hot encoding and trees][One-hot encoding and trees:1]]
"""One-hot encoding of high-cardinality columns: its memory cost, and what it does to trees.

Data: the Titanic passenger list (1,309 rows) that scikit-learn ships as a test
file for its OpenML loader, so it is on disk wherever scikit-learn is installed.
Run with --download to fetch the same table from OpenML instead.
"""
import gzip
import io
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import make_column_transformer
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_score, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder
from threadpoolctl import threadpool_limits

IMG = Path(__file__).resolve().parents[2] / "img" / "03-features"

IMG.mkdir(parents=True, exist_ok=True)
SEED = 0
threadpool_limits(1)   # one OpenMP/BLAS thread: fit times comparable, no oversubscription


def load_titanic(download: bool = False) -> pd.DataFrame:
    if download:
        from sklearn.datasets import fetch_openml
        return fetch_openml("titanic", version=1, as_frame=True).frame
    path = (Path(sklearn.__file__).parent / "datasets" / "tests" / "data" / "openml"
            / "id_40945" / "data-v1-dl-16826755.arff.gz")
    if not path.is_file():
        sys.exit(f"{path} is missing: this scikit-learn does not ship the Titanic "
                 "test file; run with --download")
    header, rows = gzip.open(path, "rt", encoding="utf-8").read().split("@data\n", 1)
    names = [line.split()[1].strip("'") for line in header.splitlines()
             if line.lower().startswith("@attribute")]
    return pd.read_csv(io.StringIO(rows), header=None, names=names, na_values="?",
                       keep_default_na=False, quotechar='"', escapechar="\\")


df = load_titanic(download="--download" in sys.argv)
y = df["survived"].astype(int).to_numpy()
numeric = ["pclass", "age", "sibsp", "parch", "fare"]
low_card = ["sex", "embarked"]
high_card = ["ticket", "cabin", "home.dest"]
X = df[numeric + low_card + high_card].copy()
X[numeric] = X[numeric].fillna(X[numeric].median())
for col in low_card + high_card:
    X[col] = X[col].fillna("missing").astype(str)

print(f"rows = {len(X)}")
for col in low_card + high_card:
    print(f"distinct_{col.replace('.', '_')} = {X[col].nunique()}")

# Width and memory of the categorical part under three encodings.
cats = X[low_card + high_card]
onehot = OneHotEncoder().fit_transform(cats)          # scipy CSR matrix
codes = OrdinalEncoder(dtype=np.int32).fit_transform(cats)
dense_mb = onehot.shape[0] * onehot.shape[1] * 8 / 1e6
sparse_mb = (onehot.data.nbytes + onehot.indices.nbytes + onehot.indptr.nbytes) / 1e6
print(f"onehot_columns = {onehot.shape[1]}")
print(f"onehot_dense_mb = {dense_mb:.2f}")
print(f"onehot_sparse_mb = {sparse_mb:.3f}")
print(f"ordinal_mb = {codes.nbytes / 1e6:.3f}")

# The same arithmetic at click-log scale: 100 million rows, one column with a
# million distinct values.
n, k = 100_000_000, 1_000_000
print(f"ctr_dense_float32_tb = {n * k * 4 / 1e12:,.0f}")
print(f"ctr_csr_gb = {n * (4 + 4) / 1e9 + (n + 1) * 8 / 1e9:.1f}")
print(f"ctr_int32_codes_gb = {n * 4 / 1e9:.1f}")
# One-hot encoding and trees:1 ends here

# [[file:../../primer.org::*One-hot encoding and trees][One-hot encoding and trees:2]]
def encoder(kind: str, dense: bool = False):
    if kind == "onehot":
        enc = OneHotEncoder(handle_unknown="ignore", sparse_output=not dense)
    else:
        enc = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1)
    return make_column_transformer((enc, low_card + high_card), remainder="passthrough")


cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
forest = RandomForestClassifier(n_estimators=200, min_samples_leaf=2, n_jobs=2,
                                random_state=SEED)
scores = {
    "one-hot": cross_val_score(make_pipeline(encoder("onehot"), forest), X, y,
                               cv=cv, scoring="roc_auc"),
    "ordinal codes": cross_val_score(make_pipeline(encoder("ordinal"), forest), X, y,
                                     cv=cv, scoring="roc_auc"),
    "high-card dropped": cross_val_score(
        make_pipeline(make_column_transformer((OneHotEncoder(handle_unknown="ignore"),
                                               low_card),
                                              remainder="passthrough"), forest),
        X[numeric + low_card], y, cv=cv, scoring="roc_auc"),
}
for label, key in [("one-hot", "onehot"), ("ordinal codes", "ordinal"),
                   ("high-card dropped", "dropped")]:
    s = scores[label]
    print(f"forest_auc_{key} = {s.mean():.3f}")
    print(f"forest_auc_{key}_sd = {s.std():.3f}")

X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, stratify=y,
                                          random_state=SEED)
for kind in ["onehot", "ordinal"]:
    model = make_pipeline(encoder(kind, dense=True),
                          HistGradientBoostingClassifier(random_state=SEED))
    start = time.perf_counter()
    model.fit(X_tr, y_tr)
    seconds = time.perf_counter() - start
    auc = roc_auc_score(y_te, model.predict_proba(X_te)[:, 1])
    width = model[0].transform(X_te.iloc[:1]).shape[1]
    print(f"boosting_{kind}_columns = {width}")
    print(f"boosting_{kind}_fit_s = {seconds:.2f}")
    print(f"boosting_{kind}_auc = {auc:.3f}")

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
sizes = {"one-hot, dense": dense_mb, "one-hot, sparse": sparse_mb,
         "integer codes": codes.nbytes / 1e6}
left.barh(list(sizes), list(sizes.values()), color=["#b5523b", "#d99a5e", "#4a7a96"])
left.set_xscale("log")
left.set_xlabel("memory for 1,309 rows (MB, log scale)")
left.set_title("Categorical columns of the Titanic table")
for i, label in enumerate(scores):
    right.scatter(scores[label], [i] * len(scores[label]), color="#999999", s=14)
    right.plot(scores[label].mean(), i, "D", color="#222222")
right.set_yticks(range(len(scores)), list(scores))
right.set_xlabel("ROC AUC per fold (diamond: mean)")
right.set_title("Random forest, 5-fold cross-validation")
fig.tight_layout()
fig.savefig(IMG / "onehot_trees.png", dpi=120)
# One-hot encoding and trees:2 ends here
