# [[file:../../primer.org::*Resampling and reweighted losses on a flexible model][Resampling and reweighted losses on a flexible model:1]]
"""Resampling against reweighting on one imbalanced task: random over- and
undersampling, SMOTE and Tomek links (imbalanced-learn), inverse-frequency class
weights, the class-balanced loss of Cui et al. and the focal loss of Lin et al.

Data: one pool from scikit-learn's make_classification (10 features, two clusters
per class, 4% positives).  A test set of 20,000 rows and a validation set of 5,000
(used only to stop training early) keep the natural balance; five disjoint
training sets of 3,000 rows come from the rest.  The same small network (one
hidden layer of 32 units, full-batch Adam) is trained on every draw with every
treatment, so each treatment is compared with the untreated model draw by draw.
Scores are threshold-free: PR-AUC (average precision) and the best recall any
threshold reaches at a precision of at least 0.8.
"""
import copy
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import torch
from imblearn.over_sampling import SMOTE, RandomOverSampler
from imblearn.under_sampling import RandomUnderSampler, TomekLinks
from scipy import stats
from sklearn.datasets import make_classification
from sklearn.metrics import average_precision_score, log_loss, precision_recall_curve
from threadpoolctl import threadpool_limits
from torch import nn

IMG = Path(__file__).resolve().parents[2] / "img" / "02-data"

IMG.mkdir(parents=True, exist_ok=True)
threadpool_limits(1)
torch.set_num_threads(1)  # a 32-unit network gains nothing from a second thread

DRAWS, N_TRAIN, N_VAL, N_TEST = 5, 3_000, 5_000, 20_000
STEPS, CHECK = 160, 16   # full-batch Adam steps; validation PR-AUC every CHECK steps
PRECISION_FLOOR = 0.8    # recall is read off where precision is at least this
BETA = 0.999             # class-balanced loss
GAMMA = 2.0              # focal loss

X_all, y_all = make_classification(
    n_samples=N_TEST + N_VAL + DRAWS * N_TRAIN, n_features=10, n_informative=5, n_redundant=2,
    n_clusters_per_class=2, weights=[0.96], class_sep=1.0, flip_y=0.0, random_state=0)
X_all = X_all.astype(np.float32)
X_test, y_test = X_all[:N_TEST], y_all[:N_TEST]
X_val, y_val = X_all[N_TEST:N_TEST + N_VAL], y_all[N_TEST:N_TEST + N_VAL]
print(f"positive_rate = {y_all.mean():.3f}")
print(f"test_positives = {y_test.sum()}")
# Resampling and reweighted losses on a flexible model:1 ends here

# [[file:../../primer.org::*Resampling and reweighted losses on a flexible model][Resampling and reweighted losses on a flexible model:2]]
def quick_average_precision(score, y=y_val):
    """Average precision (sklearn's definition, ties aside) without input checks:
    the mean over positives of the precision at their rank."""
    hits = y[np.argsort(-score, kind="stable")]
    ranks = np.flatnonzero(hits) + 1
    return float(np.mean(np.arange(1, len(ranks) + 1) / ranks))


def train(X, y, pos_weight=1.0, gamma=0.0, seed=0):
    """Fit the network with a weight on the positives' loss and an optional focal
    factor (1 - p_t)^gamma, stopping early at the checkpoint with the best validation
    PR-AUC; return that checkpoint's predicted probabilities on the test set."""
    torch.manual_seed(seed)
    net = nn.Sequential(nn.Linear(X.shape[1], 32), nn.ReLU(), nn.Linear(32, 1))
    opt = torch.optim.Adam(net.parameters(), lr=3e-2, foreach=True)
    x, target = torch.from_numpy(X), torch.from_numpy(y.astype(np.float32))
    weight = 1.0 + (pos_weight - 1.0) * target
    best, best_state = -1.0, None
    for step in range(1, STEPS + 1):
        logit = net(x).squeeze(1)
        ce = nn.functional.binary_cross_entropy_with_logits(logit, target, reduction="none")
        if gamma:
            ce = (1 - torch.exp(-ce)) ** gamma * ce      # exp(-ce) is p_t
        loss = (weight * ce).sum() / weight.sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % CHECK == 0:
            with torch.no_grad():
                score = quick_average_precision(net(torch.from_numpy(X_val)).squeeze(1).numpy())
            if score > best:
                best, best_state = score, copy.deepcopy(net.state_dict())
    net.load_state_dict(best_state)
    with torch.no_grad():
        return torch.sigmoid(net(torch.from_numpy(X_test)).squeeze(1)).numpy()


def recall_at_precision(y, p, floor=PRECISION_FLOOR):
    precision, recall, _ = precision_recall_curve(y, p)
    return recall[precision >= floor].max()


def effective_number(n, beta=BETA):
    return (1 - beta**n) / (1 - beta)


METHODS = ["none", "oversample", "smote", "undersample", "tomek",
           "class_weight", "class_balanced", "focal"]
pr_auc = {m: [] for m in METHODS}
recall = {m: [] for m in METHODS}
logloss = {m: [] for m in METHODS}
for draw in range(DRAWS):
    rows = N_TEST + N_VAL + draw * N_TRAIN + np.arange(N_TRAIN)
    X, y = X_all[rows], y_all[rows]
    n_pos, n_neg = int(y.sum()), int(len(y) - y.sum())
    cb_weight = effective_number(n_neg) / effective_number(n_pos)
    data = {"none": (X, y), "class_weight": (X, y), "class_balanced": (X, y), "focal": (X, y),
            "oversample": RandomOverSampler(random_state=draw).fit_resample(X, y),
            "smote": SMOTE(k_neighbors=5, random_state=draw).fit_resample(X, y),
            "undersample": RandomUnderSampler(random_state=draw).fit_resample(X, y),
            "tomek": TomekLinks().fit_resample(X, y)}
    options = {"class_weight": {"pos_weight": n_neg / n_pos},
               "class_balanced": {"pos_weight": cb_weight},
               "focal": {"gamma": GAMMA}}
    for m in METHODS:
        Xm, ym = data[m]
        p = train(Xm.astype(np.float32), ym, seed=draw, **options.get(m, {}))
        pr_auc[m].append(average_precision_score(y_test, p))
        recall[m].append(recall_at_precision(y_test, p))
        logloss[m].append(log_loss(y_test, p))
    if draw == 0:
        print(f"train_positives = {n_pos}")
        print(f"class_weight_ratio = {n_neg / n_pos:.1f}")
        print(f"class_balanced_ratio = {cb_weight:.1f}")
        print(f"tomek_removed = {len(y) - len(data['tomek'][1])}")
        print(f"smote_rows = {len(data['smote'][1])}")
        print(f"undersample_rows = {len(data['undersample'][1])}")
# Resampling and reweighted losses on a flexible model:2 ends here

# [[file:../../primer.org::*Resampling and reweighted losses on a flexible model][Resampling and reweighted losses on a flexible model:3]]
# Each treatment against the untreated model on the same draw: the mean paired
# difference and the half-width of its 95% t-interval over the draws.
t95 = stats.t.ppf(0.975, DRAWS - 1)
diff, half = {}, {}
for m in METHODS:
    d = np.array(pr_auc[m]) - np.array(pr_auc["none"])
    r = np.array(recall[m]) - np.array(recall["none"])
    diff[m], half[m] = d.mean(), t95 * d.std(ddof=1) / np.sqrt(DRAWS)
    print(f"{m}_pr_auc = {np.mean(pr_auc[m]):.3f}")
    print(f"{m}_recall = {np.mean(recall[m]):.3f}")
    print(f"{m}_log_loss = {np.mean(logloss[m]):.3f}")
    if m != "none":
        print(f"{m}_pr_auc_diff = {d.mean():+.3f}")
        print(f"{m}_pr_auc_diff_ci = {half[m]:.3f}")
        print(f"{m}_recall_diff = {r.mean():+.3f}")
        print(f"{m}_recall_diff_ci = {t95 * r.std(ddof=1) / np.sqrt(DRAWS):.3f}")
        ll = np.array(logloss[m]) - np.array(logloss["none"])
        print(f"{m}_log_loss_diff = {ll.mean():+.3f}")
        print(f"{m}_log_loss_diff_ci = {t95 * ll.std(ddof=1) / np.sqrt(DRAWS):.3f}")
print(f"none_pr_auc_sd = {np.std(pr_auc['none'], ddof=1):.3f}")
# Resampling and reweighted losses on a flexible model:3 ends here

# [[file:../../primer.org::*Resampling and reweighted losses on a flexible model][Resampling and reweighted losses on a flexible model:4]]
# Figure: what SMOTE and Tomek links do to a small two-dimensional sample, and the
# paired differences of the experiment above.
rng = np.random.default_rng(1)
neg2 = rng.normal(0, 1, size=(300, 2))
pos2 = rng.normal(1.6, 0.55, size=(14, 2))
X2 = np.vstack([neg2, pos2]).astype(np.float32)
y2 = np.r_[np.zeros(300, int), np.ones(14, int)]
Xs, ys = SMOTE(k_neighbors=5, random_state=0).fit_resample(X2, y2)
synthetic = Xs[len(X2):]
tomek = TomekLinks()
tomek.fit_resample(X2, y2)
dropped = np.setdiff1d(np.arange(len(X2)), tomek.sample_indices_)

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.2), width_ratios=[1, 1.2])
left.scatter(*neg2.T, s=8, color="#bbbbbb", label="negative")
left.scatter(*synthetic.T, s=8, color="#d99a5e", alpha=0.5, label="SMOTE synthetic positive")
left.scatter(*pos2.T, s=30, color="#b5523b", edgecolor="k", label="real positive")
left.scatter(*X2[dropped].T, s=60, facecolor="none", edgecolor="#4a7a96", lw=1.5,
             label="negative in a Tomek link (removed)")
left.set_title("Two resamplers on a 2-D sample", fontsize=10)
left.legend(fontsize=7, loc="lower right")
left.set_xticks([])
left.set_yticks([])
names = METHODS[1:]
pos = np.arange(len(names))
right.errorbar([diff[m] for m in names], pos, xerr=[half[m] for m in names], fmt="D",
               color="#222222", capsize=3)
for i, m in enumerate(names):
    right.scatter(np.array(pr_auc[m]) - np.array(pr_auc["none"]), [i] * DRAWS, s=10,
                  color="#999999", zorder=0)
right.axvline(0, color="#b5523b", lw=1)
right.set_yticks(pos, [m.replace("_", " ") for m in names])
right.invert_yaxis()
right.set_xlabel("test PR-AUC minus the untreated model's, same draw\n"
                 "(grey: each draw; diamond and bar: mean and 95% interval)")
right.set_title(f"Five training draws, {N_TEST:,} test rows", fontsize=10)
fig.tight_layout()
fig.savefig(IMG / "imbalance_resampling.png", dpi=120)
# Resampling and reweighted losses on a flexible model:4 ends here
