# [[file:../../primer.org::*Continual learning][Continual learning:1]]
"""Continual learning on a drifting stream: stateless against stateful retraining, how often
to retrain, and a champion/challenger promotion gate.

The truth: 10 features, P(y = 1 | x) = sigmoid(w_t . x), where w_t turns by 1.5 degrees a
day in the plane of the first two features.  400 labelled rows arrive each day; every model
is scored on the next day's traffic (2,000 rows).  Three seeds.
 1. Stateless: logistic regression refitted from scratch each day on the last 10 days.
    Stateful: one SGD logistic model updated with partial_fit on each new day only.
    Accuracy, CPU seconds and rows processed.
 2. Retraining interval: the stateless model retrained every 1, 3, 7, 14 or 30 days.
 3. Champion/challenger: weekly retraining; on three planted weeks a bug in the training
    extract swaps two feature columns.  Always promoting the challenger is compared with a gate
    that promotes it only if it is not worse than the champion on fresh labelled rows.
"""
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import LogisticRegression, SGDClassifier
from threadpoolctl import threadpool_limits

IMG = Path(__file__).resolve().parents[2] / "img" / "09-after-launch"
IMG.mkdir(parents=True, exist_ok=True)
threadpool_limits(1)
D, PER_DAY, DAYS, WINDOW, START = 10, 400, 100, 10, 20
SPEED = np.deg2rad(1.5)
FIXED = np.r_[0.0, 0.0, np.linspace(0.8, -0.8, D - 2)]


def draw(rng, n, day):
    x = rng.normal(size=(n, D))
    w = FIXED + 2.5 * np.r_[np.cos(SPEED * day), np.sin(SPEED * day), np.zeros(D - 2)]
    return x, (rng.random(n) < 1 / (1 + np.exp(-x @ w))).astype(int)


def run_seed(seed):
    rng = np.random.default_rng(seed)
    stream = [draw(rng, PER_DAY, t) for t in range(DAYS + 1)]
    tests = [draw(rng, 2_000, t) for t in range(DAYS + 1)]
    out = {}
    # 1. stateless vs stateful, scored every day from START on
    acc = {"stateless": [], "stateful": []}
    cpu = {"stateless": 0.0, "stateful": 0.0}
    rows = {"stateless": 0, "stateful": 0}
    sgd = SGDClassifier(loss="log_loss", learning_rate="constant", eta0=0.005, alpha=1e-4, random_state=seed)
    for t in range(DAYS):
        c0 = time.process_time()
        sgd.partial_fit(*stream[t], classes=[0, 1])
        cpu["stateful"] += time.process_time() - c0
        rows["stateful"] += PER_DAY
        if t < START:
            continue
        c0 = time.process_time()
        xs = np.vstack([stream[s][0] for s in range(t - WINDOW + 1, t + 1)])
        ys = np.concatenate([stream[s][1] for s in range(t - WINDOW + 1, t + 1)])
        full = LogisticRegression().fit(xs, ys)
        cpu["stateless"] += time.process_time() - c0
        rows["stateless"] += len(ys)
        acc["stateless"].append(full.score(*tests[t + 1]))
        acc["stateful"].append(sgd.score(*tests[t + 1]))
    out["acc"] = {k: np.array(v) for k, v in acc.items()}
    out["cpu"], out["rows"] = cpu, rows
    # models refitted each day are cached so the interval sweep can reuse them
    models = {}

    def fit_at(t, corrupt=False):
        xs = np.vstack([stream[s][0] for s in range(t - WINDOW + 1, t + 1)])
        ys = np.concatenate([stream[s][1] for s in range(t - WINDOW + 1, t + 1)])
        if corrupt:                                        # the extract swapped two feature columns
            xs = xs[:, [1, 0] + list(range(2, D))]
        return LogisticRegression().fit(xs, ys)

    # 2. retraining interval (the model is retrained on days START, START + k, ...)
    out["interval"] = {}
    for k in (1, 3, 7, 14, 30):
        scores = []
        for t in range(START, DAYS):
            last = START + (t - START) // k * k
            if last not in models:
                models[last] = fit_at(last)
            scores.append(models[last].score(*tests[t + 1]))
        out["interval"][k] = np.array(scores)
    # 3. champion/challenger, weekly, with planted bad training weeks
    bad_weeks = set(rng.choice(np.arange(START + 7, DAYS - 7, 7), 3, replace=False).tolist())
    gate_rng = np.random.default_rng(seed + 100)
    results = {}
    for policy in ("always", "gated"):
        champion = models[START]
        scores, bad_deployed, rejected_good = [], 0, 0
        for t in range(START, DAYS):
            if t > START and (t - START) % 7 == 0:
                bad = t in bad_weeks
                challenger = fit_at(t, corrupt=bad) if bad else models.get(t) or fit_at(t)
                promote = True
                if policy == "gated":                      # fresh labelled rows, not used in training
                    xg, yg = draw(gate_rng, 2_000, t)
                    diff = (challenger.predict(xg) == yg).astype(float) - (champion.predict(xg) == yg)
                    se = diff.std(ddof=1) / np.sqrt(len(diff))
                    promote = diff.mean() > -2 * se        # not worse beyond noise
                    rejected_good += (not promote) and not bad
                if promote:
                    champion = challenger
                    bad_deployed += bad
            scores.append(champion.score(*tests[t + 1]))
        results[policy] = (np.array(scores), bad_deployed, rejected_good)
    out["gate"] = results
    return out


runs = [run_seed(s) for s in range(3)]
for k in ("stateless", "stateful"):
    print(f"{k}_acc = {np.mean([r['acc'][k].mean() for r in runs]):.3f}")
    print(f"{k}_cpu_s = {np.mean([r['cpu'][k] for r in runs]):.2f}")
    print(f"{k}_rows_per_day = {np.mean([r['rows'][k] for r in runs]) / (DAYS - (START if k == 'stateless' else 0)):.0f}")
d = np.concatenate([r["acc"]["stateless"] - r["acc"]["stateful"] for r in runs])
print(f"stateless_minus_stateful = {d.mean():.4f}")
print(f"stateless_minus_stateful_se = {d.std(ddof=1) / np.sqrt(len(d)):.4f}")
print(f"cpu_ratio_stateless_to_stateful = {np.mean([r['cpu']['stateless'] / r['cpu']['stateful'] for r in runs]):.1f}")
for k in (1, 3, 7, 14, 30):
    v = np.concatenate([r["interval"][k] for r in runs])
    gap = np.concatenate([r["interval"][1] - r["interval"][k] for r in runs])
    print(f"interval_{k}d_acc = {v.mean():.3f}")
    print(f"interval_{k}d_loss_vs_daily = {gap.mean():.4f}")
    print(f"interval_{k}d_loss_vs_daily_se = {gap.std(ddof=1) / np.sqrt(len(gap)):.4f}")
for policy in ("always", "gated"):
    print(f"gate_{policy}_acc = {np.mean([r['gate'][policy][0].mean() for r in runs]):.3f}")
    print(f"gate_{policy}_bad_deployed = {sum(r['gate'][policy][1] for r in runs)}")
    print(f"gate_{policy}_good_rejected = {sum(r['gate'][policy][2] for r in runs)}")
print("gate_bad_weeks_total = 9")
g = np.concatenate([r["gate"]["gated"][0] - r["gate"]["always"][0] for r in runs])
print(f"gate_gain = {g.mean():.4f}")
print(f"gate_gain_se = {g.std(ddof=1) / np.sqrt(len(g)):.4f}")
print(f"gate_worst_day_always = {min(r['gate']['always'][0].min() for r in runs):.3f}")
print(f"gate_worst_day_gated = {min(r['gate']['gated'][0].min() for r in runs):.3f}")

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.4))
days = np.arange(START, DAYS) + 1
for k, col in [(1, "#4a7a96"), (7, "#d99a5e"), (30, "#b5523b")]:
    left.plot(days, runs[0]["interval"][k], color=col, lw=1, label=f"retrain every {k} d")
left.plot(days, runs[0]["acc"]["stateful"], color="#5b8c5a", lw=1, label="stateful, daily")
left.set_xlabel("day")
left.set_ylabel("next-day accuracy")
left.legend(fontsize=7)
for policy, col in [("always", "#b5523b"), ("gated", "#4a7a96")]:
    right.plot(days, runs[0]["gate"][policy][0], color=col, lw=1, label=f"{policy} promote")
right.set_xlabel("day")
right.set_ylabel("next-day accuracy")
right.set_title("Weekly challengers, three trained on a broken extract", fontsize=10)
right.legend(fontsize=8)
fig.tight_layout()
fig.savefig(IMG / "continual.png", dpi=120)
# Continual learning:1 ends here
