"""Lesson tests for "Where the memory goes": every measured byte matches its formula."""


def test_state_bytes_per_parameter(results):
    r = results("memory_budget")
    assert r["weight_bytes_per_param"] == 4
    assert r["grad_bytes_per_param"] == 4
    assert r["adam_state_bytes_per_param"] == 8
    assert r["fp32_adam_bytes_per_param"] == 16


def test_activation_formula_is_exact(results):
    r = results("memory_budget")
    for b in (4, 8, 16):
        assert r[f"act_bytes_b{b}"] == r[f"act_formula_b{b}"]
    assert r["act_bytes_check"] == r["act_formula_check"]
    # activations grow linearly with the batch ...
    assert r["act_b16_over_b4"] == 4
    # ... and for this small model at 16 sequences they exceed all the state
    assert r["act_b16_over_states"] > 1


def test_what_fits_on_80gb(results):
    r = results("memory_budget")
    assert r["gpt1p5b_fits_80gb"] == "True"
    for name in ("gpt6p7b", "gpt13b", "gpt65b", "gpt175b"):
        assert r[f"{name}_fits_80gb"] == "False"
    assert r["gpt1p5b_states_gb"] + r["gpt1p5b_act_per_seq_gb"] <= 80 < r["gpt6p7b_states_gb"]
    # 16 bytes per parameter: 80 GB holds the training state of 5 billion parameters
    assert r["max_params_b_training_80gb"] == 5.0
    assert r["max_params_b_bf16_weights_only_80gb"] == 40.0
    assert r["gpt175b_min_devices_80gb"] == 35
    # ZeRO's example: 1.5 billion parameters need 24 GB of mixed-precision Adam state
    assert r["gpt1p5b_states_gb"] == 24
