"""Lesson tests for the training-serving skew section: each online bug costs
accuracy, the time-zone bug most; the window bug barely moves the AUC but costs
accuracy and log loss; the log of served features names the skewed feature; one
shared feature definition gives zero mismatches and the offline accuracy back.

The numbers are deterministic (seeded, no clock); the spread is over five seeds.
"""
FEATURES = ["hour_local", "visits_7d", "days_since_purchase"]
OWN = {"timezone": "hour_local", "window": "visits_7d",
       "missing_default": "days_since_purchase"}


def test_every_bug_costs_accuracy_in_every_seed(results):
    r = results("serving_skew")
    assert r["seeds"] >= 5
    for bug in ["timezone", "window", "missing_default", "all"]:
        assert r[f"{bug}_auc_loss_min"] > 0, bug
        assert r[f"{bug}_accuracy_loss_min"] > 0, bug
        assert r[f"{bug}_log_loss_gain_min"] > 0, bug
    # all three together cost more than any one alone, on average
    for bug in ["timezone", "window", "missing_default"]:
        assert r["all_auc_loss_mean"] > r[f"{bug}_auc_loss_mean"]


def test_timezone_bug_is_the_most_expensive_in_every_seed(results):
    r = results("serving_skew")
    assert r["timezone_auc_loss_min"] > r["window_auc_loss_max"]
    assert r["timezone_auc_loss_min"] > r["missing_default_auc_loss_max"]


def test_missing_default_touches_few_visits_but_costs_auc(results):
    r = results("serving_skew")
    share = r["mismatch_missing_default_days_since_purchase"]
    assert share < 0.15
    assert abs(share - r["never_bought_share"]) < 1e-3
    assert r["missing_default_auc_loss_min"] > 0


def test_window_bug_hides_from_auc_but_not_from_threshold_metrics(results):
    r = results("serving_skew")
    assert r["mismatch_window_visits_7d"] > 0.95           # nearly every visit
    assert r["window_auc_loss_mean"] < r["timezone_auc_loss_mean"] / 5
    assert r["window_accuracy_loss_min"] > 0
    assert r["window_accuracy_loss_mean"] > 2 * r["window_auc_loss_mean"]
    assert r["window_log_loss_gain_min"] > 0


def test_served_feature_log_pinpoints_the_skewed_feature(results):
    r = results("serving_skew")
    for bug, own in OWN.items():
        for feature in FEATURES:
            m = r[f"mismatch_{bug}_{feature}"]
            if feature == own:
                assert m > 0.03, (bug, feature)
                assert m == r[f"mismatch_all_{feature}"]
            else:
                assert m == 0, (bug, feature)
    # the time-zone mismatch is the share of visits by users not on UTC
    assert abs(r["mismatch_timezone_hour_local"] - r["zones_off_utc_share"]) < 0.05


def test_shared_definition_removes_the_skew(results):
    r = results("serving_skew")
    for feature in FEATURES:
        assert r[f"mismatch_shared_{feature}"] == 0
    assert r["shared_vs_pandas_train_mismatch"] == 0
    assert r["shared_auc_mean"] == r["offline_auc_mean"]
    assert r["shared_accuracy_mean"] == r["offline_accuracy_mean"]
    assert r["shared_auc_loss_max"] == 0
