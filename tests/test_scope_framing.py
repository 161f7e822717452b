"""Each framing-chapter script's lesson, asserted on the numbers it printed."""


def test_rule_wins_until_labels_arrive(results):
    r = results("framing_heuristic_first")
    # with a handful of labels the model is far behind the rule
    assert r["model_caught_n25"] < r["rule_caught"] - 0.08
    assert r["model_caught_n200"] < r["rule_caught"]
    # with plenty of labels it is clearly ahead, close to the true-probability ceiling
    assert r["model_caught_n12800"] > r["rule_caught"] + 0.04
    assert r["truth_caught"] - r["model_caught_n12800"] < 0.03
    # the crossover needs hundreds of rows, not tens and not tens of thousands
    assert 100 <= r["model_crossover_n"] <= 3200
    # the rule as a feature helps the model with few labels and does not hurt with many
    assert r["hybrid_caught_n25"] > r["model_caught_n25"]
    assert r["hybrid_caught_n200"] > r["model_caught_n200"]
    # paired over the ten samples, the gain is beyond two standard errors at every size
    assert r["hybrid_clear_gain_sizes"] == 14
    assert r["hybrid_auc_gain_n12800"] > 2 * r["hybrid_auc_gain_n12800_se"]
    assert 0 < r["hybrid_caught_gain_n12800"] < 0.02
    assert r["hybrid_auc_n12800"] >= r["model_auc_n12800"]


def test_decoupled_objectives_trace_the_frontier_without_retraining(results):
    r = results("framing_decoupled_objectives")
    # the two objectives conflict: each extreme sacrifices the other
    assert r["decoupled_a1_click_rate"] > r["decoupled_a05_click_rate"] > r["decoupled_a0_click_rate"]
    assert r["decoupled_a0_quality"] > r["decoupled_a05_quality"] > r["decoupled_a1_quality"]
    # the frontier bulges outwards: the middle weight beats the straight line
    # between the two extremes (shares of each objective's range add up to more than 1)
    click_share = ((r["decoupled_a05_click_rate"] - r["decoupled_a0_click_rate"])
                   / (r["decoupled_a1_click_rate"] - r["decoupled_a0_click_rate"]))
    quality_share = ((r["decoupled_a05_quality"] - r["decoupled_a1_quality"])
                     / (r["decoupled_a0_quality"] - r["decoupled_a1_quality"]))
    assert click_share + quality_share > 1.1
    # blending scores at serving loses nothing against a model per blended label
    assert r["max_gap_click_rate"] < 0.02
    assert r["max_gap_quality"] < 0.1
    # and a whole sweep of re-ranking is cheaper than a single retraining
    assert r["rerank_all_weights_s"] < r["blended_fit_s_per_weight"]


def test_squared_loss_is_pulled_by_outliers_and_robust_losses_are_not(results):
    r = results("loss_outliers")
    assert r["mse_slope_error_0pct"] < 0.05                       # all fine on clean data
    assert r["mse_slope_error_5pct"] > 5 * r["mae_slope_error_5pct"]
    assert r["mse_slope_error_20pct"] > 0.3                       # a tenth of the slope or more
    for share in (5, 10, 20):
        assert r[f"mae_slope_error_{share}pct"] < 0.05
        assert r[f"huber_slope_error_{share}pct"] < 0.05
    # Huber breaks down under heavy contamination, the median does not
    assert r["huber_slope_error_40pct"] > 3 * r["mae_slope_error_40pct"]
    assert r["huber_scale_40pct"] > 3 * r["huber_scale_0pct"]
    # the price of the median: more variance on clean data
    assert r["mae_slope_sd_clean"] > 1.05 * r["mse_slope_sd_clean"]
    assert r["huber_slope_sd_clean"] < 1.15 * r["mse_slope_sd_clean"]


def test_log_loss_prices_confidence_and_differs_from_reported_metrics(results):
    r = results("loss_vs_metric")
    assert r["logloss_p0_001"] > 6 > 1 > r["squared_p0_001"]
    assert r["one_mistake_at_0_001_equals_correct_at_0_99"] > 500
    # lower log loss, lower AUC: A against B
    assert r["a_logloss"] < r["b_logloss"] - 0.05
    assert r["a_auc"] < r["b_auc"] - 0.03
    # recalibration keeps the order and fixes the loss
    assert abs(r["c_auc"] - r["b_auc"]) < 1e-3
    assert abs(r["c_logloss"] - r["truth_logloss"]) < 0.005
    assert abs(r["c_mean_prediction"] - r["positive_rate"]) < 0.01
    # overconfidence: same AUC and accuracy, far worse log loss, driven by few rows
    assert abs(r["d_auc"] - r["c_auc"]) < 1e-3 and abs(r["d_accuracy"] - r["c_accuracy"]) < 1e-3
    assert r["d_logloss"] > r["c_logloss"] + 0.1
    assert r["d_worst_1pct_share_of_logloss"] > 1.3 * r["c_worst_1pct_share_of_logloss"]
    # accuracy is a step function: flat almost everywhere; log loss never is
    assert r["accuracy_flat_steps_pct"] > 80
    assert r["accuracy_distinct_values"] < 30
    assert r["logloss_flat_steps_pct"] < 1


def test_better_offline_auc_loses_revenue_when_miscalibrated(results):
    r = results("metrics_disagree")
    # offline: the new model ranks better, but its probabilities are inflated
    assert r["new_offline_auc"] > r["current_offline_auc"] + 0.005
    # the lead is about nine paired-bootstrap standard errors
    assert 6 < r["new_auc_lead"] / r["new_auc_lead_se"] < 13
    assert r["new_offline_logloss"] > r["current_offline_logloss"]
    assert r["new_mean_predicted_ctr"] > 2 * r["log_click_rate"]
    # in the auction it loses revenue, clearly beyond the paired standard error
    assert r["new_revenue_per_1000"] < r["current_revenue_per_1000"]
    assert r["new_revenue_loss_pct"] > 3 * r["new_revenue_loss_pct_se"]
    # corrected, the same ranking wins revenue too
    assert abs(r["new_corrected_offline_auc"] - r["new_offline_auc"]) < 1e-3
    assert r["corrected_revenue_gain_pct"] > 3 * r["corrected_revenue_gain_pct_se"]
    assert r["truth_revenue_per_1000"] >= r["new_corrected_revenue_per_1000"]
    # online and business metrics disagree: most clicks, least revenue
    assert r["ctr_only_clicks_per_1000"] > max(r["current_clicks_per_1000"],
                                               r["new_corrected_clicks_per_1000"])
    assert r["ctr_only_revenue_per_1000"] < min(r["current_revenue_per_1000"],
                                                r["new_revenue_per_1000"])
