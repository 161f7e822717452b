"""Baselines and behavioural tests: the lessons asserted on the printed numbers."""


def test_baselines_and_a_headline_that_loses_to_the_zero_rule(results):
    r = results("baselines")
    se = lambda k: 3 * r[f"{k}_minus_zero_rule_se"]
    # random and the heuristic lose accuracy to the zero rule, clearly
    assert r["random_minus_zero_rule"] < -se("random")
    assert r["heuristic_minus_zero_rule"] < -se("heuristic")
    # yet the heuristic ranks and recalls what the zero rule cannot
    assert r["heuristic_auc"] > 0.65 and r["heuristic_recall"] > 0.15 > r["zero_rule_recall"]
    # the existing model: no gain beyond three standard errors in accuracy, a real AUC
    assert abs(r["existing_minus_zero_rule"]) < 3 * r["existing_minus_zero_rule_se"]
    assert r["existing_recall"] < 0.05 and r["existing_auc"] > 0.7
    # the new model beats the zero rule and the existing model beyond the noise
    assert r["new_minus_zero_rule"] > se("new")
    assert r["new_minus_existing_auc"] > 3 * r["new_minus_existing_auc_se"]
    assert r["truth_accuracy"] - r["new_accuracy"] < 0.01
    # the headline number: fine on a balanced test, far below the zero rule in reality
    assert r["headline_balanced_accuracy"] > 0.7
    assert r["headline_minus_zero_rule"] < -0.05 and r["headline_minus_zero_rule"] < -se("headline")
    assert abs(r["headline_model_auc"] - r["new_auc"]) < 0.02
    # annotators: high raw agreement, low kappa; the majority is level with the model
    assert r["annotator_agreement"] > 0.85 and r["annotator_kappa_mean"] < 0.4
    assert abs(r["human_majority_minus_new"]) < 3 * r["human_majority_minus_new_se"]


def test_behavioural_tests_catch_what_heldout_accuracy_misses(results):
    r = results("behavioural_tests")
    se = 3 * max(r["shipped_heldout_accuracy_se"], r["repaired_heldout_accuracy_se"])
    # held-out accuracy: the two models are level
    assert abs(r["shipped_heldout_accuracy"] - r["repaired_heldout_accuracy"]) < se
    assert r["heldout_negated_share"] < 0.03
    # the tests separate them far beyond the failure-rate noise
    for t in ("mft_negation", "inv_city_leeds", "inv_name_group"):
        se = (r[f"shipped_{t}_se"] ** 2 + r[f"repaired_{t}_se"] ** 2) ** 0.5
        assert r[f"shipped_{t}"] - r[f"repaired_{t}"] > 5 * se, t
    assert r["repaired_inv_city_leeds"] < 0.01 and r["repaired_inv_name_group"] < 0.01
    # and the population the tests stand for agrees with them
    assert r["repaired_population_accuracy"] > r["shipped_population_accuracy"] + 0.015
    # what the tests also show: DIR passes for both, the typo defect is in both
    assert r["shipped_dir_insert_not"] < 0.01 and r["repaired_dir_insert_not"] < 0.01
    assert r["repaired_not_mean_abs_shift"] > r["shipped_not_mean_abs_shift"] + 0.1
    assert r["shipped_inv_typo"] > 0.2 and r["repaired_inv_typo"] > 0.2
