# [[file:../../primer.org::*Regularization][Regularization:1]]
"""L1 (lasso) against L2 (ridge): exact zeros, coefficient paths, and accuracy
on data whose sparse truth is known.

Data: 100 training rows, 40 correlated Gaussian features (correlation 0.5 ** |i - j|),
5 of them with a non-zero true coefficient, noise sd 2.  A test set of 5,000
rows from the same distribution measures accuracy.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import LassoCV, LinearRegression, RidgeCV, lasso_path
from threadpoolctl import threadpool_limits

threadpool_limits(1)
IMG = Path(__file__).resolve().parents[2] / "img" / "04-modeling"
IMG.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)

n, p, n_true, noise_sd = 100, 40, 5, 2.0
cov = 0.5 ** np.abs(np.subtract.outer(np.arange(p), np.arange(p)))
chol = np.linalg.cholesky(cov)
w_true = np.zeros(p)
support = rng.choice(p, size=n_true, replace=False)
w_true[support] = rng.choice([-1, 1], n_true) * rng.uniform(1, 3, n_true)


def draw(rows):
    X = rng.normal(size=(rows, p)) @ chol.T
    return X, X @ w_true + rng.normal(0, noise_sd, rows)


X, y = draw(n)
X_test, y_test = draw(5000)
# Regularization:1 ends here

# [[file:../../primer.org::*Regularization][Regularization:2]]
# Paths on centred data.  Lasso: minimise (1/2n) ||y - Xw||^2 + a ||w||_1 by
# scikit-learn's coordinate descent.  Ridge: minimise (1/2n) ||y - Xw||^2
# + (a/2) ||w||^2, in closed form through the SVD X = U diag(s) V^T:
# w(a) = V diag(s / (s^2 + n a)) U^T y.
Xc, yc = X - X.mean(axis=0), y - y.mean()
alphas_l1, coefs_l1, _ = lasso_path(Xc, yc, alphas=np.logspace(0.5, -3, 80))
U, s, Vt = np.linalg.svd(Xc, full_matrices=False)
alphas_l2 = np.logspace(3, -3, 80)
coefs_l2 = np.stack([Vt.T @ ((s / (s ** 2 + n * a)) * (U.T @ yc)) for a in alphas_l2], axis=1)
zeros_l1 = (coefs_l1 == 0).sum(axis=0)
zeros_l2 = (coefs_l2 == 0).sum(axis=0)
print(f"lasso_path_zeros_max = {zeros_l1.max()}")
print(f"lasso_path_zeros_min = {zeros_l1.min()}")
print(f"ridge_path_zeros_max = {zeros_l2.max()}")
print(f"ridge_path_smallest_abs_coef = {np.abs(coefs_l2).min():.1e}")
truth = set(support)
# Along the lasso path, how close does the selected set ever get to the truth?
errors = [len(set(np.flatnonzero(c)) ^ truth) for c in coefs_l1.T]  # missed + extra
print(f"lasso_path_fewest_selection_errors = {min(errors)}")
entered = [set(np.flatnonzero(c)) - truth for c in coefs_l1.T]
first_false = next(iter(next(e for e in entered if e)))
print(f"first_false_feature = {first_false}")
print(f"first_false_neighbours_true = {sum(abs(first_false - t) == 1 for t in truth)}")
print(f"true_features = {', '.join(str(t) for t in sorted(truth))}")

for name, model in [("lasso", LassoCV(cv=5, random_state=0)),
                    ("ridge", RidgeCV(alphas=np.logspace(-3, 3, 61))),
                    ("ols", LinearRegression())]:
    model.fit(X, y)
    chosen = set(np.flatnonzero(model.coef_))
    print(f"{name}_zero_coefs = {p - len(chosen)}")
    print(f"{name}_true_kept = {len(chosen & truth)}")
    print(f"{name}_false_kept = {len(chosen - truth)}")
    print(f"{name}_coef_error = {np.sum((model.coef_ - w_true) ** 2):.2f}")
    print(f"{name}_test_mse = {np.mean((model.predict(X_test) - y_test) ** 2):.2f}")
print(f"noise_variance = {noise_sd ** 2:.2f}")

fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
for ax, alphas, coefs, title in [(axes[0], alphas_l1, coefs_l1, "L1 (lasso)"),
                                 (axes[1], alphas_l2, coefs_l2, "L2 (ridge)")]:
    for j in range(p):
        on = j in truth
        ax.plot(alphas, coefs[j], color="#b5523b" if on else "#aaaaaa",
                lw=1.6 if on else 0.8, zorder=3 if on else 2)
    ax.set_xscale("log")
    ax.invert_xaxis()
    ax.axhline(0, color="k", lw=0.5)
    ax.set_xlabel("regularization strength alpha (log scale, weaker to the right)")
    ax.set_title(f"{title}; red: the 5 true features")
axes[0].set_ylabel("coefficient")
fig.tight_layout()
fig.savefig(IMG / "regularization_paths.png", dpi=120)
# Regularization:2 ends here
