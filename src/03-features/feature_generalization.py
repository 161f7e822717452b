# [[file:../../primer.org::*Feature generalization][Feature generalization:1]]
"""Coverage and train/test overlap of features, and a feature that does not
generalise: "days since launch" under a time split.

Data: a synthetic app log over 240 days.  Users sign up on a random day and are
active on random later days; whether an event converts depends on the user's
plan, on the user's tenure (days since that user signed up) and on a random
day-level shock (a holiday, an outage, a campaign) that no feature can know in
advance.  Training rows are days 0-179, test rows are days 180-239.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import log_loss, roc_auc_score
from sklearn.model_selection import KFold, cross_val_predict
from threadpoolctl import threadpool_limits

threadpool_limits(1)   # small fits: one thread avoids OpenMP overhead on a busy machine
IMG = Path(__file__).resolve().parents[2] / "img" / "03-features"
IMG.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)

n_users, n_days = 6_000, 240
signup = rng.integers(0, n_days, n_users)
plan = rng.choice(3, n_users, p=[0.7, 0.2, 0.1])            # free, plus, pro
referral = np.where(rng.random(n_users) < 0.04, rng.integers(0, 50, n_users), -1)
lifetime = rng.exponential(90, n_users)                      # days until the user churns
window = np.maximum(np.minimum(lifetime, n_days - signup), 1)
user = np.repeat(np.arange(n_users), rng.poisson(0.12 * window))   # about one visit a week
day = signup[user] + (rng.random(len(user)) * window[user]).astype(int)
log = pd.DataFrame({"user": user, "day": day})
log["plan"] = plan[log["user"]]
log["referral_code"] = referral[log["user"]]
log["days_since_launch"] = log["day"]
log["tenure_days"] = log["day"] - signup[log["user"]]
shock = rng.normal(0, 0.5, n_days)
logit = (-2.2 + np.array([0.0, 0.6, 1.0])[log["plan"]]
         + 1.5 * (1 - np.exp(-log["tenure_days"] / 20)) + shock[log["day"]])
log["converted"] = (rng.random(len(log)) < 1 / (1 + np.exp(-logit))).astype(int)
train, test = log[log["day"] < 180], log[log["day"] >= 180]
print(f"train_rows = {len(train)}")
print(f"test_rows = {len(test)}")


def coverage(col):
    """Share of training rows where the feature is present (-1 marks missing)."""
    return float((train[col] != -1).mean())


def overlap(col, numeric):
    """Among test rows where the feature is present, the share whose value the
    training rows have seen (categorical) or that lies in the training range (numeric)."""
    seen, new = train[col][train[col] != -1], test[col][test[col] != -1]
    if numeric:
        return float(new.between(seen.min(), seen.max()).mean())
    return float(new.isin(set(seen)).mean())


for col, numeric in [("plan", False), ("referral_code", False), ("user", False),
                     ("days_since_launch", True), ("tenure_days", True)]:
    print(f"coverage_{col} = {coverage(col):.3f}")
    print(f"overlap_{col} = {overlap(col, numeric):.3f}")
# Feature generalization:1 ends here

# [[file:../../primer.org::*Feature generalization][Feature generalization:2]]
feature_sets = {
    "plan_tenure": ["plan", "tenure_days"],
    "plan_tenure_launch": ["plan", "tenure_days", "days_since_launch"],
    "plan_launch": ["plan", "days_since_launch"],
}
folds = KFold(3, shuffle=True, random_state=0)
scores, test_pred = {}, {}
for key, cols in feature_sets.items():
    model = HistGradientBoostingClassifier(max_iter=60, max_leaf_nodes=15,
                                           early_stopping=False,
                                           categorical_features=[0], random_state=0)
    cv = cross_val_predict(model, train[cols], train["converted"], cv=folds,
                           method="predict_proba")[:, 1]
    early, late = train[train["day"] < 150], train[train["day"] >= 150]
    model.fit(early[cols], early["converted"])
    forward = roc_auc_score(late["converted"], model.predict_proba(late[cols])[:, 1])
    model.fit(train[cols], train["converted"])
    q = model.predict_proba(test[cols])[:, 1]
    scores[key] = (roc_auc_score(train["converted"], cv), forward,
                   roc_auc_score(test["converted"], q))
    print(f"{key}_random_cv_auc = {roc_auc_score(train['converted'], cv):.3f}")
    print(f"{key}_forward_validation_auc = {forward:.3f}")
    print(f"{key}_test_auc = {roc_auc_score(test['converted'], q):.3f}")
    print(f"{key}_test_logloss = {log_loss(test['converted'], q):.4f}")
    print(f"{key}_test_mean_pred = {q.mean():.3f}")
    test_pred[key] = q
print(f"test_conversion_rate = {test['converted'].mean():.3f}")
# Paired bootstrap over test rows: how much adding days since launch changed test AUC.
y_test, boot = test["converted"].to_numpy(), np.random.default_rng(1)
diffs = []
for _ in range(100):
    rows = boot.integers(0, len(y_test), len(y_test))
    diffs.append(roc_auc_score(y_test[rows], test_pred["plan_tenure_launch"][rows])
                 - roc_auc_score(y_test[rows], test_pred["plan_tenure"][rows]))
print(f"launch_minus_tenure_test_auc = {scores['plan_tenure_launch'][2] - scores['plan_tenure'][2]:+.3f}")
print(f"launch_minus_tenure_test_auc_se = {np.std(diffs):.3f}")
plan_rate = train.groupby("plan")["converted"].mean()     # a model that knows only the plan
print(f"plan_only_test_auc = {roc_auc_score(test['converted'], test['plan'].map(plan_rate)):.3f}")
p_true = 1 / (1 + np.exp(-logit[test.index]))
print(f"truth_test_auc = {roc_auc_score(test['converted'], p_true):.3f}")
print(f"truth_test_logloss = {log_loss(test['converted'], p_true):.4f}")

fig, axes = plt.subplots(1, 3, figsize=(11, 3.4), gridspec_kw={"width_ratios": [1, 1, 1.4]})
for ax, col in zip(axes[:2], ["days_since_launch", "tenure_days"]):
    edges = np.arange(0, n_days + 1, 6)
    ax.hist(train[col], bins=edges, color="#4a7a96", alpha=0.8, label="train (days 0-179)")
    ax.hist(test[col], bins=edges, color="#b5523b", alpha=0.6, label="test (days 180-239)")
    ax.set_xlabel(col.replace("_", " "))
    ax.set_title(f"test rows inside training range: {overlap(col, True):.0%}", fontsize=9)
axes[0].set_ylabel("events")
axes[0].legend(fontsize=7)
labels = {"plan_tenure": "plan + tenure", "plan_tenure_launch": "plan + tenure\n+ days since launch",
          "plan_launch": "plan + days\nsince launch"}
pos = np.arange(len(scores))
for i, (what, color) in enumerate([("random 3-fold CV", "#d99a5e"),
                                   ("forward (days 150-179)", "#999999"),
                                   ("test (days 180-239)", "#4a7a96")]):
    axes[2].barh(pos + 0.27 * (1 - i), [v[i] for v in scores.values()], height=0.26,
                 color=color, label=what)
axes[2].set_yticks(pos, [labels[k] for k in scores], fontsize=8)
axes[2].set_xlim(0.4, 1.0)
axes[2].set_xlabel("ROC AUC")
axes[2].legend(fontsize=7, loc="center right")
fig.tight_layout()
fig.savefig(IMG / "feature_generalization.png", dpi=120)
# Feature generalization:2 ends here
