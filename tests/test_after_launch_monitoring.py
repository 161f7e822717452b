"""Lesson tests for the After-launch section on monitoring and observability."""


def test_log_sketch_keeps_its_relative_error_guarantee(results):
    r = results("monitoring")
    assert r["sketch_max_relative_error"] <= r["sketch_alpha"] + 5e-5     # printed to 4 decimals
    assert r["sketch_buckets"] < r["raw_values"] / 1000
    for q in ("p50", "p99", "p999"):
        assert abs(r[f"latency_{q}_sketch_ms"] / r[f"latency_{q}_exact_ms"] - 1) <= 0.0101


def test_shortcuts_for_fleet_quantiles_fail(results):
    r = results("monitoring")
    # averaging per-server p99s is far off; a 1,000-value reservoir misses the p99.9 badly
    assert r["latency_p99_mean_of_servers_rel_error"] > 0.1
    assert r["latency_p99_mean_of_servers_ms"] < r["latency_p99_exact_ms"]
    assert r["reservoir_p999_median_rel_error"] > 5 * r["sketch_alpha"]
    assert r["reservoir_p999_p90_rel_error"] > r["reservoir_p999_median_rel_error"]


def test_alert_rules(results):
    r = results("monitoring")
    incidents = ("outage", "partial", "leak")
    # naive: catches everything fast, pages falsely on the blips
    for n in incidents:
        assert r[f"naive_{n}_caught"] >= 0.95
    assert r["naive_false_pages_per_month"] > 5 + 3 * r["naive_false_pages_per_month_sd"] / 20 ** 0.5
    assert r["naive_partial_median_delay_min"] < r["burn_page_partial_median_delay_min"] / 10
    # persistence: no false pages, slower, flaps on the leak
    assert r["persistent_false_pages_per_month"] <= 0.1
    assert r["persistent_outage_median_delay_min"] > r["naive_outage_median_delay_min"] + 5
    assert r["persistent_repeat_pages_per_month"] >= 3
    # burn rate: about one page per fast incident, none false, the leak as a ticket
    assert r["burn_page_false_pages_per_month"] <= 0.1
    assert r["burn_page_repeat_pages_per_month"] <= 0.1
    assert r["burn_page_outage_caught"] == 1 and r["burn_page_partial_caught"] == 1
    assert r["burn_page_pages_per_month"] <= 2.1
    assert r["burn_ticket_leak_caught"] == 1
    assert r["burn_page_pages_per_month"] < r["naive_pages_per_month"] / 3
    # a leak ticketed after roughly a day and a half
    assert 1_000 < r["burn_ticket_leak_median_delay_min"] < 2_880
