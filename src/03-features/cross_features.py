# [[file:../../primer.org::*Cross features][Cross features:1]]
"""A crossed feature lets a linear model fit an interaction it cannot otherwise represent."""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss, roc_auc_score
from sklearn.preprocessing import OneHotEncoder
from threadpoolctl import threadpool_limits

IMG = Path(__file__).resolve().parents[2] / "img" / "03-features"

IMG.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)
threadpool_limits(1)   # one OpenMP thread: small fits, no oversubscription on a busy machine

n = 60_000
device = rng.choice(["mobile", "desktop", "tablet"], size=n, p=[0.55, 0.35, 0.10])
hour = rng.integers(0, 24, size=n)
bucket = pd.cut(hour, bins=[-1, 5, 11, 17, 23],
                labels=["night", "morning", "afternoon", "evening"]).astype(str)
# Click-through rate per (device, time of day): each device's peak is elsewhere,
# and the averages over either column alone are nearly flat.
ctr = pd.DataFrame({"night": [0.09, 0.02, 0.05], "morning": [0.03, 0.08, 0.04],
                    "afternoon": [0.02, 0.09, 0.05], "evening": [0.06, 0.03, 0.08]},
                   index=["mobile", "desktop", "tablet"])
p = ctr.to_numpy()[pd.Index(ctr.index).get_indexer(device),
                   pd.Index(ctr.columns).get_indexer(bucket)]
clicked = (rng.random(n) < p).astype(int)
frame = pd.DataFrame({"device": device, "bucket": bucket})
frame["device_x_bucket"] = frame["device"] + "*" + frame["bucket"]
train, test = slice(0, 45_000), slice(45_000, n)


def score(columns, model):
    enc = OneHotEncoder(handle_unknown="ignore").fit(frame[columns].iloc[train])
    X = enc.transform(frame[columns])
    model.fit(X[train], clicked[train])
    q = model.predict_proba(X[test])[:, 1]
    return X.shape[1], log_loss(clicked[test], q), roc_auc_score(clicked[test], q), q


linear = LogisticRegression(C=10.0, max_iter=1000)
variants = {
    "main": ["device", "bucket"],
    "crossed": ["device", "bucket", "device_x_bucket"],
}
preds = {}
for key, columns in variants.items():
    width, loss, auc, q = score(columns, linear)
    preds[key] = q
    print(f"{key}_columns = {width}")
    print(f"{key}_logloss = {loss:.4f}")
    print(f"{key}_auc = {auc:.3f}")

codes = np.column_stack([pd.factorize(device)[0], hour])
boost = HistGradientBoostingClassifier(random_state=0).fit(codes[train], clicked[train])
q_boost = boost.predict_proba(codes[test])[:, 1]
print(f"boosting_raw_auc = {roc_auc_score(clicked[test], q_boost):.3f}")
print(f"true_probability_auc = {roc_auc_score(clicked[test], p[test]):.3f}")
print(f"true_probability_logloss = {log_loss(clicked[test], p[test]):.4f}")

fig, axes = plt.subplots(1, 3, figsize=(11, 2.9), sharey=True)
test_frame = frame[test].assign(main=preds["main"], crossed=preds["crossed"], truth=p[test])
order = ["night", "morning", "afternoon", "evening"]
for ax, (col, title) in zip(axes, [("truth", "true click rate"),
                                   ("main", "linear, device + time"),
                                   ("crossed", "linear, with device x time")]):
    grid = test_frame.pivot_table(index="device", columns="bucket", values=col)[order]
    im = ax.imshow(grid.to_numpy(), cmap="viridis", vmin=0, vmax=0.1)
    ax.set_xticks(range(4), order, rotation=30)
    ax.set_yticks(range(len(grid.index)), grid.index)
    ax.set_title(title, fontsize=10)
fig.colorbar(im, ax=axes, shrink=0.8, label="click probability")
fig.savefig(IMG / "cross_features.png", dpi=120, bbox_inches="tight")
# Cross features:1 ends here
