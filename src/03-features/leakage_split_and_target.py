# [[file:../../primer.org::*Temporal leakage][Temporal leakage:1]]
"""Two leaks that an ordinary random cross-validation rewards: rows from the future
in the training folds, and features recorded after the outcome.

Part 1 (temporal): a synthetic daily demand series whose generating process is
known; validation by random split and by time split, against the error on the
300 days that follow.  Part 2 (target): the Titanic passenger list that
scikit-learn ships, whose boat and body columns were written down after the
sinking.  Run with --download to fetch the same table from OpenML instead.
"""
import gzip
import io
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.inspection import permutation_importance
from sklearn.metrics import mean_absolute_error, roc_auc_score
from sklearn.model_selection import StratifiedKFold, TimeSeriesSplit, train_test_split
from threadpoolctl import threadpool_limits

threadpool_limits(1)  # small data: one thread is as fast and is not slowed by a busy machine
IMG = Path(__file__).resolve().parents[2] / "img" / "03-features"
IMG.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)

# Part 1.  Demand = slowly drifting level (never observed) + weekday pattern
# + promotions + temperature + daily noise with standard deviation 5.
n_days = 1507                            # 7 days of history, then 1,200 + 300
day = np.arange(n_days)
level = np.zeros(n_days)
for t in range(1, n_days):
    level[t] = 0.98 * level[t - 1] + rng.normal(0, 3.0)
weekday = day % 7
promo = (rng.random(n_days) < 0.15).astype(int)
temperature = 15 + 10 * np.sin(2 * np.pi * day / 365.25) + rng.normal(0, 3, n_days)
observed_part = (100 + np.array([0, -3, -2, 0, 4, 12, 9])[weekday] + 15 * promo
                 + 0.4 * (temperature - 15))
demand = observed_part + level + rng.normal(0, 5, n_days)
print(f"noise_floor_mae = {5 * np.sqrt(2 / np.pi):.2f}")     # if the level were known

# The best honest forecaster knows the process exactly but must track the hidden
# level from past demand: a Kalman filter.  In the steady state the variance P of
# its prediction of the level solves P = phi^2 P r / (P + r) + q, a quadratic in P,
# and its one-step error is normal with variance P + r.
phi, q, r = 0.98, 3.0**2, 5.0**2
b = r * (1 - phi**2) - q
p_level = (-b + np.sqrt(b**2 + 4 * q * r)) / 2
honest_floor = np.sqrt(2 / np.pi) * np.sqrt(p_level + r)
print(f"honest_floor_mae = {honest_floor:.2f}")
# The same filter run on this series, to score it on the days each validation scores.
oracle_error = np.empty(n_days)
level_hat, p_filtered = 0.0, q / (1 - phi**2)
for t in range(n_days):
    predicted, p_predicted = phi * level_hat, phi**2 * p_filtered + q
    oracle_error[t] = demand[t] - observed_part[t] - predicted
    gain = p_predicted / (p_predicted + r)
    level_hat, p_filtered = predicted + gain * oracle_error[t], (1 - gain) * p_predicted


def centred_mean(series):
    """3-day moving average centred on the day: it reads today's and tomorrow's demand."""
    return series.rolling(3, center=True, min_periods=1).mean()


def trailing_mean(series):
    """7-day moving average of the days before the day."""
    return series.shift(1).rolling(7, min_periods=1).mean()


def as_of(feature, t):
    """The feature for day t, recomputed from the rows that existed before day t."""
    known = pd.Series(np.append(demand[:t], np.nan))
    return feature(known).iloc[t]


history = pd.Series(demand)
frame = pd.DataFrame({"day": day, "weekday": weekday, "promo": promo,
                      "temperature": temperature, "yesterday": history.shift(1),
                      "centred3": centred_mean(history), "trailing7": trailing_mean(history)})
rows = np.arange(7, n_days)              # skip the first week (no history yet)
past, future = rows[:-300], rows[-300:]

# Detection by timestamps: recompute each feature as of the prediction time.
audit = rng.choice(past, size=200, replace=False)
for name, feature in [("centred", centred_mean), ("trailing", trailing_mean)]:
    stored = feature(history).to_numpy()[audit]
    recomputed = np.array([as_of(feature, t) for t in audit])
    print(f"asof_mismatch_{name} = {np.mean(~np.isclose(stored, recomputed)):.2f}")


def regressor():
    return HistGradientBoostingRegressor(max_iter=60, learning_rate=0.15, max_leaf_nodes=15,
                                         random_state=0)


def temporal_scores(columns, served=None):
    X, y = frame[columns].to_numpy(), demand
    a, b = train_test_split(past, test_size=0.25, random_state=0)         # shuffled
    scores = {"random": mean_absolute_error(y[b], regressor().fit(X[a], y[a]).predict(X[b]))}
    errors = []                           # rolling origin: train on all days before each block
    for early, late in TimeSeriesSplit(n_splits=3, test_size=100).split(past):
        model = regressor().fit(X[past[early]], y[past[early]])
        errors.append(mean_absolute_error(y[past[late]], model.predict(X[past[late]])))
    scores["time"] = np.mean(errors)
    oracle["random"], oracle["time"] = np.abs(oracle_error[b]).mean(), np.mean(
        [np.abs(oracle_error[past[late]]).mean()
         for _, late in TimeSeriesSplit(n_splits=3, test_size=100).split(past)])
    final = regressor().fit(X[past], y[past])
    X_future = X[future].copy()
    if served is not None:                # the value the feature has at prediction time
        X_future[:, columns.index(served[0])] = [as_of(served[1], t) for t in future]
    scores["future"] = mean_absolute_error(y[future], final.predict(X_future))
    return scores


oracle = {"future": np.abs(oracle_error[future]).mean()}   # the Kalman filter's own MAE
temporal = {
    "calendar": temporal_scores(["day", "weekday", "promo", "temperature"]),
    "centred": temporal_scores(["weekday", "promo", "temperature", "yesterday", "centred3"],
                               served=("centred3", centred_mean)),
    "trailing": temporal_scores(["weekday", "promo", "temperature", "yesterday", "trailing7"]),
}
for key, scores in {**temporal, "oracle": oracle}.items():
    for split, value in scores.items():
        print(f"{key}_{split}_mae = {value:.2f}")
# Temporal leakage:1 ends here

# [[file:../../primer.org::*Target leakage][Target leakage:1]]
# Part 2.  Target leakage on the Titanic table.
def load_titanic(download: bool = False) -> pd.DataFrame:
    if download:
        from sklearn.datasets import fetch_openml
        return fetch_openml("titanic", version=1, as_frame=True).frame
    path = (Path(sklearn.__file__).parent / "datasets" / "tests" / "data" / "openml"
            / "id_40945" / "data-v1-dl-16826755.arff.gz")
    if not path.is_file():
        sys.exit(f"{path} is missing: this scikit-learn does not ship the Titanic "
                 "test file; run with --download")
    header, records = gzip.open(path, "rt", encoding="utf-8").read().split("@data\n", 1)
    names = [line.split()[1].strip("'") for line in header.splitlines()
             if line.lower().startswith("@attribute")]
    return pd.read_csv(io.StringIO(records), header=None, names=names, na_values="?",
                       keep_default_na=False, quotechar='"', escapechar="\\")


titanic = load_titanic(download="--download" in sys.argv)
survived = titanic["survived"].astype(int).to_numpy()
at_departure = ["pclass", "sex", "age", "sibsp", "parch", "fare", "embarked"]
after_sinking = ["boat", "body"]      # lifeboat number; body identification number
columns = at_departure + after_sinking
table = titanic[columns].copy()
categorical = ["sex", "embarked", "boat"]
for col in categorical:                     # integer codes, missing stays missing
    codes = table[col].astype("category").cat.codes.astype(float)
    table[col] = codes.where(codes >= 0)
passengers = table.to_numpy(dtype=float)
is_categorical = [col in categorical for col in columns]
has_boat = ~np.isnan(passengers[:, columns.index("boat")])
has_body = ~np.isnan(passengers[:, columns.index("body")])
print(f"survival_rate_with_boat = {survived[has_boat].mean():.3f}")
print(f"survival_rate_with_body = {survived[has_body].mean():.3f}")


def classifier(used):
    mask = [is_categorical[columns.index(c)] for c in used]
    return HistGradientBoostingClassifier(max_iter=60, learning_rate=0.15, max_leaf_nodes=15,
                                          categorical_features=mask, random_state=0)


def pick(rows, used):
    return passengers[np.ix_(rows, [columns.index(c) for c in used])]


folds = list(StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
             .split(passengers, survived))
variants = {"honest": at_departure, "leaky": columns,
            "no_boat": at_departure + ["body"], "no_body": at_departure + ["boat"]}
auc = {key: [] for key in list(variants) + ["leaky_at_departure"]}
importance = []
for train, test in folds:
    y_train, y_test = survived[train], survived[test]
    fitted = {key: classifier(used).fit(pick(train, used), y_train)
              for key, used in variants.items()}
    for key, used in variants.items():
        auc[key].append(roc_auc_score(y_test, fitted[key].predict_proba(pick(test, used))[:, 1]))
    leaky = fitted["leaky"]
    # Before departure nobody has a boat or a body number: blank them as serving would.
    departing = pick(test, columns)
    departing[:, [columns.index("boat"), columns.index("body")]] = np.nan
    auc["leaky_at_departure"].append(roc_auc_score(y_test, leaky.predict_proba(departing)[:, 1]))
    perm = permutation_importance(leaky, pick(test, columns), y_test, scoring="roc_auc",
                                  n_repeats=1, random_state=0)
    importance.append(perm.importances_mean)
for key, values in auc.items():
    print(f"titanic_{key}_auc = {np.mean(values):.3f}")
importance = pd.Series(np.mean(importance, axis=0), index=columns)
for col in ["boat", "sex", "body"]:
    print(f"permutation_auc_drop_{col} = {importance[col]:.3f}")
print(f"boat_share_of_importance = {importance['boat'] / importance.clip(lower=0).sum():.2f}")

fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8))
labels = {"calendar": "day counter\namong features", "centred": "centred\n3-day mean",
          "trailing": "trailing\n7-day mean"}
bars = [("random", "random split (validation)", "#d99a5e"),
        ("time", "time split (validation)", "#4a7a96"),
        ("future", "next 300 days, as served", "#222222")]
pos = np.arange(len(temporal))
for i, (split, label, color) in enumerate(bars):
    left.barh(pos + 0.27 * (i - 1), [temporal[k][split] for k in temporal], height=0.25,
              color=color, label=label)
left.axvline(honest_floor, color="#999999", ls=":", lw=1, label="best honest forecast")
left.set_yticks(pos, [labels[k] for k in temporal])
left.invert_yaxis()
left.set_xlabel("mean absolute error of daily demand (lower is better)")
left.set_title("Temporal leakage: synthetic demand")
left.legend(fontsize=7, loc="lower right")
titanic_bars = [("honest", "features known at departure"), ("leaky", "plus boat and body"),
                ("no_body", "plus boat only"), ("no_boat", "plus body only"),
                ("leaky_at_departure", "leaky model, scored at departure")]
right.barh(range(len(titanic_bars)), [np.mean(auc[k]) for k, _ in titanic_bars],
           color=["#4a7a96", "#d99a5e", "#d99a5e", "#d99a5e", "#222222"])
right.set_yticks(range(len(titanic_bars)), [label for _, label in titanic_bars])
right.invert_yaxis()
right.set_xlim(0.5, 1.0)
right.set_xlabel("ROC AUC, 5-fold cross-validation")
right.set_title("Target leakage: Titanic survival")
fig.tight_layout()
fig.savefig(IMG / "leakage_split_and_target.png", dpi=120)
# Target leakage:1 ends here
