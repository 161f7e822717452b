"""Lesson tests for non-probability sampling: the random sample is unbiased with
nominal coverage (within Monte Carlo error); the others are biased or overdispersed."""


def test_simple_random_sample_is_unbiased_with_nominal_coverage(results):
    r = results("sampling_nonprobability")
    assert abs(r["simple_random_bias"]) < 3 * r["simple_random_bias_mcse"]
    assert abs(r["simple_random_coverage"] - 0.95) < 3 * r["simple_random_coverage_mcse"]
    assert abs(r["simple_random_sd"] / r["naive_se_n500"] - 1) < 0.15


def test_convenience_and_quota_are_biased_and_more_data_does_not_help(results):
    r = results("sampling_nonprobability")
    assert r["convenience_bias"] > 10 * r["convenience_sd"] / 2
    assert r["convenience_coverage"] < 0.05
    assert r["convenience_5000_bias"] > 0.7 * r["convenience_bias"]
    assert r["convenience_5000_sd"] < r["convenience_sd"] / 3
    assert r["convenience_5000_coverage"] < 0.05
    assert r["quota_country_share_gap"] < 0.01
    assert r["quota_bias"] > 10 * r["quota_bias_mcse"] and r["quota_coverage"] < 0.05


def test_judgment_is_biased_low_and_snowball_is_overdispersed(results):
    r = results("sampling_nonprobability")
    assert r["median_activity"] < r["mean_activity"]
    assert r["judgment_bias"] < -10 * r["judgment_bias_mcse"]
    assert r["judgment_coverage"] < 0.05
    assert 3 < r["snowball_sd"] / r["naive_se_n500"] < 5
    assert r["snowball_coverage"] < 0.6
    assert abs(r["snowball_bias"]) < r["snowball_sd"] / 2          # "small next to its spread"


def test_snowball_design_effect_matches_the_cluster_formula(results):
    r = results("sampling_nonprobability")
    # "the same number follows ... from the spread of the circle means": the simulated
    # variance ratio has a relative standard error of about sqrt(2 / (reps - 1))
    rel_se = (2 / (r["snowball_reps"] - 1)) ** 0.5
    assert abs(r["snowball_design_effect"] / r["snowball_design_effect_formula"] - 1) < 3 * rel_se
    assert abs(r["snowball_sd_ratio"] ** 2 - r["snowball_design_effect"]) < 0.2 * r["snowball_sd_ratio"]
    assert abs(r["snowball_effective_n"] - 500 / r["snowball_design_effect"]) < 1
