# [[file:../../primer.org::*Log loss and the metric you report][Log loss and the metric you report:1]]
"""Log loss against the metrics people report: how it prices confident mistakes, why a
lower log loss can come with a lower AUC, and why accuracy cannot be trained on.

Data: synthetic binary labels with a KNOWN probability, logit = -2.5 + 1.2 x1 + 1.0 x2.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, log_loss, roc_auc_score
from threadpoolctl import threadpool_limits

threadpool_limits(1)
IMG = Path(__file__).resolve().parents[2] / "img" / "01-scope"
IMG.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)

# 1. The price of one prediction: -log p(true class), against the squared error.
for p in [0.99, 0.9, 0.5, 0.1, 0.01, 0.001]:
    key = str(p).replace(".", "_")
    print(f"logloss_p{key} = {-np.log(p):.3f}")
    print(f"squared_p{key} = {(1 - p) ** 2:.4f}")
print(f"one_mistake_at_0_001_equals_correct_at_0_99 = {np.log(0.001) / np.log(0.99):.0f}")
# Log loss and the metric you report:1 ends here

# [[file:../../primer.org::*Log loss and the metric you report][Log loss and the metric you report:2]]
# 2. Two trained models.  A sees only x1 and is fitted plainly.  B sees both features
# but is fitted with class_weight="balanced", a common reflex on imbalanced data that
# inflates every predicted probability.  C is B recalibrated on a separate split, and
# D is C made overconfident (its log-odds tripled): same ranking, same decisions at 0.5.
n = 20_000
X = rng.normal(size=(3 * n, 2))
p_true = 1 / (1 + np.exp(-(-2.5 + 1.2 * X[:, 0] + 1.0 * X[:, 1])))
y = (rng.random(3 * n) < p_true).astype(int)
train, calib, test = slice(0, n), slice(n, 2 * n), slice(2 * n, 3 * n)
print(f"positive_rate = {y[test].mean():.3f}")

model_a = LogisticRegression().fit(X[train, :1], y[train])
model_b = LogisticRegression(class_weight="balanced").fit(X[train], y[train])
platt = LogisticRegression().fit(model_b.decision_function(X[calib])[:, None], y[calib])
predictions = {
    "a": model_a.predict_proba(X[test, :1])[:, 1],
    "b": model_b.predict_proba(X[test])[:, 1],
    "c": platt.predict_proba(model_b.decision_function(X[test])[:, None])[:, 1],
}
logit_c = np.log(predictions["c"] / (1 - predictions["c"]))
predictions["d"] = 1 / (1 + np.exp(-3 * logit_c))
predictions["truth"] = p_true[test]
for key, q in predictions.items():
    print(f"{key}_logloss = {log_loss(y[test], q):.4f}")
    print(f"{key}_auc = {roc_auc_score(y[test], q):.4f}")
    print(f"{key}_accuracy = {accuracy_score(y[test], q > 0.5):.4f}")
    print(f"{key}_mean_prediction = {q.mean():.3f}")
for key in ["c", "d"]:
    q = predictions[key]
    per_row = -np.log(np.where(y[test] == 1, q, 1 - q))
    worst = np.sort(per_row)[::-1][: len(per_row) // 100]
    print(f"{key}_worst_1pct_share_of_logloss = {worst.sum() / per_row.sum():.3f}")
# Log loss and the metric you report:2 ends here

# [[file:../../primer.org::*Log loss and the metric you report][Log loss and the metric you report:3]]
# 3. Accuracy as a training objective: sweep one weight on a mini-batch of 64 rows.
batch = np.arange(2 * n, 2 * n + 64)
w2_grid = np.linspace(-1, 3, 401)
batch_loss, batch_acc = [], []
for w2 in w2_grid:
    q = 1 / (1 + np.exp(-(-2.5 + 1.2 * X[batch, 0] + w2 * X[batch, 1])))
    batch_loss.append(log_loss(y[batch], q, labels=[0, 1]))
    batch_acc.append(accuracy_score(y[batch], q > 0.5))
batch_loss, batch_acc = np.array(batch_loss), np.array(batch_acc)
print(f"sweep_steps = {len(w2_grid) - 1}")
print(f"accuracy_flat_steps_pct = {100 * np.mean(np.diff(batch_acc) == 0):.1f}")
print(f"accuracy_distinct_values = {len(np.unique(batch_acc))}")
print(f"logloss_flat_steps_pct = {100 * np.mean(np.diff(batch_loss) == 0):.1f}")

fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
p = np.linspace(0.001, 1, 500)
left.plot(p, -np.log(p), color="#b5523b", lw=2, label="log loss, -log p")
left.plot(p, (1 - p) ** 2, color="#4a7a96", lw=2, label="squared error, (1 - p)^2")
left.set_xlabel("probability the model gave to the class that happened")
left.set_ylabel("loss on that example")
left.set_ylim(0, 7)
left.set_title("Confident mistakes cost without bound under log loss")
left.legend(fontsize=8)
right.plot(w2_grid, batch_loss, color="#b5523b", lw=2, label="log loss")
right.set_xlabel("weight on x2 (true value 1.0)")
right.set_ylabel("log loss on the batch", color="#b5523b")
twin = right.twinx()
twin.step(w2_grid, batch_acc, where="mid", color="#4a7a96", lw=1.5, label="accuracy")
twin.set_ylabel("accuracy on the batch", color="#4a7a96")
right.set_title("One weight swept on a batch of 64 rows")
fig.tight_layout()
fig.savefig(IMG / "loss_vs_metric.png", dpi=120)
# Log loss and the metric you report:3 ends here
