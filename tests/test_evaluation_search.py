"""Hyperparameter search: the lessons asserted on the printed numbers."""
import math


def test_grid_random_bayes_and_the_winners_curse(results):
    r = results("hyperparameter_search")
    # the grid never gets within the target; random and Bayesian search usually do
    assert r["grid_best_true_accuracy"] < r["target_true_accuracy"]
    assert r["grid_share_reaching_target"] == 0
    assert r["random_share_reaching_target"] > 0.5 and r["bayes_share_reaching_target"] > 0.5
    assert math.isfinite(r["random_median_evaluations_to_target"])
    assert r["random_median_evaluations_to_target"] < 40
    # final choices: Bayesian > random > grid, each step about two standard errors
    # (suggestive, not settled, as the text says)
    se = lambda a, b: (r[f"{a}_final_true_accuracy_se"] ** 2 + r[f"{b}_final_true_accuracy_se"] ** 2) ** 0.5
    for a, b in [("bayes", "random"), ("random", "grid")]:
        z = (r[f"{a}_final_true_accuracy"] - r[f"{b}_final_true_accuracy"]) / se(a, b)
        assert 1.5 < z < 3, (a, b, z)
    # the winner's curse: no optimism with one trial, growing with more
    assert abs(r["optimism_after_1_trials"]) < 3 * r["optimism_after_1_trials_se"]
    opt = [r[f"optimism_after_{n}_trials"] for n in (1, 3, 10, 30, 100, 300)]
    assert all(b > a for a, b in zip(opt, opt[1:]))
    assert r["optimism_after_300_trials"] > 1.5 * r["validation_noise_sd"]
    # held-out gains flatten while the optimism keeps growing
    late_gain = r["heldout_after_300_trials"] - r["heldout_after_30_trials"]
    late_optimism = r["optimism_after_300_trials"] - r["optimism_after_30_trials"]
    assert late_gain < late_optimism


def test_successive_halving_matches_random_search_for_less_work(results):
    r = results("successive_halving")
    assert abs(r["halving_minus_random_test"]) < 3 * max(r["halving_minus_random_test_se"], 0.002)
    assert r["work_ratio"] > 4
    assert r["halving_cpu_seconds"] < r["random_cpu_seconds"]
    assert r["halving_best_cv_accuracy"] < r["random_best_cv_accuracy"]
