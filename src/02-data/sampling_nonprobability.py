# [[file:../../primer.org::*Non-probability sampling][Non-probability sampling:1]]
"""Non-probability samples against a simple random sample: bias, spread and the
coverage of the interval an analyst would compute as if the sample were random.

Population: 50,000 synthetic users in 500 friendship circles of 100, spread over
four countries.  Each has an activity level v (log-normal, so the typical user is
less active than the average one) and an outcome y, say weekly spend, that rises
with activity and has a shared component within each circle.  The target is the
population mean of y.  Every method draws n = 500 users, 500 times:
  simple random  - every user equally likely;
  convenience    - the first 500 to turn up, each user arriving at a rate
                   proportional to activity (like an in-app survey);
  snowball       - five convenience seeds, each bringing in its whole friendship
                   circle of 100 (itself included);
  judgment       - an expert's "typical users": chosen at random among those
                   whose activity is within 10% of the median;
  quota          - country quotas matching the population shares, each filled
                   by convenience.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

IMG = Path(__file__).resolve().parents[2] / "img" / "02-data"

IMG.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)

N, CIRCLE, n, REPS = 50_000, 100, 500, 500
circle = np.repeat(np.arange(N // CIRCLE), CIRCLE)
country = rng.choice(4, size=N // CIRCLE, p=[0.4, 0.3, 0.2, 0.1])[circle]
z = rng.normal(size=N) + np.array([0.0, 0.3, -0.3, 0.6])[country]
activity = np.exp(0.8 * z)
spend = 30 + 10 * activity + rng.normal(0, 8, N // CIRCLE)[circle] + rng.normal(0, 15, N)
truth = spend.mean()
print(f"population_mean = {truth:.2f}")
print(f"mean_activity = {activity.mean():.2f}")
print(f"median_activity = {np.median(activity):.2f}")


def first_to_arrive(pool, k):
    """The k members of `pool` with the earliest arrival, each arriving after an
    exponential wait with rate proportional to activity."""
    wait = rng.exponential(size=len(pool)) / activity[pool]
    return pool[np.argpartition(wait, k)[:k]]


everyone = np.arange(N)
typical = np.flatnonzero(np.abs(activity / np.median(activity) - 1) < 0.1)
quota = np.round(n * np.bincount(country) / N).astype(int)
quota[0] += n - quota.sum()
members = {c: np.flatnonzero(circle == c) for c in range(N // CIRCLE)}
by_country = {k: np.flatnonzero(country == k) for k in range(4)}


def draw(method, size=n):
    if method == "simple_random":
        return rng.choice(N, size, replace=False)
    if method == "convenience":
        return first_to_arrive(everyone, size)
    if method == "snowball":
        seeds = first_to_arrive(everyone, 5)
        return np.concatenate([rng.choice(members[circle[s]], size // 5, replace=False)
                               for s in seeds])
    if method == "judgment":
        return rng.choice(typical, size, replace=False)
    if method == "quota":
        return np.concatenate([first_to_arrive(by_country[k], quota[k]) for k in range(4)])
    raise ValueError(method)
# Non-probability sampling:1 ends here

# [[file:../../primer.org::*Non-probability sampling][Non-probability sampling:2]]
METHODS = ["simple_random", "convenience", "snowball", "judgment", "quota"]
estimates, coverage = {}, {}
for method in METHODS + ["convenience_5000"]:
    size = 5_000 if method == "convenience_5000" else n
    base = "convenience" if method == "convenience_5000" else method
    means, covered = [], []
    for _ in range(REPS if size == n else REPS // 5):
        s = spend[draw(base, size)]
        half = 1.96 * s.std(ddof=1) / np.sqrt(size)      # the textbook interval for a random sample
        means.append(s.mean())
        covered.append(abs(s.mean() - truth) <= half)
    means = np.array(means)
    estimates[method] = means
    coverage[method] = np.mean(covered)
    print(f"{method}_bias = {means.mean() - truth:+.2f}")
    print(f"{method}_bias_mcse = {means.std(ddof=1) / np.sqrt(len(means)):.2f}")
    print(f"{method}_sd = {means.std(ddof=1):.2f}")
    print(f"{method}_coverage = {np.mean(covered):.3f}")
    print(f"{method}_coverage_mcse = {np.sqrt(0.95 * 0.05 / len(covered)):.3f}")
    print(f"{method}_reps = {len(means)}")
print(f"naive_se_n500 = {np.sqrt(spend.var() / n):.2f}")
# The snowball sample is five whole circles, so its variance is that of a mean of
# five circle means; its ratio to the random sample's variance is the design effect.
circle_means = np.bincount(circle, spend) / CIRCLE
ratio = estimates["snowball"].std(ddof=1) / np.sqrt(spend.var() / n)
print(f"snowball_sd_ratio = {ratio:.2f}")
print(f"snowball_design_effect = {ratio**2:.1f}")
print(f"snowball_effective_n = {n / ratio**2:.0f}")
print(f"snowball_design_effect_formula = {(circle_means.var() / 5) / (spend.var() / n):.1f}")
quota_sample = draw("quota")
print(f"quota_country_share_gap = {np.abs(np.bincount(country[quota_sample], minlength=4) / n - np.bincount(country) / N).max():.3f}")
# Non-probability sampling:2 ends here

# [[file:../../primer.org::*Non-probability sampling][Non-probability sampling:3]]
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8), width_ratios=[1.6, 1])
shown = METHODS + ["convenience_5000"]
labels = [m.replace("_5000", " (n = 5,000)").replace("_", " ") for m in shown]
left.violinplot([estimates[m] for m in shown], positions=range(len(shown)), orientation="horizontal",
                showextrema=False)
left.axvline(truth, color="#b5523b", lw=1.5, label="population mean")
left.set_yticks(range(len(shown)), labels)
left.invert_yaxis()
left.set_xlabel(f"estimated mean spend over repeated samples (n = {n} unless stated)")
left.set_title("Where the estimates land", fontsize=10)
left.legend(fontsize=8, loc="lower right")
right.barh(range(len(shown)), [coverage[m] for m in shown], color="#4a7a96")
right.axvline(0.95, color="#222222", ls="--", lw=1, label="nominal 95%")
right.set_yticks(range(len(shown)), [""] * len(shown))
right.invert_yaxis()
right.set_xlim(0, 1)
right.set_xlabel("share of samples whose 95% interval\ncontains the population mean")
right.set_title("Coverage of the textbook interval", fontsize=10)
right.legend(fontsize=8, loc="lower right")
fig.tight_layout()
fig.savefig(IMG / "sampling_nonprobability.png", dpi=120)
# Non-probability sampling:3 ends here
