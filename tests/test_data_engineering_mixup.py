"""Lesson tests for mixup, input noise and adversarial training on few digits,
paired over five training draws against 95% intervals."""


def beyond(r, key, sign):
    return sign * r[key] - r[key + "_ci"] > 0


def test_a_plain_network_is_fragile_to_a_gradient_step(results):
    r = results("augmentation_mixup")
    assert r["plain_acc"] > 0.9
    assert r["plain_acc_adv"] < 0.5
    assert r["plain_acc_noisy"] < r["plain_acc"] - 0.05


def test_input_noise_helps_clean_and_robust_accuracy(results):
    r = results("augmentation_mixup")
    assert beyond(r, "noise_minus_plain_acc", +1)
    assert beyond(r, "noise_minus_plain_nll", -1)
    assert beyond(r, "noise_minus_plain_acc_noisy", +1)
    assert beyond(r, "noise_minus_plain_acc_adv", +1)


def test_adversarial_training_buys_the_most_robustness(results):
    r = results("augmentation_mixup")
    assert not beyond(r, "adversarial_minus_plain_acc", -1)        # "did not lower clean accuracy"
    assert beyond(r, "adversarial_minus_plain_nll", -1)
    assert beyond(r, "adversarial_minus_plain_acc_noisy", +1)
    assert beyond(r, "adversarial_minus_plain_acc_adv", +1)
    # most robust to the attack, by more than both runs' spreads (conservative)
    gap = r["adversarial_acc_adv"] - r["noise_acc_adv"]
    assert gap > r["adversarial_minus_plain_acc_adv_ci"] + r["noise_minus_plain_acc_adv_ci"]


def test_mixup_does_not_help_this_small_model(results):
    r = results("augmentation_mixup")
    assert not beyond(r, "mixup_minus_plain_acc", +1)              # "clean accuracy did not rise"
    assert beyond(r, "mixup_minus_plain_nll", +1)
    assert beyond(r, "mixup_minus_plain_acc_noisy", -1)
    assert beyond(r, "mixup_minus_plain_acc_adv", -1)
