# [[file:../../primer.org::*Hand labels: agreement, disagreement and lineage][Hand labels: agreement, disagreement and lineage:1]]
"""Hand labels from several annotators: chance-corrected agreement (Cohen's and
Fleiss' kappa, computed from their definitions and checked against scikit-learn
and statsmodels), what a model learns from one annotator, a majority vote or the
vote shares, and how a record of who produced each label finds a bad source.

Data: synthetic items with five features and a true binary class from a known
logistic model (about 30% positive).  Simulated annotators see each item and err
more often near the class boundary, each with their own carefulness; one extra
"source" answers at random at the base rate, as a careless vendor or a broken
labelling script would.  Models are logistic regressions scored against the true
classes of 3,000 test items.  Everything is repeated over 20 seeds.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from scipy import stats
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import cohen_kappa_score, log_loss
from sklearn.model_selection import cross_val_predict
from statsmodels.stats.inter_rater import fleiss_kappa
from threadpoolctl import threadpool_limits

IMG = Path(__file__).resolve().parents[2] / "img" / "02-data"

IMG.mkdir(parents=True, exist_ok=True)
threadpool_limits(1)   # hundreds of small fits: a second BLAS thread only waits

N_TRAIN, N_TEST, SEEDS = 600, 3_000, 20
W = np.array([1.5, -1.0, 1.0, 0.5, 0.0])
BIAS = -1.2
SLOPPINESS = np.array([0.6, 0.8, 1.0, 1.3, 1.6])   # larger: errs further from the boundary


def items(rng, n, slope=3.0):
    """Features, the margin of the known logistic model, and classes drawn from it."""
    X = rng.normal(size=(n, len(W)))
    margin = X @ W + BIAS
    y = (rng.random(n) < 1 / (1 + np.exp(-slope * margin))).astype(int)
    return X, margin, y


def annotate(rng, margin, y, sloppiness):
    """One annotator's labels: wrong with probability 0.5 * exp(-|margin| / sloppiness)."""
    wrong = rng.random(len(y)) < 0.5 * np.exp(-np.abs(margin) / sloppiness)
    return np.where(wrong, 1 - y, y)


def cohen_kappa(a, b):
    """(observed agreement - chance agreement) / (1 - chance agreement)."""
    p_o = np.mean(a == b)
    p_e = sum(np.mean(a == c) * np.mean(b == c) for c in (0, 1))
    return (p_o - p_e) / (1 - p_e), p_o


def fleiss(counts):
    """Fleiss' kappa from an items x categories table of how many raters chose each."""
    n = counts.sum(1)[0]
    p_i = (np.sum(counts * (counts - 1), axis=1)) / (n * (n - 1))
    p_j = counts.sum(0) / counts.sum()
    return (p_i.mean() - np.sum(p_j**2)) / (1 - np.sum(p_j**2))


# Agreement on one batch of 2,000 items, each labelled by all five annotators and
# by the random source.
rng = np.random.default_rng(0)
X, margin, y = items(rng, 2_000)
votes = np.stack([annotate(rng, margin, y, s) for s in SLOPPINESS], axis=1)
noise = (rng.random(len(y)) < y.mean()).astype(int)
kappa01, agree01 = cohen_kappa(votes[:, 0], votes[:, 1])
print(f"positive_rate = {y.mean():.2f}")
print(f"annotator_error_rates = " + " ".join(f"{np.mean(v != y):.3f}" for v in votes.T))
print(f"agreement_01 = {agree01:.3f}")
print(f"kappa_01 = {kappa01:.3f}")
print(f"kappa_01_sklearn_gap = {abs(kappa01 - cohen_kappa_score(votes[:, 0], votes[:, 1])):.1e}")
kappa_noise, agree_noise = cohen_kappa(votes[:, 0], noise)
print(f"agreement_random_source = {agree_noise:.3f}")
print(f"kappa_random_source = {kappa_noise:.3f}")
# Large-sample standard error of kappa: sqrt(p_o (1 - p_o) / n) / (1 - p_e).
p_e_noise = sum(np.mean(votes[:, 0] == c) * np.mean(noise == c) for c in (0, 1))
print(f"kappa_random_source_se = {np.sqrt(agree_noise * (1 - agree_noise) / len(y)) / (1 - p_e_noise):.3f}")
counts = np.stack([(votes == 0).sum(1), (votes == 1).sum(1)], axis=1)
kappa_f = fleiss(counts)
print(f"fleiss_kappa = {kappa_f:.3f}")
print(f"fleiss_statsmodels_gap = {abs(kappa_f - fleiss_kappa(counts)):.1e}")
print(f"unanimous_share = {np.mean(counts.max(1) == votes.shape[1]):.3f}")
split = counts.min(1) >= 2                           # a 3-2 vote
print(f"split_share = {split.mean():.3f}")
print(f"split_mean_abs_margin = {np.abs(margin[split]).mean():.2f}")
print(f"unanimous_mean_abs_margin = {np.abs(margin[counts.max(1) == 5]).mean():.2f}")
# Hand labels: agreement, disagreement and lineage:1 ends here

# [[file:../../primer.org::*Hand labels: agreement, disagreement and lineage][Hand labels: agreement, disagreement and lineage:2]]
def fit(X, y, weight=None):
    return LogisticRegression(C=1.0, max_iter=1000).fit(X, y, sample_weight=weight)


def fit_soft(X, share):
    """Cross-entropy against vote shares: each item twice, once per class, weighted."""
    return fit(np.vstack([X, X]), np.r_[np.zeros(len(X)), np.ones(len(X))],
               np.r_[1 - share, share])


def ece(y, p, bins=10):
    """Expected calibration error: bin by predicted probability, average |rate - mean p|."""
    which = np.minimum((p * bins).astype(int), bins - 1)
    return sum(np.mean(which == b) * abs(y[which == b].mean() - p[which == b].mean())
               for b in range(bins) if np.any(which == b))


def scores(model, X, y):
    p = model.predict_proba(X)[:, 1]
    return np.mean((p > 0.5) == y), log_loss(y, p), ece(y, p)


# One annotator, a majority vote of five, the vote shares, and the true classes, in
# two worlds.  "noisy": each item has a definite class and annotators make mistakes
# near the boundary (as above).  "ambiguous": the class itself is uncertain
# (P(y=1|x) = sigmoid(margin)); each annotator's label, like the item's own
# outcome, is an independent draw from it, as with "is this post offensive?".
LABELLINGS = ["one_annotator", "majority", "soft", "truth"]
METRICS = ["acc", "log_loss", "ece"]
t95 = stats.t.ppf(0.975, SEEDS - 1)
curves = {}
for world in ["noisy", "ambiguous"]:
    res = {k: [] for k in LABELLINGS}
    for seed in range(SEEDS):
        rng = np.random.default_rng(100 + seed)
        slope = 3.0 if world == "noisy" else 1.0
        X, margin, y = items(rng, N_TRAIN, slope)
        Xt, _, yt = items(rng, N_TEST, slope)
        if world == "noisy":
            votes = np.stack([annotate(rng, margin, y, s) for s in SLOPPINESS], axis=1)
        else:
            p = 1 / (1 + np.exp(-margin))
            votes = (rng.random((N_TRAIN, len(SLOPPINESS))) < p[:, None]).astype(int)
        share = votes.mean(1)
        res["one_annotator"].append(scores(fit(X, votes[:, 2]), Xt, yt))
        res["majority"].append(scores(fit(X, (share > 0.5).astype(int)), Xt, yt))
        res["soft"].append(scores(fit_soft(X, share), Xt, yt))
        res["truth"].append(scores(fit(X, y), Xt, yt))
    res = {k: np.array(v) for k, v in res.items()}      # seeds x (accuracy, log loss, ECE)
    curves[world] = res
    for k in LABELLINGS:
        for j, metric in enumerate(METRICS):
            print(f"{world}_{k}_{metric} = {res[k][:, j].mean():.3f}")
    for a, b in [("majority", "one_annotator"), ("soft", "majority"), ("soft", "truth")]:
        for j, metric in enumerate(METRICS):
            d = res[a][:, j] - res[b][:, j]
            print(f"{world}_{a}_minus_{b}_{metric} = {d.mean():+.4f}")
            print(f"{world}_{a}_minus_{b}_{metric}_ci = {t95 * d.std(ddof=1) / np.sqrt(SEEDS):.4f}")
# Hand labels: agreement, disagreement and lineage:2 ends here

# [[file:../../primer.org::*Hand labels: agreement, disagreement and lineage][Hand labels: agreement, disagreement and lineage:3]]
# Lineage: each training item is labelled once, and the label's source is recorded.
# A quarter of the items went to a source that answers at random at the base rate.
# Out-of-fold predictions of a model trained on all labels give every source an
# agreement score without any gold labels; the least agreeing source is dropped.
SOURCES = [f"annotator_{i}" for i in range(len(SLOPPINESS))] + ["bad_source"]
SHARE = np.array([0.15] * len(SLOPPINESS) + [0.25])
found, lineage = 0, {"all": [], "dropped": []}
for seed in range(SEEDS):
    rng = np.random.default_rng(500 + seed)
    X, margin, y = items(rng, N_TRAIN)
    Xt, _, yt = items(rng, N_TEST)
    source = rng.choice(len(SOURCES), size=N_TRAIN, p=SHARE)
    label = np.empty(N_TRAIN, int)
    for k, s in enumerate(SLOPPINESS):
        mine = source == k
        label[mine] = annotate(rng, margin[mine], y[mine], s)
    bad = source == len(SOURCES) - 1
    label[bad] = (rng.random(bad.sum()) < 0.3).astype(int)
    oof = cross_val_predict(LogisticRegression(max_iter=1000), X, label, cv=5)
    agreement = np.array([np.mean(oof[source == k] == label[source == k])
                          for k in range(len(SOURCES))])
    worst = int(np.argmin(agreement))
    found += worst == len(SOURCES) - 1
    keep = source != worst
    lineage["all"].append(scores(fit(X, label), Xt, yt))
    lineage["dropped"].append(scores(fit(X[keep], label[keep]), Xt, yt))
    if seed == 0:
        first_agreement = agreement
        for name, a in zip(SOURCES, agreement):
            print(f"agreement_{name} = {a:.3f}")
print(f"bad_source_found = {found}")
lineage = {k: np.array(v) for k, v in lineage.items()}
for k in lineage:
    for j, metric in enumerate(METRICS):
        print(f"lineage_{k}_{metric} = {lineage[k][:, j].mean():.3f}")
for j, metric in enumerate(METRICS):
    d = lineage["dropped"][:, j] - lineage["all"][:, j]
    print(f"lineage_dropped_minus_all_{metric} = {d.mean():+.4f}")
    print(f"lineage_dropped_minus_all_{metric}_ci = {t95 * d.std(ddof=1) / np.sqrt(SEEDS):.4f}")
# Hand labels: agreement, disagreement and lineage:3 ends here

# [[file:../../primer.org::*Hand labels: agreement, disagreement and lineage][Hand labels: agreement, disagreement and lineage:4]]
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), width_ratios=[1.4, 1])
names = {"one_annotator": "one annotator", "majority": "majority of 5",
         "soft": "vote shares", "truth": "true classes"}
for w, (world, colour) in enumerate([("noisy", "#4a7a96"), ("ambiguous", "#b5523b")]):
    for i, k in enumerate(LABELLINGS):
        values = curves[world][k][:, 1]
        x = i + (w - 0.5) * 0.3
        left.scatter(np.full(SEEDS, x), values, s=6, color=colour, alpha=0.4)
        left.plot(x, values.mean(), "D", color=colour,
                  label=f"{world} annotators" if i == 0 else None)
left.set_xticks(range(len(LABELLINGS)), [names[k] for k in LABELLINGS])
left.set_ylabel("test log loss against the true class")
left.set_title("Training labels from five annotators (20 seeds)", fontsize=10)
left.legend(fontsize=8)
colours = ["#999999"] * (len(SOURCES) - 1) + ["#b5523b"]
right.barh(range(len(SOURCES)), first_agreement, color=colours)
right.set_yticks(range(len(SOURCES)), [s.replace("_", " ") for s in SOURCES])
right.invert_yaxis()
right.set_xlim(0.5, 1)
right.set_xlabel("agreement of the source's labels with\nout-of-fold model predictions")
right.set_title("Lineage: one label per item, by source", fontsize=10)
fig.tight_layout()
fig.savefig(IMG / "labels_annotators.png", dpi=120)
# Hand labels: agreement, disagreement and lineage:4 ends here
