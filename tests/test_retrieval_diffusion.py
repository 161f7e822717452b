"""Lesson tests for the diffusion section.  MMD values are x 1,000, means of five
draws; "indistinguishable" means within two standard deviations."""
import math


def _close(r, a, b):
    return abs(r[f"{a}_mmd"] - r[f"{b}_mmd"]) < 2 * math.hypot(r[f"{a}_mmd_sd"], r[f"{b}_mmd_sd"])


def test_trained_model_reaches_the_noise_floor(results):
    r = results("diffusion_2d")
    assert r["abar_final"] < 0.05                       # x_T is nearly pure noise
    ceiling = r["mmd_floor"] + 2 * r["mmd_floor_sd"]
    assert r["steps50_mmd"] < ceiling
    assert r["train4000_mmd"] < ceiling
    assert r["ancestral200_mmd"] < ceiling


def test_too_few_steps_fail_and_twenty_suffice(results):
    r = results("diffusion_2d")
    assert r["steps1_mmd"] > 30 * r["mmd_floor"]
    assert r["steps2_mmd"] > 30 * r["mmd_floor"]
    assert r["steps5_mmd"] > r["mmd_floor"] + 5 * r["mmd_floor_sd"]
    assert r["steps1_mmd"] > r["steps5_mmd"] > r["steps10_mmd"]
    # from 20 steps on, nothing measurable is gained
    assert _close(r, "steps20", "steps200")
    assert _close(r, "steps50", "steps200")
    assert _close(r, "steps20", "ancestral200")


def test_quality_improves_with_training(results):
    r = results("diffusion_2d")
    assert r["train250_mmd"] > 5 * r["train4000_mmd"]
    assert r["train1000_mmd"] > r["train4000_mmd"] + 2 * math.hypot(
        r["train1000_mmd_sd"], r["train4000_mmd_sd"])
    assert r["train250_cpu_s"] < r["train1000_cpu_s"] < r["train4000_cpu_s"]
