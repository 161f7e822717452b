"""Lessons of the sampling and labelling scripts, asserted on the numbers they printed."""


def test_stratification_lowers_variance_and_keeps_rare_groups(results):
    r = results("sampling_methods")
    sd_scale = r["srs_sd"]
    for design in ("srs", "prop", "floor_weighted"):          # all unbiased
        assert abs(r[f"{design}_bias"]) < 0.1 * sd_scale
    assert r["variance_ratio_srs_over_prop"] > 2
    assert abs(r["prop_sd"] / r["theory_sd_prop"] - 1) < 0.1
    assert abs(r["srs_sd"] / r["theory_sd_srs"] - 1) < 0.1
    # simple random sampling sometimes misses the rare region altogether
    assert r["rare_absent_share_srs"] > 0.05
    assert abs(r["rare_absent_share_srs"] - r["rare_absent_theory"]) < 0.03
    assert r["rare_mean_sd_floor"] < r["rare_mean_sd_srs"] / 3
    # an over-sampled design must be weighted back
    assert r["floor_unweighted_bias"] > 10 * r["floor_weighted_sd"]
    assert r["floor_weighted_sd"] < 1.2 * r["prop_sd"]


def test_weighted_sampling_matches_the_target_mix(results):
    r = results("sampling_methods")
    assert r["weighted_tv_distance"] < r["pool_tv_distance"] / 10
    assert abs(r["weighted_sample_mean"] - r["true_mean"]) < r["weighted_sample_mean_se"]   # within one SE
    assert abs(r["pool_mean"] - r["true_mean"]) > 5.0
    assert r["weighted_pool_ess"] < 0.9 * r["pool_rows"]     # reweighting costs information


def test_algorithm_r_is_uniform_and_the_buggy_variants_are_not(results):
    r = results("sampling_reservoir_importance")
    assert r["reservoir_size"] == 20
    assert r["algorithm_r_pvalue"] > 0.01
    assert r["algorithm_r_max_rel_dev"] < 0.1
    assert r["off_by_one_pvalue"] < 1e-6
    assert r["coin_flip_pvalue"] < 1e-6
    assert r["off_by_one_chi2"] > 2 * r["algorithm_r_chi2"]
    assert r["first_position_ratio_off_by_one"] < 0.95
    assert r["last_position_ratio_coin_flip"] > 2


def test_importance_sampling_variance_depends_on_the_proposal(results):
    r = results("sampling_reservoir_importance")
    truth = r["true_click_rate"]
    for name in ("on_policy", "uniform"):
        assert abs(r[f"{name}_mean"] - truth) < 0.003
    assert abs(r["old_policy_mean"] - truth) < 0.008           # unbiased on average ...
    assert r["old_policy_sd"] > 3 * r["uniform_sd"]            # ... but noisy
    assert r["old_policy_ess"] < r["uniform_ess"] / 10
    assert r["on_policy_sd"] <= r["uniform_sd"]
    # self-normalising helps only a little here: the variance is in a few heavy clicks
    assert 0.75 * r["old_policy_sd"] < r["old_policy_snips_sd"] < r["old_policy_sd"]
    assert abs(r["old_policy_snips_mean"] - truth) < 0.008
    # missing support: biased, and the effective sample size does not notice
    assert r["no_support_bias"] < -0.01
    assert r["no_support_ess"] > 0.99 * 5000


def test_purchase_labels_arrive_late_and_bias_fresh_data(results):
    r = results("labels_feedback_delay")
    assert r["clicks_seen_after_10min"] > 0.99
    assert r["purchases_seen_after_1d"] < 0.7
    assert r["purchases_seen_after_30d"] > 0.95
    assert r["observed_purchase_rate"] < 0.85 * r["true_purchase_rate"]
    assert r["observed_rate_newest_day"] < 0.6 * r["observed_purchase_rate"]


def test_weak_labels_beat_few_hand_labels_but_not_true_labels(results):
    r = results("labels_weak_supervision")
    assert r["weak_model_auc"] > r["rules_alone_auc"] + 0.05
    assert r["weak_model_auc"] > r["hand300_model_auc"] + 0.02
    assert r["gold_model_auc"] > r["weak_model_auc"] + 0.02
    assert r["weak_model_auc"] >= r["majority_model_auc"]
    # both leads exceed two paired-bootstrap standard errors
    for other in ["majority", "hand300"]:
        assert r[f"weak_minus_{other}_auc"] > 2 * r[f"weak_minus_{other}_auc_se"], other
    # the label model finds the rules' accuracies without labels
    assert abs(r["lf_night_post_estimated_accuracy"] - r["lf_night_post_accuracy"]) < 0.05
    assert abs(r["lf_exclamation_estimated_accuracy"] - r["lf_exclamation_accuracy"]) < 0.05
    # the model generalises where no rule fires, unless it can imitate the rules
    assert r["weak_model_auc_no_rule"] > 0.75
    assert r["weak_title_model_auc_no_rule"] < r["weak_model_auc_no_rule"] - 0.05


def test_self_training_helps_from_few_labels(results):
    r = results("labels_self_training")
    assert r["self_training_accuracy"] > r["supervised_accuracy"] + 0.04
    assert r["self_training_wins"] >= 4
    assert r["all_labels_accuracy"] > r["self_training_accuracy"]
    assert r["pseudo_label_accuracy_first_round"] > r["pseudo_label_accuracy_last_round"]
    assert r["self_training_accuracy"] > r["sklearn_threshold_accuracy"]
    # a fixed threshold starves the class the model finds hardest
    assert r["sklearn_fewest_pseudo_labels_in_a_class"] < r["balanced_pseudo_labels_per_class"] / 3


def test_uncertainty_sampling_needs_fewer_labels(results):
    r = results("labels_active_learning")
    for b in (100, 200):
        assert r[f"uncertainty_accuracy_at_{b}"] > r[f"random_accuracy_at_{b}"] + 0.015
    assert r["uncertainty_labels_to_match"] <= 150
    assert r["uncertainty_wins_share_from_100"] >= 0.8
