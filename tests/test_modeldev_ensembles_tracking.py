"""Lesson tests for the Ensembles, Experiment tracking, Perplexity and Checkpointing
sections: each asserts the qualitative claim the prose makes, with a margin."""


def test_bagging_cuts_variance_not_bias(results):
    r = results("ensembles_bagging_boosting")
    assert r["bagged_variance"] < r["tree_variance"] / 3
    # bias roughly unchanged (within 30%), while the total error falls a lot
    assert abs(r["bagged_bias2"] - r["tree_bias2"]) < 0.3 * r["tree_bias2"]
    assert r["bagged_mse"] < 0.6 * r["tree_mse"]
    # correlated members: the reduction is well short of 25-fold
    assert 0.02 < r["member_correlation"] < 0.5
    assert r["variance_ratio"] < 25


def test_more_bagged_trees_do_not_hurt(results):
    r = results("ensembles_bagging_boosting")
    # one bootstrap tree is about as good as a tree on all rows (one fit of each)
    assert abs(r["bagged_mse_1_trees"] - r["tree_mse_first_set"]) < 0.1 * r["tree_mse_first_set"]
    assert r["bagged_mse_10_trees"] < 0.6 * r["bagged_mse_1_trees"]
    assert r["bagged_mse_100_trees"] <= r["bagged_mse_10_trees"] + 0.05


def test_boosting_overfits_and_shrinkage_helps(results):
    r = results("ensembles_bagging_boosting")
    assert r["gb_lr05_final_test_loss"] > r["gb_lr05_best_test_loss"] + 0.1
    assert r["gb_lr05_final_train_loss"] < r["bayes_log_loss"] / 2   # memorised noise
    # the two minima are similar (one training set cannot rank them)
    assert abs(r["gb_lr01_best_test_loss"] - r["gb_lr05_best_test_loss"]) < 0.03
    assert r["gb_lr01_best_stage"] > 3 * r["gb_lr05_best_stage"]
    for key in ("gb_lr05_best_test_loss", "gb_lr01_best_test_loss", "hgb_15000_test_loss"):
        assert r[key] > r["bayes_log_loss"]                           # nobody beats the truth


def test_hist_boosting_is_fast_and_scales(results):
    r = results("ensembles_bagging_boosting")
    assert r["hgb_1500_fit_s"] < r["gb_lr01_fit_s"] / 3
    assert r["hgb_15000_test_loss"] < r["gb_lr01_best_test_loss"] - 0.01


def test_in_sample_stacking_leaks(results):
    r = results("ensembles_stacking")
    assert r["insample_validation_auc"] > 0.98
    assert r["insample_gap"] > 0.1
    assert abs(r["oof_gap"]) < 0.05
    assert r["oof_test_auc"] > r["insample_test_auc"] + 0.01
    # On the first draw the leaky stack is worse than its best member, the honest one
    # a little better ...
    assert r["insample_test_auc"] < r["boosting_test_auc"]
    assert r["oof_test_auc"] > r["boosting_test_auc"]
    # ... but over redrawn training sets only the first holds: the in-sample stack
    # trails boosting and the plain average in every draw, by more than 2 standard
    # errors, while the honest stack is level with boosting (within 2 standard errors).
    n = r["training_draws"]
    assert n >= 4
    se = {k: r[f"{k}_sd"] / n ** 0.5 for k in ["insample_minus_boosting",
                                               "insample_minus_average",
                                               "oof_minus_insample", "oof_minus_boosting"]}
    for k in ["insample_minus_boosting", "insample_minus_average"]:
        assert r[f"{k}_mean"] < -2 * se[k] and r[f"{k}_wins"] == 0, k
    assert r["oof_minus_insample_mean"] > 2 * se["oof_minus_insample"]
    assert r["oof_minus_insample_wins"] == n
    assert abs(r["oof_minus_boosting_mean"]) < 2 * se["oof_minus_boosting"]
    assert 0 < r["oof_minus_boosting_wins"] < n
    assert r["insample_weight_boosting"] > 2 * r["oof_weight_boosting"]
    assert r["sklearn_vs_manual_max_diff"] < 1e-8
    assert r["oof_test_auc"] < r["truth_test_auc"]


def test_tracker_reproduces_best_run(results):
    r = results("experiment_tracking")
    assert r["run_files"] == 4
    assert r["logged_lines"] == 20
    assert r["reproduced_max_abs_diff"] == 0.0
    assert r["reproduced_val_loss"] == r["best_val_loss"]
    assert r["best_val_loss"] < r["second_val_loss"] < r["worst_val_loss"]
    # Both configurations re-seeded: the ranges overlap, the runner-up's sweep seed
    # was its worst, and the mean gap is positive but within two standard errors.
    assert r["second_seed_val_loss_min"] < r["seed_val_loss_max"]
    assert r["second_seed_val_loss_max"] == r["second_val_loss"]
    assert 0 < r["seed_mean_gap"] < 2 * r["seed_mean_gap_se"]
    assert r["data_hash"] != r["changed_data_hash"]
    assert r["test_acc_best"] > 0.9


def test_perplexity_limits(results):
    r = results("perplexity")
    assert abs(r["uniform_perplexity"] - r["outcomes"]) < 1e-6
    assert abs(r["true_model_perplexity"] / r["perplexity_floor"] - 1) < 0.02
    assert r["unigram_floor"] > 3 * r["perplexity_floor"]
    for n in (100, 1000, 10000):
        assert r[f"n{n}_mle_perplexity"] == "inf"
        assert r[f"n{n}_unseen_test_bigrams"] > 0
        for model in ("laplace", "kn", "neural"):
            assert r[f"n{n}_{model}_perplexity"] > 0.995 * r["true_model_perplexity"]
    for model in ("laplace", "kn", "neural"):       # approach the floor from above
        assert r[f"n100_{model}_perplexity"] > r[f"n1000_{model}_perplexity"] \
            > r[f"n10000_{model}_perplexity"]
        assert r[f"n10000_{model}_perplexity"] < 1.05 * r["perplexity_floor"]
    assert r["n10000_kn_perplexity"] < r["n10000_laplace_perplexity"]
    assert r["n100_kn_perplexity"] < r["n100_laplace_perplexity"]
    assert abs(r["nltk_api_laplace_perplexity"] - r["n10000_laplace_perplexity"]) < 1e-3
    assert 0.8 * r["outcomes"] < r["untrained_net_perplexity"] < 2 * r["outcomes"]


def test_full_checkpoint_resumes_exactly(results):
    r = results("checkpointing")
    assert r["full_identical"] == 1 and r["full_max_abs_diff"] == 0.0
    assert r["full_val_loss"] == r["straight_val_loss"]
    for variant in ("no_optimizer", "no_rng", "no_loader_rng"):
        assert r[f"{variant}_identical"] == 0
        assert r[f"{variant}_max_abs_diff"] > 1e-3
    assert r["checkpoint_kb"] > 2.5 * r["weights_kb"]       # optimizer moments travel too


def test_best_checkpoint_is_served(results):
    r = results("checkpointing")
    assert r["best_epoch"] < r["stopped_epoch"]
    assert r["stopped_epoch"] - r["best_epoch"] == 20
    assert r["last_val_loss"] > r["best_val_loss"]
    assert r["reloaded_matches_best"] == 1


def test_ensemble_diagrams_are_drawn(results):
    from pathlib import Path
    img = Path(__file__).resolve().parent.parent / "img" / "04-modeling"
    assert results("ensembles_diagrams")["figures"] == 2
    for part in ("bagging_boosting", "stacking"):
        assert (img / f"ensembles_diagrams-{part}.png").stat().st_size > 20_000
