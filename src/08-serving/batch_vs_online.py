# [[file:../../primer.org::*Batch and online prediction][Batch and online prediction:1]]
"""Batch against online prediction for a daily-active product, plus the hybrid.

Synthetic users: static profile features, a per-user visit rate (most users do not
come on a given day) and an "intent" feature that changes during the day.  A
nightly batch job scores every user with midnight features; online scoring runs
the model at request time on fresh features; the hybrid precomputes the profile
part at night and combines it with the fresh feature at request time.
"""
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from threadpoolctl import threadpool_limits

IMG = Path(__file__).resolve().parents[2] / "img" / "08-serving"
IMG.mkdir(parents=True, exist_ok=True)
threadpool_limits(1)
rng = np.random.default_rng(0)
N_USERS = 100_000
KEEP_HOURS = 8.0          # mean time an intent survives before the user changes it


def profile_logit(z):
    return 1.2 * z[:, 0] * z[:, 1] + np.sin(2 * z[:, 2]) + 0.8 * z[:, 3] - 0.5


def requests_for(z, f0, visits):
    """One row per request: user index, hour of the day, intent at that hour, label."""
    user = np.repeat(np.arange(len(visits)), visits)
    hour = rng.uniform(0, 24, len(user))
    kept = rng.random(len(user)) < np.exp(-hour / KEEP_HOURS)
    intent = np.where(kept, f0[user], rng.normal(size=len(user)))
    p = 1 / (1 + np.exp(-(profile_logit(z[user]) + 1.5 * intent)))
    return user, hour, intent, (rng.random(len(user)) < p).astype(int)


# History to train on: requests with the features as they were at request time.
z_hist = rng.normal(size=(40_000, 4))
f_hist = rng.normal(size=40_000)
_, _, i_hist, y_hist = requests_for(z_hist, f_hist, np.ones(40_000, dtype=int))
X_hist = np.column_stack([z_hist, i_hist])
full = HistGradientBoostingClassifier(max_iter=100, random_state=0).fit(X_hist, y_hist)
profile_model = HistGradientBoostingClassifier(max_iter=100, random_state=0).fit(z_hist, y_hist)
prof_hist = profile_model.decision_function(z_hist)
combiner = LogisticRegression().fit(np.column_stack([prof_hist, i_hist]), y_hist)

# Today: every user, a visit rate, and the requests that actually arrive.
z = rng.normal(size=(N_USERS, 4))
f0 = rng.normal(size=N_USERS)                     # intent at midnight, when the batch runs
rate = np.exp(rng.normal(-2.3, 1.5, N_USERS))     # expected visits per day
visits = rng.poisson(rate)
user, hour, intent, y = requests_for(z, f0, visits)
print(f"users = {N_USERS}")
print(f"share_users_visiting = {np.mean(visits > 0):.3f}")
print(f"requests = {len(user)}")
top = np.argsort(-visits)[: N_USERS // 100]
print(f"share_requests_top1pct_users = {visits[top].sum() / visits.sum():.2f}")
# Batch and online prediction:1 ends here

# [[file:../../primer.org::*Batch and online prediction][Batch and online prediction:2]]
# Batch: score everyone at midnight; a request reads the stored score.
start = time.process_time()
batch_score = full.predict_proba(np.column_stack([z, f0]))[:, 1]
batch_cpu = time.process_time() - start
# Online: score each request on its fresh features.
online_score = full.predict_proba(np.column_stack([z[user], intent]))[:, 1]
# Hybrid: the profile part at midnight, a two-weight combiner at request time.
profile_store = profile_model.decision_function(z)
w, b = combiner.coef_[0], combiner.intercept_[0]
hybrid_score = 1 / (1 + np.exp(-(w[0] * profile_store[user] + w[1] * intent + b)))

auc = {"batch": roc_auc_score(y, batch_score[user]), "online": roc_auc_score(y, online_score),
       "hybrid": roc_auc_score(y, hybrid_score)}
for k, v in auc.items():
    print(f"auc_{k} = {v:.3f}")
edges = np.arange(0, 25, 4)
by_hour = {k: [] for k in auc}
for lo, hi in zip(edges[:-1], edges[1:]):
    m = (hour >= lo) & (hour < hi)
    by_hour["batch"].append(roc_auc_score(y[m], batch_score[user[m]]))
    by_hour["online"].append(roc_auc_score(y[m], online_score[m]))
    by_hour["hybrid"].append(roc_auc_score(y[m], hybrid_score[m]))
print(f"auc_batch_first4h = {by_hour['batch'][0]:.3f}")
print(f"auc_batch_last4h = {by_hour['batch'][-1]:.3f}")

# Latency and CPU per request of each path, measured on this machine.
ONE = 400
rows = np.column_stack([z[user[:ONE]], intent[:ONE]])
store = dict(enumerate(batch_score))              # the key-value store of batch scores
hyb_store = dict(enumerate(profile_store))
lat = {"batch": [], "online": [], "hybrid": []}
for i in range(ONE):
    t0 = time.perf_counter()
    store[int(user[i])]
    t1 = time.perf_counter()
    full.predict_proba(rows[i: i + 1])
    t2 = time.perf_counter()
    s = w[0] * hyb_store[int(user[i])] + w[1] * intent[i] + b
    1 / (1 + np.exp(-s))
    t3 = time.perf_counter()
    lat["batch"].append(t1 - t0)
    lat["online"].append(t2 - t1)
    lat["hybrid"].append(t3 - t2)
for k, v in lat.items():
    print(f"{k}_p99_us = {np.percentile(v, 99) * 1e6:.1f}")
print(f"online_over_hybrid_p99 = {np.percentile(lat['online'], 99) / np.percentile(lat['hybrid'], 99):.0f}")
start = time.process_time()
for i in range(ONE):
    full.predict_proba(rows[i: i + 1])
single_cpu_per_row = (time.process_time() - start) / ONE
batch_cpu_per_row = batch_cpu / N_USERS
print(f"batch_cpu_us_per_row = {batch_cpu_per_row * 1e6:.1f}")
print(f"online_cpu_us_per_row = {single_cpu_per_row * 1e6:.0f}")
print(f"batch_cpu_s_per_day = {batch_cpu:.2f}")
print(f"online_cpu_s_per_day = {single_cpu_per_row * len(user):.2f}")
print(f"share_batch_scores_unused = {np.mean(visits == 0):.3f}")
print(f"online_over_batch_cpu = {single_cpu_per_row * len(user) / batch_cpu:.0f}")
# Batch and online prediction:2 ends here

# [[file:../../primer.org::*Batch and online prediction][Batch and online prediction:3]]
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
mid = (edges[:-1] + edges[1:]) / 2
colors = {"batch": "#b5523b", "online": "#4a7a96", "hybrid": "#6a9a4a"}
for k, style in [("batch", "o-"), ("online", "s-"), ("hybrid", "^--")]:
    left.plot(mid, by_hour[k], style, color=colors[k], label=k)
left.set_xlabel("hour of the day (the batch ran at 0 h)")
left.set_ylabel("AUC of the requests in that hour")
left.set_title("Stale features: batch scores age")
left.legend(fontsize=8)
names = list(lat)
right.bar(names, [np.percentile(lat[k], 99) * 1e6 for k in names],
          color=[colors[k] for k in names])
right.set_yscale("log")
right.set_ylabel("p99 time at request, microseconds (log)")
right.set_title("Work left for the request path")
fig.tight_layout()
fig.savefig(IMG / "batch_vs_online.png", dpi=120)
# Batch and online prediction:3 ends here
