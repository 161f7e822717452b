# [[file:../../primer.org::*Learning to rank][Learning to rank:1]]
"""Pointwise, pairwise (RankNet) and listwise (ListNet) objectives for a linear
ranker, compared on test NDCG@10 over five seeds.

Data: queries of 20 items with 8 features and a planted graded relevance 0-4.
Within a query, an item's grade depends on w . z (its own features z).  Each query
also has a level: its items' features are shifted by c_q, and its grades by
v . c_q with v orthogonal to w, so some queries have many relevant items.  With
the query effect switched off, the three objectives face the same easy problem.
The losses and their gradients are written out in NumPy and minimised with L-BFGS.
"""
import numpy as np
from scipy.optimize import minimize
from scipy.special import log_softmax, softmax
from sklearn.metrics import ndcg_score

N_TRAIN, N_TEST, N_ITEMS, N_FEATURES = 200, 300, 20, 8
SEEDS = range(5)


def make_queries(n, query_effect, rng, w, v):
    """Features (n, items, features) and grades (n, items) of n queries."""
    z = rng.normal(size=(n, N_ITEMS, N_FEATURES))
    shift = query_effect * rng.normal(size=(n, 1, N_FEATURES))
    utility = z @ w + (shift @ v) + rng.normal(0, 0.5, size=(n, N_ITEMS))
    return z + shift, np.digitize(utility, [0.5, 1.5, 2.5, 3.5]).astype(float)


def pointwise(theta, X, g):
    """Squared error of score against grade; theta = weights and a bias."""
    err = X @ theta[:-1] + theta[-1] - g
    grad_w = 2 * np.einsum("qi,qif->f", err, X) / err.size
    return np.mean(err**2), np.append(grad_w, 2 * err.mean())


def pairwise(theta, X, g):
    """RankNet: log(1 + exp(-(s_i - s_j))) over the pairs with r_i > r_j."""
    s = X @ theta[:-1]
    better = g[:, :, None] > g[:, None, :]
    d = s[:, :, None] - s[:, None, :]
    loss = np.logaddexp(0, -d)[better].mean()
    weight = np.where(better, -1 / (1 + np.exp(d)), 0.0) / better.sum()   # dloss/dd
    grad_w = (np.einsum("qij,qif->f", weight, X) - np.einsum("qij,qjf->f", weight, X))
    return loss, np.append(grad_w, 0.0)


def listwise(theta, X, g):
    """ListNet: cross-entropy between softmax(grades) and softmax(scores) per query."""
    s = X @ theta[:-1]
    target = softmax(g, axis=1)
    loss = -(target * log_softmax(s, axis=1)).sum(axis=1).mean()
    grad_s = (softmax(s, axis=1) - target) / len(s)
    return loss, np.append(np.einsum("qi,qif->f", grad_s, X), 0.0)


def fit(loss, X, g):
    theta0 = np.zeros(N_FEATURES + 1)
    return minimize(loss, theta0, args=(X, g), jac=True, method="L-BFGS-B").x


def ndcg10(theta, X, g):
    return ndcg_score(2**g - 1, X @ theta[:-1], k=10)


losses = {"pointwise": pointwise, "pairwise": pairwise, "listwise": listwise}
rng = np.random.default_rng(0)
X_check, g_check = rng.normal(size=(3, N_ITEMS, N_FEATURES)), rng.integers(0, 5, (3, N_ITEMS)) * 1.0
theta = rng.normal(size=N_FEATURES + 1)
worst = 0.0
for fn in losses.values():        # the hand-written gradients against finite differences
    numeric = [(fn(theta + e, X_check, g_check)[0] - fn(theta - e, X_check, g_check)[0]) / 2e-6
               for e in 1e-6 * np.eye(N_FEATURES + 1)]
    worst = max(worst, np.abs(np.array(numeric) - fn(theta, X_check, g_check)[1]).max())
print(f"gradient_check_max_error = {worst:.1e}")

for setting, query_effect in [("flat", 0.0), ("query_effect", 1.5)]:
    scores = {name: [] for name in losses}
    truth, centred = [], []
    for seed in SEEDS:
        rng = np.random.default_rng(seed)
        w = rng.normal(size=N_FEATURES)
        w *= 1.5 / np.linalg.norm(w)
        v = rng.normal(size=N_FEATURES)
        v -= (v @ w) / (w @ w) * w                     # v orthogonal to w
        v *= 1.5 / np.linalg.norm(v)
        X_tr, g_tr = make_queries(N_TRAIN, query_effect, rng, w, v)
        X_te, g_te = make_queries(N_TEST, query_effect, rng, w, v)
        truth.append(ndcg_score(2**g_te - 1, X_te @ w, k=10))
        for name, fn in losses.items():
            scores[name].append(ndcg10(fit(fn, X_tr, g_tr), X_te, g_te))
        if query_effect:      # the pointwise fix: features centred within each query
            centre = lambda X: X - X.mean(axis=1, keepdims=True)
            centred.append(ndcg10(fit(pointwise, centre(X_tr), g_tr), centre(X_te), g_te))
    print(f"{setting}_truth_ndcg = {np.mean(truth):.3f}")
    for name in losses:
        print(f"{setting}_{name}_ndcg = {np.mean(scores[name]):.3f}")
        print(f"{setting}_{name}_sd = {np.std(scores[name], ddof=1):.3f}")
    if centred:
        print(f"{setting}_pointwise_centred_ndcg = {np.mean(centred):.3f}")
    for a, b in [("pairwise", "pointwise"), ("listwise", "pointwise"), ("listwise", "pairwise")]:
        d = np.array(scores[a]) - np.array(scores[b])      # paired by seed
        print(f"{setting}_{a}_minus_{b} = {d.mean():.3f}")
        print(f"{setting}_{a}_minus_{b}_se = {d.std(ddof=1) / np.sqrt(len(d)):.3f}")
# Learning to rank:1 ends here
