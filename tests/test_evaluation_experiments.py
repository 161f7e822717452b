"""Online experiments: A/B tests, interleaving, bandits.  Lessons on printed numbers."""


def within(rate, nominal, se, k=3):
    return abs(rate - nominal) < k * se


def test_ab_power_peeking_sequential_cuped_novelty(results):
    r = results("ab_testing")
    assert r["ztest_vs_statsmodels_diff"] < 1e-9
    # the closed-form sample size in the text (with its factor 2) matches statsmodels
    assert abs(r["users_per_arm_formula"] - r["users_per_arm"]) <= 1
    # statsmodels' sample size delivers its power and level, within Monte Carlo error
    assert within(r["simulated_power"], 0.80, r["simulated_power_mc_se"])
    assert within(r["simulated_false_positive_rate"], 0.05, r["simulated_false_positive_rate_mc_se"])
    # peeking: one look is nominal, more looks inflate false positives monotonically
    assert within(r["peeking_fpr_1_looks"], 0.05, r["peeking_fpr_mc_se"])
    rates = [r[f"peeking_fpr_{k}_looks"] for k in (1, 2, 5, 10, 20)]
    assert all(b > a for a, b in zip(rates, rates[1:]))
    assert r["peeking_fpr_20_looks"] > 0.05 + 30 * r["peeking_fpr_mc_se"]
    # O'Brien-Fleming restores the level and costs little power
    assert within(r["obf_fpr"], 0.05, r["obf_fpr_mc_se"])
    assert r["obf_first_look_threshold"] > 4 > r["obf_last_look_threshold"] > 1.96
    assert r["fixed_power_same_paths"] - r["obf_power"] < 0.04
    assert r["obf_mean_share_of_sample_used"] < 0.85
    # CUPED: unbiased, variance divided as theory says, more power
    assert abs(r["cuped_effect_mean"] - 0.02) < 3 * r["effect_mean_mc_se"]
    assert abs(r["plain_effect_mean"] - 0.02) < 3 * r["effect_mean_mc_se"]
    rel = r["variance_relative_se"]
    assert abs(r["plain_variance_x_n"] - 1) < 3 * rel
    assert abs(r["cuped_variance_x_n"] / r["variance_ratio_theory"] - 1) < 3 * rel
    assert abs(r["variance_ratio"] - r["variance_ratio_theory"]) < 3 * r["variance_ratio_se"]
    assert r["cuped_power"] > r["plain_power"] + 0.15
    # novelty: the first week overstates the lasting lift; the fourth week does not
    se = r["weekly_lift_se"]
    assert r["first_week_lift"] > 1.5 * r["lasting_lift"]
    assert abs(r["first_week_lift"] - r["first_week_true_lift"]) < 3 * se
    assert abs(r["fourth_week_lift"] - r["fourth_week_true_lift"]) < 3 * se


def test_interleaving_needs_far_fewer_users_than_ab(results):
    r = results("interleaving")
    # the simulated lift agrees with its expectation
    assert abs(r["ab_delta"] - r["ab_delta_expected"]) < 3 * r["ab_delta_se"]
    # B is preferred beyond the noise, and the team draft is balanced
    assert r["preference_mean"] > 5 * r["preference_mean_se"]
    assert abs(r["interleaving_b_share_of_shown"] - 0.5) < 0.01
    # an order of magnitude fewer users, even with the effects shifted against it
    assert r["ratio_ab_to_interleaving"] > 10
    assert r["ratio_ab_to_interleaving_low"] > 5
    # both sample sizes deliver about 80 % power; A/B at the interleaving size does not
    se = r["power_mc_se"]
    assert abs(r["power_ab_at_n"] - 0.8) < 3 * se
    assert abs(r["power_interleaving_at_n"] - 0.8) < 3 * se
    assert r["power_ab_at_interleaving_n"] < 0.3


def test_bandits_regret_and_the_price_of_adapting(results):
    r = results("bandits")

    def gap(a, b):     # how many combined standard errors a's regret is above b's
        return (r[f"{a}_regret"] - r[f"{b}_regret"]) / (
            r[f"{a}_regret_se"] ** 2 + r[f"{b}_regret_se"] ** 2) ** 0.5

    # Thompson sampling loses least, beyond the spread over runs
    for other in ("ab_split", "ab_then_ship", "epsilon_greedy", "ucb1", "ucb1_tuned"):
        assert gap(other, "thompson") > 2.5
    # epsilon-greedy and A/B-then-ship are level
    assert abs(gap("epsilon_greedy", "ab_then_ship")) < 2
    # plain UCB1 barely beats the even split; tuning its bonus helps a lot
    assert gap("ab_split", "ucb1") > 3 and r["ucb1_regret"] > 0.8 * r["ab_split_regret"]
    assert gap("ucb1", "ucb1_tuned") > 3
    # the even split spends three quarters of traffic on worse arms
    assert abs(r["ab_split_worse_arm_share"] - 0.75) < 0.01
    assert r["thompson_worse_arm_share"] < 0.5 * r["ab_split_worse_arm_share"]
    assert r["thompson_best_arm_most_played"] > r["ab_then_ship_best_arm_most_played"] + 0.1
    # adapting costs knowledge of the worse arms
    assert r["thompson_worst_arm_rate_se"] > 2 * r["ab_split_worst_arm_rate_se"]
