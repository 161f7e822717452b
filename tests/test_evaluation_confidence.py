"""Calibration and confidence: the lessons asserted on the printed numbers."""


def test_recalibration_fixes_probabilities_not_ranking_and_saves_money(results):
    r = results("calibration")
    assert r["temperature_vs_sklearn_max_diff"] < 1e-4 and r["brier_vs_sklearn_diff"] < 1e-12
    # the raw model ranks well and is badly calibrated
    assert r["truth_auc"] - r["raw_auc"] < 0.01
    assert r["raw_ece"] > 0.08 and r["raw_share_above_0_99"] > 0.1
    # every map improves ECE and Brier; isotonic and Platt-on-the-logit most
    for m in ("sigmoid", "temperature", "isotonic", "platt_logit"):
        assert r[f"{m}_ece"] < r["raw_ece"] and r[f"{m}_brier"] < r["raw_brier"]
    assert max(r["isotonic_ece"], r["platt_logit_ece"]) < 0.5 * r["sigmoid_ece"]
    assert r["temperature_ece"] > r["sigmoid_ece"]
    # ranking unchanged by the parametric maps, barely by isotonic
    for m in ("sigmoid", "temperature", "platt_logit"):
        assert abs(r[f"{m}_auc"] - r["raw_auc"]) < 1e-6
    assert r["raw_auc"] - r["isotonic_auc"] < 0.005
    assert r["isotonic_logloss"] > r["platt_logit_logloss"] + 0.03
    # Platt on the logit beats isotonic on Brier beyond the paired test-row noise
    assert r["isotonic_minus_platt_logit_brier"] > 3 * r["isotonic_minus_platt_logit_brier_se"]
    # isotonic overfits small calibration sets; the gap shrinks with data
    gaps = [r[f"isotonic_minus_platt_brier_n{n}"] for n in (50, 200, 1000, 5000)]
    for n in (50, 200, 1000):
        assert r[f"isotonic_minus_platt_brier_n{n}"] > 3 * r[f"isotonic_minus_platt_brier_n{n}_se"]
    assert gaps[0] > gaps[1] > gaps[2] > gaps[3] and gaps[0] > 10 * gaps[3]
    # the ad slot: recalibration recovers most of the lost value, beyond the noise
    assert r["raw_minus_platt_logit_lost_pct"] > 3 * r["raw_minus_platt_logit_lost_pct_se"]
    assert r["raw_minus_isotonic_lost_pct"] > 3 * r["raw_minus_isotonic_lost_pct_se"]
    assert r["platt_logit_value_lost_pct"] < 0.3 * r["raw_value_lost_pct"]
    assert r["temperature_value_lost_pct"] > 2 * r["platt_logit_value_lost_pct"]
    assert r["temperature_ad_share"] > r["truth_ad_share"] + 0.05


def test_selective_prediction_and_conformal_coverage(results):
    r = results("conformal")
    # abstaining on low confidence raises accuracy monotonically; at random it does not
    assert (r["selective_accuracy_cov100"] < r["selective_accuracy_cov80"]
            < r["selective_accuracy_cov50"] < r["selective_accuracy_cov20"])
    assert r["selective_accuracy_cov50"] > r["random_abstain_accuracy_cov50"] + 0.05
    assert abs(r["random_abstain_accuracy_cov50"] - r["selective_accuracy_cov100"]) < 0.02
    # the split-conformal guarantee, within Monte Carlo error
    assert abs(r["mean_coverage"] - r["guaranteed_mean_coverage"]) < 3 * r["coverage_mc_error"]
    assert r["guaranteed_mean_coverage"] - r["target_coverage"] < 1 / 501 + 1e-9
    # per-draw spread as the Beta distribution plus test sampling predicts
    assert abs(r["coverage_sd_across_draws"] / r["coverage_sd_beta_plus_test"] - 1) < 0.1
    # the shortcut under-covers, beyond the noise
    assert r["naive_train_residual_coverage"] < r["target_coverage"] - 0.01
    # marginal, not conditional: plain intervals over- and under-cover; normalised ones even out
    assert r["plain_coverage_calm"] > 0.97 and r["plain_coverage_noisy"] < 0.87
    assert abs(r["normalised_coverage_calm"] - 0.9) < 0.02
    assert abs(r["normalised_coverage_noisy"] - 0.9) < 0.02
