"""Slices and fairness: the lessons asserted on the printed numbers."""


def test_slices_hide_regressions_simpson_and_slice_finder(results):
    r = results("slices")
    # overall up, new users down, both beyond three standard errors
    assert r["overall_gain"] > 3 * r["overall_gain_se"]
    assert r["new_user_gain"] < -3 * r["new_user_gain_se"]
    # Simpson: B better in both slices, worse overall; re-weighting reverses it
    assert r["simpson_b_new"] > r["simpson_a_new"] + 0.01
    assert r["simpson_b_returning"] > r["simpson_a_returning"] + 0.005
    assert r["simpson_b_overall"] < r["simpson_a_overall"] - 0.02
    assert r["simpson_b_at_a_mix"] > r["simpson_a_overall"] + 0.005
    # the slice finder: vectorised test equals statsmodels; planted slice always found
    assert r["ztest_vs_statsmodels_max_diff"] < 1e-9
    for k in ("uncorrected", "bonferroni", "bh"):
        assert r[f"{k}_planted_found"] > 0.95
    # false flags: uncorrected many, BH few (FDR below 5 %), Bonferroni fewest
    assert r["uncorrected_false_flags"] - r["bh_false_flags"] > 3 * (
        r["uncorrected_false_flags_se"] + r["bh_false_flags_se"])
    assert r["bh_false_discovery_share"] < 0.05 < r["uncorrected_false_discovery_share"]
    assert r["uncorrected_runs_with_a_false_flag"] > 0.5 > r["bh_runs_with_a_false_flag"]
    assert r["bonferroni_false_flags"] <= r["bh_false_flags"]
    assert r["bonferroni_flagged"] < r["bh_flagged"] < r["uncorrected_flagged"]


def test_fairness_criteria_conflict_when_base_rates_differ(results):
    r = results("fairness")
    se = r["rate_gap_se_at_half"]
    # calibrated within groups, different base rates, unbalanced scores
    assert r["ece_a"] < 0.02 and r["ece_b"] < 0.02
    assert r["base_rate_b"] - r["base_rate_a"] > 0.1
    assert r["mean_score_positives_b"] - r["mean_score_positives_a"] > 0.05
    assert r["mean_score_negatives_b"] - r["mean_score_negatives_a"] > 0.05
    # one threshold: every rate differs
    for m in ("selection", "tpr", "fpr"):
        assert r[f"single_threshold_{m}_gap"] > 5 * se
    # parity closes selection and opens TPR and PPV gaps
    assert abs(r["demographic_parity_selection_gap"]) < 0.01
    assert r["demographic_parity_tpr_gap"] < -3 * se
    assert r["demographic_parity_ppv_gap"] > 0.1
    # equal opportunity: TPR equal, FPR nearly so, precision far apart
    assert abs(r["equal_opportunity_tpr_gap"]) < 0.01
    assert abs(r["equal_opportunity_fpr_gap"]) < 3 * se
    assert r["equal_opportunity_ppv_gap"] > 0.1
    # every constraint costs accuracy
    assert r["demographic_parity_accuracy"] < r["single_threshold_accuracy"]
    assert r["equal_opportunity_accuracy"] < r["single_threshold_accuracy"]
