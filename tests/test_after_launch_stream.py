"""Lesson tests for change detection on a stream (After launch, detecting shift)."""


def test_cusum_run_length_matches_siegmund(results):
    r = results("shift_stream")
    for h in (4, 6, 8):
        sim, se, closed = r[f"cusum_h{h}_arl0_sim"], r[f"cusum_h{h}_arl0_se"], r[f"cusum_h{h}_arl0_siegmund"]
        # "good to a few per cent": within 5 % plus three standard errors
        assert abs(sim - closed) < 0.05 * closed + 3 * se


def test_calibrated_thresholds_hold_out_of_sample(results):
    r = results("shift_stream")
    mc = r["false_page_rate_mc_error"]
    for d in ("window25", "window100", "window400", "cusum"):
        assert abs(r[f"{d}_false_page_rate_holdout"] - 0.05) < 3 * mc
    assert r["cusum_arl0_at_5pct_siegmund"] > 14 * 1440     # "about 20 days"


def gap(r, a, b, key):
    """difference a - b of median delays, and its standard error"""
    d = r[f"{a}_{key}_median_delay"] - r[f"{b}_{key}_median_delay"]
    se = (r[f"{a}_{key}_median_delay_se"] ** 2 + r[f"{b}_{key}_median_delay_se"] ** 2) ** 0.5
    return d, se


def test_window_width_is_tuned_to_one_shift_size(results):
    r = results("shift_stream")
    d, se = gap(r, "window400", "window25", "d100")
    assert d > 3 * se                                        # large shift: short window faster
    assert r["window25_d025_missed"] > 0.1              # small shift: short window misses
    assert r["window400_d025_missed"] == 0
    d, se = gap(r, "window25", "window400", "d025")
    assert d > 3 * se


def test_cusum_fastest_at_its_design_point_and_level_elsewhere(results):
    r = results("shift_stream")
    for w in ("window25", "window100", "window400"):
        d, se = gap(r, w, "cusum", "d050")
        assert d > 3 * se
    d, se = gap(r, "cusum", "window25", "d100")
    assert abs(d) < 2 * se + 2
    d, se = gap(r, "cusum", "window400", "d025")
    assert abs(d) < 2 * se
    for w in ("cusum", "window400"):
        d, se = gap(r, w, "window100", "d025")
        assert 0 < d < 2.5 * se                              # "about two se": level
