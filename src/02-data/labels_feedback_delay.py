# [[file:../../primer.org::*Natural labels and the length of the feedback loop][Natural labels and the length of the feedback loop:1]]
"""Feedback-loop length: how much of a natural label has arrived after a given wait.

Synthetic: one million clicks on ads, and purchases that follow 5 % of them.
Assumed delays (heavy-tailed, lognormal): a click follows its impression after a
median of 20 seconds; a purchase follows its click after a median of one day.
A model retrained every day on the last 7 days, labelling "no purchase yet" as
negative, is compared with the true purchase rate.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

IMG = Path(__file__).resolve().parents[2] / "img" / "02-data"

IMG.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)
MIN, HOUR, DAY = 60.0, 3600.0, 86400.0

n = 1_000_000
click_delay = rng.lognormal(np.log(20.0), 1.0, size=n)          # seconds
purchase_rate = 0.05
buys = rng.random(n) < purchase_rate
purchase_delay = rng.lognormal(np.log(1 * DAY), 1.5, size=buys.sum())

for name, w in {"1min": MIN, "10min": 10 * MIN}.items():
    print(f"clicks_seen_after_{name} = {np.mean(click_delay <= w):.3f}")
for name, w in {"1h": HOUR, "1d": DAY, "7d": 7 * DAY, "30d": 30 * DAY}.items():
    print(f"purchases_seen_after_{name} = {np.mean(purchase_delay <= w):.3f}")

# A daily retrain on the clicks of the last 7 days.  At training time a click
# that is a days old shows its purchase only if the delay is shorter than a.
age = rng.uniform(0, 7 * DAY, size=n)                           # age of each click
observed = np.zeros(n, dtype=bool)
observed[np.flatnonzero(buys)] = purchase_delay <= age[buys]
print(f"true_purchase_rate = {buys.mean():.4f}")
print(f"observed_purchase_rate = {observed.mean():.4f}")
print(f"underestimate_share = {1 - observed.mean() / buys.mean():.2f}")
newest = age < DAY
print(f"observed_rate_newest_day = {observed[newest].mean():.4f}")

fig, ax = plt.subplots(figsize=(8, 3.6))
grid = np.logspace(0, np.log10(60 * DAY), 400)
ax.plot(grid, np.searchsorted(np.sort(click_delay), grid) / n, color="#4a7a96",
        label="click after impression")
ax.plot(grid, np.searchsorted(np.sort(purchase_delay), grid) / buys.sum(), color="#b5523b",
        label="purchase after click")
for label, x in [("1 min", MIN), ("1 h", HOUR), ("1 day", DAY), ("1 week", 7 * DAY)]:
    ax.axvline(x, color="#cccccc", lw=0.8)
    ax.text(x * 1.1, 0.72, label, fontsize=8, color="#666666")
ax.set_xscale("log")
ax.set_xlabel("time since the prediction (seconds, log scale)")
ax.set_ylabel("share of labels that have arrived")
ax.set_title("Feedback-loop length of two natural labels")
ax.legend(fontsize=8, loc="upper left")
fig.tight_layout()
fig.savefig(IMG / "labels_feedback_delay.png", dpi=120)
# Natural labels and the length of the feedback loop:1 ends here
