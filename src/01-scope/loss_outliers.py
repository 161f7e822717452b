# [[file:../../primer.org::*Squared, absolute and Huber loss][Squared, absolute and Huber loss:1]]
"""Squared, absolute and Huber loss on regression data with outliers.

Data: y = 2 + 3 x + Gaussian noise, so the true slope is 3.  A share of the rows is
then corrupted the way a logging bug corrupts a target: the value is recorded as 0.
Each loss is fitted to the same rows; the sweep raises the share of bad rows.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import HuberRegressor, LinearRegression, QuantileRegressor
from threadpoolctl import threadpool_limits

threadpool_limits(1)
IMG = Path(__file__).resolve().parents[2] / "img" / "01-scope"
IMG.mkdir(parents=True, exist_ok=True)
TRUE_SLOPE, TRUE_INTERCEPT = 3.0, 2.0
LOSSES = {
    "squared (MSE)": lambda: LinearRegression(),
    "absolute (MAE)": lambda: QuantileRegressor(quantile=0.5, alpha=0, solver="highs"),
    "Huber": lambda: HuberRegressor(epsilon=1.35, alpha=0, max_iter=1000),
}


def sample(n, bad_share, rng):
    x = rng.uniform(0, 10, size=n)
    y = TRUE_INTERCEPT + TRUE_SLOPE * x + rng.normal(0, 1.0, size=n)
    bad = rng.random(n) < bad_share
    y[bad] = 0.0                           # the logging bug
    return x[:, None], y, bad


def fit_all(x, y):
    """Slope of each loss's fit, and the residual scale Huber estimated alongside."""
    models = {name: make().fit(x, y) for name, make in LOSSES.items()}
    return {name: m.coef_[0] for name, m in models.items()}, models["Huber"].scale_


shares = [0.0, 0.01, 0.05, 0.1, 0.2, 0.3, 0.4]
reps = 20
errors = {name: [] for name in LOSSES}        # mean |slope - 3| per share
spread, huber_scale = {}, {}
for share in shares:
    fits = [fit_all(*sample(200, share, np.random.default_rng(rep))[:2]) for rep in range(reps)]
    huber_scale[share] = np.mean([scale for _, scale in fits])
    for name in LOSSES:
        values = np.array([f[name] for f, _ in fits])
        errors[name].append(np.mean(np.abs(values - TRUE_SLOPE)))
        if share == 0.0:
            spread[name] = values.std()

keys = {"squared (MSE)": "mse", "absolute (MAE)": "mae", "Huber": "huber"}
for name, key in keys.items():
    print(f"{key}_slope_sd_clean = {spread[name]:.4f}")
    for share, err in zip(shares, errors[name]):
        print(f"{key}_slope_error_{int(share * 100)}pct = {err:.3f}")
for share in [0.0, 0.2, 0.4]:
    print(f"huber_scale_{int(share * 100)}pct = {huber_scale[share]:.2f}")

x, y, bad = sample(200, 0.1, np.random.default_rng(123))
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
left.scatter(x[~bad, 0], y[~bad], s=8, color="#bbbbbb", label="clean rows")
left.scatter(x[bad, 0], y[bad], s=10, color="#222222", label="target logged as 0")
grid = np.array([[0.0], [10.0]])
colours = {"squared (MSE)": "#b5523b", "absolute (MAE)": "#4a7a96", "Huber": "#d99a5e"}
for name, make in LOSSES.items():
    fitted = make().fit(x, y)
    left.plot(grid[:, 0], fitted.predict(grid), color=colours[name], lw=2,
              label=f"{name}: slope {fitted.coef_[0]:.2f}")
left.plot(grid[:, 0], TRUE_INTERCEPT + TRUE_SLOPE * grid[:, 0], "k:", lw=1, label="truth: slope 3")
left.set_xlabel("x")
left.set_ylabel("y")
left.set_title("One sample, 10% of targets logged as 0")
left.legend(fontsize=8)
for name in LOSSES:
    right.plot([100 * s for s in shares], errors[name], "o-", color=colours[name], label=name)
right.set_yscale("log")
right.set_xlabel("share of rows with the target logged as 0 (%)")
right.set_ylabel(f"mean |fitted slope - 3| over {reps} samples")
right.set_title("How far each loss is pulled")
right.legend(fontsize=8)
fig.tight_layout()
fig.savefig(IMG / "loss_outliers.png", dpi=120)
# Squared, absolute and Huber loss:1 ends here
