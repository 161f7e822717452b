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
