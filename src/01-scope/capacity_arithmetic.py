# [[file:../../primer.org::*From an SLA to machines: replicas, shards and the tail][From an SLA to machines: replicas, shards and the tail:1]]
"""Capacity arithmetic as code: workers from Little's law and a queue simulation,
shards from memory and scan time, and the tail latency of fanning out to k shards.

Everything is synthetic; the assumptions (traffic, service times, machine sizes)
are the constants at the top of each part.
"""
import heapq
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

IMG = Path(__file__).resolve().parents[2] / "img" / "01-scope"

IMG.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)

# Part 1: workers and replicas for a latency SLA.
PEAK_QPS = 1_000.0
SLA_P99_S = 0.500
MEDIAN_S, SIGMA = 0.050, 0.6          # log-normal service time per request
UTILISATION_TARGET = 0.7
WORKERS_PER_REPLICA = 8               # e.g. one model process per core
mean_service = MEDIAN_S * math.exp(SIGMA**2 / 2)
print(f"mean_service_ms = {mean_service * 1e3:.1f}")
print(f"service_p99_ms = {MEDIAN_S * math.exp(2.326 * SIGMA) * 1e3:.0f}")
busy = PEAK_QPS * mean_service        # Little's law: requests in service at once
print(f"littles_law_busy_workers = {busy:.1f}")


def simulate(workers, qps, service="lognormal", requests=120_000):
    """Response and waiting times of a first-come-first-served queue with
    `workers` servers and Poisson arrivals; the first 10 % are dropped as warm-up."""
    arrivals = np.cumsum(rng.exponential(1 / qps, requests))
    if service == "lognormal":
        work = MEDIAN_S * np.exp(SIGMA * rng.normal(size=requests))
    else:
        work = rng.exponential(mean_service, requests)
    free_at = [0.0] * workers           # heap: when each worker is next free
    wait = np.empty(requests)
    for i in range(requests):
        start = max(arrivals[i], free_at[0])
        heapq.heapreplace(free_at, start + work[i])
        wait[i] = start - arrivals[i]
    keep = slice(requests // 10, None)
    return wait[keep] + work[keep], wait[keep]


def erlang_c(workers, qps):
    """Probability of waiting and mean wait in the M/M/c queue."""
    a = qps * mean_service
    b = 1.0                              # Erlang B by the stable recursion
    for k in range(1, workers + 1):
        b = a * b / (k + a * b)
    p_wait = workers * b / (workers - a * (1 - b))
    return p_wait, p_wait * mean_service / (workers - a)


check_workers = 66
_, waits = simulate(check_workers, PEAK_QPS, "exponential", requests=300_000)
p_wait, mean_wait = erlang_c(check_workers, PEAK_QPS)
print(f"mmc_p_wait_sim = {np.mean(waits > 0):.3f}")
print(f"mmc_p_wait_formula = {p_wait:.3f}")
print(f"mmc_mean_wait_sim_ms = {waits.mean() * 1e3:.2f}")
print(f"mmc_mean_wait_formula_ms = {mean_wait * 1e3:.2f}")
# From an SLA to machines: replicas, shards and the tail:1 ends here

# [[file:../../primer.org::*From an SLA to machines: replicas, shards and the tail][From an SLA to machines: replicas, shards and the tail:2]]
SURGE = 1.3
workers_grid = [61, 62, 63, 64, 66, 68, 70, 74, 78, 80, 82, 86, 90, 95, 100]
p99 = {1.0: [], SURGE: []}
for load in p99:
    for c in workers_grid:
        if PEAK_QPS * load * mean_service >= 0.99 * c:
            # Unstable (utilisation >= 1: the queue grows without bound) or so close
            # to it that a short simulation from an empty queue would understate
            # the tail: leave the point out rather than plot a transient.
            p99[load].append(np.nan)
        else:
            p99[load].append(np.percentile(simulate(c, PEAK_QPS * load)[0], 99))
p99 = {k: np.array(v) for k, v in p99.items()}
meets = np.flatnonzero(p99[1.0] <= SLA_P99_S)
min_workers = workers_grid[meets[0]]
print(f"min_workers_meeting_sla = {min_workers}")
print(f"utilisation_at_min_workers = {busy / min_workers:.2f}")
print(f"p99_at_min_workers_ms = {p99[1.0][meets[0]] * 1e3:.0f}")
planned = math.ceil(busy / UTILISATION_TARGET)
print(f"planned_workers = {planned}")
print(f"planned_replicas = {math.ceil(planned / WORKERS_PER_REPLICA)}")
print(f"p99_at_planned_ms = {np.percentile(simulate(planned, PEAK_QPS)[0], 99) * 1e3:.0f}")
surge_at_min, _ = simulate(min_workers, PEAK_QPS * SURGE)
surge_at_planned, _ = simulate(planned, PEAK_QPS * SURGE)
print(f"surge_utilisation_at_min = {busy * SURGE / min_workers:.2f}")
print(f"surge_simulated_s = {120_000 / (PEAK_QPS * SURGE):.0f}")
print(f"surge_p99_at_min_s = {np.percentile(surge_at_min, 99):.1f}")
print(f"surge_p99_at_planned_ms = {np.percentile(surge_at_planned, 99) * 1e3:.0f}")
# From an SLA to machines: replicas, shards and the tail:2 ends here

# [[file:../../primer.org::*From an SLA to machines: replicas, shards and the tail][From an SLA to machines: replicas, shards and the tail:3]]
# Part 2: sharding a corpus of item embeddings.
ITEMS, DIM, BYTES = 1_000_000_000, 256, 4       # float32 vectors
RAM_GB, USABLE = 256, 0.75                       # per machine, share for the index
BANDWIDTH_GBS = 50                               # memory bandwidth per machine
SCAN_BUDGET_S = 0.100                            # share of the SLA for retrieval
corpus_bytes = ITEMS * DIM * BYTES
print(f"corpus_tb = {corpus_bytes / 1e12:.2f}")
print(f"shards_for_memory = {math.ceil(corpus_bytes / (RAM_GB * 1e9 * USABLE))}")
scan_s = corpus_bytes / (BANDWIDTH_GBS * 1e9)
print(f"full_scan_one_machine_s = {scan_s:.1f}")
shards_for_time = math.ceil(scan_s / SCAN_BUDGET_S)
print(f"shards_for_scan_budget = {shards_for_time}")
queries_per_machine = 1 / SCAN_BUDGET_S          # each shard is busy for the budget
machines_one_by_one = math.ceil(shards_for_time * PEAK_QPS / queries_per_machine)
print(f"machines_for_peak_bruteforce = {machines_one_by_one}")
# The same brute force with the queries of each 100 ms window scored together: each
# shard reads its slice once per window for the whole batch, so memory traffic no
# longer grows with the query rate and the limit becomes arithmetic, 2 * DIM
# floating-point operations per item and query.
FLOPS = 2e12                                     # sustained float32 rate per machine
batch = PEAK_QPS * SCAN_BUDGET_S                 # queries per window
print(f"batch_queries = {batch:.0f}")
print(f"batched_flops_per_byte = {batch * 2 * DIM / (DIM * BYTES):.0f}")
print(f"machine_flops_per_byte = {FLOPS / (BANDWIDTH_GBS * 1e9):.0f}")
machines_compute = math.ceil(2 * DIM * ITEMS * PEAK_QPS / FLOPS)
machines_batched = max(machines_compute, shards_for_time)   # the slice must still be read in time
print(f"machines_for_peak_batched = {machines_batched}")
print(f"batching_machine_ratio = {machines_one_by_one / machines_batched:.0f}")
small_bytes = ITEMS * 64 * 1                     # 64 dimensions, int8
print(f"compressed_corpus_gb = {small_bytes / 1e9:.0f}")
print(f"compressed_full_scan_s = {small_bytes / (BANDWIDTH_GBS * 1e9):.2f}")
# From an SLA to machines: replicas, shards and the tail:3 ends here

# [[file:../../primer.org::*From an SLA to machines: replicas, shards and the tail][From an SLA to machines: replicas, shards and the tail:4]]
# Part 3: fan-out and tail amplification.
def shard_latency(size):
    """Seconds: ~10 ms typically, plus a 20-200 ms stall (GC, compaction, a noisy
    neighbour) on 2 % of calls."""
    base = 0.010 * np.exp(0.25 * rng.normal(size=size))
    stalled = rng.random(size) < 0.02
    return base + stalled * rng.uniform(0.020, 0.200, size)


REQUESTS = 4_000
one = shard_latency(1_000_000)
shard_p95, shard_p99 = np.percentile(one, [95, 99])
print(f"shard_p50_ms = {np.median(one) * 1e3:.1f}")
print(f"shard_p99_ms = {shard_p99 * 1e3:.1f}")
fanouts = [1, 3, 10, 30, 100, 300, 1000]
stats = {"plain": ([], []), "hedged": ([], [])}
for k in fanouts:
    first = shard_latency((REQUESTS, k))
    backup = shard_p95 + shard_latency((REQUESTS, k))   # sent only if first is late
    for label, per_shard in [("plain", first), ("hedged", np.minimum(first, backup))]:
        whole = per_shard.max(axis=1)                   # wait for every shard
        stats[label][0].append(np.median(whole))
        stats[label][1].append(np.percentile(whole, 99))
        if k in (10, 100):
            print(f"{label}_k{k}_p50_ms = {np.median(whole) * 1e3:.1f}")
            print(f"{label}_k{k}_p99_ms = {np.percentile(whole, 99) * 1e3:.1f}")
    if k == 100:
        slow = np.mean(first.max(axis=1) > shard_p99)
        print(f"share_over_shard_p99_k100 = {slow:.3f}")
        print(f"share_over_shard_p99_k100_formula = {1 - 0.99**100:.3f}")
print(f"hedging_extra_load = {np.mean(one > shard_p95):.3f}")
# From an SLA to machines: replicas, shards and the tail:4 ends here

# [[file:../../primer.org::*From an SLA to machines: replicas, shards and the tail][From an SLA to machines: replicas, shards and the tail:5]]
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
left.plot(workers_grid, p99[1.0] * 1e3, "o-", color="#4a7a96", label="1,000 QPS")
left.plot(workers_grid, p99[SURGE] * 1e3, "s-", color="#b5523b", label="1,300 QPS")
left.axhline(SLA_P99_S * 1e3, color="#222222", ls="--", lw=1, label="SLA: p99 500 ms")
left.axvline(busy, color="#999999", ls=":", lw=1)
left.axvline(planned, color="#999999", ls="-.", lw=1)
for x, text in [(busy, "Little's-law floor"), (planned, "planned, 70 % busy")]:
    left.text(x + 0.5, 0.45, text, transform=left.get_xaxis_transform(), rotation=90,
              fontsize=8, color="#555555")
left.set_yscale("log")
left.set_xlabel("workers")
left.set_ylabel("p99 response time, ms (log)")
left.set_title("Queueing: p99 against the number of workers")
left.legend(fontsize=8, loc="upper right")
for label, style, color in [("plain", "-", "#222222"), ("hedged", "--", "#4a7a96")]:
    right.plot(fanouts, np.array(stats[label][1]) * 1e3, "o" + style, color=color,
               label=f"p99, {label}")
    right.plot(fanouts, np.array(stats[label][0]) * 1e3, "." + style, color=color,
               alpha=0.6, label=f"p50, {label}")
right.set_xscale("log")
right.set_xlabel("shards per request, k (log)")
right.set_ylabel("request latency, ms")
right.set_title("Fan-out: waiting for the slowest shard")
right.legend(fontsize=8)
fig.tight_layout()
fig.savefig(IMG / "capacity_arithmetic.png", dpi=120)
# From an SLA to machines: replicas, shards and the tail:5 ends here
