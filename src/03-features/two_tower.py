# [[file:../../primer.org::*Two-tower retrieval][Two-tower retrieval:1]]
"""Two-tower retrieval trained with in-batch negatives, with and without the logQ
correction, on synthetic interactions with planted structure.

Ground truth: every item has a genre and a Zipf popularity; every user likes two
genres.  A user engages with item i with probability proportional to its
popularity, times 25 if the item is in one of the user's genres.  The towers see
only ids (and the item's genre); they must recover the rest from interactions.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

IMG = Path(__file__).resolve().parents[2] / "img" / "03-features"

IMG.mkdir(parents=True, exist_ok=True)
torch.manual_seed(0)
torch.set_num_threads(1)   # tiny models: thread start-up costs more than it saves
rng = np.random.default_rng(0)

n_users, n_items, n_genres = 1000, 500, 10
n_train, n_test, k = 25, 10, 20          # interactions per user; recall@k
genre = rng.integers(n_genres, size=n_items)
popularity = rng.permutation(np.arange(1, n_items + 1) ** -1.0)
popularity /= popularity.sum()
likes = np.stack([rng.choice(n_genres, size=2, replace=False) for _ in range(n_users)])
boost = np.where((genre[None, :] == likes[:, :1]) | (genre[None, :] == likes[:, 1:]), 25.0, 1.0)
truth = popularity[None, :] * boost
truth /= truth.sum(axis=1, keepdims=True)          # p(item | user), known exactly

# Each user's distinct items, drawn without replacement in proportion to p(i | u)
# (Gumbel top-k), split at random into training and held-out interactions.
keys = np.log(truth) + rng.gumbel(size=truth.shape)
items = np.argsort(-keys, axis=1)[:, : n_train + n_test]
items = rng.permuted(items, axis=1)      # draw order is not random: shuffle before splitting
train_items, test_items = items[:, :n_train], items[:, n_train:]
users = np.repeat(np.arange(n_users), n_train)
pairs_item = train_items.ravel()
item_freq = np.bincount(pairs_item, minlength=n_items) / len(pairs_item)
in_genre = np.mean(boost[np.arange(n_users)[:, None], test_items] > 1)
print(f"train_pairs = {len(pairs_item)}")
print(f"test_pairs = {test_items.size}")
print(f"share_in_liked_genres = {in_genre:.3f}")
print(f"top5pct_items_traffic_share = {np.sort(item_freq)[::-1][: n_items // 20].sum():.3f}")
# Two-tower retrieval:1 ends here

# [[file:../../primer.org::*Two-tower retrieval][Two-tower retrieval:2]]
class Tower(nn.Module):
    """Embedding(s) of the input ids, a small MLP, an L2-normalised output."""
    def __init__(self, sizes: list[int], dim: int = 32):
        super().__init__()
        self.tables = nn.ModuleList(nn.Embedding(n, dim) for n in sizes)
        self.mlp = nn.Sequential(nn.Linear(dim, 64), nn.ReLU(), nn.Linear(64, dim))

    def forward(self, *ids):
        x = sum(table(i) for table, i in zip(self.tables, ids))
        return F.normalize(self.mlp(x), dim=-1)


all_items = torch.arange(n_items)
item_genre = torch.tensor(genre)
log_q = torch.tensor(np.log(item_freq + 1e-12), dtype=torch.float32)
TEMPERATURE = 0.05


def train(loss_kind: str, epochs: int = 3, batch: int = 256, seed: int = 0):
    torch.manual_seed(seed)
    gen = np.random.default_rng(seed)
    user_tower, item_tower = Tower([n_users]), Tower([n_items, n_genres])
    opt = torch.optim.Adam(list(user_tower.parameters()) + list(item_tower.parameters()), lr=1e-2)
    u_all, i_all = torch.tensor(users), torch.tensor(pairs_item)
    for _ in range(epochs):
        for idx in torch.tensor(gen.permutation(len(u_all))).split(batch):
            u, i = user_tower(u_all[idx]), i_all[idx]
            if loss_kind == "full":
                # softmax over the whole catalogue: no sampling, no sampling bias
                logits = u @ item_tower(all_items, item_genre).T / TEMPERATURE
                target = i
            else:
                # in-batch negatives: the other rows' items are this row's negatives
                logits = u @ item_tower(i, item_genre[i]).T / TEMPERATURE
                if loss_kind == "logq":
                    logits = logits - log_q[i][None, :]
                target = torch.arange(len(idx))
            loss = F.cross_entropy(logits, target)
            opt.zero_grad()
            loss.backward()
            opt.step()
    with torch.no_grad():
        return (user_tower(torch.arange(n_users)) @ item_tower(all_items, item_genre).T).numpy()


by_popularity = np.argsort(-item_freq)
bucket = np.empty(n_items, dtype=int)
bucket[by_popularity] = np.arange(n_items) * 5 // n_items   # popularity quintile, 0 = head


def evaluate(scores: np.ndarray) -> tuple[float, float, np.ndarray]:
    """recall@k on held-out items, never recommending an item already in training;
    the share of the top-k slots taken by the 5% most popular items; and the share
    of slots per popularity quintile."""
    scores = scores.copy()
    np.put_along_axis(scores, train_items, -np.inf, axis=1)
    top = np.argpartition(-scores, k, axis=1)[:, :k]
    hits = (top[:, :, None] == test_items[:, None, :]).any(axis=1).sum(axis=1)
    head_share = np.isin(top, by_popularity[: n_items // 20]).mean()
    return hits.sum() / test_items.size, head_share, np.bincount(bucket[top].ravel(), minlength=5) / top.size


results = {
    "popularity": evaluate(np.tile(item_freq, (n_users, 1))),
    "in_batch": evaluate(train("in_batch")),
    "in_batch_logq": evaluate(train("logq")),
    "full_softmax": evaluate(train("full")),
    "oracle": evaluate(truth),
}
for key, (recall, head_share, _) in results.items():
    print(f"{key}_recall_at_{k} = {recall:.3f}")
    print(f"{key}_head_share = {head_share:.3f}")
print(f"heldout_head_share = {np.isin(test_items, by_popularity[: n_items // 20]).mean():.3f}")
print(f"random_recall_at_{k} = {k / (n_items - n_train):.3f}")
# Two-tower retrieval:2 ends here

# [[file:../../primer.org::*Two-tower retrieval][Two-tower retrieval:3]]
fig, (left, right) = plt.subplots(1, 2, figsize=(10.5, 3.6))
labels = {"popularity": "most popular", "in_batch": "in-batch softmax",
          "in_batch_logq": "in-batch + logQ", "full_softmax": "full softmax",
          "oracle": "true p(item | user)"}
colors = ["#999999", "#b5523b", "#4a7a96", "#2f7d4f", "#222222"]
left.barh(range(5), [results[key][0] for key in labels], color=colors)
left.set_yticks(range(5), list(labels.values()))
left.invert_yaxis()
left.set_xlabel(f"recall@{k} on held-out interactions")
left.set_title("Retrieval quality")
held_out = np.bincount(bucket[test_items].ravel(), minlength=5) / test_items.size
x = np.arange(5)
right.plot(x, held_out, "--", color="#999999", lw=1.5, label="held-out interactions")
for key, color in zip(["in_batch", "in_batch_logq", "full_softmax", "oracle"], colors[1:]):
    right.plot(x, results[key][2], "o-", color=color, label=labels[key])
right.set_xticks(x, ["top 20%", "20-40%", "40-60%", "60-80%", "bottom 20%"])
right.set_xlabel("items by training popularity")
right.set_ylabel(f"share of top-{k} slots")
right.set_title("Where the recommendations go")
right.legend(fontsize=8)
fig.tight_layout()
fig.savefig(IMG / "two_tower.png", dpi=120)
# Two-tower retrieval:3 ends here
