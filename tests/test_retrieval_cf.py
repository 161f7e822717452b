"""Lesson tests for the collaborative-filtering section (five seeds; comparisons
are asserted only where the paired difference exceeds twice its standard error)."""


def test_factorisation_beats_popularity_and_stays_below_the_truth(results):
    r = results("cf_models")
    assert r["n_seeds"] == 5
    assert r["als_minus_popularity_warm"] > 0.1
    assert r["als_minus_popularity_warm"] > 10 * r["als_minus_popularity_warm_se"]
    for m in ["popularity", "als", "two_tower", "two_tower_id_dropout"]:
        assert r[f"{m}_warm_recall"] < r["oracle_warm_recall"]
        assert r[f"{m}_cold_recall"] < r["oracle_cold_recall"]


def test_als_ahead_of_the_two_tower_on_known_items_beyond_noise(results):
    r = results("cf_models")
    gap, se = r["als_minus_two_tower_warm"], r["als_minus_two_tower_warm_se"]
    assert gap > 0 and gap > 2 * se
    assert gap < 0.1                      # "a small gap"


def test_only_the_content_aware_tower_ranks_new_items(results):
    r = results("cf_models")
    chance = r["cold_random_recall"]
    assert abs(chance - 0.1) < 1e-9
    for m in ["als", "popularity"]:
        assert abs(r[f"{m}_cold_recall"] - chance) < 0.03
    assert r["two_tower_cold_recall"] > 3 * chance
    assert r["two_tower_id_dropout_cold_recall"] > 3 * chance


def test_id_dropout_costs_warm_recall_and_does_not_help_cold(results):
    r = results("cf_models")
    warm, warm_se = (r["two_tower_minus_two_tower_id_dropout_warm"],
                     r["two_tower_minus_two_tower_id_dropout_warm_se"])
    assert warm > 0 and warm > 2 * warm_se
    cold, cold_se = (r["two_tower_minus_two_tower_id_dropout_cold"],
                     r["two_tower_minus_two_tower_id_dropout_cold_se"])
    assert abs(cold) < 2 * cold_se + 0.01
