# [[file:../../primer.org::*Baselines][Baselines:1]]
"""Random, zero-rule, heuristic, existing-model and human baselines against a new
model, and a model with an impressive headline accuracy that loses to the zero rule.

Data: 30,000 synthetic customers with six features and a churn label drawn from a
known probability (about 8 % churn); half for training, half for testing.
Humans are simulated: each of three annotators reads the true log-odds with
their own noise and labels a case as churn when it looks more likely than not.
"""
import numpy as np
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, cohen_kappa_score, recall_score, roc_auc_score
from threadpoolctl import threadpool_limits

threadpool_limits(1)
rng = np.random.default_rng(0)
n = 30_000
X = rng.normal(size=(n, 6))
logit = (-3.9 + 1.0 * X[:, 0] + 0.8 * X[:, 1] - 0.7 * X[:, 2] + 0.8 * X[:, 3] * X[:, 4]
         + 0.6 * np.maximum(X[:, 5], 0) ** 2)
p = 1 / (1 + np.exp(-logit))
y = (rng.random(n) < p).astype(int)
tr, te = np.arange(n) < n // 2, np.arange(n) >= n // 2
print(f"churn_rate = {y[te].mean():.3f}")

predictions = {   # hard decisions and scores on the test rows
    "random": DummyClassifier(strategy="stratified", random_state=0).fit(X[tr], y[tr]),
    "zero_rule": DummyClassifier(strategy="most_frequent").fit(X[tr], y[tr]),
    "existing": LogisticRegression().fit(X[tr][:, :2], y[tr]),
    "new": HistGradientBoostingClassifier(random_state=0).fit(X[tr], y[tr]),
}
decisions, scores = {}, {}
for name, model in predictions.items():
    cols = slice(0, 2) if name == "existing" else slice(None)
    decisions[name] = model.predict(X[te][:, cols])
    scores[name] = model.predict_proba(X[te][:, cols])[:, 1]
# The heuristic: flag as many customers as churn, those highest on the most telling feature.
cut = np.quantile(X[tr][:, 0], 1 - y[tr].mean())
decisions["heuristic"], scores["heuristic"] = (X[te][:, 0] > cut).astype(int), X[te][:, 0]
decisions["truth"], scores["truth"] = (p[te] > 0.5).astype(int), p[te]

zero_right = decisions["zero_rule"] == y[te]
for name in ["random", "zero_rule", "heuristic", "existing", "new", "truth"]:
    right = decisions[name] == y[te]
    print(f"{name}_accuracy = {right.mean():.4f}")
    print(f"{name}_auc = {roc_auc_score(y[te], scores[name]):.3f}")
    print(f"{name}_recall = {recall_score(y[te], decisions[name]):.3f}")
    if name != "zero_rule":      # paired standard error of the accuracy gap to the zero rule
        d = right.astype(float) - zero_right
        print(f"{name}_minus_zero_rule = {d.mean():.4f}")
        print(f"{name}_minus_zero_rule_se = {d.std(ddof=1) / np.sqrt(len(d)):.4f}")
d = scores["new"], scores["existing"]
boot = [roc_auc_score(y[te][i], d[0][i]) - roc_auc_score(y[te][i], d[1][i])
        for i in (rng.integers(0, te.sum(), te.sum()) for _ in range(100))]
print(f"new_minus_existing_auc = {roc_auc_score(y[te], d[0]) - roc_auc_score(y[te], d[1]):.3f}")
print(f"new_minus_existing_auc_se = {np.std(boot, ddof=1):.3f}")
# Baselines:1 ends here

# [[file:../../primer.org::*Baselines][Baselines:2]]
# A headline number: boosting trained and tested on balanced samples.
def balanced(rows):
    pos, neg = np.flatnonzero(rows & (y == 1)), np.flatnonzero(rows & (y == 0))
    return np.concatenate([pos, rng.choice(neg, len(pos), replace=False)])


fit_rows, eval_rows = balanced(tr), balanced(te)
headline = HistGradientBoostingClassifier(random_state=0).fit(X[fit_rows], y[fit_rows])
print(f"headline_balanced_accuracy = {accuracy_score(y[eval_rows], headline.predict(X[eval_rows])):.3f}")
headline_right = headline.predict(X[te]) == y[te]
print(f"headline_model_accuracy = {headline_right.mean():.4f}")
print(f"headline_model_auc = {roc_auc_score(y[te], headline.predict_proba(X[te])[:, 1]):.3f}")
d = headline_right.astype(float) - zero_right
print(f"headline_minus_zero_rule = {d.mean():.4f}")
print(f"headline_minus_zero_rule_se = {d.std(ddof=1) / np.sqrt(len(d)):.4f}")

# Humans: three annotators read the log-odds with noise of their own.
rows = np.flatnonzero(te)[:2_000]
noise = [1.0, 1.5, 2.0]
labels = np.array([(logit[rows] + rng.normal(0, s, len(rows)) > 0).astype(int) for s in noise])
kappas = [cohen_kappa_score(labels[i], labels[j]) for i, j in [(0, 1), (0, 2), (1, 2)]]
print(f"annotator_kappa_mean = {np.mean(kappas):.3f}")
print(f"annotator_agreement = {np.mean([np.mean(labels[i] == labels[j]) for i, j in [(0, 1), (0, 2), (1, 2)]]):.3f}")
print(f"human_best_accuracy = {max(np.mean(l == y[rows]) for l in labels):.4f}")
print(f"human_best_recall = {max(recall_score(y[rows], l) for l in labels):.3f}")
majority = (labels.sum(axis=0) >= 2).astype(int)
print(f"human_majority_accuracy = {np.mean(majority == y[rows]):.4f}")
new_right = decisions["new"][:2_000] == y[rows]
print(f"new_accuracy_same_rows = {new_right.mean():.4f}")
d = (majority == y[rows]).astype(float) - new_right
print(f"human_majority_minus_new = {d.mean():.4f}")
print(f"human_majority_minus_new_se = {d.std(ddof=1) / np.sqrt(len(d)):.4f}")
# Baselines:2 ends here
