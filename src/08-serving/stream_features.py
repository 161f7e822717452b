# [[file:../../primer.org::*Batch and stream features, and the feature store][Batch and stream features, and the feature store:1]]
"""One windowed feature, computed by a batch job and by a streaming consumer.

A synthetic event log (purchases per user, with an event time and a later arrival
time; a minority of events arrive late, by a heavy-tailed delay).  The feature
definition (per user, over tumbling five-minute windows of event time: the number
of purchases and their total in cents) is executed twice: by pandas over the whole
log, and by a plain-Python consumer that reads the events in arrival order, keeps
per-window state and closes a window when the watermark passes its end.  With an
unbounded allowed lateness the two agree exactly; with a finite one the consumer
drops late events, and the sweep shows what each lateness costs in freshness.
"""
import heapq
import math
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

IMG = Path(__file__).resolve().parents[2] / "img" / "08-serving"
IMG.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)
USERS, HOURS = 300, 6
LATENESS_S = [0, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, math.inf]


@dataclass(frozen=True)
class WindowedCountSum:
    """A feature definition: per `key`, over tumbling windows of event time of
    `window_s` seconds, the number of events and the sum of `value`.  Both engines
    take the window boundaries and the aggregation from this one object: `add`
    folds in one event (the streaming form), `batch` applies the same count and
    sum to a whole table."""
    key: str
    value: str
    window_s: int

    def window_start(self, event_time):
        return (event_time // self.window_s) * self.window_s

    @staticmethod
    def add(acc, value):
        return (acc[0] + 1, acc[1] + value)

    def batch(self, log: pd.DataFrame, time_col: str = "event_time") -> dict:
        """The whole log at once: a group-by over (key, window)."""
        grouped = (log.assign(window=self.window_start(log[time_col]))
                   .groupby([self.key, "window"])[self.value].agg(["size", "sum"]))
        return {k: (int(n), int(s)) for k, n, s in
                zip(grouped.index, grouped["size"], grouped["sum"])}


purchases = WindowedCountSum(key="user", value="cents", window_s=300)
# Batch and stream features, and the feature store:1 ends here

# [[file:../../primer.org::*Batch and stream features, and the feature store][Batch and stream features, and the feature store:2]]
# The event log.  Users buy at very different rates; each event reaches the
# consumer after a network delay of a few seconds, and one in ten also waits in
# a mobile client's offline queue for a Lomax (Pareto II) time: most of those for
# a minute or so, a few for hours.
rate = np.exp(rng.normal(np.log(0.01), 1.0, USERS))            # purchases per second
n_user = rng.poisson(rate * HOURS * 3600)
user = np.repeat(np.arange(USERS), n_user)
event_time = rng.uniform(0, HOURS * 3600, len(user)).round(3)
cents = np.round(np.exp(rng.normal(7.5, 1.0, len(user)))).astype(np.int64)
delay = rng.exponential(2.0, len(user))
queued = rng.random(len(user)) < 0.1
delay[queued] += 30 * rng.pareto(1.2, queued.sum())
log = pd.DataFrame({"user": user, "event_time": event_time, "cents": cents,
                    "arrival_time": event_time + delay.round(3)})
log = log.sort_values("arrival_time", kind="stable").reset_index(drop=True)
delay = (log["arrival_time"] - log["event_time"]).to_numpy()
print(f"events = {len(log)}")
print(f"users = {USERS}")
print(f"delay_p50_s = {np.median(delay):.1f}")
print(f"delay_p99_s = {np.percentile(delay, 99):.0f}")
print(f"delay_max_h = {delay.max() / 3600:.1f}")
print(f"share_delay_over_60s = {np.mean(delay > 60):.3f}")
out_of_order = np.mean(np.diff(log["event_time"].to_numpy()) < 0)
print(f"share_arrivals_out_of_event_order = {out_of_order:.3f}")
# Batch and stream features, and the feature store:2 ends here

# [[file:../../primer.org::*Batch and stream features, and the feature store][Batch and stream features, and the feature store:3]]
def consume(defn, log: pd.DataFrame, lateness: float) -> dict:
    """Read events in arrival order, as a streaming job does.  The watermark is the
    largest event time seen so far minus the allowed lateness: the consumer's claim
    that no earlier event is still on its way.  A window is emitted once the
    watermark passes its end; an event for an emitted window is late.  The consumer
    keeps two answers: `emitted` drops late events (each window is emitted once),
    `updated` applies them as corrections (a window may be emitted again)."""
    state, emitted, updated, closing = {}, {}, {}, []
    delays, late_events, late_windows = [], 0, set()
    watermark = max_seen = -math.inf
    for key, t_event, value, t_arrival in zip(log[defn.key].to_numpy(),
                                              log["event_time"].to_numpy(),
                                              log[defn.value].to_numpy(),
                                              log["arrival_time"].to_numpy()):
        key, value = int(key), int(value)
        window = defn.window_start(t_event)
        cell = (key, window)
        if window + defn.window_s <= watermark:            # its window has been closed
            late_events += 1
            late_windows.add(cell)
            updated[cell] = defn.add(updated.get(cell, (0, 0)), value)
            continue
        if cell not in state:
            state[cell] = (0, 0)
            heapq.heappush(closing, (window + defn.window_s, cell))
        state[cell] = defn.add(state[cell], value)
        if t_event > max_seen:
            max_seen = t_event
            watermark = max_seen - lateness
        while closing and closing[0][0] <= watermark:       # emit what the watermark passed
            end, done = heapq.heappop(closing)
            emitted[done] = updated[done] = state.pop(done)
            delays.append(t_arrival - end)
    # The log is finite, a live stream is not: flush what is still open, and keep
    # these windows out of the emission delays (a live job would close them when
    # later events moved the watermark, with the same delay as the others).
    while closing:
        end, done = heapq.heappop(closing)
        emitted[done] = updated[done] = state.pop(done)
    return {"emitted": emitted, "updated": updated, "delays": np.array(delays),
            "late_events": late_events, "late_windows": late_windows}
# Batch and stream features, and the feature store:3 ends here

# [[file:../../primer.org::*Batch and stream features, and the feature store][Batch and stream features, and the feature store:4]]
batch = purchases.batch(log)
print(f"windows = {len(batch)}")
rows = []
for lateness in LATENESS_S:
    run = consume(purchases, log, lateness)
    wrong = sum(run["emitted"].get(cell) != value for cell, value in batch.items())
    rows.append({"lateness": lateness,
                 "dropped": run["late_events"] / len(log),
                 "incomplete": len(run["late_windows"]) / len(batch),
                 "wrong": wrong / len(batch),
                 "updates_exact": run["updated"] == batch,
                 "flushed": 1 - len(run["delays"]) / len(batch),
                 "delay_p50": np.median(run["delays"]) if len(run["delays"]) else math.inf,
                 "delay_p99": np.percentile(run["delays"], 99) if len(run["delays"]) else math.inf,
                 "p_delay_over": np.mean(delay > lateness)})
    if lateness == math.inf:
        print(f"stream_equals_batch_unbounded = {int(run['emitted'] == batch)}")
        print(f"stream_windows_differing_unbounded = {wrong}")
print(f"corrections_reproduce_batch_all = {int(all(r['updates_exact'] for r in rows))}")
print(f"wrong_equals_incomplete_all = "
      f"{int(all(abs(r['wrong'] - r['incomplete']) < 1e-12 for r in rows))}")
for r in rows:
    tag = "inf" if r["lateness"] == math.inf else f"{r['lateness']:.0f}"
    print(f"L{tag}_share_events_dropped = {r['dropped']:.4f}")
    print(f"L{tag}_share_windows_wrong = {r['wrong']:.4f}")
    print(f"L{tag}_emit_delay_p50_s = {r['delay_p50']:.0f}")
    print(f"L{tag}_emit_delay_p99_s = {r['delay_p99']:.0f}")
    print(f"L{tag}_share_delay_over_L = {r['p_delay_over']:.4f}")
    print(f"L{tag}_share_windows_closed_by_watermark = {1 - r['flushed']:.3f}")
print(f"dropped_never_exceeds_delay_tail = "
      f"{int(all(r['dropped'] <= r['p_delay_over'] + 1e-12 for r in rows))}")

# The Lambda architecture's other failure: the same feature written a second time
# for the speed layer.  A plausible re-implementation windows on the time an event
# arrived (the consumer's clock) instead of the time it happened.
by_arrival = purchases.batch(log, time_col="arrival_time")
differ = sum(by_arrival.get(cell) != value for cell, value in batch.items())
print(f"reimplementation_windows_differing_share = {differ / len(batch):.3f}")
# Batch and stream features, and the feature store:4 ends here

# [[file:../../primer.org::*Batch and stream features, and the feature store][Batch and stream features, and the feature store:5]]
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
finite = [r for r in rows if r["lateness"] != math.inf]
L = np.array([max(r["lateness"], 1) for r in finite])
left.plot(L, [r["dropped"] for r in finite], "o-", color="#b5523b", label="events dropped")
left.plot(L, [r["wrong"] for r in finite], "s-", color="#4a7a96",
          label="windows emitted with a wrong value")
left.plot(L, [r["p_delay_over"] for r in finite], "k--", lw=1, label="P(delay > L)")
left.set_xscale("log")
left.set_yscale("log")
left.set_xlabel("allowed lateness L, seconds (log; 0 drawn at 1)")
left.set_ylabel("share (log)")
left.set_title("What a watermark drops")
left.legend(fontsize=8)
x = [r["delay_p50"] / 60 for r in finite]
right.plot(x, [r["wrong"] for r in finite], "s-", color="#4a7a96", label="windows wrong")
right.plot(x, [r["dropped"] for r in finite], "o-", color="#b5523b", label="events dropped")
for r in finite:
    right.annotate(f"L={r['lateness']:.0f} s", (r["delay_p50"] / 60, r["wrong"]), fontsize=7,
                   xytext=(4, 3), textcoords="offset points")
right.set_xscale("log")
right.margins(x=0.12)
right.set_yscale("log")
right.set_xlabel("median time from a window's end to its emission, minutes (log)")
right.set_ylabel("share (log)")
right.set_title("Freshness against completeness")
right.legend(fontsize=8)
fig.tight_layout()
fig.savefig(IMG / "stream_features.png", dpi=120)
# Batch and stream features, and the feature store:5 ends here
