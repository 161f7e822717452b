"""Lesson tests for the After-launch section on addressing distribution shift."""
import math


def test_importance_weights_help_until_the_effective_sample_collapses(results):
    r = results("addressing_shift")
    # small shift: weights remove most of the bias, flattening changes nothing
    assert r["cov_m05_gain_weighted"] > 3 * r["cov_m05_gain_weighted_se"]
    assert abs(r["cov_m05_flattened_over_weighted"]) <= 3 * r["cov_m05_flattened_over_weighted_se"] + 0.001
    # Kish's n_eff matches n exp(-m^2) for a small shift
    assert abs(r["cov_m05_neff"] - r["cov_m05_neff_closed_form"]) < 0.03 * r["cov_m05_neff_closed_form"]
    assert abs(r["cov_m05_neff_closed_form"] - 200 * math.exp(-0.25)) < 0.1
    # large shifts: flattened weights beat full ones beyond noise
    for tag in ("m20", "m30"):
        assert r[f"cov_{tag}_flattened_over_weighted"] > 3 * r[f"cov_{tag}_flattened_over_weighted_se"]
    assert r["cov_m20_gain_weighted"] > 3 * r["cov_m20_gain_weighted_se"]
    # "barely two standard errors" at m = 3
    assert 1.5 < r["cov_m30_gain_weighted"] / r["cov_m30_gain_weighted_se"] < 3
    # the in-sample n_eff overstates the truth when weights are heavy-tailed ("five times")
    assert r["cov_m20_neff"] > 3 * r["cov_m20_neff_closed_form"]


def test_black_box_shift_estimation(results):
    r = results("addressing_shift")
    assert r["label_bbse_err"] < 0.05
    assert r["label_naive_err"] > 3 * r["label_bbse_err"]
    assert r["label_gain_bbse"] > 10 * r["label_gain_bbse_se"]
    assert r["label_oracle_over_bbse"] < 0.005            # "within a tenth of a point" (0.001 rounded)
    assert r["label_acc_oracle"] - r["label_acc_bbse"] < 0.0025


def test_retraining_window_trade_off(results):
    r = results("addressing_shift")
    assert r["window_drift_best_days"] in (1, 3, 7)
    for w in (14, 30, 60):
        assert r[f"window_drift_{w}d_gap_to_best"] > 3 * r[f"window_drift_{w}d_gap_to_best_se"]
    # flat near the top, steep beyond: short errs cost less than long ones
    assert max(r["window_drift_1d_gap_to_best"], r["window_drift_7d_gap_to_best"]) < 0.01
    # ... though one day and a week are each "a little worse" than the best window
    for w in (1, 7):
        assert r[f"window_drift_{w}d_gap_to_best"] > 2 * r[f"window_drift_{w}d_gap_to_best_se"]
    assert r["window_drift_60d_gap_to_best"] > 0.1
    assert r["window_drift_30d_acc"] > r["window_drift_60d_acc"]
    # without drift the longest window is best and a single day costs little
    assert r["window_static_best_days"] == 60
    assert r["window_static_1d_gap_to_best"] < 0.01


def test_a_decaying_feature_wins_at_launch_and_loses_later(results):
    r = results("addressing_shift")
    se = r["feature_acc_se"] * 2 ** 0.5
    assert r["feature_both_month0_acc"] > r["feature_stable_month0_acc"] + 3 * se
    assert r["feature_stable_month6_acc"] > r["feature_both_month6_acc"] + 3 * se
    assert r["feature_stable_month12_acc"] > r["feature_both_month12_acc"] + 3 * se
    assert r["feature_stable_mean_acc"] > r["feature_both_mean_acc"] + 3 * se / 13 ** 0.5
    assert 1 <= r["feature_crossover_month"] <= 6
