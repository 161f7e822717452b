# [[file:../../primer.org::*Bias and variance][Bias and variance:1]]
"""An empirical bias-variance decomposition with a known truth.

y = f(x) + noise, f(x) = sin(2.5 pi x) on [0, 1], noise Gaussian with sd 0.3.
We draw 1,000 independent training sets of 40 points, fit polynomials of
degree 0-12 and k-nearest-neighbour averages with k = 1-30 to each, and split
the expected squared error on a grid of test points into bias^2, variance and
noise, then check the three parts add up to the error we measure directly.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from numpy.polynomial import legendre

IMG = Path(__file__).resolve().parents[2] / "img" / "04-modeling"

IMG.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)


def f(x):
    return np.sin(2.5 * np.pi * x)


sigma, n_train, n_sets = 0.3, 40, 1000
grid = np.linspace(0.02, 0.98, 100)                      # test inputs
X = rng.uniform(0, 1, size=(n_sets, n_train))            # one row per training set
Y = f(X) + sigma * rng.normal(size=X.shape)
Y_test = f(grid) + sigma * rng.normal(size=(n_sets, len(grid)))  # fresh test labels


def decompose(pred):
    """pred[r, j]: the prediction at grid[j] of the model fitted on training set r."""
    mean_pred = pred.mean(axis=0)                        # E_D[f_hat(x)]
    variance = np.mean(pred.var(axis=0, ddof=1))
    # (mean_pred - f)^2 overstates bias^2 by variance / n_sets on average: remove it.
    bias2 = np.mean((mean_pred - f(grid)) ** 2) - variance / n_sets
    measured = np.mean((pred - Y_test) ** 2)             # E[(y - f_hat(x))^2], directly
    return bias2, variance, measured
# Bias and variance:1 ends here

# [[file:../../primer.org::*Bias and variance][Bias and variance:2]]
# Polynomials, fitted by least squares in the Legendre basis on [0, 1] mapped to
# [-1, 1], which keeps the fits well conditioned up to degree 12.
degrees = np.arange(13)
poly = []
for d in degrees:
    A = legendre.legvander(2 * X - 1, d)                 # (sets, n_train, d + 1)
    coef = np.linalg.pinv(A) @ Y[:, :, None]             # least squares, all sets at once
    poly.append(decompose((legendre.legvander(2 * grid - 1, d) @ coef)[:, :, 0]))
poly = np.array(poly)

# k-nearest neighbours: average the labels of the k closest training points.
ks = np.array([1, 2, 3, 5, 8, 12, 20, 30])
order = np.argsort(np.abs(grid[None, :, None] - X[:, None, :]), axis=2)
nearest_y = np.take_along_axis(np.broadcast_to(Y[:, None, :], order.shape), order, axis=2)
knn = np.array([decompose(nearest_y[:, :, :k].mean(axis=2)) for k in ks])
# Bias and variance:2 ends here

# [[file:../../primer.org::*Bias and variance][Bias and variance:3]]
noise = sigma ** 2
for name, table, sizes in [("poly", poly, degrees), ("knn", knn, ks)]:
    total = table[:, 0] + table[:, 1] + noise
    gap = np.abs(total - table[:, 2]) / table[:, 2]
    best = int(np.argmin(table[:, 2]))
    print(f"{name}_max_relative_gap = {gap.max():.4f}")
    print(f"{name}_best = {sizes[best]}")
    print(f"{name}_best_mse = {table[best, 2]:.4f}")
    for i in [0, best, len(sizes) - 1]:
        print(f"{name}_{sizes[i]}_bias2 = {table[i, 0]:.4f}")
        print(f"{name}_{sizes[i]}_variance = {table[i, 1]:.4f}")
        print(f"{name}_{sizes[i]}_mse = {table[i, 2]:.4f}")
print(f"noise = {noise:.4f}")
# Beyond degree 6 the true bias^2 is tiny, and its estimate is at the mercy of
# Monte Carlo noise, whose scale is the variance of a mean of n_sets fits.
print(f"poly_12_variance_of_mean = {poly[-1, 1] / n_sets:.4f}")
resolved = poly[:, 0] > 3 * poly[:, 1] / n_sets
print(f"poly_bias2_unresolved_from = {degrees[np.argmin(resolved)]}")

fig, axes = plt.subplots(1, 2, figsize=(11, 4))
for ax, table, sizes, label in [(axes[0], poly, degrees, "polynomial degree"),
                                (axes[1], knn, ks, "k (neighbours averaged)")]:
    shown = table[:, 0] > 3 * table[:, 1] / n_sets       # resolved above Monte Carlo noise
    ax.plot(sizes[shown], table[shown, 0], "o-", color="#b5523b", label="bias$^2$")
    ax.plot(sizes, table[:, 1], "s-", color="#4a7a96", label="variance")
    ax.axhline(noise, color="#999999", ls=":", label="noise $\\sigma^2$")
    ax.plot(sizes, table[:, 2], "-", color="#bbbbbb", lw=5, label="measured test MSE")
    ax.plot(sizes, table[:, 0] + table[:, 1] + noise, "k--", lw=1, label="bias$^2$ + variance + noise")
    ax.set_yscale("log")
    ax.set_xlabel(label)
    ax.grid(alpha=0.3)
axes[0].set_ylim(1e-4, 2e2)
axes[1].set_xscale("log")
axes[1].set_xticks(ks, [str(k) for k in ks])
axes[1].minorticks_off()
axes[1].invert_xaxis()                                   # complexity grows to the right
axes[0].set_ylabel("expected squared error")
axes[0].set_title("Polynomial least squares")
axes[1].set_title("k-nearest neighbours (small k = complex)")
axes[0].legend(fontsize=8)
fig.tight_layout()
fig.savefig(IMG / "bias_variance.png", dpi=120)
# Bias and variance:3 ends here
