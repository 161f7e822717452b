"""The evaluation chapter's metric lessons, asserted on the numbers the scripts printed."""


def test_classification_metrics_asymmetry_costs_and_imbalance(results):
    r = results("classification_metrics")
    # hand-written formulas match scikit-learn
    assert r["max_diff_vs_sklearn"] < 1e-12
    assert r["tp"] + r["fn"] == 1000
    # F2 leans to recall, F0.5 to precision
    assert r["recall"] > r["precision"]
    assert r["f05"] < r["f1"] < r["f2"]
    # swapping the positive class: accuracy and ROC AUC unchanged, F1 and AP change a lot
    assert r["accuracy_swapped"] == r["accuracy"]
    assert abs(r["auc_swapped"] - r["auc"]) < 1e-9
    assert r["f1_swapped"] > r["f1"] + 0.3
    assert r["ap_swapped"] > r["ap"] + 0.3
    # the cost threshold: the swept optimum sits near 1/51, far below 0.5 and the F1 peak
    assert abs(r["swept_best_threshold"] - r["bayes_threshold"]) < 0.01
    assert r["f1_best_threshold"] > 3 * r["bayes_threshold"]
    assert r["cost_at_0_5"] > 0.95 * r["cost_flag_nothing"]
    assert r["cost_at_bayes"] < 0.8 * r["cost_at_f1_best"]
    assert r["cost_at_bayes"] - r["cost_swept_best"] < 0.03 * r["cost_swept_best"]
    assert r["precision_at_bayes"] < 0.1 < 0.5 < r["recall_at_bayes"]
    # ROC AUC stays near the truth at every base rate; AP collapses
    for key in ("0_5", "0_1", "0_01", "0_001"):
        assert abs(r[f"auc_rate_{key}"] - r["true_auc"]) < 0.02
    assert r["ap_rate_0_5"] > r["ap_rate_0_1"] > r["ap_rate_0_01"] > r["ap_rate_0_001"]
    assert r["ap_rate_0_001"] < 0.05 < 0.8 < r["ap_rate_0_5"]


def test_ranking_metrics_match_library_and_disagree(results):
    r = results("ranking_metrics")
    assert r["max_diff_vs_sklearn"] < 1e-9
    for key in ("ndcg_lin", "ndcg_exp", "map_full"):
        assert abs(r[key] - r[f"{key}_sklearn"]) < 1e-9
    # the 2002 form (no discount at position 2) differs from the log2(i+1) form
    assert abs(r["ndcg_jarvelin"] - r["ndcg_lin"]) > 1e-3
    # the hand-built query: three metrics, three different winners
    assert r["best_by_rr"] == "star_first" and r["best_by_ndcg_exp_at_5"] == "star_first"
    assert r["best_by_p_at_5"] == "many_fair" and r["best_by_ap_at_5"] == "many_fair"
    assert r["best_by_ndcg_lin_at_5"] == "late_start"
    assert r["star_first_p_at_5"] < r["many_fair_p_at_5"]
    assert r["many_fair_ndcg_exp_at_5"] < min(r["star_first_ndcg_exp_at_5"],
                                              r["late_start_ndcg_exp_at_5"])
    # random ranker pairs: the NDCG variants agree most often, RR and P@10 least
    assert r["disagree_ndcg_lin_ndcg_exp"] < r["disagree_p10_ndcg_exp"]
    assert r["disagree_ndcg_lin_ndcg_exp"] < r["disagree_p10_rr"]
    assert r["disagree_p10_rr"] > 0.1
    assert r["disagree_ndcg_lin_ndcg_exp"] > 0.02      # they do still disagree
    assert r["ties_p10"] > 0.05 > r["ties_ndcg_exp"]


def test_rank_losses_ignore_query_level_and_pointwise_does_not(results):
    r = results("learning_to_rank")
    assert r["gradient_check_max_error"] < 1e-5
    # without a query effect the three objectives are level (within 3 standard errors)
    for a, b in [("pairwise", "pointwise"), ("listwise", "pointwise"), ("listwise", "pairwise")]:
        assert abs(r[f"flat_{a}_minus_{b}"]) <= 3 * max(r[f"flat_{a}_minus_{b}_se"], 0.001)
        assert abs(r[f"query_effect_listwise_minus_pairwise"]) <= 3 * max(
            r["query_effect_listwise_minus_pairwise_se"], 0.001)
    assert r["flat_truth_ndcg"] - r["flat_pointwise_ndcg"] < 0.01
    # with it, pointwise falls far behind, well beyond the seed noise
    gap, se = r["query_effect_pairwise_minus_pointwise"], r["query_effect_pairwise_minus_pointwise_se"]
    assert gap > 0.1 and gap > 5 * se
    assert r["query_effect_listwise_minus_pointwise"] > 5 * r["query_effect_listwise_minus_pointwise_se"]
    assert r["query_effect_truth_ndcg"] - r["query_effect_pairwise_ndcg"] < 0.02
    # centring features within each query repairs the pointwise model
    assert r["query_effect_truth_ndcg"] - r["query_effect_pointwise_centred_ndcg"] < 0.02
