# [[file:../../primer.org::*Item identifiers for language-model recommenders][Item identifiers for language-model recommenders:1]]
"""Item identifiers in a language model's vocabulary: one token per item,
hashed token pairs, and semantic IDs from residual k-means on content
embeddings.  Measured: vocabulary size, items that share their whole code
(collisions), and whether items that share a first token are alike.

Data: 20,000 items with 32-dimensional content embeddings drawn around 200
category centres; the category is the ground truth of "alike".
"""
import faiss
import numpy as np

faiss.omp_set_num_threads(1)
rng = np.random.default_rng(0)

N_ITEMS, DIM, N_CATEGORIES = 20_000, 32, 200
category = rng.integers(N_CATEGORIES, size=N_ITEMS)
centres = rng.normal(size=(N_CATEGORIES, DIM)) * 2.0
content = (centres[category] + rng.normal(size=(N_ITEMS, DIM))).astype(np.float32)


def collisions(codes):
    """Share of items whose full code is also another item's code."""
    _, inverse, counts = np.unique(codes, axis=0, return_inverse=True, return_counts=True)
    return np.mean(counts[inverse.ravel()] > 1)


def first_token_purity(first):
    """Share of items whose first token's most common category is their own."""
    agree = 0
    for token in np.unique(first):
        members = category[first == token]
        agree += np.bincount(members).max()
    return agree / N_ITEMS


def residual_kmeans(x, levels, codebook):
    """Semantic ID: k-means code of the vector, then of the residual, and so on."""
    codes, residual = [], x.copy()
    for level in range(levels):
        km = faiss.Kmeans(DIM, codebook, niter=20, seed=level + 1)
        km.train(residual)
        _, assign = km.index.search(residual, 1)
        codes.append(assign[:, 0])
        residual = residual - km.centroids[assign[:, 0]]
    return np.stack(codes, axis=1)
# Item identifiers for language-model recommenders:1 ends here

# [[file:../../primer.org::*Item identifiers for language-model recommenders][Item identifiers for language-model recommenders:2]]
print(f"atomic_vocab = {N_ITEMS}")
print(f"atomic_collisions = {collisions(np.arange(N_ITEMS)[:, None]):.3f}")
for size in [16, 64, 256]:
    hashed = rng.integers(size, size=(N_ITEMS, 2))     # two independent hashes
    semantic = residual_kmeans(content, 2, size)
    for name, codes in [("hashed", hashed), ("semantic", semantic)]:
        col = collisions(codes)
        pur = first_token_purity(codes[:, 0])
        print(f"{name}{size}_vocab = {2 * size}")
        print(f"{name}{size}_collisions = {col:.3f}")
        print(f"{name}{size}_first_token_purity = {pur:.3f}")
# A third token that numbers the items sharing a code makes every code unique.
semantic = residual_kmeans(content, 2, 256)
_, inverse = np.unique(semantic, axis=0, return_inverse=True)
rank = np.zeros(N_ITEMS, int)
for group in np.unique(inverse):
    members = np.flatnonzero(inverse.ravel() == group)
    rank[members] = np.arange(len(members))
with_suffix = np.column_stack([semantic, rank])
print(f"semantic256_suffix_tokens = {rank.max() + 1}")
print(f"semantic256_suffix_collisions = {collisions(with_suffix):.3f}")
print(f"chance_purity = {np.bincount(category).max() / N_ITEMS:.3f}")
# Item identifiers for language-model recommenders:2 ends here
