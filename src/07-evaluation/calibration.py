# [[file:../../primer.org::*Calibration][Calibration:1]]
"""Reliability diagrams, ECE and Brier score; Platt, temperature and isotonic
recalibration with CalibratedClassifierCV(FrozenEstimator(model)); isotonic
overfitting on small calibration sets; the cost of miscalibration in an ad slot.

Data: synthetic with a known probability.  Four informative features enter a
logistic model; the model sees them plus two noisy copies of each, so Gaussian
naive Bayes counts the same evidence three times and is overconfident.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from scipy.optimize import minimize_scalar
from sklearn.calibration import CalibratedClassifierCV
from sklearn.frozen import FrozenEstimator
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score
from sklearn.naive_bayes import GaussianNB

IMG = Path(__file__).resolve().parents[2] / "img" / "07-evaluation"
IMG.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)


def draw(n):
    z = rng.normal(size=(n, 4))
    p = 1 / (1 + np.exp(-(-1.5 + z @ np.array([1.0, -0.8, 0.6, 0.5]))))
    X = np.hstack([z] + [z + rng.normal(0, 0.3, z.shape) for _ in range(2)])
    return X, (rng.random(n) < p).astype(int), p


def ece(y, p, bins=15):
    idx = np.minimum((p * bins).astype(int), bins - 1)
    return sum(np.sum(idx == b) / len(y) * abs(y[idx == b].mean() - p[idx == b].mean())
               for b in range(bins) if np.any(idx == b))


def logit(p):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return np.log(p / (1 - p))


X_tr, y_tr, _ = draw(5_000)
X_cal, y_cal, _ = draw(2_000)
X_te, y_te, p_te = draw(20_000)
model = GaussianNB().fit(X_tr, y_tr)
raw = model.predict_proba(X_te)[:, 1]
probs = {"raw": raw, "truth": p_te}
for method in ["sigmoid", "temperature", "isotonic"]:
    cal = CalibratedClassifierCV(FrozenEstimator(model), method=method).fit(X_cal, y_cal)
    probs[method] = cal.predict_proba(X_te)[:, 1]
# Platt's sigmoid on the logit of the model's probability instead of the probability.
z_cal = logit(model.predict_proba(X_cal)[:, 1])
platt = LogisticRegression(C=1e4, solver="newton-cholesky").fit(z_cal.reshape(-1, 1), y_cal)
probs["platt_logit"] = platt.predict_proba(logit(raw).reshape(-1, 1))[:, 1]

# Temperature scaling by hand: one T minimising the calibration set's log loss.
T = minimize_scalar(lambda t: log_loss(y_cal, 1 / (1 + np.exp(-z_cal / t))),
                    bounds=(0.05, 20), method="bounded").x
by_hand = 1 / (1 + np.exp(-logit(raw) / T))
print(f"temperature = {T:.2f}")
print(f"temperature_vs_sklearn_max_diff = {np.abs(by_hand - probs['temperature']).max():.1e}")
print(f"brier_vs_sklearn_diff = {abs(np.mean((raw - y_te) ** 2) - brier_score_loss(y_te, raw)):.1e}")
print(f"positive_rate = {y_te.mean():.3f}")
for name, p in probs.items():
    print(f"{name}_ece = {ece(y_te, p):.4f}")
    print(f"{name}_brier = {brier_score_loss(y_te, p):.4f}")
    print(f"{name}_logloss = {log_loss(y_te, p):.4f}")
    print(f"{name}_auc = {roc_auc_score(y_te, p):.4f}")
print(f"raw_share_above_0_99 = {np.mean((raw > 0.99) | (raw < 0.01)):.3f}")
d = (probs["isotonic"] - y_te) ** 2 - (probs["platt_logit"] - y_te) ** 2     # paired over test rows
print(f"isotonic_minus_platt_logit_brier = {d.mean():.5f}")
print(f"isotonic_minus_platt_logit_brier_se = {d.std(ddof=1) / np.sqrt(len(d)):.5f}")
# Calibration:1 ends here

# [[file:../../primer.org::*Calibration][Calibration:2]]
# The same two maps fitted directly on the model's scores (fast enough to repeat):
# Platt as a logistic regression on the logit, isotonic as IsotonicRegression.
sizes, repeats = [50, 200, 1_000, 5_000], 25
z_te = logit(raw).reshape(-1, 1)
curve = {m: [] for m in ["sigmoid", "isotonic"]}
for n_cal in sizes:
    brier = {m: [] for m in curve}
    for _ in range(repeats):
        Xc, yc, _ = draw(n_cal)
        zc = logit(model.predict_proba(Xc)[:, 1])
        platt = LogisticRegression(C=1e4, solver="newton-cholesky").fit(zc.reshape(-1, 1), yc)
        iso = IsotonicRegression(y_min=0, y_max=1, out_of_bounds="clip").fit(zc, yc)
        brier["sigmoid"].append(np.mean((platt.predict_proba(z_te)[:, 1] - y_te) ** 2))
        brier["isotonic"].append(np.mean((iso.predict(z_te.ravel()) - y_te) ** 2))
    gap = np.array(brier["isotonic"]) - np.array(brier["sigmoid"])   # paired by sample
    print(f"isotonic_minus_platt_brier_n{n_cal} = {gap.mean():.5f}")
    print(f"isotonic_minus_platt_brier_n{n_cal}_se = {gap.std(ddof=1) / np.sqrt(repeats):.5f}")
    for m in curve:
        curve[m].append(np.mean(brier[m]))
# Calibration:2 ends here

# [[file:../../primer.org::*Calibration][Calibration:3]]
ORGANIC = 0.05
bids = rng.lognormal(-1.5, 0.8, len(y_te))
best = np.maximum(bids * p_te, ORGANIC)
lost = {}
for name, p in probs.items():
    show = bids * p > ORGANIC
    lost[name] = best - np.where(show, bids * p_te, ORGANIC)     # per decision, vs the truth
    print(f"{name}_ad_share = {show.mean():.3f}")
    print(f"{name}_value_lost_pct = {100 * lost[name].sum() / best.sum():.2f}")
for name in ["sigmoid", "temperature", "isotonic", "platt_logit"]:
    d = lost["raw"] - lost[name]                                   # paired over decisions
    print(f"raw_minus_{name}_lost_pct = {100 * d.sum() / best.sum():.2f}")
    print(f"raw_minus_{name}_lost_pct_se = {100 * d.std(ddof=1) * np.sqrt(len(d)) / best.sum():.2f}")

fig, (rel, small) = plt.subplots(1, 2, figsize=(10, 4))
edges = np.linspace(0, 1, 16)
styles = {"raw": ("#b5523b", "naive Bayes, raw"), "sigmoid": ("#4a7a96", "Platt"),
          "temperature": ("#d99a5e", "temperature"), "isotonic": ("#222222", "isotonic"),
          "platt_logit": ("#6a9a5b", "Platt on the logit")}
for name, (colour, label) in styles.items():
    p = probs[name]
    idx = np.minimum((p * 15).astype(int), 14)
    keep = [b for b in range(15) if np.sum(idx == b) >= 50]
    rel.plot([p[idx == b].mean() for b in keep], [y_te[idx == b].mean() for b in keep],
             "o-", ms=3, color=colour, label=f"{label} (ECE {ece(y_te, p):.3f})")
rel.plot([0, 1], [0, 1], ":", color="#999999")
rel.set_xlabel("mean predicted probability (bin)")
rel.set_ylabel("observed positive rate")
rel.set_title("Reliability diagram, 2,000 calibration rows")
rel.legend(fontsize=7)
for m, colour, label in [("sigmoid", "#6a9a5b", "Platt on the logit"),
                         ("isotonic", "#222222", "isotonic")]:
    small.plot(sizes, curve[m], "o-", color=colour, label=label)
small.axhline(brier_score_loss(y_te, p_te), color="#999999", ls="--", label="true probabilities")
small.set_xscale("log")
small.set_xlabel("calibration rows (log scale)")
small.set_ylabel("test Brier score (mean of 25 fits)")
small.set_title("Isotonic needs more calibration data")
small.legend(fontsize=7)
fig.tight_layout()
fig.savefig(IMG / "calibration.png", dpi=120)
# Calibration:3 ends here
