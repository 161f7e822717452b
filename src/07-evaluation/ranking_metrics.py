# [[file:../../primer.org::*Ranking metrics][Ranking metrics:1]]
"""Ranking metrics by hand (P@k, AP@k, MAP, MRR, DCG and NDCG with linear and
exponential gain), checked against scikit-learn, and the rankings they disagree on.

Data: synthetic queries with graded relevance (0-3 in parts 1 and 3, 0-4 in part 2).  Part 1 scores 200 queries with a
noisy ranker and compares every hand-written metric with the library.  Part 2 scores
three hand-built rankings of one query.  Part 3 draws 2,000 pairs of noisy rankers
on random queries and counts how often two metrics disagree about which is better.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import average_precision_score, ndcg_score

IMG = Path(__file__).resolve().parents[2] / "img" / "07-evaluation"
IMG.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)


def ranked(relevance, scores):
    """Relevance labels in the order of decreasing score."""
    return np.asarray(relevance)[np.argsort(-np.asarray(scores), kind="stable")]


def precision_at(r, k):
    return np.mean(r[:k] > 0)


def average_precision_at(r, k):
    hits = r > 0
    if not hits.any():
        return 0.0
    precision_at_i = np.cumsum(hits[:k]) / np.arange(1, min(k, len(r)) + 1)
    return np.sum(precision_at_i * hits[:k]) / min(hits.sum(), k)


def reciprocal_rank(r):
    hits = np.flatnonzero(r > 0)
    return 1.0 / (hits[0] + 1) if len(hits) else 0.0


def dcg(r, k, gain="linear"):
    g = r[:k] if gain == "linear" else 2.0 ** r[:k] - 1
    return np.sum(g / np.log2(np.arange(2, len(g) + 2)))


def dcg_jarvelin(r, k, b=2):
    """The original 2002 form: grade as gain, no discount before position b."""
    positions = np.arange(1, min(k, len(r)) + 1)
    return np.sum(r[:k] / np.maximum(1.0, np.log(positions) / np.log(b)))


def ndcg(r, k, gain="linear", form=dcg):
    ideal = form(np.sort(r)[::-1], k, gain) if form is dcg else form(np.sort(r)[::-1], k)
    actual = form(r, k, gain) if form is dcg else form(r, k)
    return actual / ideal if ideal > 0 else 0.0


# Part 1: 200 queries of 30 items, a noisy ranker, every metric against the library.
n_queries, n_items, K = 200, 30, 10
relevance = rng.choice(4, size=(n_queries, n_items), p=[0.6, 0.2, 0.12, 0.08])
scores = relevance + rng.normal(0, 1.5, size=relevance.shape)
orders = [ranked(relevance[q], scores[q]) for q in range(n_queries)]
mine = {
    "ndcg_lin": np.mean([ndcg(r, K) for r in orders]),
    "ndcg_exp": np.mean([ndcg(r, K, "exp") for r in orders]),
    "map_full": np.mean([average_precision_at(r, n_items) for r in orders]),
}
library = {
    "ndcg_lin": ndcg_score(relevance, scores, k=K),
    "ndcg_exp": ndcg_score(2.0 ** relevance - 1, scores, k=K),
    "map_full": np.mean([average_precision_score(relevance[q] > 0, scores[q])
                         for q in range(n_queries)]),
}
for key in mine:
    print(f"{key} = {mine[key]:.4f}")
    print(f"{key}_sklearn = {library[key]:.4f}")
print(f"max_diff_vs_sklearn = {max(abs(mine[k] - library[k]) for k in mine):.1e}")
print(f"p_at_10 = {np.mean([precision_at(r, K) for r in orders]):.4f}")
print(f"map_at_10 = {np.mean([average_precision_at(r, K) for r in orders]):.4f}")
print(f"mrr = {np.mean([reciprocal_rank(r) for r in orders]):.4f}")
print(f"ndcg_jarvelin = {np.mean([ndcg(r, K, form=dcg_jarvelin) for r in orders]):.4f}")
# Ranking metrics:1 ends here

# [[file:../../primer.org::*Ranking metrics][Ranking metrics:2]]
# Part 2: one query, three rankings that each metric orders differently.
rankings = {
    "star_first": [4, 0, 0, 0, 0, 2, 2, 1, 1, 1] + [0] * 10,
    "many_fair": [0, 1, 1, 2, 2, 4, 1] + [0] * 13,
    "late_start": [0, 4, 2, 2, 0, 1, 1, 1] + [0] * 12,
}
metrics = {"p_at_5": lambda r: precision_at(r, 5), "ap_at_5": lambda r: average_precision_at(r, 5),
           "rr": reciprocal_rank, "ndcg_lin_at_5": lambda r: ndcg(r, 5),
           "ndcg_exp_at_5": lambda r: ndcg(r, 5, "exp")}
for name, r in rankings.items():
    for m, f in metrics.items():
        print(f"{name}_{m} = {f(np.array(r)):.3f}")
for m, f in metrics.items():
    best = max(rankings, key=lambda name: f(np.array(rankings[name])))
    print(f"best_by_{m} = {best}")
# Ranking metrics:2 ends here

# [[file:../../primer.org::*Ranking metrics][Ranking metrics:3]]
# Part 3: how often do two metrics pick different winners between two noisy rankers?
names = ["P@10", "AP@10", "RR", "NDCG lin", "NDCG exp"]
funcs = [lambda r: precision_at(r, K), lambda r: average_precision_at(r, K), reciprocal_rank,
         lambda r: ndcg(r, K), lambda r: ndcg(r, K, "exp")]
n_pairs = 2_000
diffs = np.zeros((n_pairs, len(funcs)))
for t in range(n_pairs):
    rel = rng.choice(4, size=n_items, p=[0.6, 0.2, 0.12, 0.08])
    a = ranked(rel, rel + rng.normal(0, rng.uniform(0.5, 3), n_items))
    b = ranked(rel, rel + rng.normal(0, rng.uniform(0.5, 3), n_items))
    diffs[t] = [f(a) - f(b) for f in funcs]
sign = np.sign(diffs)
disagree = np.zeros((len(funcs), len(funcs)))
for i in range(len(funcs)):
    for j in range(len(funcs)):
        both = (sign[:, i] != 0) & (sign[:, j] != 0)     # ignore pairs a metric calls a tie
        disagree[i, j] = np.mean(sign[both, i] != sign[both, j])
keys = ["p10", "ap10", "rr", "ndcg_lin", "ndcg_exp"]
for i in range(len(funcs)):
    for j in range(i + 1, len(funcs)):
        print(f"disagree_{keys[i]}_{keys[j]} = {disagree[i, j]:.3f}")
print(f"ties_p10 = {np.mean(sign[:, 0] == 0):.3f}")
print(f"ties_ndcg_exp = {np.mean(sign[:, 4] == 0):.3f}")

fig, ax = plt.subplots(figsize=(5.6, 4.6))
im = ax.imshow(disagree, cmap="Oranges", vmin=0, vmax=0.5)
ax.set_xticks(range(len(names)), names, rotation=30)
ax.set_yticks(range(len(names)), names)
for i in range(len(names)):
    for j in range(len(names)):
        ax.text(j, i, f"{disagree[i, j]:.2f}", ha="center", va="center", fontsize=8)
ax.set_title("Share of ranker pairs where two metrics\npick different winners")
fig.colorbar(im, ax=ax, fraction=0.046)
fig.tight_layout()
fig.savefig(IMG / "ranking_metrics.png", dpi=120)
# Ranking metrics:3 ends here
