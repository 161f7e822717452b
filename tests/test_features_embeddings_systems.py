"""Lessons of the embedding-system sections, asserted on the numbers the scripts printed."""


def test_contrastive_towers_retrieve_across_modalities(results):
    r = results("clip_digits")
    chance = r["chance_top1"]
    for key in ("plain", "unk_dropout"):
        # new images, new phrasings: far above chance, close to a supervised classifier
        assert r[f"{key}_heldout_i2t_top1"] > 5 * chance
        assert r[f"{key}_heldout_i2t_top1"] > r["supervised_classifier_accuracy"] - 0.05
        assert r[f"{key}_seen_phrasing_t2i_precision10"] > 0.9
        assert 0.01 < r[f"{key}_learned_temperature"] < 0.5


def test_untrained_unk_breaks_text_to_image_and_dropout_fixes_it(results):
    r = results("clip_digits")
    plain = r["plain_heldout_unseen_words_t2i_precision10"]
    fixed = r["unk_dropout_heldout_unseen_words_t2i_precision10"]
    assert plain < r["plain_seen_phrasing_t2i_precision10"] - 0.2   # unseen words hurt ...
    assert fixed > plain + 0.2                                       # ... until <unk> is trained
    assert fixed > 0.9
    # image -> text barely notices the shared offset
    assert abs(r["plain_heldout_i2t_top1"] - r["unk_dropout_heldout_i2t_top1"]) < 0.05


def test_logq_corrects_in_batch_popularity_bias(results):
    r = results("two_tower")
    k = "recall_at_20"
    assert r[f"in_batch_{k}"] < r[f"popularity_{k}"]                  # biased towers lose to popularity
    assert r[f"in_batch_logq_{k}"] > r[f"in_batch_{k}"] + 0.1
    assert r[f"in_batch_logq_{k}"] > r[f"popularity_{k}"] + 0.1
    assert abs(r[f"in_batch_logq_{k}"] - r[f"full_softmax_{k}"]) < 0.03  # recovers the full softmax
    assert r[f"oracle_{k}"] >= r[f"in_batch_logq_{k}"]
    assert r[f"random_{k}"] < 0.5 * r[f"in_batch_{k}"]
    # the bias in numbers: the uncorrected model avoids the head the held-out data is full of
    assert r["in_batch_head_share"] < 0.2 * r["heldout_head_share"]
    assert abs(r["in_batch_logq_head_share"] - r["full_softmax_head_share"]) < 0.08


def test_hashed_ids_collide_but_traffic_mostly_owns_its_rows(results):
    r = results("hashed_id_embeddings")
    assert r["collision_formula_max_gap"] < 0.01
    contamination = [r[f"rows_2pow{b}_traffic_contamination"] for b in range(14, 23, 2)]
    assert all(a > b for a, b in zip(contamination, contamination[1:]))
    assert r["rows_2pow20_id_collision_share"] > 0.99 > 0.3 > r["rows_2pow20_traffic_contamination"]
    assert r["rows_2pow20_traffic_not_owner"] < r["rows_2pow20_traffic_contamination"]
    assert r["rows_2pow20_table_mb"] < 0.2 * 1000 * r["full_table_gb"]
    # two hashes make a confused pair of ids rare, as the formula says
    assert r["two_hash_pair_collision_share"] < 1e-3
    assert abs(r["two_hash_pair_collision_share"] - r["two_hash_pair_expected_share"]) < 2e-5


def test_frequency_aware_table_beats_compositional_tricks(results):
    r = results("hashed_id_embeddings")
    full, none = r["quality_full_table_error"], r["quality_no_id_error"]
    for b in (12, 14, 16):
        one, two = r[f"quality_2pow{b}_one_hash"], r[f"quality_2pow{b}_two_hash"]
        freq, qr = r[f"quality_2pow{b}_frequency_aware"], r[f"quality_2pow{b}_quotient_remainder"]
        assert full < freq < none
        assert freq < min(one, two, qr) - 0.03      # the head getting its own rows matters most
        assert two <= one                            # two hashes help, a little
        assert 0.02 < r[f"two_hash_gain_2pow{b}"] < 0.15
        assert abs(qr - one) < 0.1 * one             # a unique pair is not a free parameter
    assert r["quality_2pow16_one_hash"] < r["quality_2pow12_one_hash"] - 0.1
    # ... with other hash functions too
    assert 0 < r["two_hash_gain_other_seeds_min"] <= r["two_hash_gain_other_seeds_max"] < 0.15


def test_sinusoidal_geometry_is_exact(results):
    r = results("positional_embeddings")
    assert r["dot_product_offset_only_max_spread"] < 1e-9
    assert r["shift_by_5_linear_residual"] < 1e-9
    assert r["dot_self"] > r["dot_neighbour"] > r["dot_offset_10"]


def test_order_needs_positions_and_learned_ones_do_not_extrapolate(results):
    r = results("positional_embeddings")
    assert abs(r["none_test_accuracy"] - 0.5) < 0.05
    assert r["sinusoidal_test_accuracy"] > 0.9
    assert r["learned_test_accuracy"] > 0.9
    for kind in ("sinusoidal", "learned"):
        seen = r[f"{kind}_len16_seen_positions_accuracy"]
        assert seen > 0.9
        assert r[f"{kind}_len16_new_positions_accuracy"] < seen - 0.15
    assert r["learned_len16_new_positions_accuracy"] < 0.75
    assert r["sinusoidal_len16_new_positions_accuracy"] > 0.55
