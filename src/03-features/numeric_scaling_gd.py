# [[file:../../primer.org::*Scaling and the speed of gradient descent][Scaling and the speed of gradient descent:1]]
"""How feature scale slows gradient descent, and how standardising fixes it.

Data: a synthetic least-squares problem with four features on different scales
(a count, minutes on a page, a share, a basket value) and a known linear target.
Plain batch gradient descent is run on the raw, min-max scaled and z-scored
features, each with the best learning rate from a grid, and the number of steps
to reach a fixed tolerance is set against the condition number of X^T X.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

IMG = Path(__file__).resolve().parents[2] / "img" / "03-features"

IMG.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)

n = 5_000
raw = np.column_stack([
    rng.poisson(6, n).astype(float),   # sessions last week
    rng.gamma(2.0, 1.2, n),            # minutes on the product page
    rng.beta(2, 5, n),                 # share of sessions on mobile
    rng.lognormal(1.0, 0.5, n),        # basket value, tens of euros
])
raw[:, 1] += 0.25 * raw[:, 0]           # more sessions, more minutes
y = 1.0 + raw @ np.array([0.5, 0.8, 3.0, 0.6]) + rng.normal(0, 1.0, n)

TOL = 1e-6                                  # stop when excess MSE < TOL * var(y)
RATES = 10.0 ** np.arange(-4, 0.01, 0.125)  # learning-rate grid, 1e-4 .. 1


def design(features):
    return np.column_stack([np.ones(len(features)), features])


def condition(X):
    eig = np.linalg.eigvalsh(X.T @ X)
    return eig[-1] / eig[0]


def descend(X, max_steps=100_000):
    """Batch gradient descent on the training MSE, every learning rate of the grid
    run side by side.  The first rate to reach the tolerance is the best one; returns
    its steps, the rate, and its excess-loss curve."""
    G, b = X.T @ X / len(X), X.T @ y / len(X)   # MSE(w) = w'Gw - 2b'w + y'y/n
    w_opt = np.linalg.solve(G, b)
    W = np.zeros((X.shape[1], len(RATES)))
    curve = []
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, max_steps + 1):
            W -= RATES * 2 * (G @ W - b[:, None])   # the gradient of the MSE
            E = W - w_opt[:, None]
            excess = np.einsum("ij,ik,kj->j", E, G, E)   # MSE(w) - MSE(w_opt)
            excess[~np.isfinite(excess)] = np.inf
            curve.append(excess)
            hit = np.flatnonzero(excess < TOL * y.var())
            if hit.size:
                k = hit[np.argmin(excess[hit])]
                return t, RATES[k], np.array(curve)[:, k]
    return np.inf, np.nan, None


mu, sd = raw.mean(axis=0), raw.std(axis=0)
lo, hi = raw.min(axis=0), raw.max(axis=0)
variants = {"raw": raw, "minmax": (raw - lo) / (hi - lo), "zscore": (raw - mu) / sd}
steps, curves = {}, {}
for name, feats in variants.items():
    X = design(feats)
    steps[name], rate, curves[name] = descend(X)
    print(f"{name}_condition_number = {condition(X):.3g}")
    print(f"{name}_best_rate = {rate:.2g}")
    print(f"{name}_steps = {steps[name]}")
print(f"speedup_zscore_vs_raw = {steps['raw'] / steps['zscore']:.0f}")
# Scaling and the speed of gradient descent:1 ends here

# [[file:../../primer.org::*Scaling and the speed of gradient descent][Scaling and the speed of gradient descent:2]]
# Steps against conditioning: stretch one z-scored column by a factor s, which
# multiplies the condition number by about s^2.
base = design(variants["zscore"])
kappas, sweep_steps = [], []
for s in [1, 2, 4, 8, 16, 32]:
    X = base.copy()
    X[:, 2] *= s
    kappas.append(condition(X))
    sweep_steps.append(descend(X)[0])
    print(f"stretch_{s}_condition_number = {kappas[-1]:.3g}")
    print(f"stretch_{s}_steps = {sweep_steps[-1]}")
slope = np.polyfit(np.log(kappas[2:]), np.log(sweep_steps[2:]), 1)[0]
print(f"loglog_slope_steps_vs_condition = {slope:.2f}")

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
colors = {"raw": "#b5523b", "minmax": "#d99a5e", "zscore": "#4a7a96"}
for name, curve in curves.items():
    left.plot(np.arange(1, len(curve) + 1), curve / y.var(), color=colors[name],
              label=f"{name} (condition number {condition(design(variants[name])):.3g})")
left.axhline(TOL, color="#999999", ls=":", lw=1)
left.set_xscale("log")
left.set_yscale("log")
left.set_xlabel("gradient-descent step")
left.set_ylabel("excess training MSE / var(y)")
left.set_title("Same data, three scalings, best rate each")
left.legend(fontsize=8)
right.loglog(kappas, sweep_steps, "o-", color="#4a7a96", label="z-scored, one column stretched")
for name in curves:
    right.loglog(condition(design(variants[name])), steps[name], "D",
                 color=colors[name], label=name)
right.set_xlabel(r"condition number of $X^\top X$")
right.set_ylabel("steps to tolerance")
right.set_title("Steps grow with the condition number")
right.legend(fontsize=8)
fig.tight_layout()
fig.savefig(IMG / "numeric_scaling_gd.png", dpi=120)
# Scaling and the speed of gradient descent:2 ends here
