# [[file:../../primer.org::*Feature hashing][Feature hashing:1]]
"""Feature hashing: measured collision rates against the uniform-hash formula, and
what the number of hash buckets does to a click-through-rate model."""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction import FeatureHasher
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss, roc_auc_score
from sklearn.preprocessing import OneHotEncoder

IMG = Path(__file__).resolve().parents[2] / "img" / "03-features"

IMG.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)

# 1. Collisions.  FeatureHasher puts a key in column |murmur3(key)| mod m, so for
# m a power of two the column at 2**b is the column at 2**24 with only its low b
# bits kept: hash once, then fold.
n_ids = 100_000
ids = [[f"ad_id={i}"] for i in range(n_ids)]
wide = FeatureHasher(n_features=2**24, input_type="string",
                     alternate_sign=False).transform(ids).indices
check = FeatureHasher(n_features=2**12, input_type="string",
                      alternate_sign=False).transform(ids).indices
assert np.array_equal(wide % 2**12, check), "folding must equal hashing directly"

bits = np.arange(10, 25, 2)
measured, expected = [], []
for b in bits:
    column = wide % 2**b
    per_column = np.bincount(column, minlength=2**b)
    measured.append(np.mean(per_column[column] > 1))
    expected.append(1 - (1 - 2.0**-b) ** (n_ids - 1))
    print(f"collision_share_2pow{b} = {measured[-1]:.4f}")
    print(f"expected_share_2pow{b} = {expected[-1]:.4f}")
max_gap = max(abs(a - e) for a, e in zip(measured, expected))
print(f"collision_max_abs_gap = {max_gap:.4f}")
# Feature hashing:1 ends here

# [[file:../../primer.org::*Feature hashing][Feature hashing:2]]
# 2. A click log with known click probabilities.
n = 200_000
fields = {"ad": 50_000, "site": 5_000, "user": 100_000, "device": 4, "hour": 24}
effect_sd = {"ad": 0.8, "site": 0.6, "user": 0.3, "device": 0.3, "hour": 0.3}
values = {f: rng.zipf(1.3, size=n) % k for f, k in fields.items()}
logit = -3.0 + sum(rng.normal(0, effect_sd[f], size=k)[values[f]] for f, k in fields.items())
p_click = 1 / (1 + np.exp(-logit))
clicked = (rng.random(n) < p_click).astype(int)
train, test = slice(0, 160_000), slice(160_000, n)
print(f"click_rate = {clicked.mean():.4f}")
print(f"distinct_values_in_train = {sum(len(np.unique(values[f][train])) for f in fields)}")

rows = [[f"{f}={values[f][i]}" for f in fields] for i in range(n)]
hashed = FeatureHasher(n_features=2**24, input_type="string").transform(rows)


def fit_and_score(X):
    model = LogisticRegression(C=0.5, solver="liblinear", random_state=0)
    model.fit(X[train], clicked[train])
    q = model.predict_proba(X[test])[:, 1]
    return log_loss(clicked[test], q), roc_auc_score(clicked[test], q)


sweep = np.arange(8, 21, 2)
losses = []
for b in sweep:
    folded = sp.csr_matrix((hashed.data.copy(), hashed.indices % 2**b, hashed.indptr.copy()),
                           shape=(n, 2**b))
    folded.sum_duplicates()
    loss, auc = fit_and_score(folded)
    losses.append(loss)
    print(f"hashed_2pow{b}_logloss = {loss:.4f}")
    print(f"hashed_2pow{b}_auc = {auc:.4f}")
    print(f"hashed_2pow{b}_weights_mb = {2**b * 8 / 1e6:.3f}")

table = np.column_stack([values[f] for f in fields])
exact = OneHotEncoder(handle_unknown="ignore").fit(table[train])
exact_loss, exact_auc = fit_and_score(exact.transform(table))
best_loss = log_loss(clicked[test], p_click[test])
print(f"onehot_columns = {len(exact.get_feature_names_out())}")
print(f"onehot_logloss = {exact_loss:.4f}")
print(f"onehot_auc = {exact_auc:.4f}")
print(f"true_probability_logloss = {best_loss:.4f}")
print(f"true_probability_auc = {roc_auc_score(clicked[test], p_click[test]):.4f}")

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
left.plot(bits, expected, "-", color="#999999", label="uniform hash, formula")
left.plot(bits, measured, "o", color="#b5523b", label="FeatureHasher, measured")
left.set_xlabel("log2 of the number of columns m")
left.set_ylabel("share of ids that collide")
left.set_title(f"{n_ids:,} distinct ids")
left.legend(fontsize=8)
right.plot(sweep, losses, "o-", color="#4a7a96", label="hashed")
right.axhline(exact_loss, color="#222222", ls="--", lw=1, label="one-hot, no collisions")
right.axhline(best_loss, color="#999999", ls=":", lw=1, label="true probabilities")
right.set_xlabel("log2 of the number of columns m")
right.set_ylabel("test log loss")
right.set_title("Click model on a synthetic log")
right.legend(fontsize=8)
fig.tight_layout()
fig.savefig(IMG / "feature_hashing.png", dpi=120)
# Feature hashing:2 ends here
