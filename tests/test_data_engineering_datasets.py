"""Lesson tests for the Data engineering sections: augmentation, splits, class
imbalance and missing values.  Each asserts the qualitative lesson with a margin."""


def test_label_preserving_augmentation_helps_and_flips_hurt(results):
    r = results("augmentation_digits")
    assert r["acc_affine"] > r["acc_plain"] + 0.01
    assert r["affine_wins"] >= 4                      # of 5 draws of the training set
    assert r["acc_flip"] < r["acc_affine"] - 0.03     # a label-changing transform costs
    assert r["acc_flip"] < r["acc_plain"]


def test_training_score_picks_an_overfit_depth(results):
    r = results("splits_tuning")
    assert r["train_pick_train_acc"] > 0.98
    assert r["train_pick_depth"] > r["val_pick_depth"] + 4
    assert r["val_pick_test_acc"] > r["train_pick_test_acc"] + 0.01
    assert r["val_beats_train_on_test"] >= 20          # of 30 problems


def test_selection_makes_the_validation_score_optimistic(results):
    r = results("splits_tuning")
    assert r["val_optimism_points"] > r["unselected_gap_points"] + 0.5
    assert r["small_val_optimism_points"] > r["val_optimism_points"] + 1


def test_random_split_is_optimistic_under_drift(results):
    r = results("splits_time_vs_random")
    assert r["optimism_random"] > 0.025
    assert r["optimism_random"] > r["optimism_time"] + 0.015
    assert r["month_23_auc"] < r["served_auc"]          # the decay continues
    assert r["best_window_served_gain"] > 0.02          # the time split found a better window


def test_accuracy_hides_the_minority_class(results):
    r = results("imbalance")
    assert 0.98 < r["all_negative_accuracy"] < 0.99
    assert r["none_accuracy"] - r["all_negative_accuracy"] < 0.01
    assert r["none_recall"] > 0.2


def test_rebalancing_is_threshold_moving_that_breaks_probabilities(results):
    r = results("imbalance")
    for name in ["oversample", "undersample", "balanced"]:
        assert r[f"{name}_recall"] > r["none_recall"] + 0.3
        assert r[f"{name}_precision"] < r["none_precision"] - 0.3
        # tuned F1 level with the untreated model (within 2 paired-bootstrap SE) ...
        d, se = r[f"{name}_minus_none_f1_tuned"], r[f"{name}_minus_none_f1_tuned_se"]
        assert abs(d) < 2 * se, name
        # ... and no remedy improves the ranking: PR-AUC never higher, by 2 SE
        d, se = r[f"{name}_minus_none_pr_auc"], r[f"{name}_minus_none_pr_auc_se"]
        assert d < 2 * se and abs(d) < 0.02, name
    # oversampling and class weights lower it by about two standard errors
    for name in ["oversample", "balanced"]:
        d, se = r[f"{name}_minus_none_pr_auc"], r[f"{name}_minus_none_pr_auc_se"]
        assert d < -1.5 * se, name
    for name in ["oversample", "undersample", "balanced"]:
        assert r[f"{name}_log_loss"] > 3 * r["none_log_loss"]
        assert r[f"{name}_mean_prob"] > 4 * r["positive_rate"]
    assert abs(r["none_mean_prob"] - r["positive_rate"]) < 0.004
    assert abs(r["undersample_corrected_log_loss"] - r["none_log_loss"]) < 0.003
    assert r["none_f1_tuned"] > r["none_f1"]


def test_missing_mechanisms_bias_the_mean_as_theory_says(results):
    r = results("missing_values")
    true = r["true_mean_x1"]
    assert abs(r["mcar_mean_complete_cases"] - true) < 0.05
    assert r["mar_mean_complete_cases"] < true - 0.15
    assert abs(r["mar_mean_iterative"] - true) < 0.05     # MAR is recoverable
    assert r["mnar_mean_complete_cases"] < true - 0.3
    assert r["mnar_mean_iterative"] < true - 0.2           # MNAR is not


def test_missing_indicator_pays_only_under_mnar(results):
    r = results("missing_values")
    assert abs(r["mcar_mse_indicator"] - r["mcar_mse_mean"]) < 0.05
    assert r["mcar_mse_iterative"] < r["mcar_mse_mean"] - 0.1
    assert r["mnar_mse_indicator"] < r["mnar_mse_mean"] - 0.3
    assert r["mnar_mse_indicator"] < r["mnar_mse_iterative"] - 0.2
    for mech in ["mcar", "mar", "mnar"]:
        others = [r[f"{mech}_mse_{m}"] for m in ["mean", "iterative", "indicator", "iterative_indicator"]]
        assert r[f"{mech}_mse_deletion"] > max(others)
        assert r[f"{mech}_deletion_mse_complete_rows"] < 1.2 * r["mse_no_missing"]
