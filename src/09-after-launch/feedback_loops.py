# [[file:../../primer.org::*Degenerate feedback loops][Degenerate feedback loops:1]]
"""A recommender retrained on its own clicks: exposure concentrates round after round.

Simulation with a KNOWN truth.  300 items, 10 user segments; segment g clicks item
i with probability p[g, i] = sigmoid(b_i + 1.5 * [genre_i == g]), and a user
examines slot k of a 10-item slate with probability e_k = 1 / (k + 1) ** 0.8, so
P(click) = e_k * p[g, i] (the position-based model).  Every round, each segment
gets 100 page views whose slates are sampled from the current model's scores
(Gumbel top-k, a stochastic ranker); the model is then retrained on the logged
clicks, with older rounds decayed by 0.8 per round.  Five policies, and an oracle:
  counts     : score = decayed click count (every unclicked item is a negative)
  explore    : counts, but 10 % of the slots go to uniformly random items
  ctr        : score = clicks / impressions (position ignored)
  positional : rank as a training feature: clicks ~ e_pos * p, fitted jointly;
               at serving the position is fixed, so items are scored by p alone
  bandit     : positional model + Thompson sampling from each item's posterior
  oracle     : the true appeal, through the same stochastic ranker
Five seeds each; the script reports means and the spread across seeds.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

IMG = Path(__file__).resolve().parents[2] / "img" / "09-after-launch"
IMG.mkdir(parents=True, exist_ok=True)
G, I, K, V, ROUNDS, DECAY = 10, 300, 10, 40, 40, 0.8
TAU = 0.3
ARRIVE = 20                                    # round at which the newest fifth of the catalogue appears
SEEDS = range(5)
EXAM = 1 / (np.arange(K) + 1.0) ** 0.8          # true examination probability per slot
POLICIES = ["counts", "explore", "ctr", "positional", "bandit"]


def gini(x):
    """Gini coefficient of a non-negative vector (0: equal, near 1: one item gets all)."""
    x = np.sort(x)
    n = len(x)
    return float((2 * np.arange(1, n + 1) - n - 1) @ x / (n * x.sum()))


def world(rng):
    genre = rng.integers(0, G, I)
    base = rng.normal(-2.2, 0.8, I)
    logit = base[None, :] + 1.5 * (genre[None, :] == np.arange(G)[:, None])
    return 1 / (1 + np.exp(-logit))              # p[g, i]


def fit_positional(n, c, iters=8):
    """clicks ~ e_k * p[g, i]: alternate the two closed-form updates (e_0 = 1)."""
    e = np.ones(K)
    for _ in range(iters):
        exposure = n @ e                          # examination-weighted impressions, [G, I]
        p_hat = (c.sum(axis=2) + 0.1 * 2) / (exposure + 2)   # light prior near 0.1
        e = c.sum(axis=(0, 1)) / np.maximum((n * p_hat[:, :, None]).sum(axis=(0, 1)), 1e-9)
        e = e / e[0]
    return p_hat, e, n @ e


def simulate(policy, seed, clickbait=False, label="click"):
    rng = np.random.default_rng(seed)
    p = world(rng)
    satisfy = np.ones(I)
    if clickbait:                                  # 10 % of items: twice the clicks, few satisfied
        bait = rng.random(I) < 0.1
        p[:, bait] = np.minimum(2 * p[:, bait], 0.95)
        satisfy = np.where(bait, 0.2, 0.8)
    n = np.zeros((G, I, K))                        # decayed impressions per segment, item, slot
    c = np.zeros((G, I, K))                        # decayed logged positives
    true_top = np.argsort(-p * satisfy, axis=1)[:, :K]
    rows = {k: [] for k in ["gini", "agg_div", "tail", "reward", "recall", "new_share"]}
    head = np.argsort(-p.mean(axis=0))[: I // 5]   # the 20 % of items with the highest mean appeal
    tail = np.setdiff1d(np.arange(I), head)
    new = np.arange(I) >= I - I // 5
    for t in range(ROUNDS + 1):
        available = ~new | (t >= ARRIVE)
        if t == 0:
            score = np.ones((G, I))                # launch: uniformly random slates
        elif policy == "oracle":
            score = p * satisfy
        elif policy in ("counts", "explore"):      # unclicked = negative, shown or not
            score = c.sum(axis=2) + 0.5
        elif policy == "ctr":                      # negatives are the impressions, position ignored
            score = (c.sum(axis=2) + 0.2) / (n.sum(axis=2) + 2)
        else:
            score, _, exposure = fit_positional(n, c)
        score = np.where(available, score, 0.0)
        with np.errstate(divide="ignore"):         # unavailable items get a key of -inf
            keys = np.log(np.broadcast_to(score[:, None, :], (G, V, I)))
        if policy == "bandit" and t > 0:           # Thompson sampling: one posterior draw per view
            C = c.sum(axis=2)
            draw = rng.beta(C[:, None, :] + 0.2, np.maximum(exposure - C, 0)[:, None, :] + 1.8,
                            size=(G, V, I))
            keys = np.where(available, np.log(draw), -np.inf)
        else:                                      # Gumbel top-k: a stochastic ranker
            u = np.clip(rng.random((G, V, I), dtype=np.float32), 1e-7, 1 - 1e-7)
            keys = keys + TAU * -np.log(-np.log(u))
        top = np.argpartition(-keys, K, axis=2)[:, :, :K]
        order = np.argsort(-np.take_along_axis(keys, top, axis=2), axis=2)
        slate = np.take_along_axis(top, order, axis=2)            # [G, V, K], best first
        if policy == "explore" and t > 0:
            swap = rng.random(slate.shape) < 0.1
            pool = np.flatnonzero(available)
            slate = np.where(swap, pool[rng.integers(0, len(pool), slate.shape)], slate)
        prob = EXAM * np.take_along_axis(np.broadcast_to(p[:, None, :], (G, V, I)), slate, axis=2)
        click = rng.random(slate.shape) < prob
        good = click & (rng.random(slate.shape) < satisfy[slate])
        logged = click if label == "click" else good
        n *= DECAY
        c *= DECAY
        flat = ((np.arange(G)[:, None, None] * I + slate) * K + np.arange(K)).ravel()
        n += np.bincount(flat, minlength=G * I * K).reshape(G, I, K)
        c += np.bincount(flat, weights=logged.ravel(), minlength=G * I * K).reshape(G, I, K)
        if t == 0:
            continue
        shown = np.bincount(slate.ravel(), minlength=I)
        model_top = np.argsort(-np.where(available, score, -1), axis=1)[:, :K]
        rows["gini"].append(gini(shown))
        rows["agg_div"].append(np.mean(shown[available] >= 10))
        rows["tail"].append(shown[tail].sum() / shown.sum())
        rows["reward"].append(good.sum() / (G * V) if clickbait else click.sum() / (G * V))
        rows["new_share"].append(shown[new].sum() / shown.sum())
        rows["recall"].append(np.mean([np.isin(true_top[g], model_top[g]).mean() for g in range(G)]))
        if clickbait and t == ROUNDS:
            rows["bait_share"] = shown[bait].sum() / shown.sum()
            rows["clicks_final"] = click.sum() / (G * V)
    return {k: np.array(v) for k, v in rows.items()}
# Degenerate feedback loops:1 ends here

# [[file:../../primer.org::*Degenerate feedback loops][Degenerate feedback loops:2]]
runs = {pol: [simulate(pol, s) for s in SEEDS] for pol in POLICIES + ["oracle"]}


def last(pol, key, rounds=10):
    """Mean over the last `rounds` rounds, then mean and spread (sd) across seeds."""
    vals = np.array([r[key][-rounds:].mean() for r in runs[pol]])
    return vals.mean(), vals.std(ddof=1)


for pol in POLICIES + ["oracle"]:
    first = np.mean([r["gini"][0] for r in runs[pol]])
    print(f"{pol}_gini_round1 = {first:.3f}")
    for key in ["gini", "agg_div", "tail", "reward", "recall", "new_share"]:
        m, sd = last(pol, key)
        print(f"{pol}_{key} = {m:.3f}")
        print(f"{pol}_{key}_sd = {sd:.3f}")
# Concentration after ARRIVE rounds is compared with what the truth warrants (oracle).
for pol in POLICIES:
    diff = np.array([a["gini"][-10:].mean() - b["gini"][-10:].mean()
                     for a, b in zip(runs[pol], runs["oracle"])])
    print(f"{pol}_gini_excess = {diff.mean():.3f}")
    print(f"{pol}_gini_excess_sd = {diff.std(ddof=1):.3f}")

# Paired comparisons: the same five worlds under two models; the mean difference
# and its standard error (sd of the five differences / sqrt(5)).
for a, b, key in [("counts", "explore", "gini"), ("positional", "ctr", "recall"),
                  ("positional", "ctr", "reward"), ("positional", "counts", "reward"),
                  ("positional", "bandit", "reward"), ("bandit", "positional", "agg_div")]:
    diff = np.array([x[key][-10:].mean() - y[key][-10:].mean() for x, y in zip(runs[a], runs[b])])
    print(f"diff_{a}_{b}_{key} = {diff.mean():.3f}")
    print(f"diff_{a}_{b}_{key}_se = {diff.std(ddof=1) / np.sqrt(len(diff)):.3f}")

# Clickbait bias: 10 % of items draw twice the clicks but satisfy few users.  The
# position-aware model is trained on clicks, or on satisfied clicks only.
satisfied = {}
for label in ["click", "satisfied"]:
    bait = [simulate("positional", s, clickbait=True, label=label) for s in SEEDS]
    share = np.array([r["bait_share"] for r in bait])
    print(f"clickbait_{label}_trained_bait_share = {share.mean():.3f}")
    print(f"clickbait_{label}_trained_bait_share_sd = {share.std(ddof=1):.3f}")
    print(f"clickbait_{label}_trained_clicks = {np.mean([r['clicks_final'] for r in bait]):.3f}")
    sat = np.array([r["reward"][-10:].mean() for r in bait])
    print(f"clickbait_{label}_trained_satisfied = {sat.mean():.3f}")
    print(f"clickbait_{label}_trained_satisfied_sd = {sat.std(ddof=1):.3f}")
    satisfied[label] = sat
gain = satisfied["satisfied"] - satisfied["click"]            # paired by world
print(f"clickbait_satisfied_gain = {gain.mean():.3f}")
print(f"clickbait_satisfied_gain_se = {gain.std(ddof=1) / np.sqrt(len(gain)):.3f}")

fig, axes = plt.subplots(1, 3, figsize=(12, 3.6))
colours = {"counts": "#b5523b", "explore": "#d99a5e", "ctr": "#8c8c8c",
           "positional": "#4a7a96", "bandit": "#5b8c5a", "oracle": "#222222"}
x = np.arange(1, ROUNDS + 1)
for pol, col in colours.items():
    style = "--" if pol == "oracle" else "-"
    axes[0].plot(x, np.mean([r["gini"] for r in runs[pol]], axis=0), style, color=col, label=pol)
    axes[1].plot(x, np.mean([r["new_share"] for r in runs[pol]], axis=0), style, color=col)
    axes[2].plot(x, np.mean([r["recall"] for r in runs[pol]], axis=0), style, color=col)
for ax, title in zip(axes, ["Gini of impressions across items", "share of impressions on new items",
                            "true top 10 in the model's top 10"]):
    ax.axvline(ARRIVE, color="#cccccc", lw=0.8)
    ax.set_xlabel("retraining round")
    ax.set_title(title, fontsize=10)
axes[0].legend(fontsize=7, ncol=2)
fig.tight_layout()
fig.savefig(IMG / "feedback_loops.png", dpi=120)
# Degenerate feedback loops:2 ends here
