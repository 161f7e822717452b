# [[file:../../primer.org::*Sample complexity: learning curves][Sample complexity: learning curves:1]]
"""Learning curves: test error against training-set size for logistic regression
and gradient-boosted trees on the same synthetic task.

Data: 10 Gaussian features; the true log-odds have a linear part, an interaction
x3*x4 and a wave sin(2*x5).  The true probability is known, so the Bayes error
(the floor no model can beat) follows from the true probabilities of the test inputs.
"""
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

IMG = Path(__file__).resolve().parents[2] / "img" / "01-scope"

IMG.mkdir(parents=True, exist_ok=True)
threadpool_limits(1)  # one core for every library: fit times are comparable
rng = np.random.default_rng(0)
N_FEATURES = 10


def true_log_odds(X):
    linear = 2.25 * X[:, 0] - 1.5 * X[:, 1] + 1.2 * X[:, 2]
    return linear + 2.0 * X[:, 3] * X[:, 4] + 1.5 * np.sin(2 * X[:, 5])


def draw(n):
    X = rng.normal(size=(n, N_FEATURES))
    p = 1 / (1 + np.exp(-true_log_odds(X)))
    return X, (rng.random(n) < p).astype(int), p


X_test, y_test, p_test = draw(3_000)
bayes_error = np.mean(np.minimum(p_test, 1 - p_test))
print(f"bayes_error = {bayes_error:.3f}")

sizes = [50, 100, 200, 400, 800, 1600, 3200, 6400]
models = {"logistic": lambda: LogisticRegression(),
          "boosting": lambda: HistGradientBoostingClassifier(
              max_iter=50, learning_rate=0.2, random_state=0)}
error = {name: [] for name in models}     # one array of repeats per size
fit_s = {name: [] for name in models}
for n in sizes:
    repeats = 6 if n <= 400 else 3
    errs = {name: [] for name in models}
    times = {name: [] for name in models}
    for _ in range(repeats):
        X, y, _ = draw(n)
        for name, make in models.items():
            model = make()
            start = time.process_time()       # CPU time: robust on a busy machine
            model.fit(X, y)
            times[name].append(time.process_time() - start)
            errs[name].append(np.mean(model.predict(X_test) != y_test))
    for name in models:
        error[name].append(np.array(errs[name]))
        fit_s[name].append(np.median(times[name]))
# Sample complexity: learning curves:1 ends here

# [[file:../../primer.org::*Sample complexity: learning curves][Sample complexity: learning curves:2]]
mean = {name: np.array([e.mean() for e in error[name]]) for name in models}
sd = {name: np.array([e.std() for e in error[name]]) for name in models}
for i in [0, 1, len(sizes) - 1]:
    n = sizes[i]
    for name in models:
        print(f"{name}_error_n{n} = {mean[name][i]:.3f}")
        print(f"{name}_error_sd_n{n} = {sd[name][i]:.3f}")
boosting_ahead = mean["boosting"] < mean["logistic"]
# first size from which boosting stays ahead at every larger size
cross = next(i for i in range(len(sizes)) if boosting_ahead[i:].all())
print(f"crossover_n = {sizes[cross]}")
# Both models are fitted on the same draws: the paired gap and its standard error.
gap = [l - b for l, b in zip(error["logistic"], error["boosting"])]
se = [g.std(ddof=1) / np.sqrt(len(g)) for g in gap]
print(f"crossover_gap = {gap[cross].mean():.3f}")
print(f"crossover_gap_se = {se[cross]:.3f}")
clear = next(i for i in range(len(sizes))
             if all(g.mean() > 2 * e for g, e in zip(gap[i:], se[i:])))
print(f"clear_lead_from_n = {sizes[clear]}")
print(f"logistic_gap_to_bayes_largest = {mean['logistic'][-1] - bayes_error:.3f}")
print(f"boosting_gap_to_bayes_largest = {mean['boosting'][-1] - bayes_error:.3f}")
near = np.flatnonzero(mean["boosting"] - bayes_error <= 0.05)
print(f"boosting_n_within_005_of_bayes = {sizes[near[0]]}")
print(f"logistic_fit_ms_largest = {fit_s['logistic'][-1] * 1e3:.0f}")
print(f"boosting_fit_ms_largest = {fit_s['boosting'][-1] * 1e3:.0f}")
print(f"boosting_fit_time_ratio = {fit_s['boosting'][-1] / fit_s['logistic'][-1]:.0f}")

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
colors = {"logistic": "#4a7a96", "boosting": "#b5523b"}
labels = {"logistic": "logistic regression", "boosting": "gradient-boosted trees"}
for name in models:
    left.plot(sizes, mean[name], "o-", color=colors[name], label=labels[name])
    left.fill_between(sizes, mean[name] - sd[name], mean[name] + sd[name],
                      color=colors[name], alpha=0.2)
    right.plot(sizes, np.array(fit_s[name]) * 1e3, "o-", color=colors[name],
               label=labels[name])
left.axhline(bayes_error, color="#222222", ls="--", lw=1, label="Bayes error")
left.axvline(sizes[cross], color="#999999", ls=":", lw=1)
left.set_xscale("log")
left.set_xlabel("training rows (log scale)")
left.set_ylabel("test error (band: +/- 1 sd over repeats)")
left.set_title("Sample complexity")
left.legend(fontsize=8)
right.set_xscale("log")
right.set_yscale("log")
right.set_xlabel("training rows (log scale)")
right.set_ylabel("CPU time per fit, ms (log scale)")
right.set_title("Training time, one core")
right.legend(fontsize=8)
fig.tight_layout()
fig.savefig(IMG / "capacity_learning_curves.png", dpi=120)
# Sample complexity: learning curves:2 ends here
