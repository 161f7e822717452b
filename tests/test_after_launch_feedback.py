"""Lesson tests for the After-launch chapter's section on degenerate feedback loops."""


def test_click_counts_degenerate_and_starve_new_items(results):
    r = results("feedback_loops")
    # concentration climbs round after round and ends above what the truth warrants
    assert r["counts_gini"] > r["counts_gini_round1"] + 0.1
    assert r["counts_gini_excess"] > 3 * r["counts_gini_excess_sd"]
    # items that arrive late never get their share
    assert r["counts_new_share"] < 0.25 * r["oracle_new_share"]
    assert r["counts_recall"] < r["positional_recall"] - 0.2
    # and the click dashboard does not show it: yield within 5 % of the oracle's
    assert r["counts_reward"] > 0.95 * r["oracle_reward"]


def test_counter_measures(results):
    r = results("feedback_loops")
    def beyond(key):  # a paired difference, more than two standard errors above zero
        return r[key] > 2 * r[key + "_se"]
    # random slots soften the loop but do not break it
    assert beyond("diff_counts_explore_gini")
    assert r["explore_gini_excess"] > 2 * r["explore_gini_excess_sd"]
    assert r["explore_new_share"] < 0.5 * r["oracle_new_share"]
    # impressions as negatives fix the exposure confound, not the position one
    assert r["ctr_new_share"] > 0.7 * r["oracle_new_share"]
    assert beyond("diff_positional_ctr_recall")
    assert beyond("diff_positional_ctr_reward")
    # rank as a feature: concentration level with the truth, clicks level with the counts model
    assert abs(r["positional_gini_excess"]) < 2 * r["positional_gini_excess_sd"] + 0.01
    assert abs(r["diff_positional_counts_reward"]) < 2 * r["diff_positional_counts_reward_se"]
    # the bandit spreads exposure widest and finds new items, at a cost in clicks
    assert r["bandit_gini"] < min(r[f"{p}_gini"] for p in ("counts", "explore", "ctr", "positional"))
    assert beyond("diff_bandit_positional_agg_div")
    assert r["bandit_new_share"] > 0.8 * r["oracle_new_share"]
    assert beyond("diff_positional_bandit_reward")


def test_clickbait_is_promoted_by_the_click_label(results):
    r = results("feedback_loops")
    assert r["clickbait_click_trained_bait_share"] > 3 * r["clickbait_satisfied_trained_bait_share"]
    assert r["clickbait_click_trained_clicks"] > r["clickbait_satisfied_trained_clicks"]
    assert r["clickbait_satisfied_gain"] > 2 * r["clickbait_satisfied_gain_se"]
