"""Lesson tests for the hand-labels section: agreement statistics, which training
target suits which kind of disagreement, and lineage finding a bad source."""


def test_kappa_matches_libraries_and_corrects_for_chance(results):
    r = results("labels_annotators")
    assert r["kappa_01_sklearn_gap"] < 1e-9
    assert r["fleiss_statsmodels_gap"] < 1e-9
    assert r["kappa_01"] < r["agreement_01"] - 0.15          # chance agreement removed
    assert r["agreement_random_source"] > 0.5                  # raw agreement credits a random source
    assert abs(r["kappa_random_source"]) < 1.96 * r["kappa_random_source_se"]   # "indistinguishable from zero"
    assert 0.3 < r["fleiss_kappa"] < 0.8
    assert r["split_mean_abs_margin"] < r["unanimous_mean_abs_margin"] / 2


def test_the_right_target_depends_on_what_disagreement_means(results):
    r = results("labels_annotators")
    for world in ["noisy", "ambiguous"]:                       # accuracy barely moves
        accs = [r[f"{world}_{k}_acc"] for k in ["one_annotator", "majority", "soft", "truth"]]
        assert max(accs) - min(accs) < 0.01

    def better(world, a, b, metric="log_loss"):                # a lower than b beyond the interval
        key = f"{world}_{a}_minus_{b}_{metric}"
        return r[key] + r[key + "_ci"] < 0

    def worse(world, a, b, metric="log_loss"):
        key = f"{world}_{a}_minus_{b}_{metric}"
        return r[key] - r[key + "_ci"] > 0

    assert better("noisy", "majority", "one_annotator")
    assert worse("noisy", "soft", "majority")
    assert r["noisy_majority_log_loss"] - r["noisy_truth_log_loss"] < 0.015
    ece = {k: r[f"noisy_{k}_ece"] for k in ["one_annotator", "majority", "soft", "truth"]}
    assert max(ece, key=ece.get) == "soft"
    assert worse("ambiguous", "majority", "one_annotator")
    assert better("ambiguous", "soft", "majority")
    assert better("ambiguous", "soft", "truth")


def test_lineage_finds_and_removes_the_bad_source(results):
    r = results("labels_annotators")
    assert r["bad_source_found"] >= 18                        # of 20 seeds
    annotators = [r[f"agreement_annotator_{i}"] for i in range(5)]
    assert r["agreement_bad_source"] < min(annotators) - 0.05
    d, ci = r["lineage_dropped_minus_all_acc"], r["lineage_dropped_minus_all_acc_ci"]
    assert d - ci > 0
    assert r["lineage_dropped_minus_all_log_loss"] + r["lineage_dropped_minus_all_log_loss_ci"] < 0
