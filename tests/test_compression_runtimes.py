"""Lesson tests for the runtimes section (CPU-time ratios with margins)."""


def test_onnx_runtime_matches_eager(results):
    r = results("runtimes")
    assert r["max_abs_diff_batch1"] < 1e-5
    assert r["max_abs_diff_batch64"] < 1e-5


def test_onnx_runtime_is_faster_than_eager(results):
    r = results("runtimes")
    # batch 1: 2.23 to 2.40 over four runs here; batch 64 moved from 1.04 to 1.31
    # (1.11 in a CI run), so the prose claims a clear gain only at batch 1 and a
    # much smaller one, near parity, at batch 64
    assert r["ort_speedup_batch1"] > 1.5
    assert r["ort_speedup_batch1"] > 1.4 * r["ort_speedup_batch64"]
    assert 0.8 < r["ort_speedup_batch64"] < 1.6
    assert r["eager_aten_calls"] > 2 * r["ort_basic_nodes"]


def test_extended_level_fuses_but_is_not_faster_here(results):
    r = results("runtimes")
    assert r["ort_basic_nodes"] == r["ort_none_nodes"]
    assert r["ort_extended_nodes"] < r["ort_basic_nodes"]
    assert r["SkipLayerNormalization_extended"] == r["LayerNormalization_basic"] == 4
    assert r["LayerNormalization_extended"] == 0
    assert r["Add_extended"] < r["Add_basic"]
    # slower at both batch sizes: 1.11 to 1.38 times the basic level's time at batch 1
    # and 1.17 to 1.52 at batch 64 over seven runs, four of them beside a heavy script
    assert r["extended_vs_basic_batch1"] > 1.05
    assert r["extended_vs_basic_batch64"] > 1.05
