"""Lesson tests for sharding the training state: ZeRO-1 and FSDP2 against DDP."""


def test_sharding_does_not_change_the_result(results):
    r = results("zero_sharding")
    assert r["max_abs_weight_change"] > 1e-3
    for v in ("ddp", "zero1", "fsdp2"):
        assert r[f"{v}_max_abs_diff_vs_single"] < 1e-5


def test_ddp_replicates_everything(results):
    r = results("zero_sharding")
    p = r["params"]
    for rank in (0, 1):
        assert r[f"ddp_rank{rank}_weight_bytes"] == 4 * p
        assert r[f"ddp_rank{rank}_grad_bytes"] == 4 * p
        assert r[f"ddp_rank{rank}_adam_bytes"] == 8 * p


def test_zero1_shards_only_the_optimizer_state(results):
    r = results("zero_sharding")
    p = r["params"]
    assert r["zero1_rank0_adam_bytes"] + r["zero1_rank1_adam_bytes"] == 8 * p
    # about half each, not exactly: whole tensors are assigned to ranks
    assert 0.5 <= r["zero1_adam_share_of_ddp"] < 0.55
    assert r["zero1_rank0_adam_bytes"] != r["zero1_rank1_adam_bytes"]
    assert r["zero1_rank0_weight_bytes"] == 4 * p
    assert 0.7 < r["zero1_total_share_of_ddp"] < 0.8


def test_fsdp2_shards_everything(results):
    r = results("zero_sharding")
    p = r["params"]
    for kind, per in (("weight", 4), ("grad", 4), ("adam", 8)):
        both = r[f"fsdp2_rank0_{kind}_bytes"] + r[f"fsdp2_rank1_{kind}_bytes"]
        assert both == per * p
    assert abs(r["fsdp2_total_share_of_ddp"] - 0.5) < 0.01
    assert r["fsdp2_total_share_of_ddp"] < r["zero1_total_share_of_ddp"]


def test_zero_paper_example(results):
    r = results("zero_sharding")
    assert r["zero_7p5b_stage0_gb"] == 120.0
    assert r["zero_7p5b_stage1_gb"] == 31.4
    assert r["zero_7p5b_stage2_gb"] == 16.6
    assert r["zero_7p5b_stage3_gb"] == 1.9
    assert r["zero_comm_stage3_psi"] / r["zero_comm_stage0_psi"] == 1.5
