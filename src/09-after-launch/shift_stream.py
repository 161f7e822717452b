# [[file:../../primer.org::*Detecting distribution shift][Detecting distribution shift:2]]
"""Change detection on a stream: detection delay against false-alarm rate.

A monitored statistic arrives once a minute, standardised so that it is N(0, 1)
while nothing is wrong; at a known minute its mean moves by delta standard
deviations.  Four detectors watch it:
  window w  : alarm when |sum of the last w values| / sqrt(w) > h  (w = 25, 100, 400)
  CUSUM     : two-sided Page CUSUM with reference value k = 0.25 (tuned for delta = 0.5),
              S+ = max(0, S+ + x - k), S- = max(0, S- - x - k), alarm when max > h
Every threshold h is calibrated on unshifted days so that each detector raises a
false page on a chosen share of days (1,440 minutes); at a matched rate, the
detection delay after the change is compared.  The CUSUM's in-control average run
length is checked against Siegmund's closed-form approximation.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

IMG = Path(__file__).resolve().parents[2] / "img" / "09-after-launch"
IMG.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)
DAY, PRE, POST, K = 1_440, 400, 1_500, 0.25
WINDOWS = [25, 100, 400]
DETECTORS = [f"window{w}" for w in WINDOWS] + ["cusum"]


def window_stat(x, w):
    """|moving sum of w values| / sqrt(w); NaN until the window is full."""
    c = np.cumsum(x, axis=1)
    out = np.full(x.shape, np.nan)
    out[:, w - 1] = c[:, w - 1]
    out[:, w:] = c[:, w:] - c[:, :-w]
    return np.abs(out) / np.sqrt(w)


def cusum_stat(x, k=K):
    up = np.zeros(len(x))
    down = np.zeros(len(x))
    out = np.empty(x.shape)
    for t in range(x.shape[1]):
        up = np.maximum(0.0, up + x[:, t] - k)
        down = np.maximum(0.0, down - x[:, t] - k)
        out[:, t] = np.maximum(up, down)
    return out


def statistic(name, x):
    return cusum_stat(x) if name == "cusum" else window_stat(x, int(name[6:]))


# 1. The CUSUM's in-control average run length (ARL0) against Siegmund's approximation.
#    One-sided: ARL = (exp(-2 D b) + 2 D b - 1) / (2 D^2), D = mu - k, b = h + 1.166;
#    two-sided and symmetric: half of it.
def siegmund_arl(h, k=K, mu=0.0):
    d, b = mu - k, h + 1.166
    return (np.exp(-2 * d * b) + 2 * d * b - 1) / (2 * d ** 2) / 2


M = 2_000
for h in (4.0, 6.0, 8.0):
    up = np.zeros(M)
    down = np.zeros(M)
    run = np.zeros(M)
    alive = np.ones(M, dtype=bool)
    t = 0
    while alive.any():
        t += 1
        x = rng.normal(size=M)
        up = np.maximum(0.0, up + x - K)
        down = np.maximum(0.0, down - x - K)
        hit = alive & (np.maximum(up, down) > h)
        run[hit] = t
        alive &= ~hit
    print(f"cusum_h{h:.0f}_arl0_sim = {run.mean():.1f}")
    print(f"cusum_h{h:.0f}_arl0_se = {run.std(ddof=1) / np.sqrt(M):.1f}")
    print(f"cusum_h{h:.0f}_arl0_siegmund = {siegmund_arl(h):.1f}")

# 2. Calibrate on 1,000 unshifted days; each stream starts with PRE minutes so that
#    the longest window is full when the day begins.
NULL_DAYS, STREAMS = 1_000, 400
null = rng.normal(size=(NULL_DAYS, PRE + DAY))
day_max = {d: np.nanmax(statistic(d, null)[:, PRE:], axis=1) for d in DETECTORS}
RATES = np.array([0.01, 0.02, 0.05, 0.1, 0.2, 0.5])     # share of days with a false page
thresholds = {d: np.quantile(day_max[d], 1 - RATES) for d in DETECTORS}
# an independent set of unshifted days checks that the calibration holds out of sample
check = rng.normal(size=(NULL_DAYS, PRE + DAY))
i5 = list(RATES).index(0.05)
for d in DETECTORS:
    rate = np.mean(np.nanmax(statistic(d, check)[:, PRE:], axis=1) > thresholds[d][i5])
    print(f"{d}_false_page_rate_holdout = {rate:.3f}")
print(f"false_page_rate_mc_error = {np.sqrt(0.05 * 0.95 / NULL_DAYS):.3f}")

# 3. Delay after a change of delta sd at minute PRE (earlier alarms are ignored:
#    the statistic runs on from its state at the change, as it would in production).
delays = {}
for delta in (0.25, 0.5, 1.0):
    x = rng.normal(size=(STREAMS, PRE + POST))
    x[:, PRE:] += delta
    for d in DETECTORS:
        running_max = np.maximum.accumulate(statistic(d, x)[:, PRE:], axis=1)
        # minutes after the change until the first value above h (POST = never)
        steps = (running_max[:, :, None] <= thresholds[d][None, None, :]).sum(axis=1) + 1
        delays[d, delta] = steps
        med = np.median(steps[:, i5])
        boot = [np.median(rng.choice(steps[:, i5], STREAMS)) for _ in range(200)]
        print(f"{d}_d{round(delta * 100):03d}_median_delay = {med:.0f}")
        print(f"{d}_d{round(delta * 100):03d}_median_delay_se = {np.std(boot):.1f}")
        print(f"{d}_d{round(delta * 100):03d}_missed = {np.mean(steps[:, i5] > POST):.3f}")
print(f"cusum_h_at_5pct = {thresholds['cusum'][i5]:.2f}")
print(f"cusum_arl0_at_5pct_siegmund = {siegmund_arl(thresholds['cusum'][i5]):.0f}")

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
colours = dict(zip(DETECTORS, ["#d99a5e", "#b5523b", "#8c8c8c", "#4a7a96"]))
for d in DETECTORS:
    left.plot(RATES, np.median(delays[d, 0.5], axis=0), "o-", color=colours[d], label=d)
    right.plot([0.25, 0.5, 1.0], [np.median(delays[d, s][:, i5]) for s in (0.25, 0.5, 1.0)],
               "o-", color=colours[d], label=d)
left.set_xscale("log")
left.set_xlabel("share of days with a false page")
left.set_ylabel("median minutes to detect")
left.set_title("Shift of 0.5 sd: delay against false alarms", fontsize=10)
right.set_yscale("log")
right.set_xlabel("size of shift (sd)")
right.set_ylabel("median minutes to detect")
right.set_title("Delay at 5 % false pages per day", fontsize=10)
left.legend(fontsize=8)
fig.tight_layout()
fig.savefig(IMG / "shift_stream.png", dpi=120)
# Detecting distribution shift:2 ends here
