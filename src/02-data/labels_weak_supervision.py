# [[file:../../primer.org::*Weak supervision][Weak supervision:1]]
"""Weak supervision: label a corpus with noisy rules instead of by hand.

Data: 30,000 synthetic product reviews generated from a known model, so that the
true sentiment of every review is known.  Each review has a short title and a
body.  Labelling rules read the title (and one reads the posting hour); the
classifier we want reads the body only.  We combine the rules by majority vote
and by a label model that weights each rule by an accuracy it estimates without
any true label, train a classifier on the resulting labels, and compare it with
the rules themselves and with classifiers trained on true labels.
"""
import numpy as np
from scipy.sparse import hstack, vstack
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

rng = np.random.default_rng(0)

# The generator.  Words are drawn from three lists: words that lean positive,
# words that lean negative, and neutral topic words; within a list, popularity
# follows a Zipf-like law.  Titles use a short list of strong words.
TITLE_POS = "great love excellent perfect recommend".split()
TITLE_NEG = "terrible awful broke refund waste".split()
BODY_POS = ("happy works fast sturdy comfortable beautiful easy favourite solid "
            "reliable bright smooth quiet gift value").split() + [f"pw{i}" for i in range(300)]
BODY_NEG = ("disappointed returned poor cheap worst slow useless flimsy leaked "
            "cracked noisy late missing stopped faulty").split() + [f"nw{i}" for i in range(300)]
NEUTRAL = [f"w{i}" for i in range(2000)]


def zipf_p(size, a=1.0):
    p = 1 / np.arange(1, size + 1) ** a
    return p / p.sum()


def draw_text(y, length, pos, neg, p_match, p_other, a=1.0):
    """Token lists: each token is a sentiment word matching the label with
    probability p_match, one of the opposite sentiment with p_other, else neutral."""
    label = np.repeat(y, length)
    u = rng.random(label.size)
    p_pos = np.where(label == 1, p_match, p_other)
    p_neg = np.where(label == 1, p_other, p_match)
    vocab = np.array(pos + neg + NEUTRAL)
    word = np.where(u < p_pos, rng.choice(len(pos), size=u.size, p=zipf_p(len(pos), a)),
           np.where(u < p_pos + p_neg, len(pos) + rng.choice(len(neg), size=u.size, p=zipf_p(len(neg), a)),
                    len(pos) + len(neg) + rng.choice(len(NEUTRAL), size=u.size, p=zipf_p(len(NEUTRAL), 0.8))))
    return np.split(vocab[word], np.cumsum(length)[:-1])


n = 30_000
y = rng.integers(0, 2, size=n)
title_len = rng.integers(1, 5, size=n)
body_len = rng.integers(20, 60, size=n)
titles = draw_text(y, title_len, TITLE_POS, TITLE_NEG, 0.15, 0.03)
bodies = draw_text(y, body_len, BODY_POS, BODY_NEG, 0.10, 0.03)
bangs = rng.poisson(np.where(y == 1, 0.5, 0.2))       # "!" in the title leans positive
hour = rng.integers(0, 24, size=n)                     # posting hour: unrelated to y
title_text = [" ".join(t) + " !" * b for t, b in zip(titles, bangs)]
body_text = [" ".join(b) for b in bodies]
train, dev, test = slice(0, 20_000), slice(20_000, 20_300), slice(20_300, n)
print(f"reviews = {n}")
print(f"positive_share = {y.mean():.3f}")

# Labelling functions: 1 = positive, 0 = negative, -1 = abstain.  Each encodes a
# heuristic someone might write after reading a few dozen reviews.
ABSTAIN = -1
title_words = [set(t) for t in titles]


def title_has(words, label):
    return np.array([label if t & words else ABSTAIN for t in title_words])


lfs = {
    "praise": title_has({"great", "love", "excellent"}, 1),
    "complaint": title_has({"terrible", "awful", "broke"}, 0),
    "refund": title_has({"refund", "waste"}, 0),
    "recommend": title_has({"recommend", "perfect"}, 1),
    "exclamation": np.where(bangs >= 1, 1, ABSTAIN),
    "night_post": np.where(hour < 6, 0, ABSTAIN),         # "night reviews are rants"
}
L = np.column_stack(list(lfs.values()))


def coverage_accuracy(votes, rows):
    fired = votes[rows] != ABSTAIN
    return fired.mean(), (votes[rows][fired] == y[rows][fired]).mean()


for name, votes in lfs.items():
    cov, acc = coverage_accuracy(votes, test)
    print(f"lf_{name}_coverage = {cov:.3f}")
    print(f"lf_{name}_accuracy = {acc:.3f}")
# Weak supervision:1 ends here

# [[file:../../primer.org::*Weak supervision][Weak supervision:2]]
# Majority vote: every rule counts the same; ties and rows no rule covers abstain.
signed = np.where(L == ABSTAIN, 0, np.where(L == 1, 1, -1))
majority = np.where(signed.sum(axis=1) > 0, 1, np.where(signed.sum(axis=1) < 0, 0, ABSTAIN))


def label_model(L, n_iter=30):
    """A label model in the spirit of Snorkel's, fitted by EM without any true
    label.  y is a hidden class; each rule's output (abstain, 0 or 1) depends on
    y alone.  EM estimates the class balance and how each rule behaves in each
    class from the rules' agreements and disagreements, which amounts to a vote
    weighted by each rule's estimated accuracy.  Returns P(y = 1 | outputs)."""
    votes = np.where(L == ABSTAIN, 0, np.where(L == 1, 1, -1)).sum(axis=1)
    post = 0.5 + 0.4 * np.sign(votes)                   # start from the majority vote
    for _ in range(n_iter):
        prior = post.mean()
        log_odds = np.full(len(L), np.log(prior / (1 - prior)))
        for j in range(L.shape[1]):
            out = L[:, j] + 1                           # 0 abstain, 1 negative, 2 positive
            p1 = np.bincount(out, weights=post, minlength=3) + 1.0
            p0 = np.bincount(out, weights=1 - post, minlength=3) + 1.0
            log_odds += np.log(p1 / p1.sum())[out] - np.log(p0 / p0.sum())[out]
        post = 1 / (1 + np.exp(-log_odds))
    return post


prob_all = label_model(L)            # uses the rules' outputs on all reviews, no labels
prob = prob_all[train]
fired = (L[train] != ABSTAIN).any(axis=1)
y_tr = y[train]
for name in ["exclamation", "night_post"]:    # accuracy the label model believes they have
    f = lfs[name][train] != ABSTAIN
    believed = np.where(lfs[name][train][f] == 1, prob[f], 1 - prob[f]).mean()
    print(f"lf_{name}_estimated_accuracy = {believed:.3f}")
m = majority[train] != ABSTAIN
print(f"majority_coverage = {m.mean():.3f}")
print(f"majority_label_accuracy = {(majority[train][m] == y_tr[m]).mean():.3f}")
print(f"label_model_coverage = {fired.mean():.3f}")
print(f"label_model_label_accuracy = {((prob[fired] > 0.5) == y_tr[fired]).mean():.3f}")
# Weak supervision:2 ends here

# [[file:../../primer.org::*Weak supervision][Weak supervision:3]]
# End models: logistic regression on the words of the body, all with the same
# regularisation, fitted on
#  (a) the majority-vote labels of the training reviews the vote covers,
#  (b) the label model's probabilities for every review some rule fired on
#      (each review enters twice, once per class, weighted by its probability),
#  (c) the same number of training reviews with their true labels,
#  (d) the 300 hand-labelled reviews of the dev set alone.
vec = CountVectorizer(binary=True)                  # vocabulary from the training part
X = vstack([vec.fit_transform(body_text[:20_000]), vec.transform(body_text[20_000:])]).tocsr()
X_tr, X_te = X[train], X[test]
rows = np.flatnonzero(fired)
same_n = rng.choice(20_000, size=rows.size, replace=False)
print(f"weak_labels = {rows.size}")


def fit(X_fit, y_fit, weight=None):
    return LogisticRegression(C=0.1, max_iter=2000).fit(X_fit, y_fit, sample_weight=weight)


def report(name, model, X_test):
    score = model.decision_function(X_test)
    print(f"{name}_auc = {roc_auc_score(y[test], score):.3f}")
    print(f"{name}_accuracy = {np.mean((score > 0) == y[test]):.3f}")
    return score


soft_y = np.r_[np.ones(rows.size), np.zeros(rows.size)]
soft_w = np.r_[prob[rows], 1 - prob[rows]]
majority_score = report("majority_model", fit(X_tr[m], majority[train][m]), X_te)
body_score = report("weak_model", fit(vstack([X_tr[rows]] * 2), soft_y, soft_w), X_te)
report("gold_model", fit(X_tr[same_n], y_tr[same_n]), X_te)
hand_score = report("hand300_model", fit(X[dev], y[dev]), X_te)
print(f"rules_alone_auc = {roc_auc_score(y[test], prob_all[test]):.3f}")
# Paired bootstrap over the test reviews: the label model's lead over the
# majority-vote labels and over 300 hand labels.
boot, y_te = np.random.default_rng(1), y[test]
resamples = [boot.integers(0, y_te.size, y_te.size) for _ in range(50)]
for name, other in [("majority", majority_score), ("hand300", hand_score)]:
    lead = [roc_auc_score(y_te[r], body_score[r]) - roc_auc_score(y_te[r], other[r])
            for r in resamples]
    print(f"weak_minus_{name}_auc = {roc_auc_score(y_te, body_score) - roc_auc_score(y_te, other):+.3f}")
    print(f"weak_minus_{name}_auc_se = {np.std(lead):.3f}")

# The same weak labels, but the model also reads the titles, the very words the
# rules looked at.  It can reproduce the labels from the title alone, so it has
# less reason to learn from the body, which is all it has where no rule fires.
vec_t = CountVectorizer(token_pattern=r"[^ ]+", binary=True)
X_title = vstack([vec_t.fit_transform(title_text[:20_000]), vec_t.transform(title_text[20_000:])])
X_both = hstack([X, X_title]).tocsr()
both_score = report("weak_title_model", fit(vstack([X_both[train][rows]] * 2), soft_y, soft_w),
                    X_both[test])
quiet = (L[test] == ABSTAIN).all(axis=1)
print(f"test_share_no_rule_fires = {quiet.mean():.3f}")
print(f"weak_model_auc_no_rule = {roc_auc_score(y[test][quiet], body_score[quiet]):.3f}")
print(f"weak_title_model_auc_no_rule = {roc_auc_score(y[test][quiet], both_score[quiet]):.3f}")
# Weak supervision:3 ends here
