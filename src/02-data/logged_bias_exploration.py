# [[file:../../primer.org::*Bias in logged data and exploration][Bias in logged data and exploration:1]]
"""A recommender learns only about what it chose to show: greedy vs epsilon-greedy.

Simulation with a KNOWN ground truth: 500 items with fixed click probabilities
(Beta(2, 48), mean 0.04).  At launch every item is shown 50 times.  Then, for
300 rounds, 1,000 page views a round each see a slate of 10 items, and the
policy re-estimates every item's click rate from its own log (clicks / views)
after each round -- a daily retrain.  Greedy fills the slate with the 10 highest
estimates; epsilon-greedy hands a share epsilon of the slots to items drawn
uniformly from the catalogue.  Averaged over 16 simulated catalogues, and
compared catalogue by catalogue (each policy sees the same 16 catalogues).
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from scipy.stats import spearmanr

IMG = Path(__file__).resolve().parents[2] / "img" / "02-data"

IMG.mkdir(parents=True, exist_ok=True)
n_items, slate, views, rounds, launch_views = 500, 10, 1_000, 300, 50
epsilons = [0.0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5]
seeds = range(16)


def simulate(eps, seed):
    rng = np.random.default_rng(seed)
    p = rng.beta(2, 48, size=n_items)                  # the truth, unknown to the policy
    shown = np.full(n_items, launch_views)
    clicks = rng.binomial(launch_views, p)
    slots = views * slate
    got = np.zeros(rounds)
    explore_views = explore_clicks = 0
    for t in range(rounds):
        estimate = clicks / shown                      # what the retrained model believes
        top = np.argpartition(-estimate, slate)[:slate]
        n_random = rng.binomial(slots, eps)            # slots given to random items
        per_slot = (slots - n_random) // slate
        c_exploit = rng.binomial(per_slot, p[top])
        shown[top] += per_slot
        clicks[top] += c_exploit
        got[t] = c_exploit.sum()
        if n_random:
            explore = np.bincount(rng.integers(0, n_items, n_random), minlength=n_items)
            c_explore = rng.binomial(explore, p)
            shown += explore
            clicks += c_explore
            got[t] += c_explore.sum()
            explore_views += n_random
            explore_clicks += c_explore.sum()
    estimate = clicks / shown
    best = np.argsort(-p)[:slate]
    oracle = views * np.sort(p)[-slate:].sum()         # clicks per round knowing the truth
    rare = shown < 4 * launch_views
    return dict(
        mae=np.abs(estimate - p).mean(),
        rank_corr=spearmanr(estimate, p)[0],
        top_found=np.isin(best, np.argsort(-estimate)[:slate]).mean(),
        best_unseen=np.mean(shown[best] == launch_views),
        rare_share=rare.mean(),
        rare_bias=(estimate - p)[rare].mean() if rare.any() else np.nan,
        click_share=got.sum() / (oracle * rounds),
        late_click_share=got[-50:].sum() / (oracle * 50),
        explore_ctr=explore_clicks / explore_views if explore_views else np.nan,
        estimate=estimate, p=p, shown=shown)
# Bias in logged data and exploration:1 ends here

# [[file:../../primer.org::*Bias in logged data and exploration][Bias in logged data and exploration:2]]
runs = {eps: [simulate(eps, s) for s in seeds] for eps in epsilons}
avg = {eps: {k: float(np.mean([r[k] for r in rs])) for k in rs[0] if np.ndim(rs[0][k]) == 0}
       for eps, rs in runs.items()}
print("epsilon  mae     rank_corr  top10_found  click_share  late_click_share")
for eps in epsilons:
    a = avg[eps]
    print(f"{eps:<8} {a['mae']:.4f}  {a['rank_corr']:.3f}      {a['top_found']:.2f}"
          f"         {a['click_share']:.3f}        {a['late_click_share']:.3f}")
for eps in [0.0, 0.02, 0.1, 0.5]:
    tag = f"eps{round(eps * 100):02d}"
    for key in ["mae", "rank_corr", "top_found", "click_share", "late_click_share"]:
        print(f"{tag}_{key} = {avg[eps][key]:.4f}" if key == "mae" else
              f"{tag}_{key} = {avg[eps][key]:.3f}")
print(f"greedy_best_never_reshown = {avg[0.0]['best_unseen']:.3f}")
print(f"greedy_rarely_shown_share = {avg[0.0]['rare_share']:.3f}")
print(f"greedy_rarely_shown_bias = {avg[0.0]['rare_bias']:.4f}")
print(f"explore_ctr = {avg[0.1]['explore_ctr']:.4f}")
print(f"mean_true_ctr = {np.mean([r['p'].mean() for r in runs[0.0]]):.4f}")
best_eps = max(epsilons, key=lambda e: avg[e]["click_share"])
print(f"best_epsilon_for_clicks = {best_eps}")
# Paired by catalogue: each exploring policy minus greedy, with the standard error of
# the mean difference and the number of catalogues where exploring did better.
for eps in [0.01, 0.02, 0.1]:
    tag = f"eps{round(eps * 100):02d}"
    for key in ["click_share", "late_click_share"]:
        diff = np.array([a[key] - b[key] for a, b in zip(runs[eps], runs[0.0])])
        print(f"{tag}_minus_greedy_{key} = {diff.mean():+.3f}")
        print(f"{tag}_minus_greedy_{key}_se = {diff.std(ddof=1) / np.sqrt(len(diff)):.3f}")
        print(f"{tag}_minus_greedy_{key}_wins = {np.sum(diff > 0)}")
print(f"catalogues = {len(seeds)}")

fig, axes = plt.subplots(1, 3, figsize=(11, 3.5))
for ax, eps in zip(axes[:2], [0.0, 0.05]):
    r = runs[eps][0]
    sc = ax.scatter(r["p"], r["estimate"], c=np.log10(r["shown"]), s=8, cmap="viridis",
                    vmin=np.log10(launch_views), vmax=6)
    ax.plot([0, 0.2], [0, 0.2], color="#999999", lw=1)
    ax.set_xlim(0, 0.2)
    ax.set_ylim(0, 0.2)
    ax.set_xlabel("true click probability")
    ax.set_ylabel("learned estimate")
    ax.set_title("greedy" if eps == 0 else f"epsilon-greedy, epsilon = {eps}", fontsize=10)
fig.colorbar(sc, ax=axes[1], label="log10 views")
x = np.arange(len(epsilons))
ax = axes[2]
ax.plot(x, [avg[e]["top_found"] for e in epsilons], "o-", color="#4a7a96",
        label="true top 10 in learned top 10")
ax.plot(x, [avg[e]["click_share"] for e in epsilons], "s-", color="#b5523b",
        label="clicks / oracle clicks")
ax.set_xticks(x, [str(e) for e in epsilons])
ax.set_xlabel("epsilon (share of random slots)")
ax.set_ylim(0.5, 1.0)
ax.legend(fontsize=8, loc="lower left")
ax.set_title("Learning vs clicks", fontsize=10)
fig.tight_layout()
fig.savefig(IMG / "logged_bias_exploration.png", dpi=120)
# Bias in logged data and exploration:2 ends here
