"""Lesson tests for dropout and label smoothing: paired over five training draws,
each claim read against the 95% interval of its difference from the plain network."""


def beyond(r, key, sign):
    return sign * r[key] - r[key + "_ci"] > 0


def level(r, key):
    return abs(r[key]) < r[key + "_ci"]


def test_the_plain_network_memorises_and_is_overconfident(results):
    r = results("regularization_dropout")
    for name in ["plain", "dropout", "smoothing", "both"]:
        assert r[f"{name}_train_acc"] == 1.0
    assert r["plain_confidence"] > r["plain_acc"]
    assert r["plain_temperature"] > 1


def test_dropout_helps_accuracy_log_loss_and_calibration(results):
    r = results("regularization_dropout")
    assert beyond(r, "dropout_minus_plain_acc", +1)
    assert beyond(r, "dropout_minus_plain_nll", -1)
    assert beyond(r, "dropout_minus_plain_ece", -1)


def test_label_smoothing_gains_accuracy_but_is_underconfident_until_rescaled(results):
    r = results("regularization_dropout")
    assert beyond(r, "smoothing_minus_plain_acc", +1)
    assert beyond(r, "smoothing_minus_plain_ece", +1)
    assert level(r, "smoothing_minus_plain_nll")
    assert r["smoothing_confidence"] < r["smoothing_acc"] - 0.05
    assert r["smoothing_temperature"] < 1
    assert beyond(r, "both_minus_plain_acc", +1)
    assert r["both_ece"] > 2 * r["plain_ece"]
    for name in ["dropout", "smoothing", "both"]:                 # after scaling, none worse than plain
        assert not beyond(r, f"{name}_minus_plain_ece_scaled", +1)
    for name in ["smoothing", "both"]:                             # the smoothing penalty removed
        assert r[f"{name}_ece_scaled"] < r[f"{name}_ece"] / 4
