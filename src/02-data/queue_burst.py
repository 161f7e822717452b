# [[file:../../primer.org::*Services and events][Services and events:2]]
"""A message queue absorbs a traffic burst that a synchronous service must refuse.

Known load: requests arrive as a Poisson process at 60 per second, except for a
15-second burst at 200 per second.  One consumer handles 100 per second (10 ms
each).  Two designs share that consumer:
  queue  every request is stored in a message queue and served in order;
  sync   the caller waits at most 1 s; a request that would wait longer is
         refused at once (load shedding), so it costs the consumer nothing.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

IMG = Path(__file__).resolve().parents[2] / "img" / "02-data"

IMG.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)

base_rate, burst_rate, capacity = 60.0, 200.0, 100.0     # per second
burst_start, burst_end, horizon, timeout = 30.0, 45.0, 120.0, 1.0
service = 1 / capacity


def poisson_arrivals(rate, start, end):
    n = rng.poisson(rate * (end - start))
    return np.sort(rng.uniform(start, end, n))


arrivals = np.concatenate([poisson_arrivals(base_rate, 0, burst_start),
                           poisson_arrivals(burst_rate, burst_start, burst_end),
                           poisson_arrivals(base_rate, burst_end, horizon)])
in_burst = (arrivals >= burst_start) & (arrivals < burst_end)

# Queue: first in, first out; each message starts when it arrives or when the
# previous one is done, whichever is later (Lindley's recursion).
done = np.empty_like(arrivals)
free_at = 0.0
for i, a in enumerate(arrivals):
    free_at = max(a, free_at) + service
    done[i] = free_at
latency = done - arrivals

# Synchronous with a deadline: refuse when the wait would exceed the timeout.
sync_latency = np.full_like(arrivals, np.nan)
free_at = 0.0
for i, a in enumerate(arrivals):
    start = max(a, free_at)
    if start - a <= timeout:
        free_at = start + service
        sync_latency[i] = free_at - a
refused = np.isnan(sync_latency)

grid = np.arange(0, horizon, 0.1)
backlog = np.searchsorted(arrivals, grid, side="right") - np.searchsorted(np.sort(done), grid, side="right")
after = grid >= burst_end
drain = grid[after][np.argmax(backlog[after] <= 5)] - burst_end

excess = (burst_rate - capacity) * (burst_end - burst_start)
print(f"requests = {len(arrivals)}")
print(f"burst_requests = {in_burst.sum()}")
print(f"queue_lost = {np.sum(~np.isfinite(done))}")
print(f"queue_max_backlog = {backlog.max()}")
print(f"expected_max_backlog = {excess:.0f}")
print(f"queue_max_latency_s = {latency.max():.1f}")
print(f"expected_max_latency_s = {excess / capacity:.1f}")
print(f"queue_drain_s = {drain:.1f}")
print(f"expected_drain_s = {excess / (capacity - base_rate):.1f}")
print(f"queue_median_latency_ms_outside_burst = {np.median(latency[arrivals < burst_start]) * 1e3:.0f}")
print(f"sync_refused = {refused.sum()}")
print(f"sync_refused_share_of_burst = {refused[in_burst].mean():.3f}")
print(f"sync_max_latency_s = {np.nanmax(sync_latency):.2f}")
print(f"capacity_needed_without_queue = {burst_rate:.0f}")

fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 5.4), sharex=True)
per_second = np.bincount(arrivals.astype(int), minlength=int(horizon))
top.step(np.arange(int(horizon)), per_second, where="post", color="#999999", label="arrivals per second")
top.axhline(capacity, color="#b5523b", ls="--", lw=1, label="consumer capacity")
top2 = top.twinx()
top2.plot(grid, backlog, color="#4a7a96", label="messages waiting in the queue")
top2.set_ylabel("queue length", color="#4a7a96")
top.set_ylabel("requests / s")
top.legend(loc="upper right", fontsize=8)
bottom.plot(arrivals, latency, ".", ms=2, color="#4a7a96", label="queue: latency")
bottom.plot(arrivals, sync_latency, ".", ms=2, color="#d99a5e", label="sync: latency if served")
bottom.plot(arrivals[refused], np.full(refused.sum(), -0.8), "|", ms=6, color="#b5523b",
            label="sync: refused")
bottom.set_xlabel("time (s)")
bottom.set_ylabel("latency (s)")
bottom.legend(loc="upper right", fontsize=8, markerscale=4)
fig.tight_layout()
fig.savefig(IMG / "queue_burst.png", dpi=120)
# Services and events:2 ends here
