"""Lesson tests for the After-launch section on debugging ML systems.

Each planted bug must be caught by its check with a clear margin: the bugged
pipeline's value lies outside the healthy pipeline's range over all five seeds
(the `_lo` and `_hi` keys are the lowest and highest seed)."""
import math


def test_the_healthy_pipeline_passes_every_check(results):
    r = results("debugging")
    assert abs(r["log_c"] - math.log(5)) < 1e-3
    # the loss before the first step is the loss of knowing nothing
    assert abs(r["healthy_init_loss_lo"] - r["log_c"]) < 0.2
    assert abs(r["healthy_init_loss_hi"] - r["log_c"]) < 0.2
    assert r["healthy_batch_loss_hi"] < 0.05                 # memorises 32 rows
    assert r["healthy_train_loss_ratio_hi"] < 0.5            # leaves the constant prediction far behind
    assert 0 < r["bayes_acc"] - r["healthy_val_acc"] < 0.05  # "just under the Bayes accuracy"
    assert r["constant_loss"] <= r["log_c"]                  # H(pi) <= log C


def test_shuffled_labels_caught_by_the_loss_of_a_constant_prediction(results):
    r = results("debugging")
    # training loss stays near the constant prediction's in every seed, far from the healthy run
    assert r["shuffled_labels_train_loss_ratio_lo"] > 0.85
    assert r["shuffled_labels_train_loss_ratio_lo"] > 2 * r["healthy_train_loss_ratio_hi"]
    # ... while one batch is memorised as well as the healthy one: the loop works
    assert r["shuffled_labels_batch_loss_hi"] < 0.05
    assert abs(r["shuffled_labels_init_loss"] - r["log_c"]) < 0.2
    # validation accuracy near the majority-class rate
    assert abs(r["shuffled_labels_val_acc"] - r["majority_acc"]) < 0.05
    assert r["shuffled_labels_val_acc_hi"] < r["healthy_val_acc_lo"] - 0.3
    # smaller first gradient norm on average, but the ranges overlap: no alarm on its own
    assert r["shuffled_labels_grad_norm"] < r["healthy_grad_norm"]
    assert r["shuffled_labels_grad_norm_hi"] > r["healthy_grad_norm_lo"]


def test_dead_learning_rate_caught_by_overfitting_one_batch(results):
    r = results("debugging")
    assert r["dead_lr_batch_loss_lo"] > 0.9 * r["log_c"]
    assert abs(r["dead_lr_batch_loss"] - r["log_c"]) < 0.15    # "still at log C"
    assert r["dead_lr_batch_loss_lo"] > 20 * r["healthy_batch_loss_hi"]
    # same gradients, no steps
    assert r["dead_lr_grad_norm"] == r["healthy_grad_norm"]
    assert r["dead_lr_weight_change_hi"] < 1e-3 * r["healthy_weight_change_lo"]
    assert r["dead_lr_train_loss_ratio_lo"] > 0.95


def test_skipped_standardisation_caught_before_the_first_step(results):
    r = results("debugging")
    # "more than a hundred times log C in every seed"
    assert r["raw_features_init_loss_lo"] > 100 * r["log_c"]
    assert r["raw_features_init_loss_lo"] > 50 * r["healthy_init_loss_hi"]
    assert r["raw_features_grad_norm_lo"] > 100 * r["healthy_grad_norm_hi"]
    # the symptom: accuracy far below the healthy model's in every seed
    assert r["raw_features_val_acc_hi"] < r["healthy_val_acc_lo"] - 0.1


def test_leaked_feature_caught_by_ablation(results):
    r = results("debugging")
    # too good to be true, and gone in production
    assert r["leaked_feature_val_acc_lo"] > r["bayes_acc_hi"]
    assert r["leaked_feature_serve_acc_hi"] < r["healthy_serve_acc_lo"] - 0.05
    # the largest drop alone does not separate the extracts: the ranges overlap
    assert r["leaked_feature_top_drop_lo"] < r["healthy_top_drop_hi"]
    assert r["healthy_top_drop_lo"] < r["leaked_feature_top_drop_hi"]
    assert abs(r["leaked_feature_top_drop"] - r["healthy_top_drop"]) < 0.05
    # what separates them: the genuine features become worthless, the top drop dominates
    assert r["leaked_feature_genuine_drop_sum_hi"] < 0.2 * r["healthy_genuine_drop_sum_lo"]
    assert r["leaked_feature_top_drop_share_lo"] > 1.5 * r["healthy_top_drop_share_hi"]


def test_serving_skew_caught_by_slice_errors(results):
    r = results("debugging")
    se = r["slice_gap_se"]
    # healthy serving and the bugs that leave serving alone stay within three standard errors
    for bug in ("healthy", "shuffled_labels", "dead_lr", "raw_features"):
        assert r[f"{bug}_worst_slice_gap_hi"] < 3 * se, bug
    assert r["serving_skew_other_regions_gap_hi"] < 3 * se
    assert r["serving_skew_worst_slice_gap_lo"] > 10 * r["healthy_worst_slice_gap_hi"]
    assert r["serving_skew_region_gap_lo"] > 10 * se
    # offline nothing changed; the aggregate dilutes the region's gap about four times
    assert r["serving_skew_val_acc"] == r["healthy_val_acc"]
    assert 3 < r["serving_skew_region_gap"] / r["serving_skew_overall_gap"] < 5.5
    assert r["serving_skew_overall_gap_lo"] > 3 * se             # visible, but could pass for drift
    # the same check fires for the leak, as any serving-versus-offline comparison would
    assert r["leaked_feature_worst_slice_gap_lo"] > 10 * se


def test_the_leak_costs_more_than_all_other_features_together(results):
    r = results("debugging")
    # "a feature whose removal costs more than all the others together"
    assert r["leaked_feature_top_drop_share_lo"] > 0.5 > r["healthy_top_drop_share_hi"]
