"""Lesson tests for the overload section: load shedding and deadlines with a
fallback, against a server with no protection, at half and twice its capacity.

The service time is a fixed, awaited pad, so the capacity hardly moves on a busy
machine; latencies still carry the machine's noise, so the thresholds are ratios
to the SLA with wide margins, and each phase is run twice in opposite orders.
"""
import signal
import sys

import pytest

from conftest import ROOT
from leftovers import left_after_signal

SCRIPT = ROOT / "src" / "08-serving" / "overload_shedding.py"
POLICIES = ["plain", "shed", "deadline"]


def test_the_capacity_holds_still(results):
    r = results("overload_shedding")
    # the awaited pad barely moves with the machine's load
    assert r["service_ms_nominal"] <= r["service_ms_measured"] < 1.3 * r["service_ms_nominal"]


def test_at_half_capacity_nothing_is_shed_and_nothing_falls_back(results):
    r = results("overload_shedding")
    for p in POLICIES:
        assert r[f"{p}_rho050_share_shed"] <= 0.02, p
        assert r[f"{p}_rho050_share_fallback"] <= 0.02, p
        assert r[f"{p}_rho050_share_lost"] == 0, p
        assert r[f"{p}_rho050_model_p99_ms"] < r["sla_ms"], p


def test_without_protection_overload_blows_the_tail(results):
    r = results("overload_shedding")
    assert r["plain_rho200_share_model"] == 1          # it answers everyone ...
    assert r["plain_rho200_model_p99_ms"] > 3 * r["sla_ms"]   # ... far too late
    assert r["plain_p99_over_sla"] > 3
    # "almost all of them too late" (a simulation of the 1.2 s phase gives 0.18)
    assert r["plain_rho200_share_within_sla"] < 0.25
    assert r["plain_rho200_model_p50_ms"] > r["sla_ms"]


def test_shedding_keeps_the_accepted_tail_near_the_sla(results):
    r = results("overload_shedding")
    assert r["queue_limit"] * r["service_ms_nominal"] < r["sla_ms"]
    assert r["shed_rho200_model_p99_ms"] < 1.25 * r["sla_ms"]
    assert r["shed_rho200_model_p99_ms"] < r["plain_rho200_model_p99_ms"] / 3
    assert r["shed_rho200_share_lost"] == 0


def test_shed_share_matches_the_blocking_probability(results):
    r = results("overload_shedding")
    # about half is refused at twice the capacity, as M/D/1/K says, within the tolerance
    assert 0.35 < r["shed_rho200_share_shed"] < 0.7
    assert r["shed_rho200_max_gap_to_md1k"] <= r["blocking_tolerance"] == 0.1
    # a phase that starts from an empty queue refuses less than the steady state;
    # once the queue has filled, the share is the model's
    assert r["shed_rho200_share_shed"] < r["shed_rho200_md1k_blocking"]
    assert r["shed_rho200_share_shed"] < r["shed_rho200_share_shed_settled"]
    assert abs(r["shed_rho200_share_shed_settled"] - r["shed_rho200_md1k_blocking"]) < 0.1
    # above capacity the models agree with each other and with 1 - 1/rho
    assert abs(r["shed_rho200_md1k_blocking"] - r["shed_rho200_fluid_blocking"]) < 0.02
    assert abs(r["shed_rho200_mm1k_blocking"] - r["shed_rho200_fluid_blocking"]) < 0.02
    assert r["shed_rho050_md1k_blocking"] < 0.05


def test_deadlines_answer_everyone_about_on_time_with_a_fallback(results):
    r = results("overload_shedding")
    assert r["deadline_answered_p99_over_sla"] < 1.3
    assert r["deadline_rho200_answered_p99_ms"] < r["plain_rho200_model_p99_ms"] / 3
    assert 0.25 < r["deadline_rho200_share_fallback"] < 0.75
    assert r["deadline_rho200_share_lost"] == 0
    assert r["deadline_rho200_share_within_sla"] > 0.75
    assert r["deadline_rho200_share_within_sla"] > r["plain_rho200_share_within_sla"] + 0.4
    # the model answers come late in the budget: the queue is as long as the deadline
    assert r["deadline_rho200_model_p50_ms"] > 0.6 * r["sla_ms"]


def test_protection_raises_goodput(results):
    r = results("overload_shedding")
    assert r["goodput_shed_over_plain"] > 2
    assert r["goodput_deadline_over_plain"] > 2
    assert r["shed_rho200_goodput_rps"] > 2 * r["plain_rho200_goodput_rps"]


def test_no_model_call_is_wasted_and_the_counts_agree(results):
    r = results("overload_shedding")
    assert r["calls_not_delivered"] == 0
    assert r["skipped_minus_fallbacks"] == 0
    assert r["server_fallbacks_minus_client"] == 0
    assert r["model_answer_max_abs_error"] < 1e-9


def test_a_cached_fallback_beats_the_default(results):
    r = results("overload_shedding")
    assert r["fallback_share_from_cache"] > 0.5
    # on the same requests, the user's last score is closer than the base rate
    assert 0 < r["fallback_cache_mean_abs_error"] < r["default_instead_of_cache_mean_abs_error"]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_no_server_outlives_the_script(tmp_path, sig):
    left = left_after_signal([sys.executable, str(SCRIPT), "--serve-only"], sig, tmp_path,
                             ready="serving http")
    assert left == [], f"left over after {sig.name}"
