# [[file:../../primer.org::*The index inside the funnel][The index inside the funnel:1]]
"""What an approximate candidate index costs the final ranking: a two-stage
funnel whose first stage is an exact or an IVF inner-product search.

Data: 100,000 items and 300 queries with a KNOWN utility: the dot product of
32-dimensional embeddings, plus an interaction between item features and query
context that only the ranker computes, plus noise no model sees.  The first
stage retrieves K = 200 candidates by the dot product; the ranker orders them by
the utility without the noise.  Quality is NDCG@10 against grades from the true
utility; candidate recall is measured against exact search.
"""
import time
from pathlib import Path

import faiss
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from threadpoolctl import threadpool_limits

IMG = Path(__file__).resolve().parents[2] / "img" / "10-retrieval"
IMG.mkdir(parents=True, exist_ok=True)
faiss.omp_set_num_threads(1)
threadpool_limits(1)
rng = np.random.default_rng(0)

N, D, N_QUERIES, K, N_FEATS = 100_000, 32, 300, 200, 8
N_CENTRES = 500
centres = rng.normal(size=(N_CENTRES, D))
items = (centres[rng.integers(0, N_CENTRES, N)] + rng.normal(size=(N, D))).astype(np.float32)
queries = (centres[rng.integers(0, N_CENTRES, N_QUERIES)]
           + rng.normal(size=(N_QUERIES, D))).astype(np.float32)
item_feats = rng.normal(size=(N, N_FEATS)).astype(np.float32)
contexts = rng.normal(size=(N_QUERIES, N_FEATS)).astype(np.float32)
mixing = rng.normal(size=(N_FEATS, N_FEATS)).astype(np.float32) / np.sqrt(N_FEATS)
DOT_SCALE = 1 / np.std(items[:2_000] @ queries.T)


def ranker_score(qi, idx):
    """What the expensive model knows: the dot product and the interaction."""
    dot = DOT_SCALE * (items[idx] @ queries[qi])
    return dot + 0.5 * np.tanh(item_feats[idx] @ (mixing @ contexts[qi]))


noise = 0.3 * rng.normal(size=(N_QUERIES, N)).astype(np.float32)


def grades(qi):
    """Relevance 3 / 2 / 1 for the query's 10 / next 20 / next 70 best items."""
    utility = ranker_score(qi, slice(None)) + noise[qi]
    top = np.argsort(-utility)[:100]
    rel = np.zeros(N, np.float32)
    rel[top[:100]], rel[top[:30]], rel[top[:10]] = 1, 2, 3
    return rel


discount = 1 / np.log2(np.arange(2, 12))


def ndcg10(rel, ranked):
    ideal = np.sort(rel)[::-1][:10]
    return ((2 ** rel[ranked[:10]] - 1) @ discount) / ((2 ** ideal - 1) @ discount)


relevance = [grades(qi) for qi in range(N_QUERIES)]
# The index inside the funnel:1 ends here

# [[file:../../primer.org::*The index inside the funnel][The index inside the funnel:2]]
def funnel(candidates):
    """Per-query NDCG@10 after the ranker re-orders each query's candidates."""
    out = np.empty(N_QUERIES)
    for qi, cand in enumerate(candidates):
        cand = cand[cand >= 0]                         # faiss pads with -1
        ranked = cand[np.argsort(-ranker_score(qi, cand))]
        out[qi] = ndcg10(relevance[qi], ranked)
    return out


def cpu_per_query(index):
    index.search(queries[:10], K)                     # warm-up
    times = []
    for q in queries:
        start = time.process_time()
        index.search(q[None], K)
        times.append(time.process_time() - start)
    return np.median(times)


exact = faiss.IndexFlatIP(D)
exact.add(items)
_, exact_cand = exact.search(queries, K)
exact_ndcg = funnel(exact_cand)
exact_cpu = cpu_per_query(exact)
print(f"exact_ndcg = {exact_ndcg.mean():.4f}")

ivf = faiss.IndexIVFFlat(faiss.IndexFlatIP(D), D, 256, faiss.METRIC_INNER_PRODUCT)
ivf.train(items[:20_000])
ivf.add(items)
# The index inside the funnel:2 ends here

# [[file:../../primer.org::*The index inside the funnel][The index inside the funnel:3]]
rows = []          # (nprobe, candidate recall, top-10 kept, ndcg loss %, its se, speed-up)
TARGET = 1.0       # largest acceptable NDCG@10 loss, per cent of the exact funnel's
for nprobe in [1, 2, 4, 8, 16, 32, 64]:
    ivf.nprobe = nprobe
    _, cand = ivf.search(queries, K)
    recall = np.mean([np.isin(e, c).mean() for e, c in zip(exact_cand, cand)])
    top10_kept = np.mean([np.isin(e[:10], c).mean() for e, c in zip(exact_cand, cand)])
    loss = 100 * (exact_ndcg - funnel(cand)) / exact_ndcg.mean()    # per query, %
    se = loss.std(ddof=1) / np.sqrt(N_QUERIES)
    speedup = exact_cpu / cpu_per_query(ivf)
    rows.append((nprobe, recall, top10_kept, loss.mean(), se, speedup))
    print(f"nprobe{nprobe}_recall = {recall:.3f}")
    print(f"nprobe{nprobe}_top10_kept = {top10_kept:.3f}")
    print(f"nprobe{nprobe}_ndcg_loss_pct = {loss.mean():.2f}")
    print(f"nprobe{nprobe}_ndcg_loss_se_pct = {se:.2f}")
    print(f"nprobe{nprobe}_speedup = {speedup:.1f}")

# The cheapest setting whose mean loss stays under the target.
chosen = next(r for r in rows if r[3] < TARGET)
print(f"target_loss_pct = {TARGET:.1f}")
print(f"target_nprobe = {chosen[0]}")
print(f"target_recall = {chosen[1]:.3f}")
print(f"target_recall_loss_pct = {100 * (1 - chosen[1]):.1f}")
print(f"target_ndcg_loss_pct = {chosen[3]:.2f}")
print(f"target_ndcg_loss_se_pct = {chosen[4]:.2f}")
print(f"target_speedup = {chosen[5]:.1f}")

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
recalls = [r[1] for r in rows]
left.errorbar(recalls, [r[3] for r in rows], yerr=[2 * r[4] for r in rows], fmt="o-",
              color="#4a7a96", capsize=3, label="NDCG@10 loss (bar: 2 SE)")
left.plot(recalls, [100 * (1 - r[1]) for r in rows], "s--", color="#999999",
          label="candidates missed")
for r in rows:
    left.annotate(f"nprobe={r[0]}", (r[1], r[3]), textcoords="offset points",
                  xytext=(4, 6) if r[0] < 32 else (-44 if r[0] == 32 else -14, -14),
                  fontsize=7)
left.axhline(TARGET, color="#b5523b", ls=":", lw=1, label=f"target {TARGET:.0f}%")
left.set_xlabel(f"candidate recall@{K} against exact search")
left.set_ylabel("per cent")
left.legend(fontsize=8)
left.set_title("Ranking loss is far below recall loss")
right.plot([r[5] for r in rows], [r[3] for r in rows], "o-", color="#4a7a96")
right.axhline(TARGET, color="#b5523b", ls=":", lw=1)
right.set_xlabel("speed-up of the candidate search over exact search")
right.set_ylabel("NDCG@10 loss, per cent")
right.set_title("What each setting costs and saves")
fig.tight_layout()
fig.savefig(IMG / "ann_funnel.png", dpi=120)
# The index inside the funnel:3 ends here
