"""Lesson tests for the batch-and-online-prediction section.

The AUCs come from a seeded simulation; the timings are this machine's, so they
are asserted only as ratios with wide margins.
"""


def test_most_batch_work_is_never_read(results):
    r = results("batch_vs_online")
    assert r["share_users_visiting"] < 0.3
    assert abs(r["share_batch_scores_unused"] - (1 - r["share_users_visiting"])) < 1e-3
    assert r["share_requests_top1pct_users"] > 0.1


def test_batch_is_cheaper_per_day_despite_the_waste(results):
    r = results("batch_vs_online")
    assert r["online_cpu_us_per_row"] > 20 * r["batch_cpu_us_per_row"]
    assert r["online_cpu_s_per_day"] > 5 * r["batch_cpu_s_per_day"]
    assert r["online_over_batch_cpu"] > 5


def test_batch_scores_go_stale_and_the_hybrid_does_not(results):
    r = results("batch_vs_online")
    assert r["auc_online"] > r["auc_batch"] + 0.08
    assert r["auc_batch_first4h"] > r["auc_batch_last4h"] + 0.08
    assert abs(r["auc_hybrid"] - r["auc_online"]) < 0.01


def test_latency_on_the_request_path(results):
    r = results("batch_vs_online")
    assert r["online_p99_us"] > 20 * r["hybrid_p99_us"]
    assert r["online_over_hybrid_p99"] > 20
    assert r["hybrid_p99_us"] > r["batch_p99_us"]
