"""Lesson tests for the rollouts section: a hot swap under load fails no request and
switches version exactly once, a restart fails many; shadow scoring matches the
offline comparison; the canary guard's false-rollback rate is what it was designed
for, and on the live service it rolls a bad version back and promotes a good one.
No server process outlives the script, however it ends.

Every assertion is on counts or on rates with their sampling error, not on wall
time, so a busy machine cannot make them flap.
"""
import signal
import sys

import pytest

from conftest import ROOT
from leftovers import left_after_signal

SCRIPT = ROOT / "src" / "08-serving" / "rollouts.py"


def test_broken_artifacts_never_go_live(results):
    r = results("rollouts")
    assert r["load_corrupt_status"] == 409          # hash mismatch
    assert r["load_mislabelled_status"] == 409      # check inputs score differently
    assert r["serving_after_refusals"] == 1


def test_hot_swap_fails_nothing_and_switches_once(results):
    r = results("rollouts")
    for phase in ["hot1", "hot2"]:
        assert r[f"{phase}_requests"] > 100
        assert r[f"{phase}_failed"] == 0
        assert r[f"{phase}_version_changes"] == 1
    assert r["hot_failed_total"] == 0


def test_restart_fails_requests_while_the_port_is_closed(results):
    r = results("rollouts")
    assert r["naive_failed"] >= 10
    assert r["naive_failed"] > 10 * max(1, r["hot_failed_total"])
    assert r["naive_outage_s"] > 0
    assert r["naive_version_changes"] == 1


def test_shadow_answers_with_the_champion_and_matches_offline(results):
    r = results("rollouts")
    assert r["shadow_answered_by_other"] == 0
    for name in ["good", "bad"]:
        assert r[f"shadow_{name}_logged"] == r["shadow_requests"]
        assert r[f"shadow_{name}_mismatches"] == 0
        assert r[f"shadow_{name}_disagreement"] == r[f"shadow_{name}_offline_disagreement"]
        # live and held-out disagreement agree within sampling error
        assert abs(r[f"shadow_{name}_z"]) < 3
    assert r["shadow_bad_disagreement"] > 5 * r["shadow_good_disagreement"]


def test_guard_false_rollback_rate_is_the_designed_one(results):
    r = results("rollouts")
    alpha = r["guard_alpha_target"]
    # the calibrated threshold: exact rate at most alpha and close to it
    assert 0.8 * alpha < r["guard_exact_false_rollback"] <= alpha
    # the simulation agrees with the exact rate within its Monte Carlo error
    assert abs(r["guard_mc_z"]) < 3
    se = r["guard_mc_se"]
    assert abs(r["guard_mc_false_rollback"] - r["guard_exact_false_rollback"]) < 3 * se
    # Wald's threshold is conservative (higher, and rolls back less often)
    assert r["guard_wald_upper"] > r["guard_upper"]
    assert r["guard_wald_exact_false_rollback"] < r["guard_exact_false_rollback"]
    # the good version, below p0, is rolled back less often than the design rate
    assert r["good_error"] < r["guard_p0"]
    assert r["guard_mc_false_rollback_good_version"] < r["guard_exact_false_rollback"]
    # the peeking rule rolls good versions back many times more often, and far more
    # often than the 2.3 % of a single look at two standard errors
    assert r["guard_naive_mc_false_rollback"] > 4 * 0.0228
    assert r["guard_naive_mc_false_rollback"] > 5 * r["guard_mc_false_rollback"]
    assert r["guard_naive_mc_false_rollback_good_version"] > 5 * max(
        r["guard_mc_false_rollback_good_version"], 1 / r["simulated_canaries"])


def test_guard_catches_harmful_versions(results):
    r = results("rollouts")
    beta = r["guard_beta"]
    # truncation costs power: below 1 - beta, which the untruncated test reaches
    assert 0.5 < r["guard_exact_rollback_at_harmful"] < 1 - beta
    assert r["guard_exact_rollback_at_harmful_untruncated"] > r["guard_exact_rollback_at_harmful"]
    assert r["guard_exact_rollback_at_harmful_untruncated"] >= 1 - beta - 0.01
    p = r["guard_exact_rollback_at_harmful"]
    se = (p * (1 - p) / r["simulated_canaries"]) ** 0.5
    assert abs(r["guard_mc_rollback_at_harmful"] - p) < 3 * se
    assert r["bad_error"] > r["guard_p1"]
    assert r["guard_exact_rollback_at_bad"] > 0.99
    assert r["guard_exact_labels_at_bad"] < r["guard_max_labelled"]


def test_canary_rolls_back_the_bad_version_and_promotes_the_good(results):
    r = results("rollouts")
    assert r["canary_bad_rolled_back"] == 1 and r["canary_bad_promoted"] == 0
    assert r["canary_good_promoted"] == 1 and r["canary_good_rolled_back"] == 0
    # after the rollback no answer comes from the bad version; after the promotion
    # every answer comes from the good one
    assert r["canary_bad_after_by_candidate"] == 0
    assert r["canary_good_after_by_candidate"] == r["canary_good_after_requests"] > 0
    for name in ["bad", "good"]:
        # exposure is bounded by the hash split; answers outrun their labels
        assert 0 < r[f"canary_{name}_users_exposed"] <= r[f"canary_{name}_users_in_share"]
        assert r[f"canary_{name}_users_in_share"] < 0.2 * r["canary_users"]
        assert (r[f"canary_{name}_canary_requests_at_decision"]
                >= r[f"canary_{name}_labelled_at_decision"])
        assert r[f"canary_{name}_failed"] == 0


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_no_server_outlives_the_script(tmp_path, sig):
    left = left_after_signal([sys.executable, str(SCRIPT), "--serve-only"], sig, tmp_path,
                             ready="serving http")
    assert left == [], f"left over after {sig.name}"
