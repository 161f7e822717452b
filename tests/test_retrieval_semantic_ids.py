"""Lesson tests for the item-identifier section (deterministic)."""


def test_semantic_ids_collide_more_but_mean_something(results):
    r = results("semantic_ids")
    assert r["atomic_collisions"] == 0 and r["atomic_vocab"] == 20_000
    assert r["semantic256_vocab"] == r["hashed256_vocab"] == 512
    assert r["semantic256_collisions"] > r["hashed256_collisions"] + 0.05
    assert r["semantic256_first_token_purity"] > 0.9
    # a hashed token is only lucky: above one group's share, far below semantic
    assert r["chance_purity"] < r["hashed256_first_token_purity"] < 10 * r["chance_purity"]
    assert r["semantic256_first_token_purity"] > 10 * r["hashed256_first_token_purity"]


def test_small_codebooks_are_useless_as_identifiers(results):
    r = results("semantic_ids")
    for name in ["hashed", "semantic"]:
        assert r[f"{name}64_collisions"] > 0.9
        assert r[f"{name}256_collisions"] < r[f"{name}64_collisions"]


def test_a_suffix_token_removes_the_collisions(results):
    r = results("semantic_ids")
    assert r["semantic256_suffix_collisions"] == 0
    assert 1 < r["semantic256_suffix_tokens"] < r["semantic256_vocab"]
