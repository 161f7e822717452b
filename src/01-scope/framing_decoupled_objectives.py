# [[file:../../primer.org::*Decoupled objectives][Decoupled objectives:1]]
"""Two objectives for one feed: separate models blended at serving time, against one
model trained on a blended label.

Data: synthetic posts whose TRUE click probability (engagement) and TRUE quality are
known.  Sensational headlines raise clicks and lower quality, so the two conflict.
Training labels are what a real system would log: a click (0/1) per impression and
a noisy quality rating per post.
"""
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from threadpoolctl import threadpool_limits

threadpool_limits(1)
IMG = Path(__file__).resolve().parents[2] / "img" / "01-scope"
IMG.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)


def posts(n):
    """Features, true click probability and true quality of n posts."""
    topic_match = rng.normal(size=n)       # how well the topic fits the reader
    sensational = rng.normal(size=n)       # clickbait score of the headline
    source_rep = rng.normal(size=n)        # reputation of the publisher
    depth = rng.normal(size=n)             # length and substance of the text
    extra = rng.normal(size=(n, 4))        # features unrelated to either objective
    click_p = 1 / (1 + np.exp(-(-2.0 + 0.9 * topic_match + 0.9 * sensational
                                - 0.3 * depth + 0.3 * np.maximum(source_rep, 0))))
    quality = 0.8 * source_rep - 0.7 * sensational + 0.5 * depth + 0.2 * topic_match
    X = np.column_stack([topic_match, sensational, source_rep, depth, extra])
    return X, click_p, quality


X_train, click_p_train, quality_train = posts(12_000)
clicks = (rng.random(len(X_train)) < click_p_train).astype(float)      # logged impressions
ratings = quality_train + rng.normal(0, 1.0, size=len(X_train))         # noisy rater scores

# Put both labels on one scale (z-scores on the training labels), so that a weight a
# means the same thing for the blended label and for the blended scores.
c_mean, c_sd = clicks.mean(), clicks.std()
r_mean, r_sd = ratings.mean(), ratings.std()
z_click = lambda v: (v - c_mean) / c_sd
z_rating = lambda v: (v - r_mean) / r_sd

start = time.perf_counter()
engagement_model = HistGradientBoostingClassifier(random_state=0).fit(X_train, clicks)
quality_model = HistGradientBoostingRegressor(random_state=0).fit(X_train, ratings)
decoupled_fit_s = time.perf_counter() - start

# Serving: 1,000 feed requests, each ranking 50 fresh candidates and showing 5.
n_requests, n_candidates, shown = 1_000, 50, 5
X_serve, click_p_serve, quality_serve = posts(n_requests * n_candidates)
engagement_score = z_click(engagement_model.predict_proba(X_serve)[:, 1])
quality_score = z_rating(quality_model.predict(X_serve))


def feed_outcome(score):
    """Mean true click probability and mean true quality of the posts shown."""
    per_request = score.reshape(n_requests, n_candidates)
    top = np.argsort(-per_request, axis=1)[:, :shown]
    rows = np.arange(n_requests)[:, None]
    return (click_p_serve.reshape(n_requests, n_candidates)[rows, top].mean(),
            quality_serve.reshape(n_requests, n_candidates)[rows, top].mean())


weights = np.round(np.linspace(0, 1, 21), 2)
start = time.perf_counter()
decoupled = [feed_outcome(a * engagement_score + (1 - a) * quality_score) for a in weights]
rerank_s = time.perf_counter() - start
true_z_click = (click_p_serve - c_mean) / c_sd
true_z_quality = (quality_serve - r_mean) / r_sd
oracle = [feed_outcome(a * true_z_click + (1 - a) * true_z_quality) for a in weights]
# Decoupled objectives:1 ends here

# [[file:../../primer.org::*Decoupled objectives][Decoupled objectives:2]]
# The alternative: one model per weight, each trained on the blended label
# (five weights are enough to see where its points fall).
blended_weights = [0.0, 0.25, 0.5, 0.75, 1.0]
blended, blended_fit_s = [], 0.0
for a in blended_weights:
    start = time.perf_counter()
    model = HistGradientBoostingRegressor(random_state=0).fit(
        X_train, a * z_click(clicks) + (1 - a) * z_rating(ratings))
    blended_fit_s += time.perf_counter() - start
    blended.append(feed_outcome(model.predict(X_serve)))

print(f"candidates_click_rate = {click_p_serve.mean():.3f}")
print(f"candidates_quality = {quality_serve.mean():.3f}")
for a, key in [(0.0, "a0"), (0.5, "a05"), (1.0, "a1")]:
    i, j = list(weights).index(a), list(blended_weights).index(a)
    for name, result in [("decoupled", decoupled[i]), ("blended", blended[j]),
                         ("oracle", oracle[i])]:
        print(f"{name}_{key}_click_rate = {result[0]:.3f}")
        print(f"{name}_{key}_quality = {result[1]:.3f}")
paired = [(decoupled[list(weights).index(a)], b) for a, b in zip(blended_weights, blended)]
gap_click = max(abs(d[0] - b[0]) for d, b in paired)
gap_quality = max(abs(d[1] - b[1]) for d, b in paired)
print(f"max_gap_click_rate = {gap_click:.4f}")
print(f"max_gap_quality = {gap_quality:.3f}")
print(f"weights_swept = {len(weights)}")
print(f"blended_fit_s_per_weight = {blended_fit_s / len(blended_weights):.2f}")
print(f"decoupled_fit_s_per_model = {decoupled_fit_s / 2:.2f}")
print(f"rerank_all_weights_s = {rerank_s:.2f}")

fig, ax = plt.subplots(figsize=(8, 4.5))
ax.plot(*zip(*oracle), ":", color="#999999", label="ranking by the true values")
ax.plot(*zip(*decoupled), "o-", color="#4a7a96", label="two models, blended at serving")
ax.plot(*zip(*blended), "x", color="#b5523b", ms=9, mew=2,
        label="one model per weight, trained on the blended label")
for a, (x, y) in zip(weights, decoupled):
    if a in (0.0, 0.25, 0.5, 0.75, 1.0):
        ax.annotate(f"a = {a:g}", (x, y), textcoords="offset points", xytext=(6, 4), fontsize=8)
ax.plot(click_p_serve.mean(), quality_serve.mean(), "s", color="#222222",
        label="random feed")
ax.set_xlabel("true click probability of the posts shown")
ax.set_ylabel("true quality of the posts shown")
ax.set_title("Engagement against quality as the serving weight a moves")
ax.legend(fontsize=8, loc="lower left")
fig.tight_layout()
fig.savefig(IMG / "framing_decoupled_objectives.png", dpi=120)
# Decoupled objectives:2 ends here
