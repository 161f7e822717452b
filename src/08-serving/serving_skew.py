# [[file:../../primer.org::*Training-serving skew][Training-serving skew:1]]
"""Training-serving skew: three features computed one way offline (pandas, for
training) and another online (plain Python over a user's event list, as a service
would), the accuracy each difference costs, how a log of served features finds it,
and how one shared feature definition removes it.

Synthetic visits with known truth: whether a visit ends in a purchase depends on the
hour in the user's local time, the number of visits in the last seven days and the
days since the user's last purchase (none yet is its own case).
  python serving_skew.py
"""
import bisect
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import accuracy_score, log_loss, roc_auc_score
from threadpoolctl import threadpool_limits

IMG = Path(__file__).resolve().parents[2] / "img" / "08-serving"
SEEDS = [0, 1, 2, 3, 4]
N_USERS = 2_500
DAYS, TRAIN_DAYS = 84, 56          # visits on days 0-55 train the model, 56-83 are served
DAY = 86_400
TIMEZONES = [-8, -5, -3, 0, 1, 2, 5.5, 8, 9]      # hours from UTC
FEATURES = ["hour_local", "visits_7d", "days_since_purchase"]
MISSING = -1.0                     # the training pipeline's value for "no purchase yet"
BUGS = ["timezone", "window", "missing_default"]


# -------------------------------------------------------------- the world
def simulate(rng) -> tuple:
    """Users with a time zone and a visit rate; visits cluster in the local evening.
    A visit ends in a purchase with a probability set by the true features."""
    hour_weights = np.array([1, 1, 1, 1, 1, 1, 2, 3, 4, 4, 4, 4, 5, 4, 4, 4, 5, 6, 8, 10,
                             10, 8, 5, 2], float)
    hour_weights /= hour_weights.sum()
    users, visits = [], []
    for u in range(N_USERS):
        tz = float(rng.choice(TIMEZONES))
        n = rng.poisson(rng.gamma(2.0, 14.0))
        local = (rng.integers(0, DAYS, n) * DAY + rng.choice(24, n, p=hour_weights) * 3600
                 + rng.integers(0, 3600, n))
        ts = np.unique(local - int(tz * 3600))      # UTC seconds, one visit per second at most
        users.append((u, tz))
        last_purchase, history = None, []
        for t in ts:
            hour = int(((t + tz * 3600) // 3600) % 24)
            recent = len(history) - bisect.bisect_left(history, t - 7 * DAY)
            logit = (-2.2 + 1.3 * (18 <= hour <= 22) - 1.0 * (hour <= 5)
                     + 0.45 * min(recent, 6))
            logit += 1.6 * np.exp(-(t - last_purchase) / DAY / 7) if last_purchase else -0.9
            bought = rng.random() < 1 / (1 + np.exp(-logit))
            visits.append((u, int(t), int(bought)))
            history.append(t)
            if bought:
                last_purchase = t
    users = pd.DataFrame(users, columns=["user", "tz_hours"])
    visits = pd.DataFrame(visits, columns=["user", "ts", "purchase"])
    return users, visits.sort_values(["user", "ts"], ignore_index=True)
# Training-serving skew:1 ends here

# [[file:../../primer.org::*Training-serving skew][Training-serving skew:2]]
# ------------------------------------------------- the offline pipeline (pandas)
def offline_features(users: pd.DataFrame, visits: pd.DataFrame) -> pd.DataFrame:
    """Training features, computed in bulk the way an analyst would."""
    df = visits.merge(users, on="user", how="left")
    when = pd.to_datetime(df["ts"], unit="s")
    df["hour_local"] = (when + pd.to_timedelta(df["tz_hours"], unit="h")).dt.hour
    # visits in [t - 7 days, t): a time-based rolling window, closed on the left
    counts = (df.assign(when=when, one=1.0).set_index("when").groupby("user")["one"]
              .rolling("7D", closed="left").count())
    df["visits_7d"] = counts.fillna(0).to_numpy()           # groups come out in df's order
    purchases = df.loc[df["purchase"] == 1, ["user", "ts"]].rename(columns={"ts": "last"})
    df = pd.merge_asof(df.sort_values("ts"), purchases.sort_values("last"), left_on="ts",
                       right_on="last", by="user", allow_exact_matches=False)
    df = df.sort_values(["user", "ts"], ignore_index=True)
    df["days_since_purchase"] = ((df["ts"] - df["last"]) / DAY).fillna(MISSING)
    return df.drop(columns="last")
# Training-serving skew:2 ends here

# [[file:../../primer.org::*Training-serving skew][Training-serving skew:3]]
# ---------------------------------------------- the online path (the service)
def served_features(history, purchases, t, tz, bugs=()):
    """What the service computes for a visit at `t` from the user's stored visits and
    purchases (both sorted).  `bugs` switches on the three mistakes of this section:
    the server's clock is UTC; 'the last seven days' as calendar dates, read after the
    current visit was stored; and 0 for a user who has never bought."""
    now = datetime.fromtimestamp(t, tz=timezone.utc)
    if "timezone" in bugs:
        hour = now.hour
    else:
        hour = now.astimezone(timezone(timedelta(hours=tz))).hour
    if "window" in bugs:
        since = datetime.combine(now.date() - timedelta(days=7), datetime.min.time(),
                                 tzinfo=timezone.utc).timestamp()
        visits = len(history) - bisect.bisect_left(history, since) + 1
    else:
        visits = len(history) - bisect.bisect_left(history, t - 7 * DAY)
    if purchases:
        days = (t - purchases[-1]) / DAY
    else:
        days = 0.0 if "missing_default" in bugs else MISSING
    return hour, visits, days


def visit_features(history, purchases, t, tz):
    """The fix: one definition of the three features, used by the service for each
    request and by the training pipeline for every historical visit."""
    hour = int(((t + tz * 3600) // 3600) % 24)
    visits = len(history) - bisect.bisect_left(history, t - 7 * DAY)
    days = (t - purchases[-1]) / DAY if purchases else MISSING
    return hour, visits, days


def replay(users, visits, rows, compute) -> np.ndarray:
    """Run `compute(history, purchases, t, tz)` for the visits in `rows`, each seeing
    only that user's earlier visits, as the service would have at the time."""
    tz_of = dict(zip(users["user"], users["tz_hours"]))
    out = np.empty((len(rows), 3))
    starts = visits.groupby("user").indices
    ts, bought, user = (visits[c].to_numpy() for c in ["ts", "purchase", "user"])
    cache = {}
    for j, i in enumerate(rows):
        u = user[i]
        if u not in cache:
            idx = starts[u]
            cache[u] = (idx[0], ts[idx].tolist(), [int(t) for t in ts[idx][bought[idx] == 1]])
        first, user_ts, user_buys = cache[u]
        k = i - first                                  # earlier visits of this user
        t = int(ts[i])
        history = user_ts[:k]
        purchases = user_buys[:bisect.bisect_left(user_buys, t)]
        out[j] = compute(history, purchases, t, tz_of[u])
    return out
# Training-serving skew:3 ends here

# [[file:../../primer.org::*Training-serving skew][Training-serving skew:4]]
# -------------------------------------------------------------- the experiment
VARIANTS = {"offline": None, "shared definition": (), "timezone": ("timezone",),
            "window": ("window",), "missing_default": ("missing_default",),
            "all three": tuple(BUGS)}


def one_seed(seed: int) -> dict:
    rng = np.random.default_rng(seed)
    users, visits = simulate(rng)
    table = offline_features(users, visits)
    train = (table["ts"] < TRAIN_DAYS * DAY).to_numpy()
    served = np.flatnonzero(~train)
    model = HistGradientBoostingClassifier(max_iter=150, learning_rate=0.1,
                                           random_state=seed).fit(
        table.loc[train, FEATURES].to_numpy(), table.loc[train, "purchase"])
    y = table["purchase"].to_numpy()[served]
    reference = table[FEATURES].to_numpy()[served]
    out = {"rows_train": int(train.sum()), "rows_served": len(served),
           "never_bought_share": float(np.mean(reference[:, 2] == MISSING))}
    for name, bugs in VARIANTS.items():
        if bugs is None:
            X = reference                                    # what training assumed
        elif name == "shared definition":
            X = replay(users, visits, served, visit_features)
        else:
            X = replay(users, visits, served,
                       lambda h, p, t, tz, b=bugs: served_features(h, p, t, tz, b))
        p = model.predict_proba(X)[:, 1]
        # Detection: the service logs what it served; recompute the same (user, time)
        # pairs offline and compare feature by feature.
        mismatch = np.abs(X - reference) > 1e-9
        out[name] = {"auc": roc_auc_score(y, p), "accuracy": accuracy_score(y, p >= 0.5),
                     "log_loss": log_loss(y, p),
                     "mismatch": mismatch.mean(axis=0)}
    # The shared definition also computes the training features: same numbers as pandas.
    shared_train = replay(users, visits, np.flatnonzero(train), visit_features)
    out["shared_vs_pandas_train_mismatch"] = float(
        np.mean(np.abs(shared_train - table.loc[train, FEATURES].to_numpy()) > 1e-9))
    return out
# Training-serving skew:4 ends here

# [[file:../../primer.org::*Training-serving skew][Training-serving skew:5]]
# --------------------------------------------------------------------- report
def report(runs: list) -> None:
    first = runs[0]
    print(f"seeds = {len(runs)}")
    print(f"rows_train = {first['rows_train']}")
    print(f"rows_served = {first['rows_served']}")
    print(f"never_bought_share = {np.mean([r['never_bought_share'] for r in runs]):.3f}")
    print(f"zones_off_utc_share = {np.mean([tz != 0 for tz in TIMEZONES]):.3f}")
    key = {"offline": "offline", "shared definition": "shared", "timezone": "timezone",
           "window": "window", "missing_default": "missing_default", "all three": "all"}
    for name, short in key.items():
        for metric in ["auc", "accuracy", "log_loss"]:
            values = np.array([r[name][metric] for r in runs])
            print(f"{short}_{metric}_mean = {values.mean():.4f}")
            print(f"{short}_{metric}_sd = {values.std(ddof=1):.4f}")
        if name == "offline":
            continue
        # losses against the offline features, seed by seed (same model, same rows)
        auc = np.array([r["offline"]["auc"] - r[name]["auc"] for r in runs])
        acc = np.array([r["offline"]["accuracy"] - r[name]["accuracy"] for r in runs])
        ll = np.array([r[name]["log_loss"] - r["offline"]["log_loss"] for r in runs])
        print(f"{short}_auc_loss_mean = {auc.mean():.4f}")
        print(f"{short}_auc_loss_sd = {auc.std(ddof=1):.4f}")
        print(f"{short}_auc_loss_min = {auc.min():.4f}")
        print(f"{short}_auc_loss_max = {auc.max():.4f}")
        print(f"{short}_accuracy_loss_mean = {acc.mean():.4f}")
        print(f"{short}_accuracy_loss_sd = {acc.std(ddof=1):.4f}")
        print(f"{short}_accuracy_loss_min = {acc.min():.4f}")
        print(f"{short}_log_loss_gain_mean = {ll.mean():.4f}")
        print(f"{short}_log_loss_gain_min = {ll.min():.4f}")
        mismatch = np.mean([r[name]["mismatch"] for r in runs], axis=0)
        for feature, m in zip(FEATURES, mismatch):
            print(f"mismatch_{short}_{feature} = {m:.3f}")
    print(f"shared_vs_pandas_train_mismatch = "
          f"{max(r['shared_vs_pandas_train_mismatch'] for r in runs):.3f}")
    draw(runs, key)


def draw(runs, key) -> None:
    names = list(key)
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.3), gridspec_kw={"width_ratios": [1, 1, 0.8]})
    colours = ["#4a7a96", "#4a7a96", "#b5523b", "#d08c2c", "#7a6a9a", "#555555"]
    for ax, metric, label in [(axes[0], "auc", "AUC on served visits"),
                              (axes[1], "log_loss", "log loss on served visits")]:
        for i, name in enumerate(names):
            values = [r[name][metric] for r in runs]
            ax.bar(i, np.mean(values), color=colours[i], alpha=0.35)
            ax.plot(np.full(len(values), i), values, "o", color=colours[i], ms=4)
        ax.set_xticks(range(len(names)))
        ax.set_xticklabels(["offline\nfeatures", "shared\ndefinition", "UTC\nhour",
                            "calendar\nwindow", "missing\nas 0", "all three\nbugs"], fontsize=8)
        lo = min(r[n][metric] for r in runs for n in names)
        hi = max(r[n][metric] for r in runs for n in names)
        ax.set_ylim(lo - 0.1 * (hi - lo), hi + 0.1 * (hi - lo))
        ax.set_ylabel(label + " (dots: seeds)")
        ax.set_title(f"{label.split(' on')[0]}: model trained on offline features")
    mismatch = np.array([np.mean([r[n]["mismatch"] for r in runs], axis=0) for n in names[1:]])
    ax = axes[2]
    im = ax.imshow(mismatch, cmap="Reds", vmin=0, vmax=1)
    for i in range(mismatch.shape[0]):
        for j in range(mismatch.shape[1]):
            ax.text(j, i, f"{mismatch[i, j]:.2f}", ha="center", va="center", fontsize=8,
                    color="white" if mismatch[i, j] > 0.5 else "black")
    ax.set_xticks(range(len(FEATURES)))
    ax.set_xticklabels(["hour\n(local)", "visits,\n7 days", "days since\npurchase"], fontsize=8)
    ax.set_yticks(range(len(names) - 1))
    ax.set_yticklabels(["shared definition", "UTC hour", "calendar window", "missing as 0",
                        "all three bugs"], fontsize=8)
    ax.set_title("Served log vs offline recomputation:\nshare of visits that differ")
    fig.colorbar(im, ax=ax, fraction=0.046)
    fig.tight_layout()
    fig.savefig(IMG / "serving_skew.png", dpi=120)


def main() -> None:
    IMG.mkdir(parents=True, exist_ok=True)
    with threadpool_limits(1):    # one thread: on a busy machine OpenMP threads only wait
        runs = [one_seed(seed) for seed in SEEDS]
    report(runs)


if __name__ == "__main__":
    main()
# Training-serving skew:5 ends here
