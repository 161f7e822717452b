# [[file:../../primer.org::*Monitoring and observability][Monitoring and observability:1]]
"""Monitoring: quantiles of a stream in bounded memory, and alert rules over a simulated month.

 1. Latency quantiles.  Eight servers, one of them slow, each see 50,000 requests with
    lognormal latencies.  A log-bucket sketch (DDSketch-style: bucket i holds values in
    (g^(i-1), g^i], g = (1 + a) / (1 - a), a = 1 %) per server; the sketches are merged by
    adding counts.  Its quantiles are checked against the exact ones and its relative-error
    guarantee a; compared with averaging the servers' own p99 and with a 1,000-row reservoir.
 2. Alerting.  A month of per-minute traffic (daily cycle, 60 to 540 requests a minute) for a
    service whose SLO is 99 % of requests served without error; baseline error rate 0.2 %.
    Planted: a hard outage (50 % errors for 30 minutes), a partial one (10 % for 6 hours), a
    slow leak (2 % for 2 days) and eight two-minute blips of 15 % errors (restarts, which
    heal themselves and should not wake anyone).  Three rules are compared over 20
    simulated months: a naive threshold, a persistence rule, and multi-window burn-rate
    alerts (page and ticket).
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

IMG = Path(__file__).resolve().parents[2] / "img" / "09-after-launch"
IMG.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)


# 1. A mergeable quantile sketch with a relative-error guarantee.
class LogSketch:
    def __init__(self, alpha=0.01):
        self.alpha, self.gamma = alpha, (1 + alpha) / (1 - alpha)
        self.counts = {}

    def add(self, values):
        idx, n = np.unique(np.ceil(np.log(values) / np.log(self.gamma)).astype(int), return_counts=True)
        for i, c in zip(idx.tolist(), n.tolist()):
            self.counts[i] = self.counts.get(i, 0) + c

    def merge(self, other):
        for i, c in other.counts.items():
            self.counts[i] = self.counts.get(i, 0) + c

    def quantile(self, q):
        keys = np.array(sorted(self.counts))
        cum = np.cumsum([self.counts[k] for k in keys])
        i = keys[np.searchsorted(cum, q * (cum[-1] - 1), side="right")]
        return 2 * self.gamma ** i / (self.gamma + 1)        # the bucket's midpoint in relative terms


SERVERS, PER = 8, 50_000
latencies = [rng.lognormal(np.log(40), 0.5, PER) for _ in range(SERVERS - 1)]
latencies.append(rng.lognormal(np.log(90), 0.7, PER))      # one slow server
sketches = []
for lat in latencies:
    s = LogSketch()
    s.add(lat)
    sketches.append(s)
merged = LogSketch()
for s in sketches:
    merged.merge(s)
allv = np.concatenate(latencies)
worst = 0.0
for q, name in [(0.5, "p50"), (0.99, "p99"), (0.999, "p999")]:
    exact = np.quantile(allv, q, method="lower")
    est = merged.quantile(q)
    worst = max(worst, abs(est - exact) / exact)
    print(f"latency_{name}_exact_ms = {exact:.1f}")
    print(f"latency_{name}_sketch_ms = {est:.1f}")
grid = np.linspace(0.01, 0.999, 200)                       # the guarantee on a grid of quantiles
exact_grid = np.quantile(allv, grid, method="lower")
rel = np.abs(np.array([merged.quantile(q) for q in grid]) - exact_grid) / exact_grid
print(f"sketch_max_relative_error = {max(worst, rel.max()):.4f}")
print(f"sketch_alpha = {merged.alpha}")
print(f"sketch_buckets = {len(merged.counts)}")
print(f"raw_values = {len(allv)}")
mean_p99 = np.mean([np.quantile(v, 0.99) for v in latencies])
print(f"latency_p99_mean_of_servers_ms = {mean_p99:.1f}")
print(f"latency_p99_mean_of_servers_rel_error = {abs(mean_p99 - np.quantile(allv, 0.99)) / np.quantile(allv, 0.99):.3f}")
res_err = []
for _ in range(200):                                        # a uniform reservoir of 1,000 rows
    sample = rng.choice(allv, 1_000, replace=False)
    res_err.append(abs(np.quantile(sample, 0.999) - np.quantile(allv, 0.999)) / np.quantile(allv, 0.999))
print(f"reservoir_p999_median_rel_error = {np.median(res_err):.3f}")
print(f"reservoir_p999_p90_rel_error = {np.quantile(res_err, 0.9):.3f}")

# 2. Alert rules over a month of minutes.
T, BUDGET, MONTHS = 30 * 1_440, 0.01, 20
minute = np.arange(T)
INCIDENTS = {"outage": (0.50, 30), "partial": (0.10, 360), "leak": (0.02, 2_880)}


def month():
    traffic = rng.poisson(300 * (1 + 0.8 * np.sin(2 * np.pi * minute / 1_440)))
    rate = np.full(T, 0.002)
    starts = {}
    free = np.ones(T, dtype=bool)
    for name, (r, dur) in INCIDENTS.items():
        while True:                                          # incidents do not overlap
            s = rng.integers(1_440, T - dur - 1_440)
            if free[s - 720:s + dur + 720].all():
                break
        rate[s:s + dur] = r
        free[s:s + dur] = False
        starts[name] = (s, s + dur)
    for s in rng.integers(0, T - 2, 8):                      # self-healing blips
        if free[s:s + 2].all():
            rate[s:s + 2] = 0.15
    errors = rng.binomial(traffic, rate)
    return traffic, errors, starts


def burn(traffic, errors, w):
    """Burn rate over the last w minutes: error ratio / error budget."""
    ct, ce = np.cumsum(traffic), np.cumsum(errors)
    lag = lambda c: np.r_[np.zeros(w), c[:-w]]
    return (ce - lag(ce)) / np.maximum(ct - lag(ct), 1) / BUDGET


def pages(firing, quiet=60):
    """Minutes at which a page goes out: the rule fires and did not fire in the previous hour."""
    c = np.cumsum(firing)
    recent = c - np.r_[np.zeros(quiet + 1), c[:-(quiet + 1)]] - firing
    return np.flatnonzero(firing & (recent == 0))


def rules(traffic, errors):
    b = {w: burn(traffic, errors, w) for w in (5, 30, 60, 360, 4_320)}
    persist = np.convolve(b[5] > 2, np.ones(15), "full")[:T] == 15
    return {
        "naive": b[5] > 2,                                   # error rate above 2 % over 5 minutes
        "persistent": persist,                               # ... for 15 minutes in a row
        "burn_page": ((b[60] > 14.4) & (b[5] > 14.4)) | ((b[360] > 6) & (b[30] > 6)),
        "burn_ticket": (b[4_320] > 1) & (b[360] > 1),
    }


stats = {k: {"pages": [], "false": [], "dup": [], "caught": {n: [] for n in INCIDENTS},
             "delay": {n: [] for n in INCIDENTS}} for k in ["naive", "persistent", "burn_page", "burn_ticket"]}
example = None
for mo in range(MONTHS):
    traffic, errors, starts = month()
    if example is None:
        example = (traffic, errors, starts)
    for rule, firing in rules(traffic, errors).items():
        p = pages(firing)
        true = np.zeros(len(p), dtype=bool)
        for name, (s, e) in starts.items():
            inside = (p >= s) & (p < e + 60)
            true |= inside
            stats[rule]["caught"][name].append(inside.any())
            if inside.any():
                stats[rule]["delay"][name].append(p[inside][0] - s)
        stats[rule]["pages"].append(len(p))
        stats[rule]["false"].append(int((~true).sum()))
        stats[rule]["dup"].append(int(true.sum()) - sum(stats[rule]["caught"][n][-1] for n in INCIDENTS))
for rule, st in stats.items():
    print(f"{rule}_pages_per_month = {np.mean(st['pages']):.1f}")
    print(f"{rule}_false_pages_per_month = {np.mean(st['false']):.1f}")
    print(f"{rule}_false_pages_per_month_sd = {np.std(st['false'], ddof=1):.1f}")
    print(f"{rule}_repeat_pages_per_month = {np.mean(st['dup']):.1f}")
    for name in INCIDENTS:
        print(f"{rule}_{name}_caught = {np.mean(st['caught'][name]):.2f}")
        d = st["delay"][name]
        print(f"{rule}_{name}_median_delay_min = {np.median(d) if d else float('nan'):.0f}")
combined = [np.mean(a or b) for a, b in zip(stats["burn_page"]["caught"]["leak"], stats["burn_ticket"]["caught"]["leak"])]
print(f"burn_any_leak_caught = {np.mean(combined):.2f}")
print(f"budget_share_outage = {0.50 * 30 / (BUDGET * T):.3f}")
print(f"budget_share_partial = {0.10 * 360 / (BUDGET * T):.3f}")
print(f"budget_share_leak = {0.02 * 2_880 / (BUDGET * T):.3f}")

traffic, errors, starts = example
fig, (top, bottom) = plt.subplots(2, 1, figsize=(11, 4.6), sharex=True)
day = minute / 1_440
top.plot(day, burn(traffic, errors, 5), color="#8c8c8c", lw=0.4, label="burn rate, 5 min")
top.plot(day, burn(traffic, errors, 60), color="#4a7a96", lw=0.8, label="burn rate, 1 h")
for name, (s, e) in starts.items():
    top.axvspan(s / 1_440, e / 1_440, color="#d99a5e", alpha=0.35)
top.set_yscale("symlog", linthresh=1)
top.set_ylabel("burn rate")
top.legend(fontsize=8, loc="upper right")
for k, (rule, col) in enumerate([("naive", "#b5523b"), ("persistent", "#d99a5e"),
                                 ("burn_page", "#4a7a96"), ("burn_ticket", "#5b8c5a")]):
    p = pages(rules(traffic, errors)[rule])
    bottom.plot(p / 1_440, np.full(len(p), k), "|", ms=12, color=col)
for name, (s, e) in starts.items():
    bottom.axvspan(s / 1_440, e / 1_440, color="#d99a5e", alpha=0.35)
bottom.set_yticks(range(4), ["naive", "persistent", "burn-rate page", "burn-rate ticket"])
bottom.set_xlabel("day of the month")
fig.tight_layout()
fig.savefig(IMG / "monitoring.png", dpi=120)
# Monitoring and observability:1 ends here
