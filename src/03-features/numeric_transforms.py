# [[file:../../primer.org::*Heavy tails, outliers and buckets][Heavy tails, outliers and buckets:1]]
"""Log scaling, quantile bucketing and clipping for a linear model, on data whose
true relation is known.

Part 1: a power-law count feature (followers of an account, lognormal with a
heavy tail) and a target that grows with log(1 + followers).  A linear regression
is fitted on the raw count, on the count clipped at its training 99th
percentile, on log1p of it, and on one-hot quantile buckets.
Part 2: a well-behaved feature with a linear effect, where 0.5 % of rows were
recorded in the wrong unit (x 1000).  Raw against clipped at training quantiles.
All transforms are fitted on the training rows only.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_squared_error
from sklearn.preprocessing import KBinsDiscretizer

IMG = Path(__file__).resolve().parents[2] / "img" / "03-features"

IMG.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)


def rmse(a, b):
    return float(np.sqrt(mean_squared_error(a, b)))


# Part 1: a heavy-tailed count with a logarithmic effect.
n = 20_000
followers = np.floor(rng.lognormal(mean=4.0, sigma=1.8, size=n))
truth = 0.8 * np.log1p(followers)
y = truth + rng.normal(0, 1.0, n)
tr, te = np.arange(n) < 15_000, np.arange(n) >= 15_000
x_tr, x_te = followers[tr], followers[te]
print(f"followers_median = {np.median(x_tr):.0f}")
print(f"followers_p99 = {np.quantile(x_tr, 0.99):.0f}")
print(f"followers_max = {x_tr.max():.0f}")
print(f"followers_skew_raw = {((x_tr - x_tr.mean())**3).mean() / x_tr.std()**3:.1f}")
lx = np.log1p(x_tr)
print(f"followers_skew_log = {((lx - lx.mean())**3).mean() / lx.std()**3:.2f}")

cap = np.quantile(x_tr, 0.99)
bins = KBinsDiscretizer(n_bins=10, encode="onehot-dense", strategy="quantile",
                        quantile_method="averaged_inverted_cdf").fit(x_tr[:, None])
transforms = {
    "raw": lambda x: x[:, None],
    "clipped": lambda x: np.minimum(x, cap)[:, None],
    "log": lambda x: np.log1p(x)[:, None],
    "buckets": lambda x: bins.transform(x[:, None]),
}
fits = {}
for name, f in transforms.items():
    model = LinearRegression().fit(f(x_tr), y[tr])
    fits[name] = (model, f)
    print(f"{name}_test_rmse = {rmse(y[te], model.predict(f(x_te))):.3f}")
print(f"noise_floor_rmse = {rmse(y[te], truth[te]):.3f}")
# Heavy tails, outliers and buckets:1 ends here

# [[file:../../primer.org::*Heavy tails, outliers and buckets][Heavy tails, outliers and buckets:2]]
# Part 2: a linear effect, with 0.5 % of the rows logged in the wrong unit.
m = 4_000
seconds = rng.gamma(4.0, 2.0, m)            # dwell time on a page
target = 2.0 * seconds + rng.normal(0, 2.0, m)
recorded = seconds.copy()
broken = rng.random(m) < 0.005
recorded[broken] *= 1000                    # a client that sent milliseconds
a, b = np.arange(m) < 3_000, np.arange(m) >= 3_000
lo, hi = np.quantile(recorded[a], [0.01, 0.99])   # fitted on training rows only
print(f"broken_rows_train = {broken[a].sum()}")
for name, feat in [("unclipped", recorded), ("clip", np.clip(recorded, lo, hi))]:
    model = LinearRegression().fit(feat[a, None], target[a])
    pred = model.predict(feat[b, None])
    clean = ~broken[b]
    print(f"{name}_slope = {model.coef_[0]:.4f}")
    print(f"{name}_rmse_clean_rows = {rmse(target[b][clean], pred[clean]):.2f}")
    print(f"{name}_rmse_all_rows = {rmse(target[b], pred):.1f}")
    fits[name] = model
print("true_slope = 2.0")

fig, axes = plt.subplots(1, 4, figsize=(11, 3.0))
axes[0].hist(x_tr, bins=60, color="#b5523b")
axes[0].set_yscale("log")
axes[0].set_title("followers, raw", fontsize=10)
axes[0].set_ylabel("training rows (log scale)")
axes[1].hist(np.log1p(x_tr), bins=60, color="#4a7a96")
axes[1].set_title("log(1 + followers)", fontsize=10)
grid = np.unique(np.quantile(x_tr, np.linspace(0, 0.999, 400)))
shown = rng.choice(np.flatnonzero(tr), 1500, replace=False)
axes[2].scatter(np.log1p(followers[shown]), y[shown], s=3, color="#cccccc")
for name, color in [("raw", "#b5523b"), ("clipped", "#d99a5e"), ("log", "#4a7a96"),
                    ("buckets", "#222222")]:
    model, f = fits[name]
    axes[2].plot(np.log1p(grid), model.predict(f(grid)), color=color, label=name)
axes[2].set_xlabel("log(1 + followers)")
axes[2].set_title("fitted target", fontsize=10)
axes[2].legend(fontsize=7)
inside = ~broken[a]
axes[3].scatter(seconds[a][inside], target[a][inside], s=3, color="#cccccc")
xs = np.linspace(0, 30, 50)
for name, color in [("unclipped", "#b5523b"), ("clip", "#4a7a96")]:
    model = fits[name]
    shown_x = np.clip(xs, lo, hi) if name == "clip" else xs   # the model sees clipped input
    axes[3].plot(xs, model.predict(shown_x[:, None]), color=color, label=name)
axes[3].set_xlabel("seconds (correctly logged rows)")
axes[3].set_title("0.5 % rows in wrong unit", fontsize=10)
axes[3].legend(fontsize=7)
fig.tight_layout()
fig.savefig(IMG / "numeric_transforms.png", dpi=120)
# Heavy tails, outliers and buckets:2 ends here
