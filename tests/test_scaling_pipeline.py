"""Lesson tests for pipeline parallelism: correct gradients, the bubble, and memory."""


def test_pipeline_gradients_equal_unsplit(results):
    r = results("pipeline_gpipe")
    assert r["grad_max_abs_diff_vs_unsplit"] < 1e-6


def test_replayed_bubble_follows_the_formula(results):
    r = results("pipeline_gpipe")
    assert abs(r["gpipe_m1_replay_bubble"] - 0.5) < 0.05
    # more micro-batches, smaller bubble
    assert r["gpipe_m1_replay_bubble"] > r["gpipe_m4_replay_bubble"] > r["gpipe_m16_replay_bubble"]
    for m in (2, 4, 8, 16):
        assert abs(r[f"gpipe_m{m}_replay_bubble"] - r[f"theory_m{m}_bubble"]) < 0.12
    # unequal stages keep it above the formula
    for m in (4, 16):
        assert r[f"gpipe_m{m}_replay_bubble"] > r[f"theory_m{m}_bubble"]
    # 1F1B has about the same bubble ...
    assert abs(r["onef1b_m16_replay_bubble"] - r["gpipe_m16_replay_bubble"]) < 0.1


def test_1f1b_bounds_live_activations(results):
    r = results("pipeline_gpipe")
    for m in (1, 2, 4, 8, 16):
        assert r[f"gpipe_m{m}_stage0_live_microbatches"] == m
        assert r[f"onef1b_m{m}_stage0_live_microbatches"] == min(m, 2)


def test_wall_clock_includes_what_the_formula_leaves_out(results):
    r = results("pipeline_gpipe")
    # message costs and lost cores only add idle time: the wall clock's bubble sits
    # above the replay's, and both above the formula's
    assert r["gpipe_m16_wall_bubble"] > r["gpipe_m16_replay_bubble"] > r["theory_m16_bubble"]
