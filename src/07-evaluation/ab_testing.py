# [[file:../../primer.org::*A/B testing][A/B testing:1]]
"""A/B testing: sample size and power (statsmodels, checked by simulation), the
false-positive rate of peeking and its O'Brien-Fleming repair, CUPED variance
reduction, and a novelty effect.

Data: simulated experiments with known truth.  Conversion rate 5 % in control;
the effect to detect is +5 % relative (0.25 points).  Every rate quoted against a
nominal value is printed with its Monte Carlo standard error.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from scipy.stats import norm
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_effectsize, proportions_ztest

IMG = Path(__file__).resolve().parents[2] / "img" / "07-evaluation"
IMG.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)
P0, LIFT, ALPHA, POWER = 0.05, 0.05, 0.05, 0.80
P1 = P0 * (1 + LIFT)


def z_two_proportions(c1, c0, n1, n0):
    """Pooled two-proportion z statistic (vectorised)."""
    pooled = (c1 + c0) / (n1 + n0)
    return (c1 / n1 - c0 / n0) / np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))


def mc_se(rate, sims):
    return np.sqrt(rate * (1 - rate) / sims)


# 1. Sample size from statsmodels, then power and false positives by simulation.
h = proportion_effectsize(P1, P0)
n = int(np.ceil(NormalIndPower().solve_power(effect_size=h, alpha=ALPHA, power=POWER)))
print(f"users_per_arm = {n}")
z_sum = norm.ppf(1 - ALPHA / 2) + norm.ppf(POWER)
print(f"users_per_arm_formula = {int(np.ceil(2 * z_sum**2 / h**2))}")   # the closed form in the text
SIMS = 20_000
c0, c1 = rng.binomial(n, P0, SIMS), rng.binomial(n, P1, SIMS)
z = z_two_proportions(c1, c0, n, n)
library_z = proportions_ztest([c1[0], c0[0]], [n, n])[0]
print(f"ztest_vs_statsmodels_diff = {abs(z[0] - library_z):.1e}")
power = np.mean(np.abs(z) > norm.ppf(1 - ALPHA / 2))
print(f"simulated_power = {power:.4f}")
print(f"simulated_power_mc_se = {mc_se(power, SIMS):.4f}")
a0, a1 = rng.binomial(n, P0, SIMS), rng.binomial(n, P0, SIMS)
fpr = np.mean(np.abs(z_two_proportions(a1, a0, n, n)) > norm.ppf(1 - ALPHA / 2))
print(f"simulated_false_positive_rate = {fpr:.4f}")
print(f"simulated_false_positive_rate_mc_se = {mc_se(fpr, SIMS):.4f}")
# A/B testing:1 ends here

# [[file:../../primer.org::*A/B testing][A/B testing:2]]
# 2. Peeking: 20 looks at accumulating data in A/A tests.
K, SIMS = 20, 20_000
batch = n // K
paths = {}
for name, p_treat in [("null", P0), ("effect", P1)]:
    cum0 = np.cumsum(rng.binomial(batch, P0, (SIMS, K)), axis=1)
    cum1 = np.cumsum(rng.binomial(batch, p_treat, (SIMS, K)), axis=1)
    users = batch * np.arange(1, K + 1)
    paths[name] = z_two_proportions(cum1, cum0, users, users)

# O'Brien-Fleming: |Z_k| > C sqrt(K / k); C calibrated on separate Gaussian paths.
walk = np.cumsum(rng.normal(size=(200_000, K)), axis=1) / np.sqrt(np.arange(1, K + 1))
scaled = np.max(np.abs(walk) * np.sqrt(np.arange(1, K + 1) / K), axis=1)
C = np.quantile(scaled, 1 - ALPHA)
obf = C * np.sqrt(K / np.arange(1, K + 1))
print(f"obf_constant = {C:.3f}")
print(f"obf_first_look_threshold = {obf[0]:.2f}")
print(f"obf_last_look_threshold = {obf[-1]:.3f}")

looks_grid = [1, 2, 5, 10, 20]
peek_fpr = {}
for looks in looks_grid:
    idx = np.arange(K // looks - 1, K, K // looks)          # evenly spaced looks
    peek_fpr[looks] = np.mean(np.any(np.abs(paths["null"][:, idx]) > 1.96, axis=1))
    print(f"peeking_fpr_{looks}_looks = {peek_fpr[looks]:.4f}")
print(f"peeking_fpr_mc_se = {mc_se(peek_fpr[20], SIMS):.4f}")
obf_fpr = np.mean(np.any(np.abs(paths["null"]) > obf, axis=1))
print(f"obf_fpr = {obf_fpr:.4f}")
print(f"obf_fpr_mc_se = {mc_se(obf_fpr, SIMS):.4f}")
crossed = np.abs(paths["effect"]) > obf
obf_power = np.mean(crossed.any(axis=1))
stop = np.where(crossed.any(axis=1), crossed.argmax(axis=1) + 1, K)
print(f"obf_power = {obf_power:.4f}")
print(f"fixed_power_same_paths = {np.mean(np.abs(paths['effect'][:, -1]) > 1.96):.4f}")
print(f"obf_mean_share_of_sample_used = {np.mean(stop) / K:.3f}")
# A/B testing:2 ends here

# [[file:../../primer.org::*A/B testing][A/B testing:3]]
# 3. CUPED on a continuous metric with a correlated pre-period covariate.
RHO, EFFECT, USERS, RUNS = 0.7, 0.02, 20_000, 2_000
plain, cuped = [], []
for _ in range(RUNS):
    pre = rng.normal(size=2 * USERS)
    y = RHO * pre + np.sqrt(1 - RHO**2) * rng.normal(size=2 * USERS)
    arm = np.arange(2 * USERS) < USERS                   # first half treated
    y = y + EFFECT * arm
    theta = np.cov(pre, y)[0, 1] / pre.var(ddof=1)
    adjusted = y - theta * (pre - pre.mean())
    plain.append(y[arm].mean() - y[~arm].mean())
    cuped.append(adjusted[arm].mean() - adjusted[~arm].mean())
plain, cuped = np.array(plain), np.array(cuped)
print(f"plain_effect_mean = {plain.mean():.4f}")
print(f"cuped_effect_mean = {cuped.mean():.4f}")
print(f"effect_mean_mc_se = {plain.std(ddof=1) / np.sqrt(RUNS):.4f}")
print(f"plain_variance_x_n = {plain.var(ddof=1) * USERS / 2:.3f}")      # theory: 1
print(f"cuped_variance_x_n = {cuped.var(ddof=1) * USERS / 2:.3f}")      # theory: 1 - rho^2
print(f"variance_relative_se = {np.sqrt(2 / (RUNS - 1)):.3f}")
ratio = cuped.var(ddof=1) / plain.var(ddof=1)
# Standard error of the simulated ratio (delta method on the two correlated variances).
a, b = (cuped - cuped.mean()) ** 2, (plain - plain.mean()) ** 2
rel_var = (a.var() / a.mean() ** 2 + b.var() / b.mean() ** 2
           - 2 * np.cov(a, b, ddof=0)[0, 1] / (a.mean() * b.mean())) / RUNS
print(f"variance_ratio = {ratio:.3f}")
print(f"variance_ratio_se = {ratio * np.sqrt(rel_var):.3f}")
print(f"variance_ratio_theory = {1 - RHO**2:.3f}")
crit = norm.ppf(1 - ALPHA / 2)
print(f"plain_power = {np.mean(np.abs(plain / np.sqrt(2 / USERS)) > crit):.3f}")
print(f"cuped_power = {np.mean(np.abs(cuped / np.sqrt(2 * (1 - RHO**2) / USERS)) > crit):.3f}")

# 4. A novelty effect: the lift starts at 3x its lasting size and decays.
days = np.arange(28)
true_lift = 0.01 * (1 + 2 * np.exp(-days / 4))
daily = true_lift + rng.normal(0, 0.002, len(days))     # each day's measured lift
print(f"lasting_lift = {0.01:.3f}")
print(f"first_week_lift = {daily[:7].mean():.4f}")
print(f"fourth_week_lift = {daily[21:].mean():.4f}")
print(f"first_week_true_lift = {true_lift[:7].mean():.4f}")
print(f"fourth_week_true_lift = {true_lift[21:].mean():.4f}")
print(f"weekly_lift_se = {0.002 / np.sqrt(7):.4f}")

fig, (peek, var) = plt.subplots(1, 2, figsize=(10, 3.8))
peek.plot(looks_grid, [peek_fpr[k] for k in looks_grid], "o-", color="#b5523b",
          label="stop at first |Z| > 1.96")
peek.plot([20], [obf_fpr], "D", color="#4a7a96", ms=8, label="O'Brien-Fleming, 20 looks")
peek.axhline(ALPHA, color="#999999", ls="--", label="nominal 5 %")
peek.set_xlabel("number of looks")
peek.set_ylabel("false-positive rate (A/A tests)")
peek.set_title("Peeking inflates false positives")
peek.legend(fontsize=8)
bins = np.linspace(-0.06, 0.1, 50)
var.hist(plain, bins=bins, alpha=0.6, color="#d99a5e", label="difference in means")
var.hist(cuped, bins=bins, alpha=0.6, color="#4a7a96", label="CUPED")
var.axvline(EFFECT, color="#222222", ls="--", label="true effect")
var.set_xlabel("estimated effect")
var.set_title("CUPED narrows the estimate")
var.legend(fontsize=8)
fig.tight_layout()
fig.savefig(IMG / "ab_testing.png", dpi=120)
# A/B testing:3 ends here
