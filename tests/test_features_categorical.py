"""Categorical features: each script's lesson, asserted on the numbers it printed in this build."""


def test_one_hot_costs_memory_and_hurts_the_forest(results):
    r = results("onehot_trees")
    assert r["onehot_columns"] == sum(r[f"distinct_{c}"] for c in
                                      ("sex", "embarked", "ticket", "cabin", "home_dest"))
    assert r["onehot_dense_mb"] > 100 * r["onehot_sparse_mb"]
    assert r["onehot_sparse_mb"] > r["ordinal_mb"]
    # the indicators do not help the forest (no better than integer codes or no column),
    # and the gap is small next to the spread across folds
    assert r["forest_auc_onehot"] < r["forest_auc_ordinal"]
    assert r["forest_auc_onehot"] < r["forest_auc_dropped"]
    assert r["forest_auc_ordinal"] - r["forest_auc_onehot"] < r["forest_auc_onehot_sd"] + r["forest_auc_ordinal_sd"]
    # dense one-hot input is far wider and slower for histogram boosting, and no better
    assert r["boosting_onehot_columns"] > 50 * r["boosting_ordinal_columns"]
    assert r["boosting_onehot_fit_s"] > 3 * r["boosting_ordinal_fit_s"]
    assert r["boosting_onehot_auc"] <= r["boosting_ordinal_auc"] + 0.01


def test_in_sample_target_encoding_leaks(results):
    r = results("target_encoding")
    assert r["naive_validation_auc"] - r["naive_test_auc"] > 0.15     # looks great, is not
    assert r["naive_test_auc"] < r["baseline_test_auc"] - 0.05        # worse than ignoring it
    assert abs(r["oof_optimism"]) < 0.03                              # honest validation
    assert abs(r["oof_test_auc"] - r["baseline_test_auc"]) < 0.02     # noise adds nothing
    assert r["corr_naive_encoding_label"] > 0.3 > abs(r["corr_oof_encoding_label"])


def test_hash_collisions_match_the_uniform_formula(results):
    r = results("feature_hashing")
    assert r["collision_max_abs_gap"] < 0.01
    for b in range(10, 25, 2):
        assert abs(r[f"collision_share_2pow{b}"] - r[f"expected_share_2pow{b}"]) < 0.01
    assert r["collision_share_2pow16"] > 0.5 > r["collision_share_2pow20"] > 0.05


def test_more_hash_columns_approach_exact_one_hot(results):
    r = results("feature_hashing")
    losses = [r[f"hashed_2pow{b}_logloss"] for b in range(8, 21, 2)]
    assert losses[0] - losses[-1] > 0.003
    assert all(a >= b - 1e-4 for a, b in zip(losses, losses[1:])), losses
    assert abs(losses[-1] - r["onehot_logloss"]) < 0.001
    assert r["true_probability_logloss"] < r["onehot_logloss"]


def test_cross_feature_lets_a_linear_model_fit_the_interaction(results):
    r = results("cross_features")
    assert r["main_auc"] < 0.6
    assert r["crossed_auc"] - r["main_auc"] > 0.05
    assert abs(r["crossed_auc"] - r["true_probability_auc"]) < 0.01
    assert r["boosting_raw_auc"] > r["main_auc"] + 0.05
