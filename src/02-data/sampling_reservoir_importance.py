# [[file:../../primer.org::*Reservoir sampling][Reservoir sampling:1]]
"""Reservoir sampling (Algorithm R, written out) and importance sampling.

Part 1 streams events through a hand-written Algorithm R, keeping k items in O(k)
memory, and checks with a chi-square test that every stream position is equally
likely to end up in the sample; two buggy variants fail the same test.
Part 2 estimates a new recommendation policy's click rate from logs collected
under other policies, with importance weights, against the known true value.
"""
import random
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from scipy.stats import chisquare

IMG = Path(__file__).resolve().parents[2] / "img" / "02-data"

IMG.mkdir(parents=True, exist_ok=True)


def reservoir(stream, k, rand):
    """Algorithm R: a uniform sample of k items from a stream of unknown length."""
    sample = []
    for t, item in enumerate(stream):          # t items have been seen before this one
        if t < k:
            sample.append(item)
        else:
            j = rand.randrange(t + 1)          # uniform on 0..t
            if j < k:                          # happens with probability k / (t + 1)
                sample[j] = item
    return sample


def reservoir_off_by_one(stream, k, rand):
    """The same loop with randrange(t) instead of randrange(t + 1)."""
    sample = []
    for t, item in enumerate(stream):
        if t < k:
            sample.append(item)
        else:
            j = rand.randrange(t)              # bug: item t is kept with prob k / t
            if j < k:
                sample[j] = item
    return sample


def reservoir_coin_flip(stream, k, rand):
    """A 'simpler' variant: once full, replace a random slot half of the time."""
    sample = []
    for t, item in enumerate(stream):
        if t < k:
            sample.append(item)
        elif rand.random() < 0.5:
            sample[rand.randrange(k)] = item
    return sample


# 1a. One pass over a long stream that is never stored: a generator of events.
rand = random.Random(0)
n_events, k = 1_000_000, 20
events = (("user", i % 9973, i) for i in range(n_events))
start = time.perf_counter()
kept = reservoir(events, k, rand)
print(f"stream_events = {n_events}")
print(f"reservoir_size = {len(kept)}")
print(f"stream_seconds = {time.perf_counter() - start:.2f}")

# 1b. Uniformity: run each variant many times on a short stream and count how
# often each position ends up in the sample.  Expected: runs * k / n per position.
n, k, runs = 50, 5, 20_000
expected = runs * k / n
variants = {"algorithm_r": reservoir, "off_by_one": reservoir_off_by_one,
            "coin_flip": reservoir_coin_flip}
counts = {}
for name, fn in variants.items():
    rand = random.Random(1)
    c = np.zeros(n)
    for _ in range(runs):
        c[fn(range(n), k, rand)] += 1
    counts[name] = c
    stat, p = chisquare(c)                     # H0: every position equally likely
    print(f"{name}_chi2 = {stat:.1f}")
    print(f"{name}_pvalue = {p:.3g}")
    print(f"{name}_max_rel_dev = {np.max(np.abs(c / expected - 1)):.3f}")
print(f"expected_count = {expected:.0f}")
print(f"degrees_of_freedom = {n - 1}")
print(f"first_position_ratio_off_by_one = {counts['off_by_one'][0] / expected:.3f}")
print(f"last_position_ratio_coin_flip = {counts['coin_flip'][-1] / expected:.2f}")
# Reservoir sampling:1 ends here

# [[file:../../primer.org::*Importance sampling][Importance sampling:1]]
# 2. Importance sampling.  Twenty articles with known click probabilities.  We
# want the click rate of a new policy p (which article to show) but only have
# logs of impressions chosen by a logging policy q.  Each logged click is
# reweighted by p(a) / q(a); the estimate is unbiased wherever q > 0 when p > 0.
rng = np.random.default_rng(0)
n_items = 20
click = rng.uniform(0.01, 0.10, size=n_items)
click[:3] = [0.20, 0.15, 0.12]                  # the new model has found these
scores = np.linspace(3.0, 0.0, n_items)
target = np.exp(scores) / np.exp(scores).sum()   # new policy: favours items 0-2
true_value = target @ click
proposals = {
    "on_policy": target,                                    # sampling p itself
    "uniform": np.full(n_items, 1 / n_items),               # random exploration
    "old_policy": np.exp(-2 * scores) / np.exp(-2 * scores).sum(),  # the other end
}
no_support = target.copy()                                  # never shows item 0
no_support[0] = 0.0
proposals["no_support"] = no_support / no_support.sum()

n_logged, n_repeats = 5_000, 1_000
print(f"true_click_rate = {true_value:.4f}")
estimates = {}
for name, q in proposals.items():
    items = rng.choice(n_items, size=(n_repeats, n_logged), p=q)
    clicks = rng.random(items.shape) < click[items]
    with np.errstate(divide="ignore"):
        w = np.where(q[items] > 0, target[items] / q[items], 0.0)
    est = (w * clicks).mean(axis=1)                          # plain IS estimator
    ess = w.sum(axis=1) ** 2 / (w ** 2).sum(axis=1)          # Kish effective size
    estimates[name] = est
    print(f"{name}_mean = {est.mean():.4f}")
    print(f"{name}_sd = {est.std():.4f}")
    print(f"{name}_ess = {ess.mean():.0f}")
    print(f"{name}_max_weight = {(target / np.where(q > 0, q, np.inf)).max():.1f}")
    if name == "old_policy":                 # self-normalised: divide by the weights' sum
        snips = (w * clicks).sum(axis=1) / w.sum(axis=1)
        print(f"old_policy_snips_mean = {snips.mean():.4f}")
        print(f"old_policy_snips_sd = {snips.std():.4f}")
sd_ratio = estimates["old_policy"].std() / estimates["uniform"].std()
print(f"sd_ratio_old_over_uniform = {sd_ratio:.1f}")
print(f"no_support_bias = {estimates['no_support'].mean() - true_value:+.4f}")

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
for name, color in [("algorithm_r", "#4a7a96"), ("off_by_one", "#d99a5e"),
                    ("coin_flip", "#b5523b")]:
    left.plot(np.arange(n), counts[name] / expected, ".", color=color, label=name.replace("_", " "))
left.axhline(1, color="#222222", lw=1)
left.set_yscale("log")
left.set_xlabel("position in the stream")
left.set_ylabel("times kept / expected (log scale)")
left.set_title(f"Reservoir of {k} from {n}, {runs:,} runs")
left.legend(fontsize=8)
bins = np.linspace(0, 2.5 * true_value, 61)
for name, color in [("on_policy", "#222222"), ("uniform", "#4a7a96"),
                    ("old_policy", "#b5523b"), ("no_support", "#d99a5e")]:
    right.hist(estimates[name], bins=bins, histtype="step", lw=1.5, color=color,
               label=name.replace("_", " "))
right.axvline(true_value, color="#222222", ls="--", lw=1)
right.set_xlabel("estimated click rate of the new policy")
right.set_ylabel(f"logs of {n_logged:,} impressions")
right.set_title("Importance-weighted estimates")
right.legend(fontsize=8)
fig.tight_layout()
fig.savefig(IMG / "sampling_reservoir_importance.png", dpi=120)
# Importance sampling:1 ends here
