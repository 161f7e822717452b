"""Lesson tests for the KV-cache section.  Memory is exact; speeds are CPU-time
medians on a shared machine, asserted only as ratios with margins."""


def test_cache_memory_matches_the_formula(results):
    r = results("kv_cache")
    assert r["kv_bytes_per_token_measured"] == r["kv_bytes_per_token_formula"] == 2 * 4 * 4 * 32 * 4
    assert r["big_kv_kib_per_token"] == 512
    assert r["big_kv_gib_at_4096"] == 2.0
    # "a handful" of 4,096-token sequences outweigh the weights
    assert 3 < r["big_weights_gib"] / r["big_kv_gib_at_4096"] < 10


def test_cache_speedup_grows_with_the_position(results):
    r = results("kv_cache")
    for n in [32, 64, 128, 256, 512, 1024]:
        assert r[f"pos{n}_cache_speedup"] > 1.5
    assert r["pos1024_cache_speedup"] > 4 * r["pos32_cache_speedup"]
    assert r["pos1024_tokens_per_s_cached"] > 10 * r["pos1024_tokens_per_s_uncached"]
    # with the cache a step grows far more slowly than without it
    assert r["uncached_step_growth_32_to_1024"] > 4 * r["cached_step_growth_32_to_1024"]


def test_recomputing_the_prefix_grows_faster_than_the_prefix(results):
    """From 256 to 1,024 the uncached step grows more than four-fold (the quadratic
    attention), roughly as the multiply-add count predicts."""
    r = results("kv_cache")
    n, d, layers = 256, 128, 4
    macs = lambda n: layers * (12 * n * d * d + 2 * n * n * d)  # recomputed here
    assert r["macs_growth_256_to_1024"] == round(macs(4 * n) / macs(n), 1)
    assert r["macs_growth_32_to_1024"] == round(macs(1024) / macs(32), 1)
    assert r["attention_overtakes_at"] == 768  # 2 n^2 d = 12 n d^2 at n = 6 d
    # the short prefix is overhead-bound: time grows less than the count
    assert r["uncached_step_growth_32_to_1024"] < 0.9 * r["macs_growth_32_to_1024"]
    assert r["uncached_step_growth_256_to_1024"] > 1.2 * 4
    assert 0.6 < r["uncached_step_growth_256_to_1024"] / r["macs_growth_256_to_1024"] < 1.7


def test_bucketing_cuts_padding_and_time(results):
    r = results("kv_cache")
    assert r["padded_wasted_share"] > 0.4
    assert r["bucketed_wasted_share"] < 0.5 * r["padded_wasted_share"]
    assert r["padded_prefill_cpu_ms"] > 1.3 * r["bucketed_prefill_cpu_ms"]
