# [[file:../../primer.org::*Looking at many dimensions at once: PCA and t-SNE][Looking at many dimensions at once: PCA and t-SNE:1]]
"""PCA and t-SNE as two ways to look at high-dimensional data in 2-D, and how
to measure what each keeps: local neighbourhoods (trustworthiness) and global
distances.

Data: 800 of the 1,797 8x8 handwritten digits scikit-learn ships (64 pixel
features).  Run with --download to use 800 MNIST digits (784 pixels) instead.
"""
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from scipy.spatial.distance import pdist
from scipy.stats import spearmanr
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE, trustworthiness
from sklearn.neighbors import NearestNeighbors
from threadpoolctl import threadpool_limits

threadpool_limits(1)
IMG = Path(__file__).resolve().parents[2] / "img" / "04-modeling"
IMG.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)

if "--download" in sys.argv:
    from sklearn.datasets import fetch_openml
    X_all, y_all = fetch_openml("mnist_784", version=1, return_X_y=True, as_frame=False)
    X_all, y_all = X_all / 255.0, y_all.astype(int)
else:
    X_all, y_all = load_digits(return_X_y=True)
rows = rng.choice(len(y_all), size=800, replace=False)
X, y = X_all[rows], y_all[rows]
print(f"points = {X.shape[0]}")
print(f"dimensions = {X.shape[1]}")
# Looking at many dimensions at once: PCA and t-SNE:1 ends here

# [[file:../../primer.org::*Looking at many dimensions at once: PCA and t-SNE][Looking at many dimensions at once: PCA and t-SNE:2]]
pca = PCA(n_components=2, random_state=0)
start = time.perf_counter()
Z_pca = pca.fit_transform(X)
pca_s = time.perf_counter() - start
start = time.perf_counter()
Z_tsne = TSNE(n_components=2, perplexity=30, init="pca", max_iter=500,
              random_state=0).fit_transform(X)
tsne_s = time.perf_counter() - start
full = PCA(random_state=0).fit(X)
print(f"pca_explained_2 = {pca.explained_variance_ratio_.sum():.3f}")
print(f"pca_components_for_90 = {np.searchsorted(np.cumsum(full.explained_variance_ratio_), 0.9) + 1}")
print(f"pca_seconds = {pca_s:.3f}")
print(f"tsne_seconds = {tsne_s:.1f}")


def same_label_neighbours(Z, k=10):
    """Share of each point's k nearest neighbours that show the same digit."""
    idx = NearestNeighbors(n_neighbors=k + 1).fit(Z).kneighbors(Z, return_distance=False)
    return np.mean(y[idx[:, 1:]] == y[:, None])


d_high = pdist(X)
for name, Z in [("pca", Z_pca), ("tsne", Z_tsne)]:
    print(f"{name}_trustworthiness = {trustworthiness(X, Z, n_neighbors=10):.3f}")
    print(f"{name}_same_label_10nn = {same_label_neighbours(Z):.3f}")
    print(f"{name}_distance_spearman = {spearmanr(d_high, pdist(Z))[0]:.3f}")
print(f"original_same_label_10nn = {same_label_neighbours(X):.3f}")

fig, axes = plt.subplots(1, 2, figsize=(11, 5))
for ax, Z, title in [(axes[0], Z_pca, "PCA"), (axes[1], Z_tsne, "t-SNE (perplexity 30)")]:
    ax.scatter(Z[:, 0], Z[:, 1], c=y, cmap="tab10", s=6, alpha=0.8)
    for digit in range(10):
        cx, cy = np.median(Z[y == digit], axis=0)
        ax.text(cx, cy, str(digit), fontsize=13, weight="bold", ha="center", va="center",
                bbox=dict(boxstyle="circle,pad=0.2", fc="white", alpha=0.8, lw=0))
    ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])
fig.tight_layout()
fig.savefig(IMG / "eda_pca_tsne.png", dpi=120)
# Looking at many dimensions at once: PCA and t-SNE:2 ends here
