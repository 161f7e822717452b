"""Lesson tests for the data-leakage and feature-importance scripts."""


def test_random_split_rewards_a_day_counter(results):
    r = results("leakage_split_and_target")
    # The random split promises far less error than the future delivers ...
    assert r["calendar_random_mae"] < 0.5 * r["calendar_future_mae"]
    # ... while time-ordered validation lands near the truth.
    assert abs(r["calendar_time_mae"] - r["calendar_future_mae"]) < 0.25 * r["calendar_future_mae"]


def test_lookahead_feature_fools_both_splits(results):
    r = results("leakage_split_and_target")
    honest = r["trailing_future_mae"]
    assert r["centred_random_mae"] < honest and r["centred_time_mae"] < honest
    assert r["centred_future_mae"] > honest + 0.5          # worse than honest once served
    assert r["asof_mismatch_centred"] > 0.9 and r["asof_mismatch_trailing"] == 0
    # the leaky feature gives the best-looking validation numbers of all
    others = [r[f"{s}_{v}_mae"] for s in ("calendar", "trailing") for v in ("random", "time")]
    assert max(r["centred_random_mae"], r["centred_time_mae"]) < min(others)
    # ... compared with the best honest forecaster (a Kalman filter knowing the process)
    # scored on the same validation days
    # the sampling noise of an MAE over 100-300 days is about 0.25
    noise = 0.25
    assert r["noise_floor_mae"] < r["honest_floor_mae"]
    assert max(r["centred_random_mae"], r["centred_time_mae"]) < min(others) - noise
    # random split: below the oracle on the same days by more than the noise;
    # time split: level with the oracle, and the honest trailing model well behind it
    assert r["centred_random_mae"] < r["oracle_random_mae"] - noise
    assert abs(r["centred_time_mae"] - r["oracle_time_mae"]) < noise
    assert r["trailing_time_mae"] > r["oracle_time_mae"] + 2 * noise
    # every other validation number stays above the floor, beyond that noise
    assert min(others + [honest]) > r["honest_floor_mae"] + noise
    assert abs(r["oracle_future_mae"] - r["honest_floor_mae"]) < 0.5


def test_titanic_columns_recorded_after_the_outcome(results):
    r = results("leakage_split_and_target")
    assert r["titanic_leaky_auc"] > r["titanic_honest_auc"] + 0.08
    assert r["titanic_leaky_at_departure_auc"] < r["titanic_honest_auc"] - 0.03
    assert r["boat_share_of_importance"] > 0.5
    assert r["permutation_auc_drop_boat"] > 5 * r["permutation_auc_drop_sex"]
    # body hides behind boat: dropping it alone changes nothing, dropping boat is not enough
    assert abs(r["titanic_no_body_auc"] - r["titanic_leaky_auc"]) < 0.01
    assert r["titanic_honest_auc"] < r["titanic_no_boat_auc"] < r["titanic_leaky_auc"] - 0.05


def test_unsupervised_preprocessing_barely_matters(results):
    r = results("leakage_preprocessing")
    assert abs(r["scaling_logistic_gap"]) < 0.01
    assert abs(r["scaling_knn_gap"]) < 0.01
    assert max(r["scaling_logistic_gap"], r["scaling_knn_gap"]) < 0.002   # no real gain


def test_selection_on_noise_before_cv(results):
    r = results("leakage_preprocessing")
    assert r["selection_leaky_accuracy_p10000"] > 0.7
    assert abs(r["selection_honest_accuracy_p10000"] - 0.5) < 0.07
    assert abs(r["selection_fresh_accuracy_p10000"] - 0.5) < 0.03
    leaky = [r[f"selection_leaky_accuracy_p{p}"] for p in (10, 100, 1000, 10000)]
    assert leaky == sorted(leaky)                          # more candidates, more optimism
    assert r["selected_abs_correlation"] > 0.2


def test_group_kfold_matches_new_patients(results):
    r = results("leakage_groups_and_duplicates")
    assert r["patients_rows_auc"] > r["patients_patients_auc"] + 0.04
    assert abs(r["patients_patients_auc"] - r["patients_new_auc"]) < 0.03


def test_duplicates_beat_the_true_rule(results):
    r = results("leakage_groups_and_duplicates")
    assert r["duplicates_rows_accuracy"] > r["true_rule_accuracy"] + 0.05
    assert abs(r["duplicates_records_accuracy"] - r["duplicates_new_accuracy"]) < 0.04
    assert r["near_twin_share_rows"] > 0.5 and r["near_twin_share_records"] < 0.01


def test_site_shortcut_validates_high_and_deploys_low(results):
    r = results("leakage_groups_and_duplicates")
    assert (r["site_with_scanner_validation_auc"]
            > r["site_without_scanner_validation_auc"] + 0.08)
    assert (r["site_with_scanner_deployment_auc"]
            < r["site_without_scanner_deployment_auc"] - 0.03)
    assert r["hospital_from_features_auc"] > 0.95


def test_partial_dependence_recovers_the_truth(results):
    r = results("feature_importance")
    assert r["pdp_x1_rmse"] < 0.1 * r["true_x1_range"]
    assert r["pdp_x2_rmse"] < 0.1 * r["true_x2_range"]
    assert r["permutation_r2_drop_x5"] < 0.01
    assert min(r[f"permutation_r2_drop_x{j}"] for j in (1, 2, 3, 4)) > 0.2
    # x4 matters only through an interaction: flat average, steep individual curves
    assert r["ice_x4_mean_range"] > 5 * r["pdp_x4_range"]
    sd = r["permutation_largest_sd"]
    # x1's lead and x5's zero are beyond the permutation noise
    assert r["permutation_r2_drop_x1"] - max(r[f"permutation_r2_drop_x{j}"] for j in (2, 3, 4)) > 2 * sd
    # In the truth x3 and x4 matter more than x2 (closed form) ...
    assert r["true_r2_drop_x3"] > r["true_r2_drop_x2"] + 0.1
    for j in (1, 2, 3):
        assert abs(r[f"truth_r2_drop_x{j}"] - r[f"true_r2_drop_x{j}"]) < 0.02
    # ... the model underfits the interaction: x3 and x4 below the truth's values on the
    # same rows by more than twice the permutation noise, x1 and x2 within it.
    for j in (3, 4):
        assert r[f"permutation_r2_drop_x{j}"] < r[f"truth_r2_drop_x{j}"] - 2 * sd
    for j in (1, 2):
        assert abs(r[f"permutation_r2_drop_x{j}"] - r[f"truth_r2_drop_x{j}"]) < sd


def test_mdi_favours_noise_and_held_out_permutation_does_not(results):
    r = results("feature_importance")
    assert r["mdi_rank_row_id"] < r["mdi_rank_binary"]
    assert r["mdi_rank_noise"] < r["mdi_rank_binary"]
    assert max(r["perm_test_noise"], r["perm_test_row_id"]) < 0.01
    assert r["perm_test_binary"] > 0.05
    assert min(r["perm_train_noise"], r["perm_train_row_id"]) > 0.02
