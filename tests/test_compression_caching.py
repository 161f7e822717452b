"""Lesson tests for the caching section (seeded simulation; the CPU saving is a
ratio of measured medians with a wide margin)."""

SIZES = [10, 30, 100, 300, 1000, 3000]


def test_policies_are_ordered(results):
    r = results("caching")
    for c in SIZES:
        assert r[f"belady_hit_c{c}"] >= r[f"lfu_hit_c{c}"] >= r[f"lru_hit_c{c}"]
        assert r[f"belady_hit_c{c}"] >= r[f"topc_hit_c{c}"]
    for a, b in zip(SIZES, SIZES[1:]):
        assert r[f"lru_hit_c{b}"] > r[f"lru_hit_c{a}"]
    # LFU's lead is largest for small caches
    assert (r["lfu_hit_c100"] - r["lru_hit_c100"]) > (r["lfu_hit_c3000"] - r["lru_hit_c3000"])
    assert r["belady_hit_c1000"] > r["lru_hit_c1000"] + 0.1


def test_che_approximation_matches_lru(results):
    r = results("caching")
    for c in SIZES:
        assert abs(r[f"che_hit_c{c}"] - r[f"lru_hit_c{c}"]) < 0.02


def test_skew_and_saving(results):
    r = results("caching")
    assert r["top_1pct_traffic_share"] > 0.3
    assert r["model_call_us"] > 10 * r["lookup_us"]
    expected = 1 / (1 - r["lru_hit_c1000"])
    assert 0.7 * expected < r["lru1000_cpu_saving"] <= 1.05 * expected


def test_ttl_trades_hits_for_freshness(results):
    r = results("caching")
    ttls = [1, 10, 60, 300, 1800]
    for a, b in zip(ttls, ttls[1:]):
        assert r[f"ttl{b}_hit"] > r[f"ttl{a}_hit"]
        assert r[f"ttl{b}_stale"] >= r[f"ttl{a}_stale"]
    assert r["ttl10_stale"] < 0.02
    assert r["ttl300_stale"] > 0.2
    # the hit rate saturates while staleness keeps climbing, simulated and in steady state
    assert (r["ttl1800_hit"] - r["ttl300_hit"]) < (r["ttl1800_stale"] - r["ttl300_stale"])
    hit_gain = r["ttl1800_hit_steady"] - r["ttl300_hit_steady"]
    assert hit_gain < 0.5 * (r["ttl1800_stale_steady"] - r["ttl300_stale_steady"])


def test_ttl_closed_form_matches_simulation(results):
    r = results("caching")
    for ttl in (1, 10, 60):          # TTLs far shorter than the 600 s of simulated traffic
        assert abs(r[f"ttl{ttl}_hit"] - r[f"ttl{ttl}_hit_steady"]) < 0.01
        assert abs(r[f"ttl{ttl}_stale"] - r[f"ttl{ttl}_stale_steady"]) < 0.01
    assert r["trace_seconds"] < 1800  # so at 1800 s nothing expired in the simulation
    assert r["ttl1800_stale_steady"] > r["ttl1800_stale"] + 0.1
