"""Lessons of the Embeddings section, asserted on the numbers its scripts printed."""


def test_cbow_gradient_matches_finite_differences(results):
    r = results("word2vec_cbow_numpy")
    assert r["gradcheck_rel_error"] < 1e-6
    assert r["gradcheck_max_abs_error"] < 1e-6 * r["gradcheck_largest_gradient"]
    assert 0 < r["gradcheck_exact_zeros"] < r["gradcheck_parameters"]


def test_cbow_recovers_the_known_groups_but_not_for_rare_words(results):
    r = results("word2vec_cbow_numpy")
    assert r["loss_epoch10"] < r["loss_epoch1"] - 1.0
    assert r["loss_epoch10"] < r["unigram_entropy"] - 1.0        # learned more than frequencies
    assert r["precision5_common"] >= 0.9
    assert r["precision5_common"] > 5 * r["precision5_random_vectors"]
    assert r["precision5_rare"] < r["precision5_common"] - 0.3   # rare words lag far behind
    assert r["rare_neighbours_that_are_rare"] > 3 * r["rare_share_by_chance"]


def test_skipgram_beats_cbow_on_rare_words_at_equal_epochs(results):
    r = results("word2vec_torch")
    for run in ("cbow_3ep", "sg_3ep", "cbow_9ep"):
        assert r[f"{run}_precision5_common"] >= 0.9
        assert r[f"{run}_precision5_rare"] > 3 * r["random_precision5_rare"]
    assert r["sg_3ep_precision5_rare"] >= r["cbow_3ep_precision5_rare"]
    assert r["sg_3ep_margin_rare"] > 1.5 * r["cbow_3ep_margin_rare"]
    # more updates help CBOW's rare words, but not its group margin
    assert r["cbow_9ep_precision5_rare"] > r["cbow_3ep_precision5_rare"]
    assert r["sg_3ep_margin_rare"] > 1.5 * r["cbow_9ep_margin_rare"]
    assert r["skipgram_examples_per_epoch"] > 2.5 * r["cbow_examples_per_epoch"]
    assert r["noise_share_of_the"] < r["unigram_share_of_the"]   # the 3/4 power flattens


def test_full_softmax_cost_grows_with_vocabulary_sampled_does_not(results):
    r = results("softmax_cost")
    assert r["full_growth"] > 10
    assert r["ns_sparse_growth"] < 3
    assert r["sampled_growth"] < 3
    assert r["full_ms_200k"] > 20 * r["ns_sparse_ms_200k"]
    assert r["ns_dense_growth"] > 5                               # dense updates scale with V
    assert r["ns_dense_ms_200k"] > 5 * r["ns_sparse_ms_200k"]


def test_contextual_vectors_separate_the_senses_static_cannot(results):
    r = results("contextual_embeddings")
    # the static vector is closer to each sense's words than those are to each other
    assert r["static_cos_bank_river"] > r["static_cos_river_money"] + 0.1
    assert r["static_cos_bank_money"] > r["static_cos_river_money"] + 0.1
    assert r["static_cluster_accuracy_pct"] == 50
    assert r["contextual_cluster_accuracy_pct"] >= 90
    assert r["contextual_cos_same_sense"] > r["contextual_cos_different_sense"] + 0.05
    assert r["left_only_cluster_accuracy_pct"] < r["contextual_cluster_accuracy_pct"] - 10
