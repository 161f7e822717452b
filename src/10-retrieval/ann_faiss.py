# [[file:../../primer.org::*Approximate nearest-neighbour search][Approximate nearest-neighbour search:1]]
"""Approximate nearest-neighbour indexes in faiss: recall, speed, memory, build time.

Data: 100,000 database vectors and 1,000 queries in 64 dimensions, drawn around
1,000 Gaussian centres whose clouds overlap (as learned embeddings do).  Indexes:
exact search, an inverted file (IVF) swept over nprobe, an HNSW graph swept over
efSearch, product quantisation (PQ), IVF-PQ with and without exact re-ranking,
and LSH.  Recall@10 is measured against the exact search of this script.  One
thread throughout; queries per second are one over the median CPU time of a
single-query search call, so they are comparable within a run, not across machines.
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

N, D, N_QUERIES, K = 100_000, 64, 1_000, 10
N_CENTRES, SPREAD = 1_000, 1.0
centres = rng.normal(size=(N_CENTRES, D))


def sample(m):
    """m vectors, each a random centre plus isotropic Gaussian noise."""
    which = rng.integers(0, N_CENTRES, size=m)
    return (centres[which] + SPREAD * rng.normal(size=(m, D))).astype(np.float32)


xb = sample(N)                 # the corpus the index serves
xq = sample(N_QUERIES)         # held-out queries from the same distribution
xt = sample(10_240)            # a separate training sample: 40 per k-means centroid
# Approximate nearest-neighbour search:1 ends here

# [[file:../../primer.org::*Approximate nearest-neighbour search][Approximate nearest-neighbour search:2]]
def build(make):
    """Create, train and fill an index; return it with the CPU seconds spent."""
    start = time.process_time()
    index = make()
    if not index.is_trained:
        index.train(xt)
    index.add(xb)
    return index, time.process_time() - start


def queries_per_second(index, n_timed=200):
    """One over the median CPU time of a one-query search, after a warm-up."""
    for q in xq[:10]:
        index.search(q[None], K)
    times = np.empty(n_timed)
    for i, q in enumerate(xq[:n_timed]):
        start = time.process_time()
        index.search(q[None], K)
        times[i] = time.process_time() - start
    return 1.0 / np.median(times)


sizes = {}                              # name -> (measured, documented) bytes/vector


def bytes_per_vector(name, index, formula):
    """Size of the serialised index per vector it holds, next to faiss's formula."""
    measured = faiss.serialize_index(index).size / N
    sizes[name] = (measured, formula)
    return measured


exact, exact_build = build(lambda: faiss.IndexFlatL2(D))
_, truth = exact.search(xq, K)          # batched exact search: the ground truth


def recall_at_k(found):
    """Share of the true 10 nearest neighbours that the index returned."""
    return np.mean([np.isin(t, f).mean() for t, f in zip(truth, found)])


rows = []                               # (family, setting, recall, qps)


def measure(family, setting, index):
    _, found = index.search(xq, K)
    r, qps = recall_at_k(found), queries_per_second(index)
    rows.append((family, setting, r, qps))
    return r, qps


measure("exact", "", exact)
flat_qps = rows[-1][3]
print(f"n_vectors = {N}")
print(f"dim = {D}")
print(f"exact_qps = {flat_qps:.0f}")
print(f"exact_bytes = {bytes_per_vector('Flat', exact, 4 * D):.1f}")
print(f"exact_bytes_formula = {4 * D}")
# Approximate nearest-neighbour search:2 ends here

# [[file:../../primer.org::*Approximate nearest-neighbour search][Approximate nearest-neighbour search:3]]
N_LIST = 256                             # inverted lists, about sqrt(N)
ivf, ivf_build = build(lambda: faiss.IndexIVFFlat(faiss.IndexFlatL2(D), D, N_LIST))
for nprobe in [1, 2, 4, 8, 16, 32, 64]:
    ivf.nprobe = nprobe
    r, qps = measure("IVF-Flat", f"nprobe={nprobe}", ivf)
    print(f"ivf_nprobe{nprobe}_recall = {r:.3f}")
    print(f"ivf_nprobe{nprobe}_qps = {qps:.0f}")
print(f"ivf_build_s = {ivf_build:.2f}")
print(f"ivf_bytes = {bytes_per_vector('IVF-Flat', ivf, 4 * D + 8):.1f}")
print(f"ivf_bytes_formula = {4 * D + 8}")

M_HNSW = 16                              # graph degree (2 * M links on the bottom layer)
hnsw, hnsw_build = build(lambda: faiss.IndexHNSWFlat(D, M_HNSW))
for ef in [16, 32, 64, 128, 256]:
    hnsw.hnsw.efSearch = ef
    r, qps = measure("HNSW", f"efSearch={ef}", hnsw)
    print(f"hnsw_ef{ef}_recall = {r:.3f}")
    print(f"hnsw_ef{ef}_qps = {qps:.0f}")
print(f"hnsw_build_s = {hnsw_build:.2f}")
print(f"hnsw_bytes = {bytes_per_vector('HNSW16', hnsw, 4 * D + M_HNSW * 2 * 4):.1f}")
print(f"hnsw_bytes_formula = {4 * D + M_HNSW * 2 * 4}")
# Approximate nearest-neighbour search:3 ends here

# [[file:../../primer.org::*Approximate nearest-neighbour search][Approximate nearest-neighbour search:4]]
M_PQ = 16                                # sub-vectors of 4 dimensions, one byte each
PQ_ITERATIONS = 10                       # k-means iterations per sub-quantiser


def make_pq():
    index = faiss.IndexPQ(D, M_PQ, 8)
    index.pq.cp.niter = PQ_ITERATIONS
    return index


pq, pq_build = build(make_pq)
r, qps = measure("PQ", f"M={M_PQ}", pq)
print(f"pq_recall = {r:.3f}")
print(f"pq_qps = {qps:.0f}")
print(f"pq_build_s = {pq_build:.2f}")
print(f"pq_bytes = {bytes_per_vector('PQ16', pq, M_PQ):.1f}")
print(f"pq_bytes_formula = {M_PQ}")

start = time.process_time()
ivfpq = faiss.IndexIVFPQ(faiss.IndexFlatL2(D), D, N_LIST, M_PQ, 8)
ivfpq.pq.cp.niter = PQ_ITERATIONS
ivfpq.train(xt)
trained_empty = faiss.clone_index(ivfpq)     # reused below under the re-ranker
ivfpq.add(xb)
ivfpq_build = time.process_time() - start
for nprobe in [4, 16, 64]:
    ivfpq.nprobe = nprobe
    r, qps = measure("IVF-PQ", f"nprobe={nprobe}", ivfpq)
    print(f"ivfpq_nprobe{nprobe}_recall = {r:.3f}")
    print(f"ivfpq_nprobe{nprobe}_qps = {qps:.0f}")
print(f"ivfpq_build_s = {ivfpq_build:.2f}")
print(f"ivfpq_bytes = {bytes_per_vector('IVF-PQ16', ivfpq, M_PQ + 8):.1f}")
print(f"ivfpq_bytes_formula = {M_PQ + 8}")
# Approximate nearest-neighbour search:4 ends here

# [[file:../../primer.org::*Approximate nearest-neighbour search][Approximate nearest-neighbour search:5]]
# Re-ranking: IVF-PQ proposes k_factor * 10 candidates by approximate distance;
# the exact distances to the stored full vectors pick the final 10.
refine = faiss.IndexRefineFlat(trained_empty)
refine.add(xb)
faiss.extract_index_ivf(trained_empty).nprobe = 64
for factor in [1, 4, 16]:
    refine.k_factor = factor
    r, qps = measure("IVF-PQ + re-rank", f"k_factor={factor}", refine)
    print(f"rerank_k{factor}_recall = {r:.3f}")
    print(f"rerank_k{factor}_qps = {qps:.0f}")
print(f"rerank_bytes = {bytes_per_vector('IVF-PQ16 + R', refine, M_PQ + 8 + 4 * D):.1f}")
print(f"rerank_bytes_formula = {M_PQ + 8 + 4 * D}")

for n_bits in [64, 256, 1024]:
    lsh, lsh_build = build(lambda: faiss.IndexLSH(D, n_bits, True, True))
    r, qps = measure("LSH", f"bits={n_bits}", lsh)
    print(f"lsh_bits{n_bits}_recall = {r:.3f}")
    print(f"lsh_bits{n_bits}_qps = {qps:.0f}")
    print(f"lsh_bits{n_bits}_bytes = {bytes_per_vector(f'LSH{n_bits}', lsh, n_bits // 8):.1f}")
    print(f"lsh_bits{n_bits}_bytes_formula = {n_bits // 8}")
# Approximate nearest-neighbour search:5 ends here

# [[file:../../primer.org::*Approximate nearest-neighbour search][Approximate nearest-neighbour search:6]]
# For each family, the fastest setting that reaches recall@10 >= 0.95, as a
# multiple of exact search's throughput (0 when no setting reached it).
TARGET = 0.95
for family, key in [("IVF-Flat", "ivf"), ("HNSW", "hnsw"), ("IVF-PQ", "ivfpq"),
                    ("IVF-PQ + re-rank", "rerank"), ("PQ", "pq"), ("LSH", "lsh")]:
    ok = [qps for f, _, r, qps in rows if f == family and r >= TARGET]
    print(f"{key}_speedup_at_target = {max(ok) / flat_qps if ok else 0:.1f}")
print(f"exact_build_s = {exact_build:.2f}")

fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2),
                                  gridspec_kw={"width_ratios": [1.6, 1]})
styles = {"IVF-Flat": "o-", "HNSW": "s-", "IVF-PQ": "^-", "IVF-PQ + re-rank": "v-",
          "PQ": "D", "LSH": "x-", "exact": "*"}
for family, style in styles.items():
    pts = [(r, q) for f, _, r, q in rows if f == family]
    left.plot(*zip(*pts), style, label=family, markersize=8 if family == "exact" else 5)
left.set_yscale("log")
left.set_xlabel("recall@10 (against exact search)")
left.set_ylabel("queries per second, one thread (log)")
left.axvline(TARGET, color="grey", lw=0.8, ls=":")
left.legend(fontsize=8)
left.set_title("Speed against recall, 100,000 vectors, d = 64")
pos = np.arange(len(sizes))
right.barh(pos + 0.2, [m for m, _ in sizes.values()], height=0.4, color="#4a7a96",
           label="measured (serialised)")
right.barh(pos - 0.2, [f for _, f in sizes.values()], height=0.4, color="#c9a227",
           label="faiss formula")
right.set_yticks(pos, list(sizes))
right.set_xscale("log")
right.set_xlabel("bytes per vector (log)")
right.legend(fontsize=8, loc="upper right")
right.set_title("Memory per vector")
fig.tight_layout()
fig.savefig(IMG / "ann_faiss.png", dpi=120)
# Approximate nearest-neighbour search:6 ends here
