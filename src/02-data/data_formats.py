# [[file:../../primer.org::*Data sources, file formats and data models][Data sources, file formats and data models:1]]
"""File formats and data models, measured.

Part 1: one table of 100,000 events (ids, a timestamp, numbers, short strings)
written as CSV, as JSON lines and as Parquet (pyarrow, zstd compression); file
size, write time, time to read every column and time to read one column.  The
files live in a temporary directory.  Timings are best of three on the machine
that runs the script; only their ratios carry over.

Part 2: one small shop (users, orders, order items, products) held two ways:
normalised into four tables (the relational model) and as one nested document
per user with the product name and price copied into each item (the document
model).  Three operations show what each makes easy: one user's history, an
aggregate over all users, and renaming a product.
"""
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

rng = np.random.default_rng(0)
N = 100_000
events = pd.DataFrame({
    "event_id": np.arange(N, dtype=np.int64),
    "user_id": rng.integers(0, 20_000, N),
    "ts": pd.Timestamp("2024-01-01") + pd.to_timedelta(np.sort(rng.integers(0, 90 * 86_400, N)), unit="s"),
    "country": rng.choice(["DE", "FR", "GB", "IN", "US", "BR"], N, p=[.15, .1, .1, .2, .35, .1]),
    "device": rng.choice(["ios", "android", "web"], N),
    "price": np.round(rng.lognormal(3, 1, N), 2),
    "quantity": rng.integers(1, 5, N),
    "dwell_s": np.round(rng.exponential(30, N), 1),
    "clicked": rng.random(N) < 0.1,
    "query": rng.choice([f"query {i}" for i in range(2_000)], N),
})


def best_of(fn, repeats=3):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


with tempfile.TemporaryDirectory() as tmp:
    tmp = Path(tmp)
    paths = {"csv": tmp / "events.csv", "jsonl": tmp / "events.jsonl",
             "parquet": tmp / "events.parquet"}
    writers = {
        "csv": lambda: events.to_csv(paths["csv"], index=False),
        "jsonl": lambda: events.to_json(paths["jsonl"], orient="records", lines=True,
                                        date_format="iso"),
        "parquet": lambda: pq.write_table(pa.Table.from_pandas(events, preserve_index=False),
                                          paths["parquet"], compression="zstd"),
    }
    readers_all = {
        "csv": lambda: pd.read_csv(paths["csv"]),
        "jsonl": lambda: pd.read_json(paths["jsonl"], lines=True),
        "parquet": lambda: pq.read_table(paths["parquet"]).to_pandas(),
    }
    readers_one = {
        "csv": lambda: pd.read_csv(paths["csv"], usecols=["price"]),
        "jsonl": lambda: pd.read_json(paths["jsonl"], lines=True)[["price"]],
        "parquet": lambda: pq.read_table(paths["parquet"], columns=["price"]).to_pandas(),
    }
    back = {}
    for fmt in ["csv", "jsonl", "parquet"]:
        t_write, _ = best_of(writers[fmt])
        t_all, back[fmt] = best_of(readers_all[fmt])
        t_one, one = best_of(readers_one[fmt])
        assert np.allclose(one["price"].to_numpy(), events["price"].to_numpy())
        print(f"{fmt}_mb = {paths[fmt].stat().st_size / 1e6:.2f}")
        print(f"{fmt}_write_ms = {t_write * 1e3:.0f}")
        print(f"{fmt}_read_all_ms = {t_all * 1e3:.0f}")
        print(f"{fmt}_read_one_ms = {t_one * 1e3:.0f}")
    print(f"in_memory_mb = {events.memory_usage(deep=True).sum() / 1e6:.2f}")
    meta = pq.ParquetFile(paths["parquet"]).metadata
    print(f"parquet_row_groups = {meta.num_row_groups}")

# Which formats give the same table back, types included?
for fmt, df in back.items():
    same_types = all(df[c].dtype == events[c].dtype for c in events.columns)
    print(f"{fmt}_types_kept = {same_types}")
print(f"csv_ts_dtype = {back['csv']['ts'].dtype}")
# Data sources, file formats and data models:1 ends here

# [[file:../../primer.org::*Data sources, file formats and data models][Data sources, file formats and data models:2]]
# Part 2: the same shop as four normalised tables and as one document per user.
n_users, n_products, n_orders, n_items = 2_000, 500, 10_000, 30_000
products = pd.DataFrame({"product_id": np.arange(n_products),
                         "name": [f"product {i}" for i in range(n_products)],
                         "price": np.round(rng.lognormal(3, 0.8, n_products), 2)})
users = pd.DataFrame({"user_id": np.arange(n_users),
                      "country": rng.choice(["DE", "FR", "GB", "IN", "US"], n_users)})
orders = pd.DataFrame({"order_id": np.arange(n_orders),
                       "user_id": rng.integers(0, n_users, n_orders),
                       "day": rng.integers(0, 365, n_orders)})
popularity = 1 / np.arange(1, n_products + 1)               # Zipf: a few products sell most
items = pd.DataFrame({"order_id": rng.integers(0, n_orders, n_items),
                      "product_id": rng.choice(n_products, n_items, p=popularity / popularity.sum()),
                      "quantity": rng.integers(1, 4, n_items)})

documents = {}
for u in users.itertuples():
    documents[u.user_id] = {"user_id": u.user_id, "country": u.country, "orders": []}
by_order = {}
for o in orders.itertuples():
    doc_order = {"order_id": o.order_id, "day": o.day, "items": []}
    documents[o.user_id]["orders"].append(doc_order)
    by_order[o.order_id] = doc_order
name, price = products["name"].to_numpy(), products["price"].to_numpy()
for it in items.itertuples():
    by_order[it.order_id]["items"].append({"product_id": it.product_id,
                                           "name": name[it.product_id],
                                           "price": float(price[it.product_id]),
                                           "quantity": it.quantity})
del by_order
serialised = {u: json.dumps(d, default=int) for u, d in documents.items()}
print(f"document_mb = {sum(map(len, serialised.values())) / 1e6:.2f}")
print(f"normalised_mb = {sum(len(t.to_csv(index=False)) for t in (users, orders, items, products)) / 1e6:.2f}")

# (a) Everything about one user: one document, or a three-table join.
user = 17
t_doc, history_doc = best_of(lambda: json.loads(serialised[user]), repeats=50)
t_rel, history_rel = best_of(lambda: orders[orders.user_id == user]
                             .merge(items, on="order_id").merge(products, on="product_id"),
                             repeats=50)
assert len(history_rel) == sum(len(o["items"]) for o in history_doc["orders"])
print(f"user_history_items = {len(history_rel)}")
print(f"user_history_doc_us = {t_doc * 1e6:.0f}")
print(f"user_history_join_us = {t_rel * 1e6:.0f}")


# (b) Revenue per product over every user: a group-by on the items table, or a
# walk through every document.
def revenue_from_documents():
    total = np.zeros(n_products)
    for text in serialised.values():
        for o in json.loads(text)["orders"]:
            for it in o["items"]:
                total[it["product_id"]] += it["price"] * it["quantity"]
    return total


def revenue_from_tables():
    joined = items.merge(products[["product_id", "price"]], on="product_id")
    spend = joined["price"] * joined["quantity"]
    return spend.groupby(joined["product_id"]).sum().reindex(range(n_products), fill_value=0).to_numpy()


t_doc, rev_doc = best_of(revenue_from_documents)
t_rel, rev_rel = best_of(revenue_from_tables)
assert np.allclose(rev_doc, rev_rel)
print(f"revenue_doc_ms = {t_doc * 1e3:.0f}")
print(f"revenue_tables_ms = {t_rel * 1e3:.1f}")

# (c) Renaming the best-selling product: one row, or every document that embeds it.
top = int(items["product_id"].value_counts().idxmax())
docs_touched = sum(any(it["product_id"] == top for o in d["orders"] for it in o["items"])
                   for d in documents.values())
copies = int((items["product_id"] == top).sum())
print("rename_rows_relational = 1")
print(f"rename_documents_rewritten = {docs_touched}")
print(f"rename_embedded_copies = {copies}")
# Data sources, file formats and data models:2 ends here
