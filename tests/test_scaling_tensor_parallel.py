"""Lesson tests for tensor parallelism: the split MLP block equals the unsplit one."""


def test_split_block_equals_unsplit(results):
    r = results("tensor_parallel")
    assert r["world_size"] == 2
    assert r["output_max_abs_diff"] < 1e-4 * r["output_max_abs"]
    for g in ("x", "a", "b"):
        assert r[f"grad_{g}_max_abs_diff"] < 1e-5


def test_each_rank_holds_half_the_weights(results):
    r = results("tensor_parallel")
    assert r["weight_bytes_per_rank"] * 2 == r["weight_bytes_unsplit"]


def test_communication(results):
    r = results("tensor_parallel")
    # one all-reduce forward, one backward
    assert r["allreduce_calls_forward"] == 1
    assert r["allreduce_calls_total"] == 2
    assert abs(r["allreduce_mb_per_step"] - r["tp_traffic_mb"]) < 1e-3
    # T / 4d: 512 / 1024 here
    assert r["tp_over_dp"] == 0.5
    assert r["tp_over_dp_gpt3_1seq"] < 0.05
    assert r["tp_over_dp_d4096_8seq"] == 1.0
