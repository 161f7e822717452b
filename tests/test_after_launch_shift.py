"""Lesson tests for the After-launch chapter's sections on kinds of shift and detecting shift."""


def test_each_shift_is_seen_only_by_the_right_monitor(results):
    r = results("shift_types")
    # no shift: nobody raises an alarm in more than one draw in ten
    for m in ("input", "score", "label", "acc"):
        assert r[f"none_flag_{m}"] <= 0.1
    # concept drift: invisible without labels, obvious with them
    for m in ("input", "score", "label"):
        assert r[f"concept_flag_{m}"] <= 0.1
    assert r["concept_flag_acc"] >= 0.9
    assert abs(r["concept_positive_rate"] - r["source_positive_rate"]) < 0.03
    # schema change: only the label monitors see it
    assert r["schema_flag_input"] <= 0.1 and r["schema_flag_score"] <= 0.1
    assert r["schema_flag_label"] >= 0.9
    assert r["schema_positive_rate"] < 0.6 * r["source_positive_rate"]
    # a unit change on one feature: the input monitor sees it and it costs accuracy
    assert r["feature_flag_input"] >= 0.9
    assert r["feature_regret"] > r["none_regret"] + 0.05


def test_detectable_is_not_harmful_and_harmful_is_not_detectable(results):
    r = results("shift_types")
    # covariate shift: every label-free monitor fires, yet accuracy does not fall
    assert r["covariate_flag_input"] >= 0.9 and r["covariate_flag_score"] >= 0.9
    se = (r["covariate_accuracy_se"] ** 2 + r["none_accuracy_se"] ** 2) ** 0.5
    assert r["covariate_accuracy"] > r["none_accuracy"] + 2 * se        # "rose"
    assert r["covariate_flag_acc"] <= 0.1
    # ...while the shortfall from the truth grows beyond noise
    se = (r["covariate_regret_se"] ** 2 + r["none_regret_se"] ** 2) ** 0.5
    assert r["covariate_regret"] > r["none_regret"] + 3 * se
    # label shift: a large shortfall the model could recover
    assert r["label_regret"] > 0.05
    # the worst losses come from concept drift and schema change, beyond noise
    assert min(r["concept_regret"], r["schema_regret"]) > 2 * r["covariate_regret"]
    for a in ("concept", "schema"):
        for b in ("feature", "label"):
            se = (r[f"{a}_regret_se"] ** 2 + r[f"{b}_regret_se"] ** 2) ** 0.5
            assert r[f"{a}_regret"] > r[f"{b}_regret"] + 2 * se, (a, b)


def test_concept_drift_and_schema_change_cost_alike(results):
    r = results("shift_types")
    se = (r["concept_regret_se"] ** 2 + r["schema_regret_se"] ** 2) ** 0.5
    assert abs(r["concept_regret"] - r["schema_regret"]) < 3 * se + 0.01


def test_significance_is_not_impact(results):
    r = results("shift_detection")
    # a negligible shift on a huge sample is "highly significant" but has a negligible PSI
    assert r["tiny_huge_ks_p"] < 1e-4 and r["tiny_huge_chi2_p"] < 1e-4
    assert r["tiny_huge_psi"] < 0.01
    # a large shift on a small sample: big PSI, much weaker p-value
    assert r["large_small_psi"] > 0.25
    assert r["large_small_ks_p"] > 100 * r["tiny_huge_ks_p"]
    # ...but the PSI is inflated by noise on 200 rows: the population value is below 0.25,
    # and unshifted samples of 200 score about (B - 1)(1/n + 1/m), a third of the measured value
    assert r["large_small_psi_population"] < 0.25 < r["large_small_psi"]
    assert abs(r["psi_null_mean_200"] - r["psi_null_approx_200"]) < 0.15 * r["psi_null_approx_200"]
    assert 0.25 < r["psi_null_mean_200"] / r["large_small_psi"] < 0.45


def test_correlation_shift_needs_a_multivariate_test(results):
    r = results("shift_detection")
    mc = r["no_shift_alarm_mc_error"]
    # the marginal tests fire no more often than false alarms do
    assert r["corr_shift_power_ks"] <= 0.05 + 3 * mc
    assert r["corr_shift_power_mmd"] >= 0.7 and r["corr_shift_power_clf"] >= 0.7
    assert r["domain_auc_corr_shift"] > r["domain_auc_no_shift"] + 0.1
    # the permutation test holds its level
    assert abs(r["no_shift_alarm_mmd"] - 0.05) <= 3 * mc
    # the classifier test's 3 alarms in 20 could be chance on their own ...
    assert r["no_shift_alarm_clf_chance"] > 0.05
    # ... but 200 more unshifted pairs show its normal approximation is optimistic
    assert r["clf_null_alarm_large"] > 0.05 + 2 * r["clf_null_alarm_large_mc_error"]
    assert r["clf_null_auc_sd_ratio"] > 1.15


def test_multiple_testing(results):
    r = results("shift_detection")
    mc = r["false_page_rate_mc_error"]
    assert abs(r["false_page_rate_none"] - r["false_page_rate_expected_none"]) < 0.04
    for k in ("bonferroni", "bh"):
        assert abs(r[f"false_page_rate_{k}"] - 0.05) < 3 * mc
    assert r["power_bh"] > r["power_bonferroni"] + 3 * 2 ** 0.5 * r["power_mc_error"]
    assert r["power_none"] > r["power_bh"]
    assert r["ks_vectorised_vs_scipy_max_diff"] < 2e-3
