# [[file:../../primer.org::*Batch and stream features, and the feature store][Batch and stream features, and the feature store:6]]
"""Point-in-time-correct training joins, and the freshness of an online store.

Synthetic users whose risk has a stable part and an "intent" part that changes
about once a day.  The offline feature store holds two timestamped logs per user:
readings of the intent (every few hours) and the number of chargebacks known so
far (a chargeback is a positive label, learnt a day or so after it happened).
Labelled transactions are joined to features two ways, as of each transaction
(pandas merge_asof, backward) and naively (each user's latest values when the
training set is built), a model is trained on each, and both are tested on later
transactions served point-in-time.  Then the online store is refreshed only every
Delta hours, and the test is repeated with the stale values it would serve.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

IMG = Path(__file__).resolve().parents[2] / "img" / "08-serving"
IMG.mkdir(parents=True, exist_ok=True)
USERS, DAYS, CUTOFF_DAY = 1000, 60, 40
SEEDS = range(5)
REFRESH_H = [0, 0.25, 1, 4, 12, 24, 72]        # online store refresh interval, hours
FEATURES = ["reading", "chargebacks"]


def simulate(rng):
    """The offline store (two feature logs) and the labelled transactions."""
    horizon = DAYS * 24.0
    base = rng.normal(size=USERS)
    readings, transactions = [], []
    for u in range(USERS):
        # intent: piecewise constant, a new value about once a day
        changes = np.sort(rng.uniform(0, horizon, rng.poisson(horizon / 24)))
        levels = rng.normal(size=len(changes) + 1)

        def intent(t):
            return levels[np.searchsorted(changes, t)]
        t_read = np.sort(rng.uniform(0, horizon, rng.poisson(horizon / 4)))
        readings.append(pd.DataFrame({"user": u, "ts": t_read,
                                      "reading": intent(t_read) + 0.5 * rng.normal(size=len(t_read))}))
        t_tx = np.sort(rng.uniform(0, horizon, rng.poisson(horizon / 96)))
        logit = -2.0 + 1.0 * base[u] + 1.5 * intent(t_tx)
        y = (rng.random(len(t_tx)) < 1 / (1 + np.exp(-logit))).astype(int)
        transactions.append(pd.DataFrame({"user": u, "ts": t_tx, "y": y}))
    readings = pd.concat(readings, ignore_index=True)
    tx = pd.concat(transactions, ignore_index=True)
    # A chargeback (y = 1) becomes known a day or so later; the store logs the count.
    cb = tx[tx["y"] == 1].copy()
    cb["ts"] = cb["ts"] + rng.exponential(24.0, len(cb))
    cb = cb.sort_values(["user", "ts"])
    cb["chargebacks"] = cb.groupby("user").cumcount() + 1
    return readings, cb[["user", "ts", "chargebacks"]], tx


def as_of(rows, logs, at="ts"):
    """Point-in-time join: for each row, each log's last value strictly before `at`."""
    out = rows.sort_values(at).reset_index(drop=True)
    for log in logs:
        value = [c for c in log.columns if c not in ("user", "ts")][0]
        right = log.rename(columns={"ts": f"{value}_ts"}).sort_values(f"{value}_ts")
        out = pd.merge_asof(out, right, left_on=at, right_on=f"{value}_ts", by="user",
                            direction="backward", allow_exact_matches=False)
    return out.fillna({"reading": 0.0, "chargebacks": 0})


def latest(rows, logs, when):
    """The naive join: each user's newest value in the store at time `when`."""
    out = rows.copy()
    for log in logs:
        value = [c for c in log.columns if c not in ("user", "ts")][0]
        newest = log[log["ts"] < when].sort_values("ts").groupby("user")[value].last()
        out[value] = out["user"].map(newest)
    return out.fillna({"reading": 0.0, "chargebacks": 0})


def X(frame):
    return np.column_stack([frame["reading"], np.log1p(frame["chargebacks"])])
# Batch and stream features, and the feature store:6 ends here

# [[file:../../primer.org::*Batch and stream features, and the feature store][Batch and stream features, and the feature store:7]]
cutoff = CUTOFF_DAY * 24.0
res = {k: [] for k in ["naive_val", "pit_val", "naive_test", "pit_test", "future_rows",
                       "naive_w_reading", "naive_w_chargebacks", "pit_w_reading",
                       "pit_w_chargebacks"]}
fresh = {d: [] for d in REFRESH_H}
stale_h = {d: [] for d in REFRESH_H}
for seed in SEEDS:
    rng = np.random.default_rng(seed)
    readings, chargebacks, tx = simulate(rng)
    logs = [readings, chargebacks]
    train_rows, test_rows = tx[tx["ts"] < cutoff], tx[tx["ts"] >= cutoff]
    test = as_of(test_rows, logs)                      # what production serves
    joins = {"pit": as_of(train_rows, logs), "naive": latest(train_rows, logs, cutoff)}
    merged = joins["pit"].merge(joins["naive"], on=["user", "ts"], suffixes=("", "_naive"))
    res["future_rows"].append(np.mean(merged["chargebacks_naive"] > merged["chargebacks"]))
    for name, frame in joins.items():
        fit, val = train_test_split(frame, test_size=0.25, random_state=seed)
        model = LogisticRegression().fit(X(fit), fit["y"])
        res[f"{name}_val"].append(roc_auc_score(val["y"], model.decision_function(X(val))))
        res[f"{name}_test"].append(roc_auc_score(test["y"], model.decision_function(X(test))))
        res[f"{name}_w_reading"].append(model.coef_[0][0])
        res[f"{name}_w_chargebacks"].append(model.coef_[0][1])
        if name == "pit":
            pit_model = model
    # The online store, refreshed every d hours: a request at t is served the
    # values the store held at its last refresh.
    for d in REFRESH_H:
        served = test_rows.copy()
        served["refresh"] = np.floor(served["ts"] / d) * d if d else served["ts"]
        served = as_of(served, logs, at="refresh")
        fresh[d].append(roc_auc_score(served["y"], pit_model.decision_function(X(served))))
        stale_h[d].append(np.nanmean(served["ts"] - served["reading_ts"]))

print(f"seeds = {len(SEEDS)}")
print(f"train_rows_last_seed = {len(train_rows)}")
print(f"test_rows_last_seed = {len(test_rows)}")
print(f"positive_rate_last_seed = {tx['y'].mean():.3f}")
for key, values in res.items():
    print(f"{key}_mean = {np.mean(values):.3f}")
    print(f"{key}_sd = {np.std(values, ddof=1):.3f}")
gaps = np.array(res["naive_val"]) - np.array(res["naive_test"])
print(f"naive_val_minus_test_min = {gaps.min():.3f}")
wins = np.array(res["pit_test"]) - np.array(res["naive_test"])
print(f"pit_minus_naive_test_min = {wins.min():.3f}")
print(f"pit_minus_naive_test_mean = {wins.mean():.3f}")
pit_gap = np.abs(np.array(res["pit_val"]) - np.array(res["pit_test"]))
print(f"pit_val_test_gap_max = {pit_gap.max():.3f}")
for d in REFRESH_H:
    tag = f"{d:g}".replace(".", "p")
    print(f"refresh{tag}h_auc_mean = {np.mean(fresh[d]):.3f}")
    print(f"refresh{tag}h_auc_sd = {np.std(fresh[d], ddof=1):.3f}")
    print(f"refresh{tag}h_staleness_h = {np.mean(stale_h[d]):.2f}")
drop = np.array(fresh[0]) - np.array(fresh[REFRESH_H[-1]])
print(f"auc_loss_refresh_{REFRESH_H[-1]}h_min = {drop.min():.3f}")
drop24 = np.array(fresh[0]) - np.array(fresh[24])
print(f"auc_loss_refresh_24h_min = {drop24.min():.3f}")
drop1 = np.array(fresh[0]) - np.array(fresh[1])
print(f"auc_loss_refresh_1h_mean = {drop1.mean():.3f}")
print(f"auc_loss_refresh_1h_sd = {np.std(drop1, ddof=1):.3f}")
# Batch and stream features, and the feature store:7 ends here

# [[file:../../primer.org::*Batch and stream features, and the feature store][Batch and stream features, and the feature store:8]]
inflation = np.array(res["naive_val"]) - np.array(res["pit_val"])
print(f"naive_minus_pit_val_min = {inflation.min():.3f}")

fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
pos = np.arange(2)
for i, (name, color) in enumerate([("naive", "#b5523b"), ("pit", "#4a7a96")]):
    means = [np.mean(res[f"{name}_val"]), np.mean(res[f"{name}_test"])]
    sds = [np.std(res[f"{name}_val"], ddof=1), np.std(res[f"{name}_test"], ddof=1)]
    left.bar(pos + (i - 0.5) * 0.38, means, 0.38, yerr=sds, capsize=4, color=color,
             label="latest value (naive)" if name == "naive" else "as of each label (point-in-time)")
left.set_xticks(pos, ["validation\n(random split of training rows)",
                      "test\n(later labels, point-in-time)"])
left.set_ylim(0.5, 0.85)
left.set_ylabel(f"AUC (mean ± sd over {len(SEEDS)} seeds)")
left.set_title("The naive join promises more and delivers less")
left.legend(fontsize=8, loc="upper right")
hours = np.array([max(d, 0.05) for d in REFRESH_H])
right.errorbar(hours, [np.mean(fresh[d]) for d in REFRESH_H],
               yerr=[np.std(fresh[d], ddof=1) for d in REFRESH_H], fmt="o-", color="#4a7a96",
               capsize=3)
for d, h in zip(REFRESH_H, hours):
    right.annotate(f"served {np.mean(stale_h[d]):.0f} h old", (h, np.mean(fresh[d])), fontsize=7,
                   xytext=(4, 4), textcoords="offset points")
right.set_xscale("log")
right.set_xlabel("online store refresh interval, hours\n(log; 0 = streaming, drawn at 0.05)")
right.set_ylabel("test AUC, point-in-time model")
right.set_title("Staleness of served features costs accuracy")
right.margins(x=0.12)
fig.tight_layout()
fig.savefig(IMG / "point_in_time.png", dpi=120)
# Batch and stream features, and the feature store:8 ends here
