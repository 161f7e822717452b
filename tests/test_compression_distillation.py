"""Lesson tests for the distillation section.

Ten seeds share initial weights and batches across variants, so gains are paired
differences with a standard error over seeds; a winner is named only beyond two.
"""


def test_teacher_is_better_and_much_larger(results):
    r = results("distillation")
    assert r["teacher_accuracy"] > r["student_hard_accuracy"] + 0.005
    assert r["teacher_accuracy"] >= r["teacher_member_accuracy"]
    assert r["size_ratio"] > 50
    # the ensemble is nearly certain on its own training rows
    assert r["teacher_train_true_class_prob"] > 0.95


def test_low_temperature_gain_is_small_but_beyond_noise(results):
    r = results("distillation")
    assert r["student_T1_gain"] > 2 * r["student_T1_gain_se"]
    assert r["student_T1_gain"] < 0.02
    # enough to match an ensemble member many times its size
    assert abs(r["student_T1_accuracy"] - r["teacher_member_accuracy"]) <= 0.005
    assert r["member_size_ratio"] > 10


def test_high_temperatures_cost_accuracy_but_calibrate(results):
    r = results("distillation")
    for T in (4, 8):
        assert r[f"student_T{T}_gain"] < -2 * r[f"student_T{T}_gain_se"]
    for T in (2, 4, 8):          # the figure: less than half the hard-label student's
        assert r[f"student_T{T}_ece"] < 0.5 * r["student_hard_ece"]
    assert r["student_T2_ece"] < 0.6 * r["student_hard_ece"]
