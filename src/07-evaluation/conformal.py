# [[file:../../primer.org::*Knowing when not to trust a prediction][Knowing when not to trust a prediction:1]]
"""Selective prediction (accuracy against coverage) and split conformal intervals,
with the 90 % coverage guarantee measured over many calibration draws.

Data: (1) a binary task with a known logistic probability, for selective
prediction; (2) a regression y = sin(2x) + x/2 + noise whose standard deviation
grows with |x|, for conformal intervals.  The regression model is fitted once; each
of 1,000 draws takes a fresh calibration set of 500 rows and a test set of 1,000
rows, drawn at random from a pool of 40,000 rows the model never saw (so
calibration and test rows are i.i.d. draws from the pool, and exchangeable).
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from scipy.stats import beta, betabinom
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

threadpool_limits(1)
IMG = Path(__file__).resolve().parents[2] / "img" / "07-evaluation"
IMG.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)

# 1. Selective prediction: abstain on the least confident predictions.
X = rng.normal(size=(40_000, 5))
p = 1 / (1 + np.exp(-(X @ np.array([1.5, -1.0, 0.8, 0.0, 0.0]))))
y = (rng.random(len(p)) < p).astype(int)
clf = LogisticRegression().fit(X[:20_000], y[:20_000])
prob = clf.predict_proba(X[20_000:])[:, 1]
right = (prob > 0.5) == y[20_000:]
confidence = np.maximum(prob, 1 - prob)
order = np.argsort(-confidence)
coverages = np.linspace(0.05, 1, 96)
acc_curve = [right[order[: int(c * len(order))]].mean() for c in coverages]
random_order = rng.permutation(len(order))
for c in [1.0, 0.8, 0.5, 0.2]:
    keep = int(c * len(order))
    print(f"selective_accuracy_cov{int(c * 100)} = {right[order[:keep]].mean():.3f}")
    print(f"random_abstain_accuracy_cov{int(c * 100)} = {right[random_order[:keep]].mean():.3f}")
# Knowing when not to trust a prediction:1 ends here

# [[file:../../primer.org::*Knowing when not to trust a prediction][Knowing when not to trust a prediction:2]]
# 2. Split conformal regression.
def regression(n):
    x = rng.uniform(-3, 3, n)
    sd = 0.1 + 0.3 * np.abs(x)                      # noise grows with |x|
    return x.reshape(-1, 1), np.sin(2 * x) + x / 2 + rng.normal(0, sd), sd


ALPHA, N_CAL, N_TEST, DRAWS = 0.1, 500, 1_000, 1_000
x_tr, y_tr, _ = regression(2_000)
model = HistGradientBoostingRegressor(max_iter=100, random_state=0).fit(x_tr, y_tr)
x_pool, y_pool, sd_pool = regression(40_000)
resid_pool = np.abs(y_pool - model.predict(x_pool))
# A second model of the residual's size, for normalised (locally adaptive) scores.
x_s, y_s, _ = regression(2_000)            # fresh rows: training residuals are too small
scale = HistGradientBoostingRegressor(max_iter=50, random_state=0).fit(
    x_s, np.abs(y_s - model.predict(x_s)))
sigma_pool = np.maximum(scale.predict(x_pool), 0.05)

k = int(np.ceil((N_CAL + 1) * (1 - ALPHA)))          # rank of the calibration quantile
coverage, naive_coverage, width = [], [], []
by_region = {"plain": {"calm": [], "noisy": []}, "normalised": {"calm": [], "noisy": []}}
calm = np.abs(x_pool[:, 0]) < 1
naive_q = np.quantile(np.abs(y_tr - model.predict(x_tr)), 1 - ALPHA)   # training residuals
for _ in range(DRAWS):
    idx = rng.integers(0, len(y_pool), N_CAL + N_TEST)   # i.i.d. rows from the pool
    cal, test = idx[:N_CAL], idx[N_CAL:]
    q = np.sort(resid_pool[cal])[k - 1]
    q_norm = np.sort(resid_pool[cal] / sigma_pool[cal])[k - 1]
    inside = resid_pool[test] <= q
    inside_norm = resid_pool[test] <= q_norm * sigma_pool[test]
    coverage.append(inside.mean())
    naive_coverage.append(np.mean(resid_pool[test] <= naive_q))
    width.append(2 * q)
    for key, hit in [("plain", inside), ("normalised", inside_norm)]:
        by_region[key]["calm"].append(hit[calm[test]].mean())
        by_region[key]["noisy"].append(hit[~calm[test]].mean())
coverage = np.array(coverage)
target = k / (N_CAL + 1)
mc_error = coverage.std(ddof=1) / np.sqrt(DRAWS)
beta_sd = beta(k, N_CAL + 1 - k).std()
print(f"target_coverage = {1 - ALPHA:.3f}")
print(f"guaranteed_mean_coverage = {target:.4f}")
print(f"mean_coverage = {coverage.mean():.4f}")
print(f"coverage_mc_error = {mc_error:.4f}")
print(f"coverage_sd_across_draws = {coverage.std(ddof=1):.4f}")
print(f"coverage_sd_beta_plus_test = {np.sqrt(beta_sd**2 + target * (1 - target) / N_TEST):.4f}")
print(f"draws_below_0_88 = {np.mean(coverage < 0.88):.3f}")
print(f"naive_train_residual_coverage = {np.mean(naive_coverage):.4f}")
print(f"interval_half_width = {np.mean(width) / 2:.3f}")
for key in by_region:
    for region in ("calm", "noisy"):
        print(f"{key}_coverage_{region} = {np.mean(by_region[key][region]):.3f}")
# Knowing when not to trust a prediction:2 ends here

# [[file:../../primer.org::*Knowing when not to trust a prediction][Knowing when not to trust a prediction:3]]
fig, (sel, cov) = plt.subplots(1, 2, figsize=(10, 3.8))
sel.plot(coverages, acc_curve, color="#4a7a96", label="abstain on least confident")
sel.axhline(right.mean(), color="#999999", ls="--", label="abstain at random")
sel.set_xlabel("coverage (share of cases answered)")
sel.set_ylabel("accuracy on answered cases")
sel.set_title("Selective prediction")
sel.legend(fontsize=8)
grid = np.linspace(0.85, 0.95, 200)
edges = np.arange(0.8005, 0.9995, 0.003)   # three possible coverages (multiples of 1/1,000) per bin
cov.hist(coverage, bins=edges, density=True, color="#d99a5e", label="coverage of each draw")
cov.set_xlim(0.83, 0.96)
cov.plot(grid, beta(k, N_CAL + 1 - k).pdf(grid), color="#999999", lw=1,
         label="Beta(k, n+1-k): coverage itself")
# Measured on 1,000 test rows, the count covered is beta-binomial; as a density on [0, 1]:
hits = np.arange(800, 1001)
cov.plot(hits / N_TEST, N_TEST * betabinom(N_TEST, k, N_CAL + 1 - k).pmf(hits), color="#222222",
         lw=1, label="beta-binomial: on 1,000 test rows")
cov.axvline(1 - ALPHA, color="#b5523b", ls="--", label="target 90 %")
cov.set_xlabel("coverage on 1,000 test rows")
cov.set_title("Split conformal, 1,000 calibration draws")
cov.legend(fontsize=7)
fig.tight_layout()
fig.savefig(IMG / "conformal.png", dpi=120)
# Knowing when not to trust a prediction:3 ends here
