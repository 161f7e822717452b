# [[file:../../primer.org::*Caching][Caching:1]]
"""Caching predictions under skewed traffic: LRU, LFU and the offline optimum.

Traffic: 60,000 requests for 10,000 items drawn independently from a Zipf
distribution (p_i proportional to 1/i^0.9), the independent reference model.
Hit rates are simulated for LRU, LFU (evict the cached item requested least
often so far) and Belady's offline optimum (evict the item whose next request
is furthest away), at cache sizes from 0.1 % to 30 % of the catalogue, and LRU
is compared with Che's approximation.  Then a time-to-live (TTL) trades hits for
freshness when items change, and measured costs of a model call and a cache
lookup turn hit rates into latency.
"""
import heapq
import time
from collections import OrderedDict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import torch
from scipy.optimize import brentq

IMG = Path(__file__).resolve().parents[2] / "img" / "06-compression"
IMG.mkdir(parents=True, exist_ok=True)
torch.set_num_threads(1)
torch.manual_seed(0)
rng = np.random.default_rng(0)
ITEMS, REQUESTS, ZIPF = 10_000, 60_000, 0.9
SIZES = [10, 30, 100, 300, 1000, 3000]

p = 1 / np.arange(1, ITEMS + 1) ** ZIPF
p /= p.sum()
trace = rng.choice(ITEMS, size=REQUESTS, p=p)
print(f"top_1pct_traffic_share = {p[:ITEMS // 100].sum():.3f}")
print(f"distinct_items_requested = {len(np.unique(trace))}")


def lru(size):
    cache, hits = OrderedDict(), 0
    for item in trace:
        if item in cache:
            hits += 1
            cache.move_to_end(item)
        else:
            cache[item] = True
            if len(cache) > size:
                cache.popitem(last=False)
    return hits / REQUESTS


def lfu(size):
    """Evict the cached item with the fewest requests so far (counts kept for all items)."""
    counts = np.zeros(ITEMS, dtype=np.int64)
    cached, heap, hits = set(), [], 0
    for item in trace:
        counts[item] += 1
        if item in cached:
            hits += 1
            heapq.heappush(heap, (counts[item], item))     # stale entries are skipped later
            continue
        cached.add(item)
        heapq.heappush(heap, (counts[item], item))
        while len(cached) > size:
            count, victim = heapq.heappop(heap)
            if victim in cached and count == counts[victim]:
                cached.remove(victim)
    return hits / REQUESTS


def belady(size):
    """Offline optimum: evict the item requested again furthest in the future."""
    next_use = np.full(REQUESTS, REQUESTS + 1)
    last = {}
    for t in range(REQUESTS - 1, -1, -1):
        next_use[t] = last.get(trace[t], REQUESTS + 1)
        last[trace[t]] = t
    cached, heap, hits = {}, [], 0          # item -> its next use; max-heap on next use
    for t, item in enumerate(trace):
        if item in cached:
            hits += 1
        cached[item] = next_use[t]
        heapq.heappush(heap, (-next_use[t], item))
        while len(cached) > size:
            neg, victim = heapq.heappop(heap)
            if cached.get(victim) == -neg:
                del cached[victim]
    return hits / REQUESTS


def che(size):
    """Che's approximation: LRU behaves like a cache that keeps every item for a
    characteristic time T, where sum_i (1 - exp(-p_i T)) = size."""
    T = brentq(lambda T: np.sum(1 - np.exp(-p * T)) - size, 1e-9, 1e9)
    return float(np.sum(p * (1 - np.exp(-p * T))))


rates = {"LRU": [], "LFU": [], "Belady": [], "Che": [], "top-C": []}
for size in SIZES:
    rates["LRU"].append(lru(size))
    rates["LFU"].append(lfu(size))
    rates["Belady"].append(belady(size))
    rates["Che"].append(che(size))
    rates["top-C"].append(float(p[:size].sum()))      # static cache of the C most popular
    for name in ("LRU", "LFU", "Belady", "Che", "top-C"):
        key = name.lower().replace("-", "")
        print(f"{key}_hit_c{size} = {rates[name][-1]:.3f}")

# What a hit saves: measured CPU time of a model call against a cache look-up.
model = torch.nn.Sequential(torch.nn.Linear(64, 512), torch.nn.ReLU(), torch.nn.Linear(512, 512),
                            torch.nn.ReLU(), torch.nn.Linear(512, 1)).eval()
features = torch.randn(1, 64)
store = {i: 0.5 for i in range(ITEMS)}


def median_us(fn, calls=2000):
    for _ in range(50):
        fn()
    times = np.empty(calls)
    for i in range(calls):
        start = time.process_time()
        fn()
        times[i] = time.process_time() - start
    return np.median(times) * 1e6


with torch.inference_mode():
    model_us = median_us(lambda: model(features))
lookup_us = median_us(lambda: store.get(1234))
hit = rates["LRU"][SIZES.index(1000)]
per_request = hit * lookup_us + (1 - hit) * (lookup_us + model_us)
print(f"model_call_us = {model_us:.1f}")
print(f"lookup_us = {lookup_us:.2f}")
print(f"lru1000_cpu_saving = {model_us / per_request:.2f}")

# Freshness: items change at random (Poisson, one change per 300 s on average);
# 100 requests per second; an entry is served until its time-to-live runs out.
RATE_RPS, CHANGE_S = 100, 300
TTLS = [1, 10, 60, 300, 1800]
clock = np.arange(REQUESTS) / RATE_RPS
ttl_hit, ttl_stale = [], []
for ttl in TTLS:
    cache, hits, stale = {}, 0, 0
    for t, item in zip(clock, trace):
        entry = cache.get(item)
        if entry is not None and t - entry[0] < ttl:
            hits += 1
            stale += t > entry[1]          # the item changed after it was cached
        else:                              # recompute; draw when the item next changes
            cache[item] = (t, t + rng.exponential(CHANGE_S))
    ttl_hit.append(hits / REQUESTS)
    ttl_stale.append(stale / REQUESTS)
    print(f"ttl{ttl}_hit = {ttl_hit[-1]:.3f}")
    print(f"ttl{ttl}_stale = {ttl_stale[-1]:.3f}")
print(f"trace_seconds = {REQUESTS / RATE_RPS:.0f}")
# Steady state in closed form.  Item i is requested at rate r_i = RATE_RPS * p_i.  A miss
# caches it for ttl seconds, which collect r_i * ttl hits on average, and the next request
# after that is a miss again; a hit at age a is stale with probability 1 - exp(-a / CHANGE_S).
r_i = RATE_RPS * p
steady_hit, steady_stale = [], []
for ttl in TTLS:
    cycle = 1 + r_i * ttl                                   # requests per miss-to-miss cycle
    steady_hit.append(float(np.sum(p * r_i * ttl / cycle)))
    stale_hits = r_i * (ttl - CHANGE_S * (1 - np.exp(-ttl / CHANGE_S)))
    steady_stale.append(float(np.sum(p * stale_hits / cycle)))
    print(f"ttl{ttl}_hit_steady = {steady_hit[-1]:.3f}")
    print(f"ttl{ttl}_stale_steady = {steady_stale[-1]:.3f}")

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
styles = {"Belady": ("#222222", "o-"), "top-C": ("#999999", "--"), "LFU": ("#2f6b3a", "s-"),
          "LRU": ("#4a7a96", "o-"), "Che": ("#b5523b", ":")}
for name, (color, style) in styles.items():
    label = {"Che": "Che's approximation for LRU",
             "top-C": "static cache of the C most popular"}.get(name, name)
    left.plot(100 * np.array(SIZES) / ITEMS, rates[name], style, color=color, label=label)
left.set_xscale("log")
left.set_xlabel("cache size (% of the catalogue, log scale)")
left.set_ylabel("hit rate")
left.set_title("Zipf(0.9) traffic over 10,000 items")
left.legend(fontsize=8)
right.plot(TTLS, ttl_hit, "o-", color="#4a7a96", label="hit rate (600 s simulated)")
right.plot(TTLS, ttl_stale, "s-", color="#b5523b", label="stale share (600 s simulated)")
right.plot(TTLS, steady_hit, ":", color="#4a7a96", label="hit rate, steady state")
right.plot(TTLS, steady_stale, ":", color="#b5523b", label="stale share, steady state")
right.set_xscale("log")
right.set_xlabel("time to live (s, log scale)")
right.set_title("Items change every 300 s on average")
right.legend(fontsize=8)
fig.tight_layout()
fig.savefig(IMG / "caching.png", dpi=120)
# Caching:1 ends here
