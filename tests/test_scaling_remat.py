"""Lesson tests for rematerialization: memory saved, compute paid, and the segment rule."""


def test_checkpointing_saves_memory(results):
    r = results("remat_checkpoint")
    assert r["every_held_after_forward_mb"] < 0.2 * r["none_held_after_forward_mb"]
    assert r["sqrt_held_after_forward_mb"] < r["every_held_after_forward_mb"]
    assert r["every_peak_backward_mb"] < 0.25 * r["none_peak_backward_mb"]
    assert r["sqrt_peak_backward_mb"] < 0.4 * r["none_peak_backward_mb"]


def test_sqrt_segments_peak_higher_than_single_blocks(results):
    r = results("remat_checkpoint")
    # a block saves ~10x its input, so rebuilding 4 blocks at once costs more
    assert r["block_activation_over_input"] > 5
    assert r["sqrt_peak_backward_mb"] > 1.3 * r["every_peak_backward_mb"]
    assert r["best_segment_blocks"] == 1 < r["sqrt_rule_segment_blocks"]
    # the formula predicts the measured peaks to within 10 %
    assert abs(r["formula_peak_k1_mb"] / r["every_peak_backward_mb"] - 1) < 0.1
    assert abs(r["formula_peak_k4_mb"] / r["sqrt_peak_backward_mb"] - 1) < 0.1


def test_checkpointing_costs_a_forward_pass(results):
    r = results("remat_checkpoint")
    assert r["none_block_forward_calls"] == r["blocks"]
    assert r["every_block_forward_calls"] == 2 * r["blocks"]
    assert r["sqrt_block_forward_calls"] == 2 * r["blocks"]
    # CPU time: one extra forward is roughly a third more work; assert only "more".
    # With the strategies taking turns step by step: every 1.11-1.24, sqrt 1.26-1.31
    # over six runs, three of them beside two busy processes (timed one strategy
    # after another, a stress round once gave 0.93)
    assert r["every_cpu_ratio_to_none"] > 1.05
    assert r["sqrt_cpu_ratio_to_none"] > 1.05
