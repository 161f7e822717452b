"""Lesson tests for the batch-and-stream-features section: one feature definition
gives the same values in batch and streaming; a watermark trades dropped events for
freshness; the naive training join leaks and the point-in-time join does not; a
stale online store costs accuracy.  Everything is seeded and clock-free, so the
margins are about the lesson, not about the machine's load."""
LATENESS = [0, 5, 15, 30, 60, 120, 300, 600, 1800, 3600]


def test_one_definition_two_engines_identical(results):
    r = results("stream_features")
    assert r["stream_equals_batch_unbounded"] == 1
    assert r["stream_windows_differing_unbounded"] == 0
    assert r["corrections_reproduce_batch_all"] == 1
    # the log is really out of order, so the equality is not trivial
    assert r["share_arrivals_out_of_event_order"] > 0.2
    assert r["delay_p99_s"] > 50 * r["delay_p50_s"]
    assert r["delay_max_h"] > 1


def test_watermark_trades_completeness_for_freshness(results):
    r = results("stream_features")
    dropped = [r[f"L{L}_share_events_dropped"] for L in LATENESS]
    wrong = [r[f"L{L}_share_windows_wrong"] for L in LATENESS]
    delay = [r[f"L{L}_emit_delay_p50_s"] for L in LATENESS]
    # more lateness: fewer drops and wrong windows, later emission
    assert all(a > b for a, b in zip(dropped, dropped[1:]))
    assert all(a > b for a, b in zip(wrong, wrong[1:]))
    assert all(a < b for a, b in zip(delay, delay[1:]))
    # emission waits about L (plus the gap to the next event)
    for L in LATENESS:
        assert L <= r[f"L{L}_emit_delay_p50_s"] <= L + 10
    assert r["Linf_share_events_dropped"] == 0 and r["Linf_share_windows_wrong"] == 0
    assert str(r["Linf_emit_delay_p50_s"]) == "inf"       # never, while the stream runs
    # an hour of lateness instead of none cuts the wrong windows by more than 10x
    assert r["L0_share_windows_wrong"] > 10 * r["L3600_share_windows_wrong"]
    assert r["L0_share_events_dropped"] > 0.01


def test_wrong_windows_outnumber_dropped_events_and_the_bound_holds(results):
    r = results("stream_features")
    assert r["wrong_equals_incomplete_all"] == 1
    for L in LATENESS:
        assert r[f"L{L}_share_windows_wrong"] > 3 * r[f"L{L}_share_events_dropped"]
        assert r[f"L{L}_share_events_dropped"] <= r[f"L{L}_share_delay_over_L"]
    assert r["dropped_never_exceeds_delay_tail"] == 1


def test_a_second_implementation_skews(results):
    r = results("stream_features")
    # windowing on arrival time instead of event time: a large share of windows differ
    assert r["reimplementation_windows_differing_share"] > 0.1


def test_naive_join_inflates_validation_and_loses_on_test(results):
    r = results("point_in_time")
    # validation: the naive join looks better, in every seed
    assert r["naive_val_mean"] > r["pit_val_mean"]
    assert r["naive_minus_pit_val_min"] > 0
    # test (served point-in-time): the point-in-time model wins in every seed, by
    # more than the spread of either
    assert r["pit_minus_naive_test_min"] > 0.03
    assert r["pit_test_mean"] - r["naive_test_mean"] > 2 * max(r["pit_test_sd"],
                                                               r["naive_test_sd"])
    # the naive validation overstates its own test score; the honest one does not
    assert r["naive_val_minus_test_min"] > 0.05
    assert r["pit_val_test_gap_max"] < r["naive_val_minus_test_min"]
    # how: most naive rows see future chargebacks; the model leans on the count
    # and ignores the reading
    assert r["future_rows_mean"] > 0.3
    assert r["naive_w_chargebacks_mean"] > 2 * r["pit_w_chargebacks_mean"]
    assert abs(r["naive_w_reading_mean"]) < 0.2 * r["pit_w_reading_mean"]


def test_stale_online_store_costs_accuracy(results):
    r = results("point_in_time")
    tags = ["0", "0p25", "1", "4", "12", "24", "72"]
    hours = [0, 0.25, 1, 4, 12, 24, 72]
    auc = [r[f"refresh{t}h_auc_mean"] for t in tags]
    age = [r[f"refresh{t}h_staleness_h"] for t in tags]
    assert all(a < b for a, b in zip(age, age[1:]))
    # served age grows by about Delta/2
    for t, h in zip(tags, hours):
        assert abs(r[f"refresh{t}h_staleness_h"] - age[0] - h / 2) < 0.1 * h + 0.3
    # an hourly refresh is within noise; a daily one is not
    assert r["auc_loss_refresh_1h_mean"] < r["refresh0h_auc_sd"]
    assert r["auc_loss_refresh_24h_min"] > 0.03
    assert r["auc_loss_refresh_72h_min"] > r["auc_loss_refresh_24h_min"]
    assert auc[0] - auc[-1] > 5 * max(r[f"refresh{t}h_auc_sd"] for t in tags)
    assert r["refresh4h_auc_mean"] < r["refresh0h_auc_mean"]
