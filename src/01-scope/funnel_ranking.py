# [[file:../../primer.org::*The funnel: cheap candidates, expensive ranking][The funnel: cheap candidates, expensive ranking:1]]
"""A two-stage ranking funnel against an expensive ranker over the whole corpus.

Data: 50,000 synthetic items and 50 queries with a KNOWN utility: a 64-dimensional
embedding dot product, a nonlinear item x context interaction, and unobservable
noise.  The cheap stage scores every item with a 16-dimensional projection of the
embeddings; the expensive stage computes the full utility minus the noise, only
for the K candidates.  Quality is NDCG@10 and recall against the truth; cost is
CPU time per query on one thread.
"""
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyArrowPatch, Polygon
from threadpoolctl import threadpool_limits

IMG = Path(__file__).resolve().parents[2] / "img" / "01-scope"

IMG.mkdir(parents=True, exist_ok=True)
threadpool_limits(1)
rng = np.random.default_rng(0)

N_ITEMS, DIM, ITEM_FEATS, CONTEXT_FEATS, HIDDEN = 50_000, 64, 16, 8, 128
N_QUERIES, CHEAP_DIM, NOISE_SD = 50, 16, 0.3
spectrum = np.exp(-np.arange(DIM) / 10.0)          # embedding variance decays
items = (rng.normal(size=(N_ITEMS, DIM)) * spectrum).astype(np.float32)
item_feats = rng.normal(size=(N_ITEMS, ITEM_FEATS)).astype(np.float32)
queries = (rng.normal(size=(N_QUERIES, DIM)) * spectrum).astype(np.float32)
contexts = rng.normal(size=(N_QUERIES, CONTEXT_FEATS)).astype(np.float32)
W1 = rng.normal(size=(ITEM_FEATS + CONTEXT_FEATS, HIDDEN)).astype(np.float32)
W1 /= np.sqrt(ITEM_FEATS + CONTEXT_FEATS)
W2 = (rng.normal(size=(HIDDEN, HIDDEN)) / np.sqrt(HIDDEN)).astype(np.float32)
w3 = (rng.normal(size=HIDDEN) / np.sqrt(HIDDEN)).astype(np.float32)


def interaction(context, idx):
    hidden = np.maximum(item_feats[idx] @ W1[:ITEM_FEATS] + context @ W1[ITEM_FEATS:], 0)
    return np.maximum(hidden @ W2, 0) @ w3


# Scale the two parts so that, over queries, the dot product has unit spread and
# the interaction half of that.
everything, sample = np.arange(N_ITEMS), np.arange(2_000)
DOT_SCALE = 1 / np.std(items[sample] @ queries.T)
INTERACTION_SCALE = 0.5 / np.std([interaction(c, sample) for c in contexts])


def expensive(query, context, idx):
    """The full model: exact dot product plus the nonlinear interaction."""
    return DOT_SCALE * (items[idx] @ query) + INTERACTION_SCALE * interaction(context, idx)


# Cheap stage: project embeddings on their top principal components, offline.
centred = items[:5_000] - items[:5_000].mean(axis=0)
projection = np.linalg.svd(centred, full_matrices=False)[2][:CHEAP_DIM].T
items_small = np.ascontiguousarray(items @ projection)


def cheap(query):
    return items_small @ (projection.T @ query)
# The funnel: cheap candidates, expensive ranking:1 ends here

# [[file:../../primer.org::*The funnel: cheap candidates, expensive ranking][The funnel: cheap candidates, expensive ranking:2]]
def grades(utility):
    order = np.argsort(-utility)
    rel = np.zeros(len(utility))
    rel[order[:100]], rel[order[:30]], rel[order[:10]] = 1, 2, 3
    return rel


def ndcg10(rel, ranking):
    discount = 1 / np.log2(np.arange(2, 12))
    ideal = np.sort(rel)[::-1][:10]
    return ((2 ** rel[ranking[:10]] - 1) @ discount) / ((2 ** ideal - 1) @ discount)


def cpu_ms(fn):
    start = time.process_time()
    out = fn()
    return out, (time.process_time() - start) * 1e3


Ks = [10, 30, 100, 300, 1_000, 3_000, 10_000]
funnel_ndcg = {k: [] for k in Ks}
funnel_recall = {k: [] for k in Ks}
funnel_ms = {k: [] for k in Ks}
full_ndcg, full_ms, cheap_ndcg, cheap_ms = [], [], [], []
for j in range(N_QUERIES):
    q, ctx = queries[j], contexts[j]
    scores, ms = cpu_ms(lambda: expensive(q, ctx, everything))
    full_ms.append(ms)
    utility = scores + NOISE_SD * rng.normal(size=N_ITEMS)   # the truth
    rel, best10 = grades(utility), np.argsort(-utility)[:10]
    full_ndcg.append(ndcg10(rel, np.argsort(-scores)))
    cheap_scores, ms = cpu_ms(lambda: cheap(q))
    cheap_ms.append(ms)
    cheap_ndcg.append(ndcg10(rel, np.argsort(-cheap_scores)))
    for k in Ks:
        def funnel():
            candidates = np.argpartition(-cheap(q), k)[:k]
            return candidates, candidates[np.argsort(-expensive(q, ctx, candidates))]
        (candidates, ranking), ms = cpu_ms(funnel)
        funnel_ms[k].append(ms)
        funnel_ndcg[k].append(ndcg10(rel, ranking))
        funnel_recall[k].append(np.isin(best10, candidates).mean())
# The funnel: cheap candidates, expensive ranking:2 ends here

# [[file:../../primer.org::*The funnel: cheap candidates, expensive ranking][The funnel: cheap candidates, expensive ranking:3]]
print(f"expensive_all_ndcg10 = {np.mean(full_ndcg):.3f}")
print(f"expensive_all_cpu_ms = {np.median(full_ms):.2f}")
print(f"cheap_only_ndcg10 = {np.mean(cheap_ndcg):.3f}")
print(f"cheap_stage_cpu_ms = {np.median(cheap_ms):.2f}")
for k in Ks:
    print(f"funnel_k{k}_ndcg10 = {np.mean(funnel_ndcg[k]):.3f}")
    print(f"funnel_k{k}_recall = {np.mean(funnel_recall[k]):.3f}")
    print(f"funnel_k{k}_cpu_ms = {np.median(funnel_ms[k]):.2f}")
close = [k for k in Ks if np.mean(funnel_ndcg[k]) >= np.mean(full_ndcg) - 0.01]
k_close = close[0]
print(f"smallest_k_within_001 = {k_close}")
print(f"speedup_at_k_close = {np.median(full_ms) / np.median(funnel_ms[k_close]):.1f}")
print(f"speedup_at_k1000 = {np.median(full_ms) / np.median(funnel_ms[1000]):.1f}")

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
left.plot(Ks, [np.mean(funnel_ndcg[k]) for k in Ks], "o-", color="#4a7a96",
          label="funnel NDCG@10")
left.plot(Ks, [np.mean(funnel_recall[k]) for k in Ks], "s--", color="#d99a5e",
          label="true top 10 among candidates")
left.axhline(np.mean(full_ndcg), color="#222222", ls="--", lw=1,
             label="expensive model on all items")
left.axhline(np.mean(cheap_ndcg), color="#999999", ls=":", lw=1,
             label="cheap model alone")
left.set_xscale("log")
left.set_ylim(0, 1.02)
left.set_xlabel("candidates passed to the expensive stage, K (log)")
left.set_ylabel("quality against the known truth")
left.set_title("Quality")
left.legend(fontsize=8, loc="lower right")
right.plot(Ks, [np.median(funnel_ms[k]) for k in Ks], "o-", color="#4a7a96",
           label="funnel")
right.axhline(np.median(full_ms), color="#222222", ls="--", lw=1,
              label="expensive model on all items")
right.set_xscale("log")
right.set_yscale("log")
right.set_xlabel("candidates passed to the expensive stage, K (log)")
right.set_ylabel("CPU ms per query (log)")
right.set_title("Cost, one core")
right.legend(fontsize=8, loc="lower right")
fig.tight_layout()
fig.savefig(IMG / "funnel_ranking.png", dpi=120)

fig, ax = plt.subplots(figsize=(8, 3.2))
stages = [(f"{N_ITEMS:,} items", "corpus with\nprecomputed embeddings"),
          (f"{k_close:,} candidates", f"kept by the cheap stage:\n{CHEAP_DIM}-dim dot product"),
          ("10 shown", "ranked by the expensive stage:\nexact dot product + interactions")]
widths = [3.0, 1.8, 0.7]
for i, ((count, what), w) in enumerate(zip(stages, widths)):
    x0 = 0.4 + i * 3.0
    nxt = widths[i + 1] if i + 1 < len(widths) else w * 0.7
    ax.add_patch(Polygon([(x0, 1.6 - w / 2), (x0, 1.6 + w / 2),
                          (x0 + 2.2, 1.6 + nxt / 2), (x0 + 2.2, 1.6 - nxt / 2)],
                         closed=True, color=["#4a7a96", "#d99a5e", "#b5523b"][i], alpha=0.8))
    ax.text(x0 + 1.1, 1.6, count, ha="center", va="center", fontsize=9, color="white",
            weight="bold")
    ax.text(x0 + 1.1, 0.0, what, ha="center", va="center", fontsize=8)
    if i < 2:
        ax.add_patch(FancyArrowPatch((x0 + 2.25, 1.6), (x0 + 2.95, 1.6),
                                     arrowstyle="-|>", mutation_scale=12))
ax.set_xlim(0, 9.2)
ax.set_ylim(-0.6, 3.3)
ax.axis("off")
ax.set_title("A two-stage funnel: each stage is costlier per item and sees fewer items")
fig.savefig(IMG / "funnel_ranking-diagram.png", dpi=120, bbox_inches="tight")
# The funnel: cheap candidates, expensive ranking:3 ends here
