# [[file:../../primer.org::*Random versus time-based splits][Random versus time-based splits:1]]
"""A random validation split on drifting data is optimistic; a time-based split is not.

Data: 24 months of synthetic rows (2,500 per month, six standard-normal features).
The label follows a logistic model whose weights move linearly from one setting in
month 0 to another in month 24, so the true relationship drifts and is known.
Months 0-17 are the history available when the model is built; months 18-20 are
the period it will then serve.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

IMG = Path(__file__).resolve().parents[2] / "img" / "02-data"

IMG.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)

MONTHS, PER_MONTH = 24, 2500
NOW = 18.0       # the model is built at the start of month 18 ...
HORIZON = 3.0    # ... and serves months 18, 19 and 20
n = MONTHS * PER_MONTH
t = np.repeat(np.arange(MONTHS), PER_MONTH) + rng.random(n)     # time in months
X = rng.normal(size=(n, 6))
w_old = np.array([1.5, 1.0, 0.0, -0.5, 0.5, 0.0])
w_new = np.array([0.0, 1.0, 1.5, -0.5, -0.5, 0.0])
share = (t / MONTHS)[:, None]
true_logit = (X * ((1 - share) * w_old + share * w_new)).sum(axis=1) - 1.0
p_true = 1 / (1 + np.exp(-true_logit))
y = (rng.random(n) < p_true).astype(int)


def fit(rows):
    return LogisticRegression(max_iter=1000).fit(X[rows], y[rows])


def auc(model, rows):
    return roc_auc_score(y[rows], model.predict_proba(X[rows])[:, 1])


history = np.flatnonzero(t < NOW)
future = np.flatnonzero((t >= NOW) & (t < NOW + HORIZON))

# Random split: 80 % of the history for training, a random 20 % for validation.
shuffled = rng.permutation(history)
cut = int(0.8 * len(shuffled))
random_model = fit(shuffled[:cut])
val_random = auc(random_model, shuffled[cut:])

# Time-based split: train on everything before NOW - HORIZON, validate on the last
# HORIZON months, the same gap that separates training from serving.
time_train = np.flatnonzero(t < NOW - HORIZON)
time_val = np.flatnonzero((t >= NOW - HORIZON) & (t < NOW))
val_time = auc(fit(time_train), time_val)

# What actually happens: the model is refit on all the history and serves the future.
final = fit(history)
served = auc(final, future)
print(f"val_auc_random = {val_random:.3f}")
print(f"val_auc_time = {val_time:.3f}")
print(f"served_auc = {served:.3f}")
print(f"optimism_random = {val_random - served:.3f}")
print(f"optimism_time = {val_time - served:.3f}")
print(f"true_probability_auc_served = {roc_auc_score(y[future], p_true[future]):.3f}")
# Random versus time-based splits:1 ends here

# [[file:../../primer.org::*Random versus time-based splits][Random versus time-based splits:2]]
# Train on the last `months` months only (np.inf: all of the history).  Validate
# each choice on the time split, then refit it at NOW and serve.
windows = [np.inf, 12, 6, 3]
scores = {}
for months in windows:
    past = np.flatnonzero((t >= NOW - HORIZON - months) & (t < NOW - HORIZON))
    recent = np.flatnonzero((t >= NOW - months) & (t < NOW))
    scores[months] = (auc(fit(past), time_val), auc(fit(recent), future))
    name = "all" if months == np.inf else f"{months}m"
    print(f"window_{name}_val_auc = {scores[months][0]:.3f}")
    print(f"window_{name}_served_auc = {scores[months][1]:.3f}")
best = max(windows, key=lambda m: scores[m][0])
print(f"best_window_months = {best}")
print(f"best_window_served_gain = {scores[best][1] - scores[np.inf][1]:.3f}")

# Month by month: the model that is actually deployed (fitted on all of months 0-17,
# so those months are its training data) on every row of each month.
months_axis = np.arange(MONTHS)
monthly, ceiling = [], []
for m in months_axis:
    rows = np.flatnonzero(t.astype(int) == m)
    monthly.append(auc(final, rows))
    ceiling.append(roc_auc_score(y[rows], p_true[rows]))
print(f"month_23_auc = {monthly[-1]:.3f}")

fig, ax = plt.subplots(figsize=(8, 3.6))
ax.axvspan(NOW, NOW + HORIZON, color="#eeeeee", label="serving period")
ax.plot(months_axis + 0.5, ceiling, ":", color="#999999", label="true probabilities")
ax.plot(months_axis + 0.5, monthly, "o-", ms=3, color="#4a7a96",
        label="model fitted on months 0-17")
ax.axhline(val_random, color="#b5523b", ls="--", lw=1, label="random-split validation estimate")
ax.axhline(val_time, color="#222222", ls="--", lw=1, label="time-split validation estimate")
ax.set_xlabel("month")
ax.set_ylabel("ROC AUC")
ax.legend(fontsize=7, loc="lower left")
ax.set_title("A model of drifting data, scored month by month")
fig.tight_layout()
fig.savefig(IMG / "splits_time_vs_random.png", dpi=120)
# Random versus time-based splits:2 ends here
