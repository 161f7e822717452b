# [[file:../../primer.org::*Cold start][Cold start:1]]
"""Cold start: how fast a recommender discovers good new items, under four policies.

Simulation with a KNOWN ground truth.  300 established items have long click
histories; two new items arrive every round with no history.  Every item has
8 content features (think category, price, text embedding) and a true click
probability that depends partly on them.  Each round 100 page views see a slate
of 10 items chosen by the policy, which then updates its counts.

  ctr_only     rank by observed click rate; an item never shown has none
  ucb          Beta posterior around the catalogue mean + an optimism bonus;
               an item never shown goes first
  content      Beta posterior around a content model's prediction, no bonus
  content_ucb  content prior + the same optimism bonus
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

IMG = Path(__file__).resolve().parents[2] / "img" / "02-data"

IMG.mkdir(parents=True, exist_ok=True)

n_old, per_round, rounds, slate, views = 300, 2, 500, 10, 100
n_features, old_views, found_at = 8, 20_000, 500
seeds = range(4)


def make_world(rng):
    n = n_old + per_round * rounds
    x = rng.normal(size=(n, n_features))
    w = rng.normal(0, 0.25, size=n_features)
    logit = -3.2 + x @ w + rng.normal(0, 0.35, size=n)   # part of it the features miss
    return x, 1 / (1 + np.exp(-logit))


def fit_logistic(X, clicks, shown, ridge=1.0, steps=20):
    """Logistic regression on per-item click counts (binomial), by Newton's method."""
    A = np.c_[np.ones(len(X)), X]
    beta = np.zeros(A.shape[1])
    beta[0] = np.log(clicks.sum() / (shown.sum() - clicks.sum()))
    penalty = ridge * np.diag(np.r_[0.0, np.ones(A.shape[1] - 1)])
    for _ in range(steps):
        q = 1 / (1 + np.exp(-A @ beta))
        grad = A.T @ (clicks - shown * q) - penalty @ beta
        hess = (A * (shown * q * (1 - q))[:, None]).T @ A + penalty
        beta += np.linalg.solve(hess, grad)
    return beta


def simulate(policy, seed, z=3.0):
    rng = np.random.default_rng(seed)
    x, p = make_world(rng)
    shown, clicks = np.zeros(len(p)), np.zeros(len(p))
    shown[:n_old] = old_views
    clicks[:n_old] = rng.binomial(old_views, p[:n_old])
    ctr = clicks[:n_old] / old_views
    # Empirical-Bayes prior: a Beta(m*s, (1-m)*s) around a mean m with the spread
    # of the established items' click rates (s pseudo-views).
    prior = np.full(len(p), ctr.mean())
    strength = ctr.mean() * (1 - ctr.mean()) / ctr.var() - 1
    if policy.startswith("content"):
        beta = fit_logistic(x[:n_old], clicks[:n_old], shown[:n_old])
        prior = 1 / (1 + np.exp(-(beta[0] + x @ beta[1:])))
        q = prior[:n_old]           # a sharper prior: only what the features miss is left
        strength = np.mean(q * (1 - q)) / np.var(ctr - q) - 1
    arrival = np.r_[np.full(n_old, -1), np.repeat(np.arange(rounds), per_round)]
    good = np.zeros(len(p), dtype=bool)
    found = np.full(len(p), np.inf)
    got = best = new_views = 0.0
    for t in range(rounds):
        live = n_old + per_round * (t + 1)
        bar = np.partition(p[:live - per_round], -slate)[-slate]
        good[live - per_round:live] = p[live - per_round:live] > bar   # deserves a slot
        if policy.startswith("content") and t % 25 == 24:             # periodic retrain
            beta = fit_logistic(x[:live], clicks[:live], shown[:live])
            prior = 1 / (1 + np.exp(-(beta[0] + x @ beta[1:])))
        n, c = shown[:live], clicks[:live]
        if policy == "ctr_only":
            score = np.where(n > 0, c / np.maximum(n, 1), -1.0)
        else:
            post = (c + strength * prior[:live]) / (n + strength)
            score = post
            if policy.endswith("ucb"):
                score = post + z * np.sqrt(post * (1 - post) / (n + strength))
            if policy == "ucb":
                score = np.where(n > 0, score, np.inf)  # UCB1: try every arm once
        top = np.argpartition(-score, slate)[:slate]
        new_clicks = rng.binomial(views, p[top])
        shown[top] += views
        clicks[top] += new_clicks
        got += new_clicks.sum()
        best += views * np.partition(p[:live], -slate)[-slate:].sum()
        new_views += views * np.sum(top >= n_old)
        found[(shown >= found_at) & np.isinf(found)] = t
    g = np.flatnonzero(good)
    return dict(click_share=got / best, new_share=new_views / (views * slate * rounds),
                delay=found[g] - arrival[g], strength=strength)
# Cold start:1 ends here

# [[file:../../primer.org::*Cold start][Cold start:2]]
policies = {"ctr_only": "click rate only", "ucb": "optimism bonus",
            "content": "content prior", "content_ucb": "content prior + bonus"}
runs = {pol: [simulate(pol, s) for s in seeds] for pol in policies}
for pol, rs in runs.items():
    delay = np.concatenate([r["delay"] for r in rs])
    print(f"{pol}_click_share = {np.mean([r['click_share'] for r in rs]):.3f}")
    print(f"{pol}_new_item_share = {np.mean([r['new_share'] for r in rs]):.3f}")
    print(f"{pol}_good_found = {np.mean(np.isfinite(delay)):.3f}")
print(f"good_new_items = {len(delay)}")
print(f"new_items = {len(seeds) * per_round * rounds}")
print(f"prior_views_catalogue = {runs['ucb'][0]['strength']:.0f}")
print(f"prior_views_content = {runs['content'][0]['strength']:.0f}")

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
colors = ["#999999", "#d99a5e", "#4a7a96", "#222222"]
horizon = np.arange(0, 21)
for (pol, label), color in zip(policies.items(), colors):
    delay = np.concatenate([r["delay"] for r in runs[pol]])
    left.step(horizon, [np.mean(delay <= h) for h in horizon], where="post",
              color=color, label=label)
left.set_xlabel("rounds since the item arrived")
left.set_ylabel("share of good new items discovered")
left.set_ylim(-0.02, 1.02)
left.legend(fontsize=8, loc="center right")
pos = np.arange(len(policies))
right.barh(pos + 0.2, [np.mean([r["click_share"] for r in runs[p]]) for p in policies],
           height=0.38, color="#4a7a96", label="clicks / oracle clicks")
right.barh(pos - 0.2, [np.mean([r["new_share"] for r in runs[p]]) for p in policies],
           height=0.38, color="#d99a5e", label="share of views on new items")
right.set_yticks(pos, list(policies.values()))
right.set_xlim(0, 1)
right.legend(fontsize=8, loc="lower right")
fig.tight_layout()
fig.savefig(IMG / "cold_start.png", dpi=120)
# Cold start:2 ends here
