"""Lesson tests for the retrieval-augmented generation section (deterministic)."""


def _pairs(r):
    tags = [f"chunk{s}{t}" for s in [1, 2, 4, 8] for t in ["", "_title"]]
    tags += [f"{m}_k{k}" for m in ["sparse", "dense"] for k in [1, 3, 10]]
    return [(r[f"{t}_recall"], r[f"{t}_accuracy"]) for t in tags]


def test_recall_caps_accuracy(results):
    r = results("rag_towns")
    excess = max(accuracy - recall for recall, accuracy in _pairs(r))
    assert abs(excess - r["max_accuracy_above_recall"]) < 1e-3
    # luck from a wrong chunk adds about one point at most
    assert r["max_accuracy_above_recall"] <= 0.0125


def test_chunking_without_titles_fails_and_titles_fix_it(results):
    r = results("rag_towns")
    assert r["chunk1_recall"] < 0.01
    assert r["chunk1_title_recall"] > 0.99 and r["chunk1_title_accuracy"] > 0.9
    # whole articles: high recall, but the budget lets the reader see one article
    assert r["chunk8_recall"] > 0.95
    assert r["chunk8_accuracy"] < r["chunk8_recall"] - 0.2
    acc = [r[f"chunk{s}_title_accuracy"] for s in [1, 2, 4, 8]]
    assert all(a > b for a, b in zip(acc, acc[1:]))


def test_sparse_beats_dense_on_name_lookups(results):
    r = results("rag_towns")
    for k in [1, 3, 10]:
        assert r[f"sparse_k{k}_recall"] > r[f"dense_k{k}_recall"] + 0.1


def test_reindexing_updates_the_answers(results):
    r = results("rag_towns")
    assert r["changed_facts"] == 40
    assert r["stale_index_accuracy_on_changed"] == 0
    assert r["reindexed_accuracy_on_changed"] == 1
    assert abs(r["reindexed_accuracy_all"] - r["sparse_k3_accuracy"]) < 0.01
