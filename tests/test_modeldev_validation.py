"""Lesson tests for the model-development drafts: each asserts the claim the prose
makes, with a margin, on the numbers the script printed."""


def test_eda_checks_find_the_planted_and_the_real_problems(results):
    r = results("eda_overview")
    assert r["constant_columns"] == 1                      # only the planted lab_site
    assert r["leak_corr"] > 0.9 > r["best_real_corr"]      # the leak stands out
    assert r["most_skewed_skew"] > 3
    assert abs(r["most_skewed_log_skew"]) < r["most_skewed_skew"] / 3
    assert r["most_skewed_outlier_share"] > 0.05           # a skewed tail looks like outliers
    # the zeros come as whole rows of concavity columns, not scattered
    assert r["zero_rows"] >= 5 and r["zero_rows"] == r["zero_rows_all_concavity"]
    assert r["pairs_above_095"] >= 5 and r["radius_perimeter_corr"] > 0.99


def test_tsne_keeps_neighbourhoods_pca_keeps_more_global_structure(results):
    r = results("eda_pca_tsne")
    assert r["pca_explained_2"] < 0.5 and r["pca_components_for_90"] > 10
    assert r["tsne_trustworthiness"] > r["pca_trustworthiness"] + 0.1
    assert r["tsne_same_label_10nn"] > r["pca_same_label_10nn"] + 0.2
    assert r["tsne_same_label_10nn"] > r["original_same_label_10nn"] - 0.03
    assert r["pca_distance_spearman"] > r["tsne_distance_spearman"]
    assert r["tsne_seconds"] > 10 * r["pca_seconds"]


def test_deep_trees_memorise_label_noise(results):
    r = results("overfitting_depth")
    assert r["clean_full_train_acc"] > 0.999 and r["noisy_full_train_acc"] > 0.999
    assert r["clean_full_gap"] > 0.02
    assert r["noisy_full_gap"] > 2 * r["clean_full_gap"]
    assert r["noisy_best_test_acc"] > r["noisy_full_test_acc"] + 0.05
    assert r["noisy_best_test_depth"] <= 4
    assert r["noisy_flipped_fit_full"] > 0.95
    assert r["noisy_flipped_fit_best_depth"] < 0.5
    assert r["noisy_full_leaves"] > 1.5 * r["clean_full_leaves"]
    assert r["noisy_depth1_train_acc"] < r["noisy_depth1_test_acc"]


def test_picking_depth_on_test_flatters_the_test_score(results):
    r = results("overfitting_depth")
    for name in ["clean", "noisy"]:
        assert r[f"{name}_test_if_depth_picked_on_test"] > r[f"{name}_test_if_depth_picked_on_val"]
    assert r["clean_test_if_depth_picked_on_test"] > r["clean_test_if_depth_picked_on_val"] + 0.005


def test_stratification_fixes_fold_composition(results):
    r = results("cross_validation")
    assert r["kfold_sorted_empty_folds"] >= 3
    assert r["shuffled_10fold_empty_share"] > 0.03
    assert abs(r["shuffled_10fold_empty_share"] - r["expected_empty_share"]) < 0.03   # ~3 binomial SE over 1,000 folds
    assert r["stratified_positives_min"] == r["stratified_positives_max"] == 2
    assert r["fold_mean_sd_binned"] < r["fold_mean_sd_kfold"] / 2


def test_holdout_is_noisy_and_kfold_schemes_agree(results):
    r = results("cross_validation")
    assert r["holdout_mse_sd"] > 5 * r["kfold10_estimate_sd"]
    assert r["kfold5_estimate_sd"] > r["kfold10_estimate_sd"] * 0.9
    for key in ["kfold5_mse_mean", "kfold10_mse_mean", "holdout_mse_mean"]:
        assert abs(r[key] - r["loo_mse"]) / r["loo_mse"] < 0.05
    assert r["loo_shortcut_abs_diff"] < 1e-6
    assert r["loo_fold_sd"] > r["kfold10_fold_sd"] > r["kfold5_fold_sd"]


def test_groups_and_time_need_their_own_folds(results):
    r = results("cross_validation")
    assert r["random_kfold_test_rows_with_patient_in_train"] > 0.9
    assert r["group_random_kfold_mse"] < 0.7 * r["group_new_patients_mse"]
    assert abs(r["group_groupkfold_mse"] - r["group_new_patients_mse"]) < 0.15 * r["group_new_patients_mse"]
    assert r["ts_shuffled_kfold_mse"] < 0.2 * r["ts_future_mse"]
    assert 1.5 < r["ts_shuffled_kfold_mse"] < 3     # about twice the noise variance of 1
    assert r["ts_timeseriessplit_mse"] > 0.5 * r["ts_future_mse"]
    assert abs(r["ts_timeseriessplit_mse"] - r["ts_future_mse"]) < 3 * r["ts_future_mse_standard_error"]


def test_bias_variance_decomposition_adds_up_and_trades_off(results):
    r = results("bias_variance")
    assert r["poly_max_relative_gap"] < 0.03 and r["knn_max_relative_gap"] < 0.03
    best = int(r["poly_best"])
    assert 2 < best < 10
    assert r["poly_0_bias2"] > 10 * r["poly_0_variance"]             # simple: bias
    assert r["poly_12_variance"] > 100 * r[f"poly_{best}_variance"]   # complex: variance
    assert r[f"poly_{best}_bias2"] < 0.05 * r["poly_0_bias2"]
    assert r["noise"] < r["poly_best_mse"] < 2 * r["noise"]
    k = int(r["knn_best"])
    assert 1 < k < 30
    assert r["knn_30_bias2"] > 10 * r[f"knn_{k}_bias2"] > 10 * r["knn_1_bias2"]
    assert r["knn_1_variance"] > 2 * r["knn_30_variance"]
    assert r["knn_best_mse"] < min(r["knn_1_mse"], r["knn_30_mse"])


def test_l1_gives_exact_zeros_and_wins_on_sparse_truth(results):
    r = results("regularization_paths")
    assert r["ridge_path_zeros_max"] == 0 and r["ridge_zero_coefs"] == 0
    assert r["lasso_path_zeros_max"] >= 35
    assert r["lasso_zero_coefs"] >= 15 and r["lasso_true_kept"] == 5
    assert r["lasso_test_mse"] < min(r["ridge_test_mse"], r["ols_test_mse"]) - 0.5
    assert r["lasso_coef_error"] < 0.6 * r["ridge_coef_error"]
    assert r["first_false_neighbours_true"] >= 1


def test_lambda_sets_the_end_point_eta_sets_the_speed(results):
    r = results("regularization_lr")
    norms = [r[f"norm_lam_{t}"] for t in ["0", "0p01", "0p1", "1", "10"]]
    assert all(a > b for a, b in zip(norms, norms[1:]))
    assert r["gd_vs_closed_form_max_diff"] < 1e-8
    assert r["end_points_max_spread"] < 1e-8
    steps = [r[f"steps_eta_{p}pct"] for p in [10, 25, 50, 90]]
    assert all(a > b for a, b in zip(steps, steps[1:]))
    assert 5 < steps[0] / steps[-1] < 13                      # roughly 1 / eta
    assert r["steps_eta_105pct"] == "never"
    assert r["eta_times_L_plus_lam_at_lam2"] > 2 and r["blow_up_steps_lam2_same_eta"] < 200


def test_where_a_larger_learning_rate_does_enlarge_weights(results):
    r = results("regularization_lr")
    assert r["early_norm_high_eta"] > r["early_norm_low_eta"] + 0.3
    assert r["final_norm_spread"] < 1e-8
    assert r["decoupled_norm_high_eta"] > r["decoupled_norm_low_eta"] + 0.3
    assert r["decoupled_vs_ridge_d_over_eta"] < 1e-8
    dead = [r["dead_weight_eta_0p5_lam_0p02"], r["dead_weight_eta_0p1_lam_0p1"],
            r["dead_weight_eta_0p01_lam_1"]]
    assert max(dead) - min(dead) < 1e-4 and abs(dead[0] - r["dead_weight_formula"]) < 1e-4
