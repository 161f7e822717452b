# [[file:../../primer.org::*Addressing distribution shift][Addressing distribution shift:1]]
"""Addressing shift: importance weighting, black-box shift estimation, retraining windows,
and features that shift less.  Every shift is planted, so every fix is scored against truth.

 1. Covariate shift.  Source x ~ N(0, 1), target x ~ N(m, 1), y = x + 0.1 x^2 + N(0, 1);
    a straight line is fitted (misspecified on purpose) with no weights, with the true
    density ratio w(x) = exp(m x - m^2 / 2), and with flattened weights w^0.5.  Excess
    target error over the best line for the target, 300 draws of 200 source rows; Kish's
    effective sample size against its closed form n exp(-m^2).
 2. Label shift.  Three Gaussian classes in 2-D, source priors (1/3, 1/3, 1/3), target
    priors (0.7, 0.2, 0.1); black-box shift estimation (Lipton et al. 2018) recovers the
    target priors from unlabelled target rows; the classifier's probabilities are then
    reweighted.  40 draws.
 3. Retraining window.  The true decision boundary rotates by 2 degrees a day; a model
    retrained on the last W days of labels (300 a day) is scored on the next day.
 4. A feature whose relation to the label decays after launch against a stable one.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

IMG = Path(__file__).resolve().parents[2] / "img" / "09-after-launch"
IMG.mkdir(parents=True, exist_ok=True)
threadpool_limits(1)
rng = np.random.default_rng(0)


# 1. Importance weighting under covariate shift.
def wls(x, y, w):
    """Weighted least squares for y ~ a + b x, for many draws at once (rows = draws)."""
    sw, sx, sy = w.sum(1), (w * x).sum(1), (w * y).sum(1)
    sxx, sxy = (w * x * x).sum(1), (w * x * y).sum(1)
    b = (sw * sxy - sx * sy) / (sw * sxx - sx ** 2)
    return (sy - b * sx) / sw, b


DRAWS, N, C = 300, 200, 0.1
SHIFTS = [0.5, 1.0, 1.5, 2.0, 2.5, 3.0]
excess = {k: [] for k in ["none", "weighted", "flattened"]}
for m in SHIFTS:
    x = rng.normal(size=(DRAWS, N))
    y = x + C * x ** 2 + rng.normal(size=x.shape)
    w = np.exp(m * x - m ** 2 / 2)
    xt = rng.normal(m, 1, 2_000)                            # the target population
    # the best line for the target: slope Cov(x, y) / Var(x) under N(m, 1), through the mean
    b_star = 1 + 2 * C * m
    a_star = m + C * (m ** 2 + 1) - b_star * m
    for name, weight in [("none", np.ones_like(w)), ("weighted", w), ("flattened", np.sqrt(w))]:
        a, b = wls(x, y, weight)
        err = ((a[:, None] - a_star) + (b[:, None] - b_star) * xt[None, :]) ** 2
        excess[name].append(err.mean(axis=1))
    neff = w.sum(1) ** 2 / (w ** 2).sum(1)
    tag = f"m{round(m * 10):02d}"
    print(f"cov_{tag}_neff = {neff.mean():.0f}")
    print(f"cov_{tag}_neff_closed_form = {N * np.exp(-m ** 2):.1f}")
    print(f"cov_{tag}_neff_p10 = {np.quantile(neff, 0.1):.0f}")
    for name in excess:
        e = excess[name][-1]
        print(f"cov_{tag}_excess_{name} = {e.mean():.3f}")
        print(f"cov_{tag}_excess_{name}_se = {e.std(ddof=1) / np.sqrt(DRAWS):.3f}")
    d = excess["none"][-1] - excess["weighted"][-1]             # paired: the same draws
    print(f"cov_{tag}_gain_weighted = {d.mean():.3f}")
    print(f"cov_{tag}_gain_weighted_se = {d.std(ddof=1) / np.sqrt(DRAWS):.3f}")
    d = excess["none"][-1] - excess["flattened"][-1]
    print(f"cov_{tag}_gain_flattened = {d.mean():.3f}")
    print(f"cov_{tag}_gain_flattened_se = {d.std(ddof=1) / np.sqrt(DRAWS):.3f}")
    d = excess["weighted"][-1] - excess["flattened"][-1]
    print(f"cov_{tag}_flattened_over_weighted = {d.mean():.3f}")
    print(f"cov_{tag}_flattened_over_weighted_se = {d.std(ddof=1) / np.sqrt(DRAWS):.3f}")

# 2. Label shift: black-box shift estimation (BBSE).
MEANS = np.array([[0.0, 0.0], [2.0, 0.0], [1.0, 1.7]])
SOURCE, TARGET = np.full(3, 1 / 3), np.array([0.7, 0.2, 0.1])


def sample(n, priors):
    y = rng.choice(3, size=n, p=priors)
    return MEANS[y] + rng.normal(size=(n, 2)), y


rows = {k: [] for k in ["bbse_err", "naive_err", "acc_before", "acc_bbse", "acc_oracle"]}
for _ in range(40):
    x_tr, y_tr = sample(3_000, SOURCE)
    x_ho, y_ho = sample(3_000, SOURCE)                     # held-out source rows
    x_tg, y_tg = sample(2_000, TARGET)                     # target labels used only to score
    clf = LogisticRegression().fit(x_tr, y_tr)
    # C[i, j] = P_source(prediction i, true class j); target prediction shares mu = C w
    pred_ho = clf.predict(x_ho)
    C = np.array([[np.mean((pred_ho == i) & (y_ho == j)) for j in range(3)] for i in range(3)])
    mu = np.bincount(clf.predict(x_tg), minlength=3) / len(x_tg)
    w = np.clip(np.linalg.solve(C, mu), 0, None)
    q = w * SOURCE / (w * SOURCE).sum()
    rows["bbse_err"].append(np.abs(q - TARGET).max())
    rows["naive_err"].append(np.abs(mu - TARGET).max())    # "the share of each predicted class"
    p = clf.predict_proba(x_tg)
    rows["acc_before"].append(np.mean(p.argmax(1) == y_tg))
    rows["acc_bbse"].append(np.mean((p * w).argmax(1) == y_tg))
    rows["acc_oracle"].append(np.mean((p * TARGET / SOURCE).argmax(1) == y_tg))
    if len(rows["bbse_err"]) == 1:
        print("label_bbse_priors_first_draw = " + " ".join(f"{v:.3f}" for v in q))
for k, v in rows.items():
    v = np.array(v)
    print(f"label_{k} = {v.mean():.3f}")
    print(f"label_{k}_sd = {v.std(ddof=1):.3f}")
for k in ("acc_bbse", "acc_oracle"):
    d = np.array(rows[k]) - np.array(rows["acc_before"])
    print(f"label_gain_{k[4:]} = {d.mean():.3f}")
    print(f"label_gain_{k[4:]}_se = {d.std(ddof=1) / np.sqrt(len(d)):.4f}")
d = np.array(rows["acc_oracle"]) - np.array(rows["acc_bbse"])
print(f"label_oracle_over_bbse = {d.mean():.4f}")
print(f"label_oracle_over_bbse_se = {d.std(ddof=1) / np.sqrt(len(d)):.4f}")


# 3. How much history to retrain on, when the concept rotates.
def day_data(n, angle, d=5):
    x = rng.normal(size=(n, d))
    logit = 3 * (np.cos(angle) * x[:, 0] + np.sin(angle) * x[:, 1])
    return x, (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)


WINDOWS, PER_DAY, EVAL_DAYS = [1, 3, 7, 14, 30, 60], 300, range(60, 120, 6)
window_acc = {}
for label, speed in [("drift", np.deg2rad(2.0)), ("static", 0.0)]:
    days = [day_data(PER_DAY, speed * t) for t in range(121)]
    scores = np.zeros((len(WINDOWS), len(EVAL_DAYS)))
    for j, t in enumerate(EVAL_DAYS):
        x_te, y_te = day_data(4_000, speed * (t + 1))
        for i, wdays in enumerate(WINDOWS):
            xs = np.vstack([days[s][0] for s in range(t - wdays + 1, t + 1)])
            ys = np.concatenate([days[s][1] for s in range(t - wdays + 1, t + 1)])
            scores[i, j] = LogisticRegression().fit(xs, ys).score(x_te, y_te)
    window_acc[label] = scores
    for wdays, sc in zip(WINDOWS, scores):
        print(f"window_{label}_{wdays}d_acc = {sc.mean():.3f}")
        print(f"window_{label}_{wdays}d_acc_se = {sc.std(ddof=1) / np.sqrt(len(sc)):.4f}")
    best = int(np.argmax(scores.mean(1)))
    print(f"window_{label}_best_days = {WINDOWS[best]}")
    for i, wdays in enumerate(WINDOWS):                     # paired by evaluation day
        d = scores[best] - scores[i]
        print(f"window_{label}_{wdays}d_gap_to_best = {d.mean():.4f}")
        print(f"window_{label}_{wdays}d_gap_to_best_se = {d.std(ddof=1) / np.sqrt(len(d)):.4f}")

# 4. A strong feature whose relation to the label decays against a weaker stable one:
#    logit = 1.5 s + beta_t u, beta falls from 2 at launch to -1 after 12 months.
def month_data(n, month):
    x = rng.normal(size=(n, 2))                             # columns: stable s, unstable u
    beta = 2.0 - 0.25 * month
    return x, (rng.random(n) < 1 / (1 + np.exp(-(1.5 * x[:, 0] + beta * x[:, 1])))).astype(int)


x0, y0 = month_data(5_000, 0)
both = LogisticRegression().fit(x0, y0)
stable = LogisticRegression().fit(x0[:, :1], y0)
MONTHS = np.arange(13)
curve = {"both": [], "stable": []}
for mo in MONTHS:
    x, y = month_data(20_000, mo)
    curve["both"].append(both.score(x, y))
    curve["stable"].append(stable.score(x[:, :1], y))
for k in curve:
    for mo in (0, 6, 12):
        print(f"feature_{k}_month{mo}_acc = {curve[k][mo]:.3f}")
    print(f"feature_{k}_mean_acc = {np.mean(curve[k]):.3f}")
print(f"feature_acc_se = {np.sqrt(0.25 / 20_000):.4f}")
cross = MONTHS[np.argmax(np.array(curve["stable"]) > np.array(curve["both"]))]
print(f"feature_crossover_month = {cross}")

fig, axes = plt.subplots(1, 3, figsize=(12, 3.4))
for name, col in [("none", "#b5523b"), ("weighted", "#4a7a96"), ("flattened", "#5b8c5a")]:
    axes[0].plot(SHIFTS, [e.mean() for e in excess[name]], "o-", color=col, label=name)
axes[0].set_yscale("log")
axes[0].set_xlabel("shift of the mean, m (sd)")
axes[0].set_title("Excess target error of a fitted line", fontsize=10)
axes[0].legend(fontsize=8)
for label, col in [("drift", "#b5523b"), ("static", "#4a7a96")]:
    axes[1].plot(WINDOWS, window_acc[label].mean(1), "o-", color=col, label=label)
axes[1].set_xscale("log")
axes[1].set_xlabel("days of history used to retrain")
axes[1].set_title("Next-day accuracy", fontsize=10)
axes[1].legend(fontsize=8)
for k, col in [("both", "#b5523b"), ("stable", "#4a7a96")]:
    axes[2].plot(MONTHS, curve[k], "o-", color=col, label=k + (" features" if k == "both" else " feature only"))
axes[2].set_xlabel("months after training")
axes[2].set_title("Accuracy of a model never retrained", fontsize=10)
axes[2].legend(fontsize=8)
fig.tight_layout()
fig.savefig(IMG / "addressing_shift.png", dpi=120)
# Addressing distribution shift:1 ends here
