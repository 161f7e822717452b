"""Lesson tests for the low-rank factorization section.

Accuracy on the 540 test digits moves in steps of about 0.2 points per image;
timing claims are ratios with margins wide enough for a busy machine.
"""


def test_break_even_rank(results):
    r = results("lowrank_svd")
    assert r["break_even_rank"] == 256
    assert abs(r["rank256_params_ratio"] - 1) < 0.01
    assert r["rank512_params_ratio"] > 1.9
    # at or above the break-even rank the factorized layer is no faster
    assert r["rank256_speedup"] < 1.5
    assert r["rank512_speedup"] < 0.9


def test_small_rank_is_cheap_and_keeps_accuracy(results):
    r = results("lowrank_svd")
    assert r["rank16_params_ratio"] < 0.07
    assert r["rank16_speedup"] > 3
    assert r["rank16_accuracy"] >= r["dense_accuracy"] - 0.005
    assert r["smallest_rank_within_half_point"] <= 32
    # speed-up lags the parameter saving at small ranks (per-call overhead)
    assert r["rank8_speedup"] < 0.7 / r["rank8_params_ratio"]


def test_deep_cut_hurts_and_fine_tuning_recovers(results):
    r = results("lowrank_svd")
    assert r["rank4_accuracy"] < r["dense_accuracy"] - 0.1
    assert r["rank4_accuracy_tuned"] > r["rank4_accuracy"] + 0.1
    assert r["rank8_accuracy_tuned"] >= r["rank8_accuracy"]


def test_the_update_is_low_rank_not_the_matrix(results):
    r = results("lowrank_svd")
    assert r["energy_rank16"] < 0.8
    assert r["update_energy_rank16"] > 0.9
    assert r["update_energy_rank16"] > r["energy_rank16"] + 0.2
    assert r["update_relative_norm"] > 0.5     # training moved W a lot ...


def test_separable_convolution(results):
    r = results("compact_conv")
    assert r["block_params_ratio"] > 5
    assert r["macs_ratio"] > 4
    # the multiply-add saving does not show up on the CPU clock
    assert r["time_ratio"] < r["macs_ratio"] / 2
    assert r["time_ratio"] < 1.6            # "little or no time" saved
    # a small accuracy cost, beyond the spread over seeds
    gap = r["standard_accuracy"] - r["separable_accuracy"]
    assert gap > max(r["standard_accuracy_sd"], r["separable_accuracy_sd"])
    assert gap < 0.05
