"""Lesson tests for the performance-and-capacity and funnel sections.

Timing numbers differ between machines and runs, so the latency tests assert only
relations with wide margins; the simulations and learning curves are seeded.
"""


def test_learning_curves_cross(results):
    r = results("capacity_learning_curves")
    # the simple model wins with little data ...
    assert r["logistic_error_n50"] < r["boosting_error_n50"] - 0.005
    assert r["logistic_error_n100"] < r["boosting_error_n100"]
    # ... the flexible one with more, and only it approaches the Bayes error
    assert r["boosting_error_n6400"] < r["logistic_error_n6400"] - 0.03
    assert 100 < r["crossover_n"] <= 1600
    # at the crossing the lead is within the noise; it is clear (2 SE) a size or two later
    assert r["crossover_gap"] < 2 * r["crossover_gap_se"]
    assert r["crossover_n"] < r["clear_lead_from_n"] <= 4 * r["crossover_n"]
    assert r["boosting_gap_to_bayes_largest"] < 0.05 < r["logistic_gap_to_bayes_largest"]
    # the repeats vary much more with little data
    assert r["boosting_error_sd_n50"] > 2 * r["boosting_error_sd_n6400"]


def test_boosting_costs_more_to_train(results):
    r = results("capacity_learning_curves")
    assert r["boosting_fit_ms_largest"] > 3 * r["logistic_fit_ms_largest"]


def test_latency_relations(results):
    r = results("capacity_latency")
    models = ["logistic", "forest10", "forest100", "mlp64", "mlp512", "mlp2048"]
    for m in models:
        assert r[f"{m}_p99_ms"] >= r[f"{m}_p50_ms"]
        # batching raises throughput for every model (the widest perceptron, whose
        # single-row call streams 16 MB of weights, gains 3-8x here, depending on
        # how much of the cache it has to itself) ...
        assert r[f"{m}_batch_rps"] > 1.5 * r[f"{m}_single_rps"]
    # ... by far the most where a single call is mostly fixed overhead
    for m in ["logistic", "forest10", "forest100"]:
        assert r[f"{m}_batch_gain"] > 30
        assert r[f"{m}_batch_gain"] > 3 * max(r["mlp512_batch_gain"], r["mlp2048_batch_gain"])
    # latency grows with model size by a wide margin
    assert r["forest100_p50_ms"] > 3 * r["forest10_p50_ms"]
    # ten times the trees cost less than ten times the CPU (a fixed per-call part)
    assert 4 < r["forest_100_over_10_cpu"] < 10
    assert r["mlp2048_p50_ms"] > 5 * r["mlp64_p50_ms"]
    # scikit-learn's per-call overhead exceeds a small perceptron's forward pass
    assert r["logistic_p50_ms"] > r["mlp64_p50_ms"]


def test_batching_trades_latency_for_throughput(results):
    r = results("capacity_latency")
    # throughput rises with the batch size, then levels off ...
    assert r["mlp512_batch64_rps"] > 2.5 * r["mlp512_batch1_rps"]
    assert r["mlp512_batch1024_rps"] > 2.5 * r["mlp512_batch1_rps"]
    assert r["mlp512_batch1024_rps"] < 3 * r["mlp512_batch64_rps"]
    # ... while every request in a batch waits longer
    assert r["mlp512_batch64_ms"] > 3 * r["mlp512_batch1_ms"]
    assert r["mlp512_batch1024_ms"] > 5 * r["mlp512_batch64_ms"]


def test_queueing_and_capacity(results):
    r = results("capacity_arithmetic")
    # the simulator agrees with Erlang C
    assert abs(r["mmc_p_wait_sim"] - r["mmc_p_wait_formula"]) < 0.03
    assert abs(r["mmc_mean_wait_sim_ms"] / r["mmc_mean_wait_formula_ms"] - 1) < 0.35
    # the SLA needs at least the Little's-law floor, and the planned fleet more
    assert r["min_workers_meeting_sla"] > r["littles_law_busy_workers"]
    assert r["planned_workers"] > r["min_workers_meeting_sla"]
    assert r["p99_at_min_workers_ms"] <= 500
    # a surge breaks the minimal fleet but not the planned one
    assert r["surge_utilisation_at_min"] > 1
    assert r["surge_p99_at_min_s"] > 2 * 0.5
    assert r["surge_p99_at_planned_ms"] <= 500


def test_sharding_arithmetic(results):
    r = results("capacity_arithmetic")
    assert r["shards_for_scan_budget"] > 10 * r["shards_for_memory"]
    assert r["compressed_full_scan_s"] < r["full_scan_one_machine_s"] / 10
    # batching a window's queries makes the scan compute-bound, with far fewer machines
    assert r["batched_flops_per_byte"] > r["machine_flops_per_byte"]
    assert r["machines_for_peak_batched"] >= r["shards_for_scan_budget"]
    assert r["batching_machine_ratio"] > 30


def test_tail_amplification(results):
    r = results("capacity_arithmetic")
    assert abs(r["share_over_shard_p99_k100"] - r["share_over_shard_p99_k100_formula"]) < 0.05
    assert r["plain_k100_p50_ms"] > 2 * r["shard_p50_ms"]
    assert r["plain_k100_p99_ms"] > r["plain_k10_p99_ms"]
    assert r["hedged_k100_p99_ms"] < 0.7 * r["plain_k100_p99_ms"]
    assert r["hedging_extra_load"] < 0.1


def test_funnel_tradeoff(results):
    r = results("funnel_ranking")
    # the cheap model alone ranks poorly, the expensive one well
    assert r["cheap_only_ndcg10"] < r["expensive_all_ndcg10"] - 0.2
    # quality rises with K towards the exhaustive ranker, recall too
    assert r["funnel_k10_ndcg10"] < r["funnel_k100_ndcg10"] - 0.05
    assert r["funnel_k100_ndcg10"] < r["funnel_k10000_ndcg10"]
    assert r["funnel_k10_recall"] < r["funnel_k100_recall"] < r["funnel_k1000_recall"] \
        <= r["funnel_k10000_recall"]
    # a candidate set of a few percent of the corpus loses (almost) nothing
    for k in (1000, 3000, 10000):
        assert r[f"funnel_k{k}_ndcg10"] > r["expensive_all_ndcg10"] - 0.02
    # and the funnel is much cheaper than scoring everything
    assert r["speedup_at_k1000"] > 5
    assert r["smallest_k_within_001"] < 50_000
    assert r["speedup_at_k_close"] > 1.5
