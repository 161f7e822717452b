# [[file:../../primer.org::*Collaborative filtering: factorisation, towers and popularity][Collaborative filtering: factorisation, towers and popularity:1]]
"""Collaborative filtering on implicit feedback: popularity, matrix factorisation
by weighted alternating least squares, and a small two-tower model, on
interactions with planted structure; warm recall over seeds, cold-start items,
and training cost.

Ground truth: 500 items in ten genres with Zipf popularity; 1,000 users who each
like two genres.  A user engages with an item with probability proportional to
its popularity, times 25 inside the user's genres.  One item in ten is new: it
has no interactions in training and appears only in the held-out data.
"""
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F
from threadpoolctl import threadpool_limits

IMG = Path(__file__).resolve().parents[2] / "img" / "10-retrieval"
IMG.mkdir(parents=True, exist_ok=True)
threadpool_limits(1)
torch.set_num_threads(1)

N_USERS, N_ITEMS, N_GENRES = 1_000, 500, 10
N_TRAIN, N_TEST, K = 25, 10, 20          # interactions per user; recall@K
SEEDS = range(5)


def make_world(rng):
    """Genres, popularity, each user's distinct items and the new-item mask."""
    genre = rng.integers(N_GENRES, size=N_ITEMS)
    popularity = rng.permutation(1.0 / np.arange(1, N_ITEMS + 1))
    liked = np.stack([rng.choice(N_GENRES, 2, replace=False) for _ in range(N_USERS)])
    in_taste = (genre[None, :] == liked[:, :1]) | (genre[None, :] == liked[:, 1:])
    p = popularity[None, :] * np.where(in_taste, 25.0, 1.0)
    p /= p.sum(axis=1, keepdims=True)
    # distinct items in proportion to p (Gumbel top-k), in random order
    drawn = np.argsort(-(np.log(p) + rng.gumbel(size=p.shape)), axis=1)[:, :N_TRAIN + N_TEST]
    drawn = rng.permuted(drawn, axis=1)
    new = np.zeros(N_ITEMS, bool)
    new[rng.choice(N_ITEMS, N_ITEMS // 10, replace=False)] = True
    train = np.zeros((N_USERS, N_ITEMS))
    rows = np.repeat(np.arange(N_USERS), N_TRAIN)
    cols = drawn[:, :N_TRAIN].ravel()
    keep = ~new[cols]                              # new items have no training data
    train[rows[keep], cols[keep]] = 1.0
    test = drawn[:, N_TRAIN:]
    return genre, p, train, test, new
# Collaborative filtering: factorisation, towers and popularity:1 ends here

# [[file:../../primer.org::*Collaborative filtering: factorisation, towers and popularity][Collaborative filtering: factorisation, towers and popularity:2]]
def fit_als(train, rng, factors=16, alpha=20.0, lam=1.0, iterations=10):
    """Weighted ALS for implicit feedback (confidence 1 + alpha on observed pairs)."""
    def half(R, fixed):
        # For each row u: (F'F + alpha F' diag(R_u) F + lam I) x_u = (1 + alpha) F' R_u
        gram = fixed.T @ fixed
        weighted = R[:, :, None] * fixed[None, :, :]
        A = gram + alpha * np.matmul(weighted.transpose(0, 2, 1), fixed) + lam * np.eye(factors)
        b = (1 + alpha) * (R @ fixed)
        return np.linalg.solve(A, b[..., None])[..., 0]

    X = 0.1 * rng.normal(size=(N_USERS, factors))
    Y = 0.1 * rng.normal(size=(N_ITEMS, factors))
    for _ in range(iterations):
        X = half(train, Y)
        Y = half(train.T, X)          # an item without interactions gets y = 0
    return X @ Y.T
# Collaborative filtering: factorisation, towers and popularity:2 ends here

# [[file:../../primer.org::*Collaborative filtering: factorisation, towers and popularity][Collaborative filtering: factorisation, towers and popularity:3]]
def fit_two_tower(train, genre, new, seed, dim=32, epochs=8, id_dropout=0.0):
    """User-id tower against an item tower of id + genre, full softmax over the
    items seen in training.  A new item is scored from its genre alone; id_dropout
    (zeroing the id part of random items while training) is a common recipe to
    prepare the item tower for that."""
    torch.manual_seed(seed)
    users_emb = torch.nn.Embedding(N_USERS, dim)
    items_emb = torch.nn.Embedding(N_ITEMS, dim)
    genre_emb = torch.nn.Embedding(N_GENRES, dim)
    params = [*users_emb.parameters(), *items_emb.parameters(), *genre_emb.parameters()]
    opt = torch.optim.Adam(params, lr=0.02)
    g = torch.tensor(genre)
    warm = torch.tensor(np.flatnonzero(~new))
    u_idx, i_idx = np.nonzero(train)
    pos = torch.tensor(np.searchsorted(warm.numpy(), i_idx))   # column among warm items
    u_idx = torch.tensor(u_idx)

    def item_vectors(items, drop):
        ids = items_emb(items)
        if drop > 0:
            ids = ids * (torch.rand(len(items), 1) > drop)
        return F.normalize(ids + genre_emb(g[items]), dim=-1)

    for _ in range(epochs):
        order = torch.randperm(len(u_idx))
        for batch in order.split(512):
            u = F.normalize(users_emb(u_idx[batch]), dim=-1)
            logits = u @ item_vectors(warm, id_dropout).T / 0.1
            loss = F.cross_entropy(logits, pos[batch])
            opt.zero_grad()
            loss.backward()
            opt.step()
    with torch.no_grad():
        u = F.normalize(users_emb.weight, dim=-1)
        ids = items_emb.weight * torch.tensor(~new)[:, None]   # a new id has no vector
        v = F.normalize(ids + genre_emb(g), dim=-1)
        return (u @ v.T).numpy()
# Collaborative filtering: factorisation, towers and popularity:3 ends here

# [[file:../../primer.org::*Collaborative filtering: factorisation, towers and popularity][Collaborative filtering: factorisation, towers and popularity:4]]
def warm_recall(scores, train, test, new, rng):
    """Recall@K of held-out interactions with warm items, training items excluded."""
    s = scores + 1e-9 * rng.random(scores.shape)          # break ties at random
    s = np.where((train > 0) | new[None, :], -np.inf, s)
    top = np.argpartition(-s, K, axis=1)[:, :K]
    hits, total = 0, 0
    for u in range(N_USERS):
        held = test[u][~new[test[u]]]
        hits += np.isin(held, top[u]).sum()
        total += len(held)
    return hits / total


def cold_recall(scores, test, new, rng, k=5):
    """Among the new items only: share of held-out new-item interactions in the top k."""
    cold = np.flatnonzero(new)
    s = scores[:, cold] + 1e-9 * rng.random((N_USERS, len(cold)))
    top = cold[np.argsort(-s, axis=1)[:, :k]]
    hits, total = 0, 0
    for u in range(N_USERS):
        held = test[u][new[test[u]]]
        hits += np.isin(held, top[u]).sum()
        total += len(held)
    return hits / total
# Collaborative filtering: factorisation, towers and popularity:4 ends here

# [[file:../../primer.org::*Collaborative filtering: factorisation, towers and popularity][Collaborative filtering: factorisation, towers and popularity:5]]
METHODS = ["popularity", "als", "two_tower", "two_tower_id_dropout", "oracle"]
results = {m: {"warm": [], "cold": [], "cpu": []} for m in METHODS}
for seed in SEEDS:
    rng = np.random.default_rng(seed)
    genre, p, train, test, new = make_world(rng)
    fits = {
        "popularity": lambda: np.broadcast_to(train.sum(axis=0), train.shape).copy(),
        "als": lambda: fit_als(train, rng),
        "two_tower": lambda: fit_two_tower(train, genre, new, seed),
        "two_tower_id_dropout": lambda: fit_two_tower(train, genre, new, seed, id_dropout=0.25),
        "oracle": lambda: p,
    }
    for name, fit in fits.items():
        start = time.process_time()
        scores = fit()
        results[name]["cpu"].append(time.process_time() - start)
        results[name]["warm"].append(warm_recall(scores, train, test, new, rng))
        results[name]["cold"].append(cold_recall(scores, test, new, rng))

for name, r in results.items():
    for metric in ["warm", "cold"]:
        v = np.array(r[metric])
        print(f"{name}_{metric}_recall = {v.mean():.3f}")
        print(f"{name}_{metric}_recall_sd = {v.std(ddof=1):.3f}")
    print(f"{name}_fit_cpu_s = {np.median(r['cpu']):.3f}")
for a, b, metric in [("als", "two_tower", "warm"), ("als", "popularity", "warm"),
                     ("two_tower", "two_tower_id_dropout", "warm"),
                     ("two_tower", "two_tower_id_dropout", "cold")]:
    gap = np.array(results[a][metric]) - np.array(results[b][metric])   # paired by seed
    print(f"{a}_minus_{b}_{metric} = {gap.mean():.3f}")
    print(f"{a}_minus_{b}_{metric}_se = {gap.std(ddof=1) / np.sqrt(len(gap)):.3f}")
COLD_RANDOM = 5 / (N_ITEMS // 10)
print(f"cold_random_recall = {COLD_RANDOM:.3f}")
print(f"n_seeds = {len(SEEDS)}")

labels = ["popularity", "ALS", "two-tower", "two-tower,\nid dropout", "true p(i|u)"]
fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharey=False)
for ax, metric, title in [(axes[0], "warm", "Known items: recall@20"),
                          (axes[1], "cold", "New items: recall@5 among them")]:
    means = [np.mean(results[m][metric]) for m in METHODS]
    sds = [np.std(results[m][metric], ddof=1) for m in METHODS]
    ax.bar(range(len(METHODS)), means, yerr=sds, capsize=3,
           color=["#999999", "#4a7a96", "#b5523b", "#d9a38f", "#222222"])
    ax.set_xticks(range(len(METHODS)), labels, fontsize=8)
    ax.set_title(title)
    if metric == "cold":
        ax.axhline(COLD_RANDOM, color="grey", ls=":", lw=1)
        ax.annotate("random order", (2.5, COLD_RANDOM), xytext=(0, 4),
                    textcoords="offset points", fontsize=8, ha="center")
axes[0].set_ylabel(f"mean over {len(SEEDS)} seeds (bar: sd)")
fig.tight_layout()
fig.savefig(IMG / "cf_models.png", dpi=120)
# Collaborative filtering: factorisation, towers and popularity:5 ends here
