# [[file:../../primer.org::*Feature crosses for continuous features][Feature crosses for continuous features:1]]
"""Crossing bucketed coordinates lets a linear model learn regions of a plane.

Data: 40,000 points spread over a 1 x 1 map (think latitude and longitude of a
city).  The event rate is 0.55 inside two round neighbourhoods and one
rectangular district and 0.08 elsewhere, so the truth is known.  A logistic
regression is fitted on the raw coordinates, on one-hot buckets of each
coordinate, and on the cross of the buckets (one indicator per grid cell),
sweeping the number of buckets per axis.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss, roc_auc_score

IMG = Path(__file__).resolve().parents[2] / "img" / "03-features"

IMG.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)


def true_rate(x, y):
    inside = ((x - 0.25) ** 2 + (y - 0.70) ** 2 < 0.15 ** 2)
    inside |= ((x - 0.70) ** 2 + (y - 0.30) ** 2 < 0.12 ** 2)
    inside |= (x > 0.55) & (x < 0.90) & (y > 0.70) & (y < 0.85)
    return np.where(inside, 0.55, 0.08)


n = 40_000
x, y = rng.random(n), rng.random(n)
p = true_rate(x, y)
event = (rng.random(n) < p).astype(int)
tr, te = slice(0, 30_000), slice(30_000, n)
print(f"event_rate = {event.mean():.3f}")


def buckets(v, k):
    """Equal-width bucket index in 0..k-1; the map's bounds are known in advance."""
    return np.minimum((v * k).astype(int), k - 1)


def onehot(codes, width):
    rows = np.arange(len(codes))
    return sp.csr_matrix((np.ones(len(codes)), (rows, codes)), shape=(len(codes), width))


def features(kind, x, y, k):
    if kind == "raw":
        return np.column_stack([x, y])
    bx, by = buckets(x, k), buckets(y, k)
    if kind == "separate":
        return sp.hstack([onehot(bx, k), onehot(by, k)]).tocsr()
    return onehot(bx * k + by, k * k)                      # the crossed cell


def fit(kind, k=1, grid=None, C=1.0):
    X = features(kind, x, y, k)
    model = LogisticRegression(C=C, solver="liblinear", random_state=0).fit(X[tr], event[tr])
    q = model.predict_proba(X[te])[:, 1]
    surface = None
    if grid is not None:
        surface = model.predict_proba(features(kind, *grid, k))[:, 1]
    return roc_auc_score(event[te], q), log_loss(event[te], q), surface


g = np.linspace(0.0025, 0.9975, 200)
gx, gy = [a.ravel() for a in np.meshgrid(g, g)]
auc, loss, surf_raw = fit("raw", grid=(gx, gy))
print(f"raw_auc = {auc:.3f}")
print(f"raw_logloss = {loss:.4f}")
auc, loss, surf_sep = fit("separate", 10, grid=(gx, gy))
print(f"separate10_auc = {auc:.3f}")
print(f"separate10_logloss = {loss:.4f}")
print(f"truth_auc = {roc_auc_score(event[te], p[te]):.3f}")
print(f"truth_logloss = {log_loss(event[te], p[te]):.4f}")

ks = [2, 4, 6, 10, 16, 25, 40, 64, 100]
sweep_auc, sweep_loss, surfaces = [], [], {}
for k in ks:
    auc, loss, surfaces[k] = fit("cross", k, grid=(gx, gy))
    sweep_auc.append(auc)
    sweep_loss.append(loss)
    print(f"cross{k}_auc = {auc:.3f}")
    print(f"cross{k}_logloss = {loss:.4f}")
# The grid size is chosen on the training rows alone, by three-fold cross-validation;
# the test rows only report the chosen grid's loss.
folds = np.array_split(np.arange(30_000), 3)


def validation_loss(k):
    X = features("cross", x[tr], y[tr], k)
    losses = []
    for held in folds:
        fit_rows = np.setdiff1d(np.arange(30_000), held)
        model = LogisticRegression(solver="liblinear", random_state=0)
        model.fit(X[fit_rows], event[tr][fit_rows])
        losses.append(log_loss(event[tr][held], model.predict_proba(X[held])[:, 1]))
    return np.mean(losses)


valid_loss = [validation_loss(k) for k in ks]
best = ks[int(np.argmin(valid_loss))]
print(f"best_buckets_per_axis = {best}")
print(f"best_valid_logloss = {min(valid_loss):.4f}")
print(f"best_logloss = {sweep_loss[ks.index(best)]:.4f}")
print(f"best_rows_per_cell = {30_000 / best**2:.1f}")
# How flat the bottom is: the spread of test losses from 10 to 40 buckets per axis.
flat = [sweep_loss[ks.index(k)] for k in (10, 16, 25, 40)]
print(f"logloss_range_10_to_40 = {max(flat) - min(flat):.4f}")
print(f"cross100_rows_per_cell = {30_000 / 100**2:.1f}")
weak_penalty_loss = fit("cross", 40, C=100.0)[1]      # a penalty 100 times weaker
print(f"cross40_weak_penalty_logloss = {weak_penalty_loss:.4f}")
constant_loss = log_loss(event[te], np.full(n - 30_000, event[tr].mean()))
print(f"constant_logloss = {constant_loss:.4f}")

fig = plt.figure(figsize=(11, 5.2), layout="constrained")
maps, curve = fig.subfigures(1, 2, width_ratios=[2.6, 1])
axes = maps.subplots(2, 3, sharex=True, sharey=True)
panels = [(true_rate(gx, gy), "true event rate"), (surf_raw, "linear on raw x, y"),
          (surf_sep, "10 buckets per axis,\nnot crossed"), (surfaces[4], "4 x 4 crossed cells"),
          (surfaces[10], "10 x 10 crossed cells"), (surfaces[100], "100 x 100 crossed cells")]
for ax, (surface, title) in zip(axes.ravel(), panels):
    im = ax.imshow(surface.reshape(len(g), len(g)), origin="lower", extent=(0, 1, 0, 1),
                   cmap="viridis", vmin=0, vmax=0.6)
    ax.set_title(title, fontsize=9)
maps.colorbar(im, ax=axes, shrink=0.7, label="event probability")
ax = curve.subplots()
ax.semilogx(ks, sweep_loss, "o-", color="#4a7a96", label="crossed cells")
ax.axhline(constant_loss, color="#b5523b", ls="--", lw=1, label="constant rate")
ax.axhline(log_loss(event[te], p[te]), color="#999999", ls=":", lw=1, label="true rates")
ax.set_xticks(ks, [str(k) for k in ks], fontsize=7)
ax.minorticks_off()
ax.set_xlabel("buckets per axis")
ax.set_ylabel("test log loss")
ax.set_title("Coarse cells underfit,\nsmall cells overfit", fontsize=9)
ax.legend(fontsize=7)
fig.savefig(IMG / "feature_crosses_buckets.png", dpi=120)
# Feature crosses for continuous features:1 ends here
