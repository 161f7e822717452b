"""Lesson tests for the feature-engineering drafts: each asserts the qualitative
claim the prose makes, with a margin, on the numbers the script printed."""


def test_scaling_speeds_up_gradient_descent(results):
    r = results("numeric_scaling_gd")
    assert r["raw_condition_number"] > 10 * r["minmax_condition_number"]
    assert r["minmax_condition_number"] > 10 * r["zscore_condition_number"]
    assert r["raw_steps"] > 5 * r["minmax_steps"] > 5 * r["zscore_steps"]
    assert r["speedup_zscore_vs_raw"] > 100


def test_steps_proportional_to_condition_number(results):
    r = results("numeric_scaling_gd")
    assert 0.8 < r["loglog_slope_steps_vs_condition"] < 1.25
    assert r["stretch_32_steps"] > 100 * r["stretch_1_steps"]


def test_log_and_buckets_beat_raw_on_power_law(results):
    r = results("numeric_transforms")
    assert r["followers_skew_raw"] > 10 * abs(r["followers_skew_log"])
    assert r["log_test_rmse"] < r["raw_test_rmse"] - 0.3
    assert r["buckets_test_rmse"] < r["raw_test_rmse"] - 0.3
    assert r["buckets_test_rmse"] < 1.1 * r["noise_floor_rmse"]
    assert r["log_test_rmse"] < r["clipped_test_rmse"] < r["raw_test_rmse"]


def test_clipping_restores_slope(results):
    r = results("numeric_transforms")
    assert abs(r["clip_slope"] - r["true_slope"]) < 0.2
    assert abs(r["unclipped_slope"] - r["true_slope"]) > 1.0
    assert r["clip_rmse_clean_rows"] < 0.5 * r["unclipped_rmse_clean_rows"]


def test_crossed_buckets_learn_regions(results):
    r = results("feature_crosses_buckets")
    assert r["separate10_auc"] > r["raw_auc"] + 0.05
    assert r["cross10_auc"] > r["separate10_auc"] + 0.01
    assert r["cross10_logloss"] < r["separate10_logloss"] - 0.01


def test_bucket_count_trade_off(results):
    r = results("feature_crosses_buckets")
    assert 4 <= r["best_buckets_per_axis"] <= 40
    assert r["cross2_logloss"] > r["best_logloss"] + 0.02
    assert r["cross100_logloss"] > r["best_logloss"] + 0.01
    assert r["best_logloss"] > r["truth_logloss"]
    # the grid is chosen on validation folds of the training rows, and the bottom of
    # the curve is flat: 10 to 40 buckets per axis are level on test rows
    assert "best_valid_logloss" in r
    assert r["logloss_range_10_to_40"] < 0.005


def test_overlap_measures(results):
    r = results("feature_generalization")
    assert r["overlap_days_since_launch"] < 0.05
    assert r["overlap_tenure_days"] > 0.8
    assert r["coverage_referral_code"] < 0.1
    assert r["overlap_user"] < 0.9


def test_time_index_inflates_random_cv_but_not_future(results):
    r = results("feature_generalization")
    assert r["plan_tenure_launch_random_cv_auc"] > r["plan_tenure_random_cv_auc"] + 0.01
    # the test AUC falls, by more than two paired-bootstrap standard errors
    assert r["launch_minus_tenure_test_auc"] < -2 * r["launch_minus_tenure_test_auc_se"]
    assert r["plan_tenure_launch_test_logloss"] > r["plan_tenure_test_logloss"]
    random_gain = r["plan_tenure_launch_random_cv_auc"] - r["plan_tenure_random_cv_auc"]
    forward_gain = (r["plan_tenure_launch_forward_validation_auc"]
                    - r["plan_tenure_forward_validation_auc"])
    assert forward_gain < 0.005 and random_gain > forward_gain + 0.015


def test_time_index_as_replacement_fails_on_future(results):
    r = results("feature_generalization")
    assert r["plan_launch_test_auc"] < r["plan_tenure_test_auc"] - 0.03
    assert r["plan_launch_random_cv_auc"] - r["plan_launch_test_auc"] > 0.03
    assert r["plan_launch_forward_validation_auc"] < r["plan_tenure_forward_validation_auc"] - 0.02
    assert r["plan_launch_random_cv_auc"] > r["plan_tenure_random_cv_auc"]
    assert r["plan_launch_test_auc"] < r["plan_only_test_auc"]


def test_noise_columns_cost_accuracy(results):
    r = results("feature_selection")
    assert r["oracle_test_auc"] > r["all_test_auc"] + 0.03
    assert r["informative_hidden_marginally"] >= 3


def test_probes_select_well(results):
    r = results("feature_selection")
    assert r["probe_precision"] >= 0.9 and r["probe_recall"] >= 0.7
    assert r["probe_test_auc"] > r["all_test_auc"] + 0.02
    noise_kept = r["probe_selected"] * (1 - r["probe_precision"])
    assert r["noise_beating_best_probe_once"] > noise_kept + 2


def test_cv_tuned_lasso_over_selects(results):
    r = results("feature_selection")
    assert r["l1_recall"] >= 0.8
    assert r["l1_precision"] < 0.5
    assert r["l1_selected"] > 2 * r["oracle_selected"]


def test_univariate_filter_misses_joint_features(results):
    r = results("feature_selection")
    assert r["mi_recall"] < r["probe_recall"] - 0.3
    assert r["mi_test_auc"] < r["all_test_auc"] < r["probe_test_auc"]
