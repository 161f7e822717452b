"""Lesson tests for the dynamic-shapes section (token counts are exact; times are
CPU-time ratios with margins)."""


def test_heavy_tail(results):
    r = results("dynamic_shapes")
    assert r["p99_length"] > 5 * r["median_length"]


def test_padding_waste_by_batching_scheme(results):
    r = results("dynamic_shapes")
    assert r["random_pad_share"] > 0.6
    assert r["sorted_pad_share"] < 0.15
    assert r["bucketed_pad_share"] < 0.5 * r["random_pad_share"]
    assert r["bucketed_pad_share"] <= r["bucketed_fixed_pad_share"] < 0.5 * r["random_pad_share"]
    # padding costs time: the random batches are more than twice as slow
    assert r["random_cpu_s"] > 2 * r["sorted_cpu_s"]
    assert r["random_cpu_s"] > 2 * r["bucketed_fixed_cpu_s"]       # "well under half"
    # ... about in proportion to the padded tokens: an LSTM steps through the padding
    assert 0.6 < r["time_ratio_over_token_ratio"] < 1.25


def test_fixed_buckets_limit_shapes(results):
    r = results("dynamic_shapes")
    assert r["bucketed_fixed_distinct_shapes"] <= 6
    assert r["random_distinct_shapes"] > 5 * r["bucketed_fixed_distinct_shapes"]
    assert r["bucketed_distinct_shapes"] > r["bucketed_fixed_distinct_shapes"]


def test_packing_is_exact_and_padding_is_not(results):
    r = results("dynamic_shapes")
    assert r["packed_vs_alone_max_diff"] < 1e-5
    assert r["padded_vs_alone_max_diff"] > 0.05


def test_adaptive_pooling_accepts_several_sizes(results):
    r = results("dynamic_shapes")
    assert r["adaptive_input_sizes"] == 3
    assert r["adaptive_output_shapes"] == 1
