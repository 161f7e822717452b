# [[file:../../primer.org::*Data sources, file formats and data models][Data sources, file formats and data models:3]]
"""ETL and ELT on one event stream, and what each order of steps costs.

Part 1: seven weeks of synthetic purchase events (1,000 a day, with a known
purchase probability) land two ways.  ELT stores every raw event, all fields, as
JSON lines in a lake, one folder per day.  ETL checks and casts each day's events
at load time and writes a typed Parquet file to a warehouse, keeping only the
fields the first model used: it drops the referrer.  Bytes on disk, and the time
to build the training table from the lake or read it from the warehouse (least
CPU time of three, one thread; the ratio depends on the JSON parser and on the
size of the files, so the warehouse is also read compacted into one file).

Part 2: on day 35 a feature from the referrer is wanted.  ELT backfills it over the
whole history from the lake; ETL keeps the referrer from that day on.  On day 42
both train the same logistic regression and are scored on the week after, in
five independent worlds (seeds), against the AUC of the true probabilities.

Part 3: a producer starts sending prices in integer cents.  The warehouse's load
check rejects those rows; the lake stores them, and a reader that does not
validate gets prices a hundred times too large.  Files live in a temporary
directory.
"""
import gzip
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from sklearn.compose import make_column_transformer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

PER_DAY, DAYS = 1_000, 49
CHANGE_DAY = 35                     # the day the referrer is wanted as a feature
TRAIN_DAY = 42                      # the day both models are trained; the last week is the test
DEVICES, COUNTRIES = ["ios", "android", "web"], ["DE", "FR", "GB", "IN", "US", "BR"]
REFERRERS = np.array([f"https://site{i}.example/" for i in range(1_000)])
START = np.datetime64("2024-03-04T00:00:00", "s")
# The warehouse's contract: ids, time and the fields the first model needed, typed.
SCHEMA = pa.schema([("event_id", pa.int64()), ("ts", pa.timestamp("s")),
                    ("user_id", pa.int64()), ("device", pa.string()),
                    ("country", pa.string()), ("price", pa.float64()), ("bought", pa.bool_())])
WITH_REFERRER = SCHEMA.append(pa.field("referrer", pa.string()))


def world(seed):
    """A random generator and the true effects: device, country, price, referrer."""
    rng = np.random.default_rng(seed)
    traffic = 1 / (np.arange(len(REFERRERS)) + 10.0)     # a few referrers send most visits
    return rng, {"device": dict(zip(DEVICES, rng.normal(0, 0.3, len(DEVICES)))),
                 "country": dict(zip(COUNTRIES, rng.normal(0, 0.3, len(COUNTRIES)))),
                 "referrer": rng.normal(0, 0.8, len(REFERRERS)),
                 "traffic": traffic / traffic.sum()}


def raw_events(rng, truth, day, cents=False):
    """One day of events as the producer sends them, and each purchase's true probability."""
    device, country = rng.choice(DEVICES, PER_DAY), rng.choice(COUNTRIES, PER_DAY)
    price = np.round(rng.lognormal(3, 0.8, PER_DAY), 2)
    referrer = rng.choice(len(REFERRERS), PER_DAY, p=truth["traffic"])
    logit = (-2.0 + pd.Series(device).map(truth["device"]).to_numpy()
             + pd.Series(country).map(truth["country"]).to_numpy()
             - 0.5 * (np.log(price) - 3) + truth["referrer"][referrer])
    p = 1 / (1 + np.exp(-logit))
    seconds = np.sort(rng.integers(0, 86_400, PER_DAY))
    events = pd.DataFrame({
        "event_id": day * PER_DAY + np.arange(PER_DAY),
        "ts": np.datetime_as_string(START + np.timedelta64(day, "D") + seconds),
        "user_id": rng.integers(0, 50_000, PER_DAY),
        "device": device, "country": country,
        "price": np.round(price * 100).astype(np.int64) if cents else price,
        "referrer": REFERRERS[referrer],
        "bought": rng.random(PER_DAY) < p})
    return events, p


def etl_load(events, schema):
    """ETL's transform: rows whose price is not a float in euros are rejected, the
    rest are cast to the schema; fields outside the schema are dropped."""
    ok = events["price"].between(0.01, 1_000) & (events["price"].dtype == np.float64)
    rows = events.assign(ts=pd.to_datetime(events["ts"], format="%Y-%m-%dT%H:%M:%S"))[ok]
    table = pa.Table.from_pandas(rows[schema.names], schema=schema, preserve_index=False)
    return table, int((~ok).sum())


def land_day(root, day, events, schema):
    """Both pipelines for one day: raw JSON lines into the lake (ELT), the checked and
    typed table into the warehouse (ETL).  Returns the number of rows ETL rejected."""
    (root / "lake" / f"day={day:02d}").mkdir(parents=True)
    events.to_json(root / "lake" / f"day={day:02d}" / "events.jsonl", orient="records",
                   lines=True)
    table, rejected = etl_load(events, schema)
    (root / "warehouse").mkdir(exist_ok=True)
    pq.write_table(table, root / "warehouse" / f"day={day:02d}.parquet", compression="zstd")
    return rejected


def land(root, seed):
    """Run both pipelines over every day of one world; the true probabilities come back."""
    rng, truth = world(seed)
    p = []
    for day in range(DAYS):
        events, p_day = raw_events(rng, truth, day)
        rejected = land_day(root, day, events, WITH_REFERRER if day >= CHANGE_DAY else SCHEMA)
        assert rejected == 0, "a good day lost rows at load; every row must reach both stores"
        p.append(p_day)
    return np.concatenate(p)


def from_lake(root, days):
    """ELT's transform, at read time: parse the raw JSON of these days into a table."""
    df = pd.concat([pd.read_json(root / "lake" / f"day={d:02d}" / "events.jsonl", lines=True)
                    for d in days], ignore_index=True)
    return df.assign(ts=pd.to_datetime(df["ts"], format="%Y-%m-%dT%H:%M:%S"))


def from_warehouse(root, days, schema):
    return pa.concat_tables([pq.read_table(root / "warehouse" / f"day={d:02d}.parquet",
                                           columns=schema.names, use_threads=False)
                             for d in days]).to_pandas(use_threads=False)


def least_cpu_time(fn, repeats=3):
    times = []
    for _ in range(repeats):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return min(times)


def mb(files):
    return sum(f.stat().st_size for f in files) / 1e6


history = range(TRAIN_DAY)
tmp = tempfile.TemporaryDirectory()         # removed when the script ends
root = Path(tmp.name, "world0")
p_true = {0: land(root, seed=0)}            # part 2 reuses this world
print(f"events = {DAYS * PER_DAY}")
print(f"lake_jsonl_mb = {mb(root.glob('lake/*/*.jsonl')):.2f}")
print(f"warehouse_mb = {mb(root.glob('warehouse/*.parquet')):.2f}")
# Lakes usually keep their raw files compressed: the same JSON lines, gzipped.
for f in root.glob("lake/*/events.jsonl"):
    f.with_suffix(".jsonl.gz").write_bytes(gzip.compress(f.read_bytes(), compresslevel=6))
print(f"lake_jsonl_gzip_mb = {mb(root.glob('lake/*/*.jsonl.gz')):.2f}")
# The lake's raw events rewritten as Parquet, all fields kept: how much of the
# difference in size is the format, and how much the dropped field?
for day in range(DAYS):
    raw = pa.Table.from_pandas(from_lake(root, [day]), preserve_index=False)
    pq.write_table(raw, root / f"raw{day:02d}.parquet", compression="zstd")
print(f"raw_as_parquet_mb = {mb(root.glob('raw*.parquet')):.2f}")
t_lake = least_cpu_time(lambda: from_lake(root, history))
t_warehouse = least_cpu_time(lambda: from_warehouse(root, history, SCHEMA))
print(f"history_rows = {len(history) * PER_DAY}")
print(f"build_from_lake_ms = {t_lake * 1e3:.0f}")
print(f"read_from_warehouse_ms = {t_warehouse * 1e3:.0f}")
print(f"lake_over_warehouse_time = {t_lake / t_warehouse:.1f}")
# The warehouse's six weeks compacted into one file: the per-file cost goes away.
pq.write_table(pa.concat_tables([pq.read_table(root / "warehouse" / f"day={d:02d}.parquet",
                                               columns=SCHEMA.names) for d in history]),
               root / "compacted.parquet", compression="zstd")
t_compacted = least_cpu_time(lambda: pq.read_table(
    root / "compacted.parquet", columns=SCHEMA.names, use_threads=False).to_pandas(
    use_threads=False))
print(f"read_compacted_ms = {t_compacted * 1e3:.0f}")
print(f"lake_over_compacted_time = {t_lake / t_compacted:.0f}")
# Data sources, file formats and data models:3 ends here

# [[file:../../primer.org::*Data sources, file formats and data models][Data sources, file formats and data models:4]]
# Part 2: the referrer becomes a feature.  ELT backfills it from the lake; ETL has
# it from CHANGE_DAY on.  The same model for all: one-hot categories, log price.
def auc(train, test, categorical):
    model = make_pipeline(
        make_column_transformer((OneHotEncoder(handle_unknown="ignore"), categorical),
                                (StandardScaler(), ["log_price"])),
        LogisticRegression(solver="liblinear"))
    X = lambda df: df.assign(log_price=np.log(df["price"]))
    model.fit(X(train), train["bought"])
    return roc_auc_score(test["bought"], model.predict_proba(X(test))[:, 1])


OLD, NEW = ["device", "country"], ["device", "country", "referrer"]
scores = []
for seed in range(5):
    root = Path(tmp.name, f"world{seed}")
    if seed not in p_true:
        p_true[seed] = land(root, seed)
    test = from_warehouse(root, range(TRAIN_DAY, DAYS), WITH_REFERRER)
    elt_backfill = from_lake(root, history)
    etl_recent = from_warehouse(root, range(CHANGE_DAY, TRAIN_DAY), WITH_REFERRER)
    etl_old = from_warehouse(root, history, SCHEMA)
    p_test = p_true[seed][TRAIN_DAY * PER_DAY:]
    scores.append({"elt_backfill": auc(elt_backfill, test, NEW),
                   "etl_recent": auc(etl_recent, test, NEW),
                   "without_referrer": auc(etl_old, test, OLD),
                   "true_probability": roc_auc_score(test["bought"], p_test)})
scores = pd.DataFrame(scores)
print(f"worlds = {len(scores)}")
print(f"elt_train_rows = {len(elt_backfill)}")
print(f"etl_train_rows = {len(etl_recent)}")
for name, df in [("elt", elt_backfill), ("etl", etl_recent)]:
    visits = df["referrer"].value_counts().reindex(REFERRERS, fill_value=0)
    print(f"{name}_median_visits_per_referrer = {visits.median():.0f}")
for name in scores:
    print(f"auc_{name} = {scores[name].mean():.3f}")
# Paired within each world: both models meet the same test week.
for a, b in [("elt_backfill", "etl_recent"), ("etl_recent", "without_referrer")]:
    diff = scores[a] - scores[b]
    print(f"{a}_minus_{b}_mean = {diff.mean():.3f}")
    print(f"{a}_minus_{b}_se = {diff.std(ddof=1) / np.sqrt(len(diff)):.3f}")
    print(f"{a}_minus_{b}_min = {diff.min():.3f}")
    print(f"{a}_minus_{b}_max = {diff.max():.3f}")
shortfall = scores["true_probability"] - scores["elt_backfill"]
print(f"elt_below_truth_auc_max = {shortfall.max():.3f}")
# Data sources, file formats and data models:4 ends here

# [[file:../../primer.org::*Data sources, file formats and data models][Data sources, file formats and data models:5]]
# Part 3: three more days; from the second on, the producer sends prices in cents.
rng, truth = world(0)
root = Path(tmp.name, "producer_change")
in_cents = rejected = 0
for day in range(DAYS, DAYS + 3):
    events, _ = raw_events(rng, truth, day, cents=day > DAYS)
    in_cents += len(events) if day > DAYS else 0
    rejected += land_day(root, day, events, SCHEMA)
loaded = from_warehouse(root, range(DAYS, DAYS + 3), SCHEMA)
naive = from_lake(root, range(DAYS, DAYS + 3))       # no check: ints and floats mix silently
print(f"drift_rows_in_cents = {in_cents}")
print(f"drift_rows_rejected = {rejected}")
print(f"drift_rows_loaded = {len(loaded)}")
print(f"drift_lake_rows_read = {len(naive)}")
print(f"drift_lake_price_dtype = {naive['price'].dtype}")
before, after = naive["price"][:PER_DAY].mean(), naive["price"][PER_DAY:].mean()
print(f"drift_mean_price_before = {before:.2f}")
print(f"drift_mean_price_after = {after:.2f}")
print(f"drift_price_ratio = {after / before:.0f}")
print(f"drift_mean_price_after_euros = {after / 100:.2f}")
tmp.cleanup()
# Data sources, file formats and data models:5 ends here
