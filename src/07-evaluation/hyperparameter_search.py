# [[file:../../primer.org::*Hyperparameter search][Hyperparameter search:1]]
"""Grid, random and Bayesian (Gaussian process + expected improvement) search on a
response surface with a known truth, and the winner's curse of the best
validation score.

Data: a known true-accuracy function of four hyperparameters in [0, 1] (two
matter, two barely); an evaluation returns the accuracy measured on 1,000
validation rows (binomial noise); a held-out set of 10,000 rows scores the chosen
configuration.  Twelve seeds per method, 40 evaluations each.
"""
import itertools
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from scipy.stats import norm
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

IMG = Path(__file__).resolve().parents[2] / "img" / "07-evaluation"
IMG.mkdir(parents=True, exist_ok=True)
N_VAL, N_TEST, BUDGET, SEEDS = 1_000, 10_000, 40, 12
BEST_TRUE = 0.93
TARGET = BEST_TRUE - 0.005


def true_accuracy(h):
    h = np.atleast_2d(h)
    return (BEST_TRUE - 0.25 * (h[:, 0] - 0.62) ** 2 - 0.15 * (h[:, 1] - 0.31) ** 2
            - 0.004 * (h[:, 2] - 0.5) ** 2 - 0.004 * (h[:, 3] - 0.5) ** 2)


def measured(h, n_rows, rng):
    return rng.binomial(n_rows, true_accuracy(h)) / n_rows


def evaluations_to_target(order, rng):
    """Run trials in order; the incumbent is the best by validation score."""
    val = measured(order, N_VAL, rng)
    incumbent = np.maximum.accumulate(val)
    chosen = np.array([np.argmax(val[: i + 1]) for i in range(len(val))])
    reached = true_accuracy(order[chosen]) >= TARGET
    return (np.argmax(reached) + 1 if reached.any() else np.inf), true_accuracy(order[chosen[-1]])[0]


def bayes_opt(rng, n_init=8):
    kernel = (ConstantKernel(0.01, "fixed") * Matern(length_scale=0.3, length_scale_bounds="fixed", nu=2.5)
              + WhiteKernel(0.93 * 0.07 / N_VAL, "fixed"))      # noise: the binomial variance
    X = rng.random((n_init, 4))
    y = measured(X, N_VAL, rng)
    while len(X) < BUDGET:
        gp = GaussianProcessRegressor(kernel, normalize_y=True).fit(X, y)
        cand = rng.random((300, 4))
        mu, sd = gp.predict(cand, return_std=True)
        z = (mu - y.max()) / np.maximum(sd, 1e-9)
        ei = (mu - y.max()) * norm.cdf(z) + sd * norm.pdf(z)  # expected improvement
        x = cand[np.argmax(ei)]
        X = np.vstack([X, x])
        y = np.append(y, measured(x, N_VAL, rng))
    return X, y


levels = [1 / 6, 1 / 2, 5 / 6]
grid = np.array(list(itertools.product(levels, repeat=4)))          # 81 configurations
print(f"grid_size = {len(grid)}")
print(f"grid_best_true_accuracy = {true_accuracy(grid).max():.4f}")
print(f"target_true_accuracy = {TARGET:.3f}")
results = {"grid": [], "random": [], "bayes": []}
final_true = {"grid": [], "random": [], "bayes": []}
for seed in range(SEEDS):
    rng = np.random.default_rng(seed)
    n, acc = evaluations_to_target(grid[rng.permutation(len(grid))], rng)
    results["grid"].append(n)
    final_true["grid"].append(acc)
    n, acc = evaluations_to_target(rng.random((BUDGET, 4)), rng)
    results["random"].append(n)
    final_true["random"].append(acc)
    X, y = bayes_opt(rng)
    reached = true_accuracy(X[[np.argmax(y[: i + 1]) for i in range(len(y))]]) >= TARGET
    results["bayes"].append(np.argmax(reached) + 1 if reached.any() else np.inf)
    final_true["bayes"].append(true_accuracy(X[np.argmax(y)])[0])
for method, ns in results.items():
    ns = np.array(ns)
    print(f"{method}_share_reaching_target = {np.mean(np.isfinite(ns)):.2f}")
    print(f"{method}_median_evaluations_to_target = {np.median(ns):.0f}")
    print(f"{method}_final_true_accuracy = {np.mean(final_true[method]):.4f}")
    print(f"{method}_final_true_accuracy_se = {np.std(final_true[method], ddof=1) / np.sqrt(SEEDS):.4f}")
# Hyperparameter search:1 ends here

# [[file:../../primer.org::*Hyperparameter search][Hyperparameter search:2]]
rng = np.random.default_rng(100)
REPS, TRIALS = 200, 300
configs = rng.random((REPS, TRIALS, 4))
truth = true_accuracy(configs.reshape(-1, 4)).reshape(REPS, TRIALS)
val = rng.binomial(N_VAL, truth) / N_VAL
test = rng.binomial(N_TEST, truth) / N_TEST
checkpoints = [1, 3, 10, 30, 100, 300]
gaps, best_vals, tests = [], [], []
for n in checkpoints:
    pick = np.argmax(val[:, :n], axis=1)
    best_val = val[np.arange(REPS), pick]
    held_out = test[np.arange(REPS), pick]
    gaps.append(best_val - held_out)
    best_vals.append(best_val.mean())
    tests.append(held_out.mean())
    print(f"optimism_after_{n}_trials = {np.mean(best_val - held_out):.4f}")
    print(f"optimism_after_{n}_trials_se = {np.std(best_val - held_out, ddof=1) / np.sqrt(REPS):.4f}")
    print(f"heldout_after_{n}_trials = {held_out.mean():.4f}")
print(f"validation_noise_sd = {np.sqrt(0.93 * 0.07 / N_VAL):.4f}")

fig, (ev, curse) = plt.subplots(1, 2, figsize=(10, 3.8))
for i, (method, colour) in enumerate([("grid", "#999999"), ("random", "#d99a5e"), ("bayes", "#4a7a96")]):
    ns = np.array(results[method], dtype=float)
    shown = np.where(np.isfinite(ns), ns, BUDGET + 25)
    ev.scatter(shown, np.full(len(ns), i) + rng.uniform(-0.15, 0.15, len(ns)), color=colour, s=14)
ev.axvline(BUDGET + 10, color="#cccccc", lw=1)
ev.set_yticks(range(3), ["grid (81)", "random", "Bayesian (GP + EI)"])
ev.set_xlabel("evaluations until the chosen configuration reaches the target\n(right of the line: never)")
ev.set_title("Search cost, 12 seeds")
curse.plot(checkpoints, best_vals, "o-", color="#b5523b", label="best validation score")
curse.plot(checkpoints, tests, "o-", color="#4a7a96", label="its held-out score")
curse.axhline(BEST_TRUE, color="#222222", ls="--", lw=1, label="best true accuracy")
curse.set_xscale("log")
curse.set_xlabel("random-search trials (log scale)")
curse.set_ylabel("accuracy")
curse.set_title("The winner's curse")
curse.legend(fontsize=8)
fig.tight_layout()
fig.savefig(IMG / "hyperparameter_search.png", dpi=120)
# Hyperparameter search:2 ends here
