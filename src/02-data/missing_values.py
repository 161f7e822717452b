# [[file:../../primer.org::*Missing values][Missing values:1]]
"""Missing values under MCAR, MAR and MNAR: what deletion, mean imputation, iterative
imputation and a missing-indicator column do to an estimated mean and to a model.

Data: 20,000 synthetic rows with five correlated standard-normal features
(pairwise correlation 0.5) and y = 2 x1 + x2 - x3 + 0.5 x4 + noise, so the true
mean of x1 (zero) and the best achievable test error (the noise variance, 1) are
known.  About 40% of x1 is then hidden by one of three mechanisms; training and
test halves are hidden by the same mechanism, as production data would be.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.experimental import enable_iterative_imputer  # noqa: F401
from sklearn.impute import IterativeImputer, SimpleImputer
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_squared_error
from sklearn.pipeline import make_pipeline

IMG = Path(__file__).resolve().parents[2] / "img" / "02-data"

IMG.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)

n, d = 20_000, 5
cov = 0.5 * np.ones((d, d)) + 0.5 * np.eye(d)
X = rng.multivariate_normal(np.zeros(d), cov, size=n)
y = X @ np.array([2.0, 1.0, -1.0, 0.5, 0.0]) + rng.normal(size=n)
train, test = np.arange(n) < n // 2, np.arange(n) >= n // 2


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


# P(x1 is missing) under each mechanism.
p_missing = {
    "mcar": np.full(n, 0.4),                   # a coin flip, unrelated to anything
    "mar": sigmoid(-0.6 + 2.5 * X[:, 1]),      # depends on x2, which is always observed
    "mnar": sigmoid(-0.6 + 2.5 * X[:, 0]),     # depends on the hidden x1 itself
}
full = LinearRegression().fit(X[train], y[train])
print(f"true_mean_x1 = {X[train, 0].mean():.3f}")
print(f"mse_no_missing = {mean_squared_error(y[test], full.predict(X[test])):.3f}")
# Missing values:1 ends here

# [[file:../../primer.org::*Missing values][Missing values:2]]
def pipelines():
    return {
        "mean": make_pipeline(SimpleImputer(strategy="mean"), LinearRegression()),
        "iterative": make_pipeline(IterativeImputer(random_state=0), LinearRegression()),
        "indicator": make_pipeline(SimpleImputer(strategy="mean", add_indicator=True),
                                   LinearRegression()),
        "iterative_indicator": make_pipeline(
            IterativeImputer(random_state=0, add_indicator=True), LinearRegression()),
    }


mse = {}
for mech, p in p_missing.items():
    hidden = rng.random(n) < p
    Xm = X.copy()
    Xm[hidden, 0] = np.nan
    print(f"{mech}_missing_share = {hidden.mean():.2f}")

    # Listwise deletion: fit on the complete training rows.  Serving cannot delete a
    # request, so a missing x1 is filled there with the mean of the rows that were kept.
    kept = train & ~hidden
    model = LinearRegression().fit(Xm[kept], y[kept])
    X_serve = Xm[test].copy()
    X_serve[np.isnan(X_serve[:, 0]), 0] = Xm[kept, 0].mean()
    mse[mech, "deletion"] = mean_squared_error(y[test], model.predict(X_serve))
    complete_test = test & ~hidden
    print(f"{mech}_deletion_mse_complete_rows = "
          f"{mean_squared_error(y[complete_test], model.predict(Xm[complete_test])):.3f}")
    print(f"{mech}_mean_complete_cases = {Xm[kept, 0].mean():.3f}")

    for name, pipe in pipelines().items():
        pipe.fit(Xm[train], y[train])
        mse[mech, name] = mean_squared_error(y[test], pipe.predict(Xm[test]))
        if name == "iterative":
            filled = pipe[0].transform(Xm[train])[:, 0]
            print(f"{mech}_mean_iterative = {filled.mean():.3f}")
    for name in ["deletion", "mean", "iterative", "indicator", "iterative_indicator"]:
        print(f"{mech}_mse_{name} = {mse[mech, name]:.3f}")
# Missing values:2 ends here

# [[file:../../primer.org::*Missing values][Missing values:3]]
fig, ax = plt.subplots(figsize=(9, 3.8))
methods = ["deletion", "mean", "iterative", "indicator", "iterative_indicator"]
labels = ["deletion", "mean", "iterative", "mean + indicator", "iterative + indicator"]
colors = ["#999999", "#d99a5e", "#4a7a96", "#b5523b", "#222222"]
for i, mech in enumerate(p_missing):
    for j, (name, color) in enumerate(zip(methods, colors)):
        ax.bar(i + (j - 2) * 0.16, mse[mech, name], width=0.15, color=color,
               label=labels[j] if i == 0 else None)
ax.axhline(mean_squared_error(y[test], full.predict(X[test])), color="#222222", ls=":",
           lw=1, label="no values missing")
ax.set_xticks(range(3), ["MCAR", "MAR (depends on x2)", "MNAR (depends on x1)"])
ax.set_ylabel("test mean squared error")
ax.set_title("Linear regression with 40% of its strongest feature missing")
ax.legend(fontsize=8, ncol=3)
fig.tight_layout()
fig.savefig(IMG / "missing_values.png", dpi=120)
# Missing values:3 ends here
