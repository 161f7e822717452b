# [[file:../../primer.org::*Types of distribution shift][Types of distribution shift:1]]
"""Five kinds of distribution shift, planted with a known truth, and which monitor sees each.

Source: x ~ N(0, I_5); P(y = 1 | x) = sigmoid(f(x)), f(x) = 2 x1 + x2 + 1.5 sin(2 x3) - 0.5.
A gradient-boosting model is trained on 10,000 source rows.  Each target scenario
changes one piece of the joint distribution P(x, y) = P(x) P(y | x):
  covariate : P(x) changes (x1 ~ N(1, 1), x3 ~ N(0, 2^2)); P(y | x) the same
  label     : P(y) falls from about 0.4 to 0.1; P(x | y) the same (resampling by class)
  concept   : P(y | x) changes (x2's effect flips sign); P(x) the same
  feature   : x2 arrives in other units (x 100) after an upstream change
  schema    : the label is redefined ("positive" now needs f(x) + noise > 2)
Four monitors compare 2,000 target rows with 2,000 reference rows, over 20 draws:
per-feature KS tests on the inputs (Bonferroni over 5 features), a KS test on the
model's scores, a chi-square test on the label rate, and a test on accuracy (both
need labels, which arrive late).  Level 0.01 throughout.
"""
import numpy as np
from scipy.stats import chi2_contingency, ks_2samp
from sklearn.ensemble import HistGradientBoostingClassifier
from threadpoolctl import threadpool_limits

threadpool_limits(1)
rng = np.random.default_rng(0)
D, ALPHA, N, DRAWS = 5, 0.01, 2_000, 20


def f(x, flip=False):
    return 2 * x[:, 0] + (-1 if flip else 1) * x[:, 1] + 1.5 * np.sin(2 * x[:, 2]) - 0.5


def draw(n, scenario="none"):
    """n rows of (x_seen_by_model, y, bayes_prediction) from the scenario's target."""
    if scenario == "label":                      # resample by class: P(x | y) unchanged
        x = rng.normal(size=(20 * n, D))
        y = rng.random(20 * n) < 1 / (1 + np.exp(-f(x)))
        pos, neg = np.flatnonzero(y), np.flatnonzero(~y)
        k = rng.binomial(n, 0.1)
        rows = np.concatenate([rng.choice(pos, k, replace=False), rng.choice(neg, n - k, replace=False)])
        x, y = x[rows], y[rows]
        logit = f(x) + np.log(0.1 / 0.9) - np.log(y_rate_source / (1 - y_rate_source))
        return x, y.astype(int), (logit > 0).astype(int)
    x = rng.normal(size=(n, D))
    if scenario == "covariate":
        x[:, 0] += 1.0
        x[:, 2] *= 2.0
    logit = f(x, flip=scenario == "concept")
    noise = rng.logistic(size=n)
    y = (logit + noise > (2.0 if scenario == "schema" else 0.0)).astype(int)
    bayes = (logit > (2.0 if scenario == "schema" else 0.0)).astype(int)
    seen = x.copy()
    if scenario == "feature":
        seen[:, 1] *= 100.0                     # metres became centimetres upstream
    return seen, y, bayes


y_rate_source = 0.0
x_tr, y_tr, _ = draw(10_000)
y_rate_source = y_tr.mean()
model = HistGradientBoostingClassifier(random_state=0).fit(x_tr, y_tr)
x_ref, y_ref, bayes_ref = draw(N)                 # the reference window: held-out source rows
s_ref = model.predict_proba(x_ref)[:, 1]
acc_ref = np.mean(model.predict(x_ref) == y_ref)
print(f"source_positive_rate = {y_rate_source:.3f}")
print(f"source_accuracy = {acc_ref:.3f}")
print(f"source_bayes_accuracy = {np.mean(bayes_ref == y_ref):.3f}")

SCENARIOS = ["none", "covariate", "label", "concept", "feature", "schema"]
print("scenario   accuracy  bayes   input  score  label-rate  accuracy-test  (share of 20 draws flagged)")
for sc in SCENARIOS:
    flags = np.zeros(4)
    accs, bayes_accs, rates = [], [], []
    for _ in range(DRAWS):
        x, y, bayes = draw(N, sc)
        s = model.predict_proba(x)[:, 1]
        pred = (s > 0.5).astype(int)
        p_input = min(1.0, D * min(ks_2samp(x_ref[:, j], x[:, j]).pvalue for j in range(D)))
        p_score = ks_2samp(s_ref, s).pvalue
        p_label = chi2_contingency([[y_ref.sum(), N - y_ref.sum()], [y.sum(), N - y.sum()]])[1]
        correct = np.mean(pred == y)
        p_acc = chi2_contingency([[acc_ref * N, (1 - acc_ref) * N], [correct * N, (1 - correct) * N]])[1]
        flags += np.array([p_input, p_score, p_label, p_acc]) < ALPHA
        accs.append(correct)
        bayes_accs.append(np.mean(bayes == y))
        rates.append(y.mean())
    flags /= DRAWS
    print(f"{sc:<10} {np.mean(accs):.3f}     {np.mean(bayes_accs):.3f}   {flags[0]:.2f}   {flags[1]:.2f}"
          f"   {flags[2]:.2f}        {flags[3]:.2f}")
    print(f"{sc}_accuracy = {np.mean(accs):.3f}")
    print(f"{sc}_accuracy_se = {np.std(accs, ddof=1) / np.sqrt(DRAWS):.4f}")
    print(f"{sc}_bayes_accuracy = {np.mean(bayes_accs):.3f}")
    print(f"{sc}_positive_rate = {np.mean(rates):.3f}")
    regret = np.array(bayes_accs) - np.array(accs)          # accuracy left on the table
    print(f"{sc}_regret = {regret.mean():.3f}")
    print(f"{sc}_regret_se = {regret.std(ddof=1) / np.sqrt(DRAWS):.4f}")
    for name, value in zip(["input", "score", "label", "acc"], flags):
        print(f"{sc}_flag_{name} = {value:.2f}")
# Types of distribution shift:1 ends here
