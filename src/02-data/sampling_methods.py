# [[file:../../primer.org::*Simple random and stratified sampling][Simple random and stratified sampling:1]]
"""Simple random, stratified and weighted sampling on a synthetic user population
whose true values are known.

Population: 200,000 users in five regions of very unequal size.  Each user has a
daily watch time (minutes) whose mean depends strongly on the region.  We draw
thousands of samples of 2,000 users with each design and look at how far the
estimates scatter around the truth.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

IMG = Path(__file__).resolve().parents[2] / "img" / "02-data"

IMG.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)

# The population: region shares, and watch-time mean and spread per region.
regions = np.array(["A", "B", "C", "D", "E"])
share = np.array([0.55, 0.25, 0.15, 0.049, 0.001])
mean_minutes = np.array([20.0, 35.0, 50.0, 80.0, 150.0])
sd_minutes = np.array([8.0, 10.0, 12.0, 20.0, 40.0])
N = 200_000
size = np.round(share * N).astype(int)
region = np.repeat(np.arange(5), size)
minutes = rng.normal(mean_minutes[region], sd_minutes[region]).clip(0)
W = size / N                                   # stratum weights
true_mean = minutes.mean()
true_group_mean = np.array([minutes[region == h].mean() for h in range(5)])
print(f"population = {N}")
print(f"true_mean = {true_mean:.3f}")
print(f"rare_region_users = {size[4]}")
print(f"true_rare_mean = {true_group_mean[4]:.2f}")

members = [np.flatnonzero(region == h) for h in range(5)]
n, reps = 2_000, 4_000


def stratified_sample(alloc):
    """Draw alloc[h] users without replacement from each region."""
    return [rng.choice(members[h], size=alloc[h], replace=False) for h in range(5)]


# Proportional allocation: every region gets its population share of the sample.
prop_alloc = np.round(W * n).astype(int)
# Allocation with a floor: at least 100 users per region, the rest proportional.
floor = 100
floor_alloc = np.maximum(floor, np.round(W * n).astype(int))
floor_alloc[0] += n - floor_alloc.sum()
print(f"prop_alloc_rare = {prop_alloc[4]}")
print(f"floor_alloc_rare = {floor_alloc[4]}")

est = {k: np.empty(reps) for k in ["srs", "prop", "floor_weighted", "floor_unweighted"]}
rare_srs = np.full(reps, np.nan)
rare_floor = np.empty(reps)
rare_count_srs = np.empty(reps, dtype=int)
for r in range(reps):
    idx = rng.choice(N, size=n, replace=False)            # simple random sample
    est["srs"][r] = minutes[idx].mean()
    in_rare = region[idx] == 4
    rare_count_srs[r] = in_rare.sum()
    if in_rare.any():
        rare_srs[r] = minutes[idx][in_rare].mean()

    parts = stratified_sample(prop_alloc)
    est["prop"][r] = sum(W[h] * minutes[p].mean() for h, p in enumerate(parts))

    parts = stratified_sample(floor_alloc)
    means = np.array([minutes[p].mean() for p in parts])
    est["floor_weighted"][r] = W @ means             # weight each region by its share
    est["floor_unweighted"][r] = minutes[np.concatenate(parts)].mean()
    rare_floor[r] = means[4]

for k, v in est.items():
    print(f"{k}_bias = {v.mean() - true_mean:+.3f}")
    print(f"{k}_sd = {v.std():.3f}")
print(f"variance_ratio_srs_over_prop = {est['srs'].var() / est['prop'].var():.1f}")
print(f"variance_ratio_srs_over_floor = {est['srs'].var() / est['floor_weighted'].var():.1f}")
# Theory for proportional allocation: Var = sum_h W_h S_h^2 / n  (ignoring the
# finite-population correction), against S^2 / n for simple random sampling.
S2_h = np.array([minutes[m].var(ddof=1) for m in members])
print(f"theory_sd_srs = {np.sqrt(minutes.var(ddof=1) / n):.3f}")
print(f"theory_sd_prop = {np.sqrt(W @ S2_h / n):.3f}")

print(f"rare_absent_share_srs = {np.mean(rare_count_srs == 0):.3f}")
print(f"rare_absent_theory = {(1 - share[4]) ** n:.3f}")
print(f"rare_fewer_than_3_share_srs = {np.mean(rare_count_srs < 3):.3f}")
print(f"rare_mean_sd_srs = {np.nanstd(rare_srs):.2f}")
print(f"rare_mean_sd_floor = {rare_floor.std():.2f}")
# Simple random and stratified sampling:1 ends here

# [[file:../../primer.org::*Weighted sampling][Weighted sampling:1]]
# Weighted sampling.  The logged sessions we can train on over-represent regions
# C-E (say, a past campaign targeted them); the model will serve traffic with the
# population's mix.  Draw each logged row with probability proportional to
# target_share / pool_share of its region.
pool_mix = np.array([0.30, 0.20, 0.30, 0.17, 0.03])
pool_size = 50_000
pool = np.concatenate([rng.choice(members[h], size=int(pool_mix[h] * pool_size))
                       for h in range(5)])       # logged sessions: users repeat
pool_region = region[pool]
observed_mix = np.bincount(pool_region, minlength=5) / len(pool)
w = (share / observed_mix)[pool_region]
draw = rng.choice(len(pool), size=20_000, replace=True, p=w / w.sum())
sample_mix = np.bincount(pool_region[draw], minlength=5) / len(draw)
print(f"pool_tv_distance = {0.5 * np.abs(observed_mix - share).sum():.3f}")
print(f"weighted_tv_distance = {0.5 * np.abs(sample_mix - share).sum():.3f}")
print(f"pool_mean = {minutes[pool].mean():.2f}")
print(f"weighted_sample_mean = {minutes[pool][draw].mean():.2f}")
# What the reweighting costs: Kish's effective sample size of the weighted pool.
print(f"pool_rows = {len(pool)}")
ess = w.sum() ** 2 / (w ** 2).sum()
print(f"weighted_pool_ess = {ess:.0f}")
# Standard error of the weighted sample's mean: the pool's own noise (its effective
# size) plus the noise of drawing 20,000 rows from it.
sd_target = np.sqrt(np.average((minutes[pool] - minutes[pool][draw].mean()) ** 2, weights=w))
print(f"weighted_sample_mean_se = {sd_target * np.sqrt(1 / ess + 1 / len(draw)):.2f}")

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
bins = np.linspace(true_mean - 1.6, true_mean + 1.6, 41)
left.hist(est["srs"], bins=bins, alpha=0.6, color="#b5523b", label="simple random")
left.hist(est["prop"], bins=bins, alpha=0.6, color="#4a7a96", label="stratified, proportional")
left.axvline(true_mean, color="#222222", lw=1)
left.set_xlabel("estimated mean watch time (minutes)")
left.set_ylabel(f"samples of {n:,} users")
left.set_title(f"{reps:,} repeated samples")
left.legend(fontsize=8)
x = np.arange(5)
right.bar(x - 0.27, observed_mix, width=0.27, color="#d99a5e", label="logged pool")
right.bar(x, sample_mix, width=0.27, color="#4a7a96", label="weighted sample")
right.bar(x + 0.27, share, width=0.27, color="#222222", label="target (serving) mix")
right.set_xticks(x, [f"region {r}" for r in regions])
right.set_ylabel("share of rows")
right.set_title("Weighted sampling to a target mix")
right.legend(fontsize=8)
fig.tight_layout()
fig.savefig(IMG / "sampling_methods.png", dpi=120)
# Weighted sampling:1 ends here
