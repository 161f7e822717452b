"""Lesson tests for low precision: bf16 memory and accuracy, fp16 underflow and
loss scaling, and low-precision summation."""


def test_bf16_halves_saved_activations_at_little_cost(results):
    r = results("low_precision")
    assert 0.4 < r["saved_bytes_ratio"] < 0.6
    one = 1 / r["n_test"] + 2e-4   # accuracies are printed to 4 decimals
    assert abs(r["acc_fp32_trained_bf16_inference"] - r["acc_fp32_trained"]) <= one
    assert abs(r["acc_bf16_autocast_trained"] - r["acc_fp32_trained"]) <= one
    assert r["acc_fp32_trained"] > 0.95


def test_loss_scaling_rescues_small_gradients(results):
    r = results("low_precision")
    z = [r[f"final_grads_zero_in_fp16_scale_{s}"] for s in ("none", "2p10", "2p16")]
    assert z[0] > 0.03 and z[0] > 3 * z[1] and z[1] > z[2]
    assert r["final_grads_subnormal_in_fp16_scale_none"] > 0.3
    assert r["final_grad_max_scaled_2p16"] < 65504 / 10
    assert r["fp16_flushed_share"] > 5 * r["fp16_static_flushed_share"]
    assert r["fp16_static_flushed_share"] > r["fp16_dynamic_flushed_share"]
    assert r["fp16_dynamic_final_scale_log2"] >= 16


def test_small_problem_does_not_care(results):
    r = results("low_precision")
    one = 1 / r["n_test"] + 2e-4   # accuracies are printed to 4 decimals
    for m in ("fp16", "fp16_static", "fp16_dynamic"):
        assert abs(r[f"{m}_acc"] - r["acc_fp32_trained"]) <= one


def test_low_precision_summation_stalls(results):
    r = results("low_precision")
    assert r["sum_fp16_sequential"] == 2048
    assert r["sum_bf16_sequential"] == 256
    assert r["sum_fp16_rel_error"] > 0.5 and r["sum_bf16_rel_error"] > 0.9
    assert r["sum_fp32_rel_error"] < 1e-4
    assert r["sum_bf16_values_fp32_accumulator_rel_error"] < 1e-3
