"""Lesson tests for the sections "Transfer learning and fine-tuning" and
"Recommender and ads architectures"."""


def test_transfer_digits_specific_top_layers(results):
    r = results("transfer_digits")
    # Features from the last hidden layer are specific to the source classes; the
    # convolutional features one layer down transfer far better.
    assert r["probe_conv_accuracy"] > r["probe_accuracy"] + 0.1
    # A low body learning rate keeps those unsuitable features: worse than one rate.
    assert r["full_same_lr_accuracy"] > r["full_accuracy"] + 0.05
    # From a narrow five-class source, no reuse strategy beats training from scratch.
    best_transfer = max(r[k] for k in ["probe_accuracy", "probe_conv_accuracy",
                                       "last_accuracy", "full_accuracy",
                                       "full_same_lr_accuracy"])
    assert best_transfer < r["scratch_accuracy"] + 0.01
    assert r["probe_trainable"] < r["probe_conv_trainable"] < r["last_trainable"] \
        < r["full_trainable"] == r["scratch_trainable"]


def test_lora_adapts_with_few_parameters(results):
    r = results("lora")
    for name in ["head", "adapter", "lora_r1", "lora_r2", "lora_r4", "lora_r8", "full"]:
        assert r[f"{name}_accuracy"] > r["frozen_accuracy"] + 0.1, name
    # Rank 8 comes close to full fine-tuning with under a fifth of the parameters.
    assert r["lora_r8_accuracy"] > r["full_accuracy"] - 0.04
    assert r["lora_r8_trainable"] < 0.2 * r["full_trainable"]
    for rank in (2, 4, 8):
        assert r[f"lora_r{rank}_trainable"] == rank * r["lora_r1_trainable"]
    # A related source helps: fine-tuning beats training from scratch on 50 labels.
    assert r["full_accuracy"] > r["scratch_accuracy"] + 0.01
    # Merging B A into W changes nothing but rounding, and adds no parameters.
    assert r["merged_max_abs_diff"] < 1e-4
    assert r["merged_params"] == r["pretrained_params"]


def test_recsys_crosses_beat_logistic_regression(results):
    r = results("recsys_architectures")
    for m in ["wide_deep", "dcn", "dlrm"]:
        assert r[f"{m}_auc"] > r["logreg_auc"] + 0.03, m
        assert r[f"{m}_logloss"] < r["logreg_logloss"] - 0.02, m
    for m in ["logreg", "wide_deep", "dcn", "dlrm", "two_tower", "two_tower_plus_seen"]:
        assert r[f"{m}_auc"] < r["true_auc"], m
        assert r[f"{m}_logloss"] > r["true_logloss"], m


def test_recsys_two_tower_trails_rankers(results):
    r = results("recsys_architectures")
    assert r["seeds"] >= 3
    k = 2   # a difference counts when it exceeds k standard errors over initialisations

    def gap(a, b):
        return r[f"{a}_minus_{b}"], r[f"{a}_minus_{b}_se"]

    # Wide & Deep, handed the true crosses, comes first; DCN-V2 and DLRM are level.
    for other in ["dcn", "dlrm"]:
        d, se = gap("wide_deep", other)
        assert d > k * se, other
    d, se = gap("dlrm", "dcn")
    assert abs(d) < k * se
    # DLRM varies most between initialisations.
    assert r["dlrm_auc_sd"] == max(r[f"{m}_auc_sd"] for m in
                                   ["wide_deep", "dcn", "dlrm", "two_tower", "two_tower_plus_seen"])
    # The plain two-tower model trails every ranker by more than k standard errors.
    for m in ["wide_deep", "dcn", "dlrm"]:
        se = ((r[f"{m}_auc_sd"] ** 2 + r["two_tower_auc_sd"] ** 2) / r["seeds"]) ** 0.5
        assert r[f"{m}_auc"] - r["two_tower_auc"] > k * se, m
    # The pair feature raises it, to DLRM's level but below DCN-V2 and Wide & Deep ...
    d, se = gap("two_tower_plus_seen", "two_tower")
    assert d > k * se
    d, se = gap("dlrm", "two_tower_plus_seen")
    assert abs(d) < k * se
    d, se = gap("dcn", "two_tower_plus_seen")
    assert d > k * se
    assert r["wide_deep_auc"] > r["dcn_auc"] > r["two_tower_plus_seen_auc"]
    # ... and what the pair feature is worth is about the gap left to Wide & Deep.
    left = r["wide_deep_auc"] - r["two_tower_plus_seen_auc"]
    assert 0.5 < left / r["two_tower_plus_seen_minus_two_tower"] < 2


def test_recsys_multitask(results):
    r = results("recsys_multitask")
    assert r["seeds"] >= 4
    k = 2   # a difference counts when it exceeds k standard errors over initialisations

    def gap(a, b, task):
        return r[f"{a}_minus_{b}_{task}"], r[f"{a}_minus_{b}_{task}_se"]

    # The shared bottom costs the click task ...
    d, se = gap("shared", "single", "click")
    assert d < -k * se
    # ... and its like-task gain points the right way but is within the noise.
    d, se = gap("shared", "single", "like")
    assert 0 < d < k * se
    # MMoE is above the shared bottom on clicks and level with the click-only model.
    d, se = gap("mmoe", "shared", "click")
    assert d > k * se
    d, se = gap("mmoe", "single", "click")
    assert abs(d) < k * se
    # On the like task MMoE is level with both.
    for other in ["single", "shared"]:
        d, se = gap("mmoe", other, "like")
        assert abs(d) < k * se, other
    # The rare task stays further from its ceiling than the frequent one.
    for m in ["single", "shared", "mmoe"]:
        assert r["true_like_auc"] - r[f"{m}_like_auc"] > r["true_click_auc"] - r[f"{m}_click_auc"]
    assert r["mmoe_params"] < r["single_params"]


def test_recsys_diagrams(results):
    r = results("recsys_diagrams")
    assert r["panels"] == 6
    assert 800 <= r["width_px"] <= 1400
