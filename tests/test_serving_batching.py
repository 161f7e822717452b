"""Lesson tests for the dynamic-batching section.

Latencies come from a real server on a shared machine: ratios and thresholds
have wide margins, and the overload is twice the unbatched capacity so that the
difference between the settings is far outside the noise.  No process of the
script (the driver, its server) outlives it, however it ends.
"""
import signal
import sys

import pytest

from conftest import ROOT
from leftovers import left_after_signal

SCRIPT = ROOT / "src" / "08-serving" / "dynamic_batching.py"


def test_the_model_scores_a_batch_for_the_price_of_a_row(results):
    r = results("dynamic_batching")
    assert r["model_cpu_ms_batch64"] < 2 * r["model_cpu_ms_batch1"]


def test_batching_raises_capacity_but_far_less_than_the_model_gain(results):
    r = results("dynamic_batching")
    assert r["b16_w5_capacity_rps"] > 1.3 * r["b1_w0_capacity_rps"]
    assert r["capacity_gain_largest_batch"] > 1.3
    assert r["capacity_gain_largest_batch"] < r["model_rows_per_cpu_gain_batch64"] / 3
    assert r["model_rows_per_cpu_gain_batch64"] > 20
    for s in ["b4_w2", "b16_w5", "b64_w15"]:
        assert r[f"{s}_heavy_mean_batch"] > 1.5
    assert r["b1_w0_heavy_mean_batch"] == 1


def test_under_overload_only_batching_keeps_the_tail_within_the_sla(results):
    r = results("dynamic_batching")
    assert r["b1_w0_heavy_achieved_over_offered"] < 0.8
    assert r["b1_w0_heavy_p99_ms"] > 250
    for s in ["b16_w5", "b64_w15"]:
        # nearly all answered, and clearly more than the plain server (0.83 under heavy CI load)
        assert r[f"{s}_heavy_achieved_over_offered"] > 0.75
        assert (r[f"{s}_heavy_achieved_over_offered"]
                > r["b1_w0_heavy_achieved_over_offered"] + 0.1)
        assert r[f"{s}_heavy_p99_ms"] < r["b1_w0_heavy_p99_ms"] / 2
    assert r["settings_meeting_sla"] >= 1
    assert r["sla_setting_max_batch"] > 1


def test_waiting_costs_latency_at_light_load(results):
    r = results("dynamic_batching")
    # at light load a request waits for the timer: most of the 15 ms, against ~0
    # unbatched.  The unbatched wait is wall time spent waiting to be scheduled, about
    # 1 ms on a quiet machine and 6.3 ms once in a stress round with both cores busy,
    # so it is bounded relative to the timed wait, not absolutely
    assert r["b64_w15_light_queue_wait_ms"] > 7.5
    assert r["b1_w0_light_queue_wait_ms"] < 0.5 * r["b64_w15_light_queue_wait_ms"]
    assert r["light_queue_wait_cost_largest_batch_ms"] > 5


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_no_server_outlives_the_script(tmp_path, sig):
    # stopped once its server runs (the script and the server carry the marker)
    left = left_after_signal([sys.executable, str(SCRIPT)], sig, tmp_path)
    assert left == [], f"left over after {sig.name}"
