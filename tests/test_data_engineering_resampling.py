"""Lesson tests for the resampling and reweighted-loss section of Class imbalance:
each comparison is read against the 95% interval of its paired difference."""

LEVEL = ["oversample", "smote", "tomek", "class_weight", "focal"]


def test_no_treatment_beats_the_untreated_network(results):
    r = results("imbalance_resampling")
    for m in LEVEL + ["class_balanced", "undersample"]:
        assert r[f"{m}_pr_auc_diff"] - r[f"{m}_pr_auc_diff_ci"] < 0   # no gain beyond the spread
    for m in LEVEL:                                                    # "level": the interval holds zero
        assert abs(r[f"{m}_pr_auc_diff"]) < r[f"{m}_pr_auc_diff_ci"]
    # "slightly behind, just outside its interval"
    cb, cb_ci = r["class_balanced_pr_auc_diff"], r["class_balanced_pr_auc_diff_ci"]
    assert cb + cb_ci < 0 and cb > -0.03


def test_undersampling_a_flexible_model_loses_ranking(results):
    r = results("imbalance_resampling")
    assert r["undersample_pr_auc_diff"] + r["undersample_pr_auc_diff_ci"] < -0.05
    assert r["undersample_recall"] < r["none_recall"] - 0.2
    assert r["undersample_rows"] == 2 * r["train_positives"]
    assert r["tomek_removed"] < 0.02 * 3000                   # few rows sit in a Tomek link


def test_rebalancing_treatments_distort_probabilities(results):
    r = results("imbalance_resampling")
    for m in ["oversample", "smote", "class_weight"]:
        assert r[f"{m}_log_loss_diff"] - r[f"{m}_log_loss_diff_ci"] > 0
    assert abs(r["focal_log_loss_diff"]) < r["focal_log_loss_diff_ci"]
    assert abs(r["tomek_log_loss_diff"]) < r["tomek_log_loss_diff_ci"]
