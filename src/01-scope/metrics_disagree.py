# [[file:../../primer.org::*Offline, online and business metrics][Offline, online and business metrics:1]]
"""A model that wins offline and loses money: AUC on logged data against revenue in
an ad auction that ranks by bid x predicted click probability.

Data: synthetic ads with a KNOWN click probability.  Both models learn from the same
log of random impressions.  The auction then decides which of 10 candidate ads fills
a slot, and the revenue it earns is computed from the true click probabilities.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss, roc_auc_score
from threadpoolctl import threadpool_limits

threadpool_limits(1)
IMG = Path(__file__).resolve().parents[2] / "img" / "01-scope"
IMG.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)
KEEP_NEGATIVES = 0.1          # the new model trains on 10% of the non-clicks


def ads(n):
    """Features and true click probability of n ad impressions."""
    X = rng.normal(size=(n, 6))
    logit = (-3.4 + 0.8 * X[:, 0] + 0.6 * X[:, 1] + 0.5 * X[:, 2]
             + 0.5 * X[:, 3] * (X[:, 4] > 0) + 0.4 * np.abs(X[:, 5]))
    return X, 1 / (1 + np.exp(-logit))


# The impression log both models learn from, and a held-out slice of it.
X_log, p_log = ads(250_000)
clicked = (rng.random(len(p_log)) < p_log).astype(int)
train, held_out = slice(0, 200_000), slice(200_000, 250_000)
print(f"log_click_rate = {clicked.mean():.4f}")

# Current model: logistic regression on three features, trained on every row.
current = LogisticRegression().fit(X_log[train, :3], clicked[train])
# New model: boosted trees on all six features, trained on all clicks and 10% of the
# non-clicks to cut training cost, with its output used as it comes.
keep = (clicked[train] == 1) | (rng.random(200_000) < KEEP_NEGATIVES)
new = HistGradientBoostingClassifier(random_state=0).fit(X_log[train][keep],
                                                         clicked[train][keep])


def corrected(q):
    """Undo negative down-sampling: q / (q + (1 - q) / w)."""
    return q / (q + (1 - q) / KEEP_NEGATIVES)


def predict(X):
    """Predicted click probabilities of the three candidates for serving."""
    q_new = new.predict_proba(X)[:, 1]
    return {"current": current.predict_proba(X[:, :3])[:, 1],
            "new": q_new, "new_corrected": corrected(q_new)}


y_held = clicked[held_out]
offline = predict(X_log[held_out])
for key, q in offline.items():
    print(f"{key}_offline_auc = {roc_auc_score(y_held, q):.4f}")
    print(f"{key}_offline_logloss = {log_loss(y_held, q):.4f}")
    print(f"{key}_mean_predicted_ctr = {q.mean():.4f}")
# Paired bootstrap over the held-out rows: the new model's AUC lead and its noise.
boot = np.random.default_rng(1)
leads = []
for _ in range(50):
    rows = boot.integers(0, len(y_held), len(y_held))
    leads.append(roc_auc_score(y_held[rows], offline["new"][rows])
                 - roc_auc_score(y_held[rows], offline["current"][rows]))
print(f"new_auc_lead = {roc_auc_score(y_held, offline['new']) - roc_auc_score(y_held, offline['current']):.4f}")
print(f"new_auc_lead_se = {np.std(leads):.4f}")
# Offline, online and business metrics:1 ends here

# [[file:../../primer.org::*Offline, online and business metrics][Offline, online and business metrics:2]]
# The auction: 20,000 queries, 10 candidate ads each, one slot.  The advertiser pays
# its bid when the ad is clicked, so the expected revenue of showing ad i is
# bid_i * p_i, and the platform shows the ad with the largest bid_i * p_hat_i.
n_auctions, n_candidates = 20_000, 10
X_auction, p_auction = ads(n_auctions * n_candidates)
bids = rng.lognormal(mean=0.0, sigma=0.7, size=n_auctions * n_candidates)
rows = np.arange(n_auctions)


def run_auctions(score):
    """Expected clicks and revenue of each auction when the top score wins."""
    winner = np.argmax(score.reshape(n_auctions, n_candidates), axis=1)
    p = p_auction.reshape(n_auctions, n_candidates)[rows, winner]
    b = bids.reshape(n_auctions, n_candidates)[rows, winner]
    return p, b * p


served = predict(X_auction)
policies = {key: bids * q for key, q in served.items()}
policies["truth"] = bids * p_auction
policies["ctr_only"] = served["new_corrected"]         # rank by click probability alone
per_auction = {key: run_auctions(score) for key, score in policies.items()}
clicks = {key: 1000 * c.mean() for key, (c, _) in per_auction.items()}
revenue = {key: 1000 * r.mean() for key, (_, r) in per_auction.items()}
for key in policies:
    print(f"{key}_clicks_per_1000 = {clicks[key]:.1f}")
    print(f"{key}_revenue_per_1000 = {revenue[key]:.1f}")
# The same auctions run under each policy: paired differences and their standard errors.
base = per_auction["current"][1].mean()
for key, name in [("new", "new_revenue_loss_pct"), ("new_corrected", "corrected_revenue_gain_pct")]:
    diff = per_auction[key][1] - per_auction["current"][1]
    sign = -1 if key == "new" else 1
    print(f"{name} = {sign * 100 * diff.mean() / base:.1f}")
    print(f"{name}_se = {100 * diff.std() / np.sqrt(n_auctions) / base:.1f}")
print(f"new_clicks_loss_pct = {100 * (1 - clicks['new'] / clicks['current']):.1f}")

fig, (cal, auc, money) = plt.subplots(1, 3, figsize=(11, 3.6))
labels = {"current": "current (logistic)", "new": "new (trees, uncorrected)",
          "new_corrected": "new, corrected"}
colours = {"current": "#777777", "new": "#b5523b", "new_corrected": "#4a7a96"}
for i, (key, q) in enumerate(offline.items()):
    edges = np.quantile(q, np.linspace(0, 1, 11))
    decile = np.clip(np.searchsorted(edges, q, side="right") - 1, 0, 9)
    cal.plot([q[decile == k].mean() for k in range(10)],
             [y_held[decile == k].mean() for k in range(10)],
             "o-", color=colours[key], label=labels[key], ms=4)
    auc.plot(roc_auc_score(y_held, q), i, "o", color=colours[key], ms=10)
    money.plot(revenue[key], i, "o", color=colours[key], ms=10)
cal.plot([0, 0.8], [0, 0.8], "k:", lw=1)
cal.set_xlabel("predicted click probability (decile mean)")
cal.set_ylabel("observed click rate")
cal.set_title("Calibration on the held-out log")
cal.legend(fontsize=7)
for ax in (auc, money):
    ax.set_yticks(range(3), [labels[k] for k in offline], fontsize=8)
    ax.set_ylim(-0.6, 2.6)
    ax.grid(axis="x", color="#dddddd")
auc.set_xlabel("ROC AUC on the held-out log")
auc.set_title("Offline metric")
money.axvline(revenue["truth"], color="#222222", ls="--", lw=1, label="ranking by true CTR x bid")
money.set_xlabel("expected revenue per 1,000 auctions")
money.set_title("Business metric")
money.legend(fontsize=7, loc="lower left")
fig.tight_layout()
fig.savefig(IMG / "metrics_disagree.png", dpi=120)
# Offline, online and business metrics:2 ends here
