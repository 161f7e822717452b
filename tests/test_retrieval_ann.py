"""Lesson tests for the approximate nearest-neighbour section.

Recalls and sizes are deterministic (seeded data, faiss's fixed seeds); speeds
are CPU-time medians on a shared machine, so they are asserted only as ratios
with wide margins.
"""


def test_ivf_recall_grows_with_nprobe_and_costs_speed(results):
    r = results("ann_faiss")
    recalls = [r[f"ivf_nprobe{p}_recall"] for p in [1, 2, 4, 8, 16, 32, 64]]
    assert all(a < b for a, b in zip(recalls, recalls[1:]))
    assert r["ivf_nprobe1_recall"] < 0.7 and r["ivf_nprobe64_recall"] > 0.95
    # more than a tenth of the true neighbours lie outside the 16 nearest cells
    assert r["ivf_nprobe16_recall"] < 0.9
    # more than an order of magnitude of speed spent across the sweep ...
    assert r["ivf_nprobe1_qps"] > 10 * r["ivf_nprobe64_qps"]
    # ... ending not far from exact search (a quarter of the data is scanned)
    assert r["ivf_nprobe64_qps"] < 4 * r["exact_qps"]


def test_hnsw_is_fastest_at_high_recall_and_pays_in_build_and_memory(results):
    r = results("ann_faiss")
    recalls = [r[f"hnsw_ef{e}_recall"] for e in [16, 32, 64, 128, 256]]
    assert all(a <= b for a, b in zip(recalls, recalls[1:]))
    assert r["hnsw_ef32_recall"] > 0.95 and r["hnsw_ef256_recall"] > 0.99
    assert r["hnsw_speedup_at_target"] > 5
    assert r["hnsw_speedup_at_target"] > 3 * r["ivf_speedup_at_target"]
    assert r["ivf_speedup_at_target"] >= 1
    assert r["hnsw_build_s"] > 10 * r["ivf_build_s"]
    assert r["hnsw_bytes"] > 1.3 * r["ivf_bytes"]


def test_pq_buys_memory_not_speed(results):
    r = results("ann_faiss")
    assert r["pq_bytes"] < r["exact_bytes"] / 14
    assert 0.5 < r["pq_recall"] < 0.75
    # "less than twice as fast as exact search" (measured 1.05 to 1.5 times)
    assert 0.5 * r["exact_qps"] < r["pq_qps"] < 2 * r["exact_qps"]
    # IVF-PQ levels off well below 0.95: the codes, not the cells, limit it
    assert r["ivfpq_nprobe64_recall"] < 0.75
    assert r["ivfpq_nprobe64_recall"] - r["ivfpq_nprobe16_recall"] < 0.1
    for key in ["pq", "ivfpq", "lsh"]:
        assert r[f"{key}_speedup_at_target"] == 0


def test_reranking_recovers_recall_up_to_the_cells_opened(results):
    r = results("ann_faiss")
    assert r["rerank_k1_recall"] == r["ivfpq_nprobe64_recall"]
    assert r["rerank_k4_recall"] > r["rerank_k1_recall"] + 0.2
    assert r["rerank_k4_recall"] > 0.95
    assert r["rerank_k16_recall"] <= r["ivf_nprobe64_recall"] + 1e-9
    assert r["rerank_k16_recall"] > r["ivf_nprobe64_recall"] - 0.01
    assert r["rerank_speedup_at_target"] > 0


def test_lsh_recalls_least(results):
    r = results("ann_faiss")
    best_others = min(r["pq_recall"], r["ivfpq_nprobe64_recall"])
    assert r["lsh_bits1024_recall"] < best_others
    # at twice PQ's memory, far lower recall
    assert r["lsh_bits256_bytes"] > 1.9 * r["pq_bytes"]
    assert r["lsh_bits256_recall"] < r["pq_recall"] - 0.1


def test_measured_sizes_match_the_documented_formulas(results):
    r = results("ann_faiss")
    pairs = ["exact", "ivf", "hnsw", "pq", "ivfpq", "rerank",
             "lsh_bits64", "lsh_bits256", "lsh_bits1024"]
    for key in pairs:
        ratio = r[f"{key}_bytes"] / r[f"{key}_bytes_formula"]
        assert 1 <= ratio < 1.07, (key, ratio)
    assert r["ivfpq_bytes_formula"] == 24      # 8 of them are the identifier
