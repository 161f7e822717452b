"""Lesson tests for file formats and data models: sizes, column pruning, types
kept, and the operations each data model makes cheap or expensive."""


def test_columnar_files_are_small_typed_and_read_one_column_cheaply(results):
    r = results("data_formats")
    assert r["jsonl_mb"] > r["csv_mb"] > 2 * r["parquet_mb"]
    assert r["jsonl_read_all_ms"] > r["csv_read_all_ms"]
    assert r["parquet_read_one_ms"] < r["parquet_read_all_ms"] / 2
    assert r["parquet_read_one_ms"] < r["csv_read_one_ms"]
    assert r["parquet_read_one_ms"] < r["jsonl_read_one_ms"] / 10
    assert r["parquet_types_kept"] == "True"
    assert r["csv_types_kept"] == "False" and r["jsonl_types_kept"] == "False"


def test_documents_read_one_entity_fast_tables_aggregate_and_update_fast(results):
    r = results("data_formats")
    assert r["document_mb"] > 3 * r["normalised_mb"]
    assert r["user_history_doc_us"] * 10 < r["user_history_join_us"]
    assert r["revenue_tables_ms"] * 3 < r["revenue_doc_ms"]
    assert r["rename_rows_relational"] == 1
    assert r["rename_documents_rewritten"] > 500
    assert r["rename_embedded_copies"] > r["rename_documents_rewritten"]
