"""Lesson tests for the alignment section (seeded; 4,000 samples per estimate)."""


def test_sft_and_reward_model_learn_the_taste(results):
    r = results("dpo_tiny")
    assert r["sft_mean_score"] > r["base_mean_score"] + 1
    assert r["base_win_rate_vs_sft"] < 0.3
    assert abs(r["reward_weight_token3"] - 1) < 0.2
    assert abs(r["reward_weight_token7"] + 1) < 0.2
    assert abs(r["reward_model_pair_accuracy"] - r["true_score_pair_accuracy"]) < 0.03


def test_beta_trades_kl_for_win_rate(results):
    r = results("dpo_tiny")
    betas = ["1", "0p3", "0p1", "0p03"]
    wins = [r[f"dpo_beta{b}_win_rate"] for b in betas]
    kls = [r[f"dpo_beta{b}_kl"] for b in betas]
    assert all(a <= b for a, b in zip(wins, wins[1:]))
    assert all(a < b for a, b in zip(kls, kls[1:]))
    assert r["dpo_beta1_win_rate"] > 0.65 and r["dpo_beta1_kl"] < 2
    assert r["dpo_beta0p3_win_rate"] > 0.95


def test_small_beta_collapses_the_outputs(results):
    r = results("dpo_tiny")
    assert r["dpo_beta0p03_win_rate"] > 0.99
    assert r["dpo_beta0p03_mean_score"] > 7.5
    assert r["dpo_beta0p03_distinct_share"] < 0.01
    assert r["dpo_beta0p1_distinct_share"] < 0.1
    assert r["dpo_beta0p03_kl"] > 10 * r["dpo_beta1_kl"]
    # beta = 1 keeps most of the reference's variety
    assert r["dpo_beta1_distinct_share"] > 0.8 * r["sft_distinct_share"]


def test_trained_policies_approach_the_exact_optimum(results):
    r = results("dpo_tiny")
    for b in ["1", "0p3"]:
        # "within a few points" of the optimum's win rate ...
        assert abs(r[f"dpo_beta{b}_win_rate"] - r[f"optimum_beta{b}_win_rate"]) < 0.03
        # ... "but moved further from the reference"
        assert r[f"dpo_beta{b}_kl"] > r[f"optimum_beta{b}_kl"]
    assert r["optimum_beta0p3_kl"] > r["optimum_beta1_kl"]
