"""Lesson tests for the optimisers and schedules section: each comparison is read
against the 95% interval of its paired difference over five seeds."""


def beyond(r, key, sign):
    """The paired difference `key` lies beyond its interval in the direction `sign`."""
    return sign * r[key] - r[key + "_ci"] > 0


def level(r, key):
    return abs(r[key]) < r[key + "_ci"]


def test_each_optimiser_needs_its_own_rate(results):
    r = results("dynamics_optimisers")
    assert r["adam_best_lr"] < r["momentum_best_lr"] < r["sgd_best_lr"]
    assert r["sgd_best_lr"] / r["adam_best_lr"] >= 10               # more than an order of magnitude
    assert r["sgd_best_lr"] / r["momentum_best_lr"] < 10            # less than 1/(1 - beta)
    for name in ["sgd", "momentum"]:
        assert r[f"{name}_highest_rate_loss"] > 1.0           # the next rate up fails
        assert r[f"{name}_final_loss"] < r[f"{name}_lowest_rate_loss"] / 2   # the low end is slow


def test_momentum_and_adam_optimise_faster_than_sgd_but_generalise_level(results):
    r = results("dynamics_optimisers")
    assert beyond(r, "momentum_minus_sgd_final_loss", -1)
    assert beyond(r, "adam_minus_sgd_final_loss", -1)
    assert level(r, "adam_minus_momentum_final_loss")
    assert beyond(r, "adam_minus_momentum_epoch1_loss", -1)
    assert level(r, "adamw_minus_adam_final_loss")
    for pair in ["momentum_minus_sgd", "adam_minus_sgd", "adam_minus_momentum", "adamw_minus_adam"]:
        assert level(r, f"{pair}_test_acc")                   # five seeds did not separate any pair


def test_decay_pays_at_a_high_peak_and_warmup_is_invisible_here(results):
    r = results("dynamics_optimisers")
    assert not beyond(r, "high_constant_minus_tuned_constant_final_loss", -1)   # "no better"
    assert beyond(r, "high_cosine_minus_high_constant_final_loss", -1)
    assert beyond(r, "high_cosine_minus_high_constant_test_acc", +1)
    assert beyond(r, "high_warmup_cosine_minus_tuned_constant_final_loss", -1)
    assert beyond(r, "high_warmup_cosine_minus_tuned_constant_test_acc", +1)
    assert not beyond(r, "tuned_warmup_cosine_minus_tuned_constant_final_loss", -1)   # "did not help"
    assert level(r, "high_warmup_minus_high_constant_final_loss")
    assert level(r, "high_warmup_cosine_minus_high_cosine_final_loss")
