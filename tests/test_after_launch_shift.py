"""Lesson tests for the After-launch chapter's sections on kinds of shift and detecting shift."""


def test_each_shift_is_seen_only_by_the_right_monitor(results):
    r = results("shift_types")
    # no shift: nobody raises an alarm in more than one draw in ten
    for m in ("input", "score", "label", "acc"):
        assert r[f"none_flag_{m}"] <= 0.1
    # concept drift: invisible without labels, obvious with them
    for m in ("input", "score", "label"):
        assert r[f"concept_flag_{m}"] <= 0.1
    assert r["concept_flag_acc"] >= 0.9
    assert abs(r["concept_positive_rate"] - r["source_positive_rate"]) < 0.03
    # schema change: only the label monitors see it
    assert r["schema_flag_input"] <= 0.1 and r["schema_flag_score"] <= 0.1
    assert r["schema_flag_label"] >= 0.9
    assert r["schema_positive_rate"] < 0.6 * r["source_positive_rate"]
    # a unit change on one feature: the input monitor sees it and it costs accuracy
    assert r["feature_flag_input"] >= 0.9
    assert r["feature_regret"] > r["none_regret"] + 0.05


def test_detectable_is_not_harmful_and_harmful_is_not_detectable(results):
    r = results("shift_types")
    # covariate shift: every label-free monitor fires, yet accuracy does not fall
    assert r["covariate_flag_input"] >= 0.9 and r["covariate_flag_score"] >= 0.9
    assert r["covariate_accuracy"] >= r["none_accuracy"]
    assert r["covariate_flag_acc"] <= 0.1
    # ...while the shortfall from the truth grows beyond noise
    se = (r["covariate_regret_se"] ** 2 + r["none_regret_se"] ** 2) ** 0.5
    assert r["covariate_regret"] > r["none_regret"] + 3 * se
    # label shift: a large shortfall the model could recover
    assert r["label_regret"] > 0.05
    # the worst losses come from concept drift and schema change
    assert min(r["concept_regret"], r["schema_regret"]) > 2 * r["covariate_regret"]
