"""Lesson tests for the Training dynamics section: each asserts the qualitative
lesson on the numbers the scripts printed, with a margin."""


def test_learning_rate_limit(results):
    r = results("dynamics_lr_batch")
    # half the stability limit converges far better than a hundredth of it
    assert r["gd_good_excess_100"] < 1e-3 * r["gd_small_excess_100"]
    # just above 2 / lambda_max the loss grows beyond where it started
    assert r["gd_large_excess_100"] > 100 * r["initial_excess"]
    # the best rate of the sweep lies below the limit but not far below it
    assert 0.3 < r["best_rate_over_eta_max"] < 1.0


def test_batch_size_examples_versus_time(results):
    r = results("dynamics_lr_batch")
    # per example: small batches need far fewer examples than full-batch descent
    assert r["b1_examples_to_target"] < r["full_examples_to_target"] / 5
    assert r["b32_examples_to_target"] < r["full_examples_to_target"] / 5
    # per CPU second: single rows pay the per-step overhead, mini-batches win
    best_minibatch = min(r["b32_cpu_ms_to_target"], r["b512_cpu_ms_to_target"])
    assert r["b1_cpu_ms_to_target"] > 3 * best_minibatch
    assert best_minibatch < r["full_cpu_ms_to_target"]
    # the best learning rate grows with the batch
    assert r["b1_rate"] < r["b32_rate"] < r["b512_rate"]


def test_early_stopping(results):
    r = results("dynamics_lr_batch")
    assert r["best_epoch"] < r["stop_epoch"] < 1000
    # long training memorises noise: training error below the noise floor,
    # validation error above its best
    assert r["train_mse_final"] < r["noise_variance"]
    assert r["val_mse_final"] > r["val_mse_best"] + 0.02
    assert r["test_mse_early_stopped"] < r["test_mse_1000_epochs"] - 0.01


def test_oscillation(results):
    r = results("dynamics_loss_curves")
    sd = r["baseline_val_loss_last_epoch_sd"]
    assert r["high_lr_val_loss_last_epoch_sd"] > 4 * sd
    assert r["sorted_val_loss_last_epoch_sd"] > 4 * sd
    assert r["high_lr_val_loss_last_epoch_mean"] > r["baseline_val_loss_last_epoch_mean"] + 0.05


def test_jump_and_its_fixes(results):
    r = results("dynamics_loss_curves")
    before = r["val_loss_before_injection"]
    assert r["grad_norm_corrupted_batch"] > 50 * r["grad_norm_median"]
    assert r["outlier_val_loss_peak"] > 5 * before
    assert r["outlier_clipped_val_loss_peak"] < 1.2 * before
    assert r["outlier_validated_val_loss_peak"] < 1.2 * before
    assert r["outlier_val_loss_final"] > r["baseline_val_loss_final"] + 0.1
    # a NaN row poisons the run; clipping does not help; validation does
    assert r["nan_finite_final"] == 0
    assert r["nan_clipped_finite_final"] == 0
    assert r["nan_validated_finite_final"] == 1


def test_repeated_batch_looks_good_but_is_stuck(results):
    r = results("dynamics_loss_curves")
    assert r["same_batch_batch_loss_last_epoch"] < r["baseline_batch_loss_last_epoch"] / 5
    assert r["same_batch_val_loss_final"] > r["baseline_val_loss_final"] + 0.3


def test_activation_slopes(results):
    r = results("dynamics_activations")
    assert abs(r["sigmoid_max_slope"] - 0.25) < 0.005
    assert abs(r["tanh_max_slope"] - 1.0) < 0.005
    assert r["sigmoid_slope_at_5"] < 0.01
    assert -0.2 < r["gelu_minimum"] < -0.15


def test_dead_relu(results):
    r = results("dynamics_activations")
    assert r["relu_silent_before"] < 0.02
    assert r["relu_silent_after_shock"] > 0.1
    # dead ReLU units stay dead, most with no weight change at all
    assert r["relu_silent_after_recovery"] > 0.8 * r["relu_silent_after_shock"]
    assert r["relu_silent_units_frozen"] > 0.5
    # leaky units keep receiving gradient; a slope of 0.1 avoids the collapse
    assert r["leaky001_silent_units_frozen"] < 0.05
    assert r["leaky01_silent_after_shock"] < r["relu_silent_after_shock"] / 5


def test_vanishing_gradients(results):
    r = results("dynamics_gradients")
    assert r["sigmoid_glorot_first_over_last"] < 1e-6
    assert r["relu_he_first_over_last"] > 1e-2
    assert r["tanh_glorot_first_over_last"] > 1e-1
    assert r["relu_default_grad_first_layer"] < 1e-5 * r["relu_he_grad_first_layer"]
    # the sigmoid network stays at chance, the He-initialised ReLU network learns
    assert r["sigmoid_glorot_loss_last_50"] > r["chance_loss"] - 0.05
    assert r["relu_he_loss_last_50"] < r["chance_loss"] - 0.2


def test_exploding_gradients_and_clipping(results):
    r = results("dynamics_gradients")
    assert r["gain_1_2_grad_norm_at_init"] > 100 * r["gain_1_0_grad_norm_at_init"]
    assert r["unclipped_first_nonfinite_step"] <= 10   # a string ('none') fails here
    assert r["clipped_loss_last_50"] < r["clipped_loss_first"] / 100
    # clipping keeps the run alive but does not fix the scale
    assert r["well_initialised_loss_last_50"] < r["clipped_loss_last_50"] / 5


def test_batch_normalisation(results):
    r = results("dynamics_batchnorm")
    chance = r["chance_loss"]
    assert r["default_lr005_plain_held_loss"] > chance - 0.05
    assert r["default_lr005_bn_held_loss"] < chance - 0.3
    assert r["he_lr08_bn_held_loss"] < r["he_lr08_plain_held_loss"] - 0.2
    # at a moderate rate a well-initialised network gains little from it
    assert r["he_lr005_bn_held_loss"] > r["he_lr005_plain_held_loss"] - 0.1
    others = [r[k] for k in r if k.endswith("_held_loss") and k != "he_lr08_bn_held_loss"]
    assert r["he_lr08_bn_held_loss"] <= min(others) + 0.02


def test_recurrent_memory(results):
    r = results("dynamics_rnn_memory")
    # at init the signal reaching the key vanishes unless the gates start open
    for kind in ["rnn", "gru", "lstm"]:
        assert r[f"{kind}_grad_reach_T80"] < 1e-8
    assert r["lstm_chrono_grad_reach_T80"] > 1e-3
    # the plain RNN collapses to chance at long lags; the chrono LSTM lasts longer
    assert r["rnn_accuracy_T5"] > 0.95
    assert r["rnn_accuracy_T80"] < 0.4
    assert r["lstm_chrono_accuracy_T40"] > 0.95
    assert r["lstm_chrono_accuracy_T80"] > r["rnn_accuracy_T80"] + 0.2
    lags = [5, 10, 20, 40, 80]
    assert sum(r[f"lstm_chrono_accuracy_T{t}"] for t in lags) > \
        sum(r[f"rnn_accuracy_T{t}"] for t in lags) + 0.5
