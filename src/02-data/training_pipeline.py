# [[file:../../primer.org::*The training pipeline][The training pipeline:1]]
"""A training pipeline as code: ingest -> validate -> transform -> train -> evaluate
-> register, then serving from the registered artifact, and training-serving skew.

Data: the Titanic passenger list that scikit-learn ships as a test file (1,309
rows).  The model registry is a temporary directory, deleted at exit.
Run with --download to fetch the same table from OpenML instead.
"""
import atexit
import gzip
import hashlib
import io
import json
import shutil
import sys
import tempfile
from pathlib import Path

import joblib
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle
import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

IMG = Path(__file__).resolve().parents[2] / "img" / "02-data"

IMG.mkdir(parents=True, exist_ok=True)
NUMERIC = ["age", "fare", "sibsp", "parch"]
CATEGORICAL = ["pclass", "sex", "embarked"]
LABEL = "survived"


# 1. Ingest ----------------------------------------------------------------
def load_titanic(download: bool = False) -> pd.DataFrame:
    if download:
        from sklearn.datasets import fetch_openml
        return fetch_openml("titanic", version=1, as_frame=True).frame
    path = (Path(sklearn.__file__).parent / "datasets" / "tests" / "data" / "openml"
            / "id_40945" / "data-v1-dl-16826755.arff.gz")
    if not path.is_file():
        sys.exit(f"{path} is missing: this scikit-learn does not ship the Titanic "
                 "test file; run with --download")
    header, rows = gzip.open(path, "rt", encoding="utf-8").read().split("@data\n", 1)
    names = [line.split()[1].strip("'") for line in header.splitlines()
             if line.lower().startswith("@attribute")]
    return pd.read_csv(io.StringIO(rows), header=None, names=names, na_values="?",
                       keep_default_na=False, quotechar='"', escapechar="\\")


raw = load_titanic(download="--download" in sys.argv)[NUMERIC + CATEGORICAL + [LABEL]]
train, incoming = train_test_split(raw, test_size=0.25, stratify=raw[LABEL], random_state=0)
data_hash = hashlib.sha256(train.to_csv(index=False).encode()).hexdigest()
print(f"train_rows = {len(train)}")
print(f"incoming_rows = {len(incoming)}")


# 2. Validate --------------------------------------------------------------
# The schema is written from domain knowledge, not fitted to the data, and is
# versioned with the pipeline.  Each rule: allowed values or range, and the
# largest share of missing values the batch may have.
SCHEMA = {
    "pclass": {"values": {1, 2, 3}, "max_missing": 0.0},
    "sex": {"values": {"female", "male"}, "max_missing": 0.0},
    "embarked": {"values": {"C", "Q", "S"}, "max_missing": 0.02},
    "age": {"range": (0, 100), "max_missing": 0.30},
    "fare": {"range": (0, 1000), "max_missing": 0.02},
    "sibsp": {"range": (0, 10), "max_missing": 0.0},
    "parch": {"range": (0, 10), "max_missing": 0.0},
    "survived": {"values": {0, 1}, "max_missing": 0.0},
}


def validate(batch: pd.DataFrame) -> list[str]:
    problems = []
    for col, rule in SCHEMA.items():
        if col not in batch:
            problems.append(f"{col}: column missing")
            continue
        values = batch[col]
        missing = values.isna().mean()
        if missing > rule["max_missing"]:
            problems.append(f"{col}: {missing:.0%} missing, at most {rule['max_missing']:.0%} allowed")
        present = values.dropna()
        if "values" in rule:
            unknown = sorted(set(present) - rule["values"], key=str)
            if unknown:
                problems.append(f"{col}: unknown values {unknown[:3]}")
        else:
            numeric = pd.to_numeric(present, errors="coerce")
            low, high = rule["range"]
            bad = numeric.isna() | (numeric < low) | (numeric > high)
            if bad.any():
                problems.append(f"{col}: {bad.sum()} values outside [{low}, {high}]")
    return problems


# An upstream change breaks the next batch: a new source records age in months
# for a third of the rows, a service starts sending sex as M/F, and a failed join
# leaves fare empty for a quarter of the rows.
rng = np.random.default_rng(0)
corrupted = incoming.copy()
months = rng.random(len(corrupted)) < 1 / 3
corrupted.loc[months, "age"] = corrupted.loc[months, "age"] * 12
corrupted["sex"] = corrupted["sex"].map({"male": "M", "female": "F"})
corrupted.loc[rng.random(len(corrupted)) < 0.25, "fare"] = np.nan

print(f"train_batch_problems = {len(validate(train))}")
print(f"incoming_batch_problems = {len(validate(incoming))}")
problems = validate(corrupted)
print(f"corrupted_batch_problems = {len(problems)}")
for problem in problems:
    print("  rejected:", problem)
# The training pipeline:1 ends here

# [[file:../../primer.org::*The training pipeline][The training pipeline:2]]
# 3-4. Transform and train: one Pipeline object holds every fitted statistic ----
def build_pipeline() -> Pipeline:
    numeric = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
    categorical = make_pipeline(SimpleImputer(strategy="most_frequent"),
                                OneHotEncoder(handle_unknown="ignore"))
    features = ColumnTransformer([("num", numeric, NUMERIC), ("cat", categorical, CATEGORICAL)])
    return Pipeline([("features", features), ("model", LogisticRegression(max_iter=1000))])


fit_part, check_part = train_test_split(train, test_size=0.25, stratify=train[LABEL],
                                        random_state=0)
candidate = build_pipeline().fit(fit_part[NUMERIC + CATEGORICAL], fit_part[LABEL])


# 5. Evaluate: the candidate must beat a simple baseline on rows it did not see --
def auc(scores, frame):
    return roc_auc_score(frame[LABEL], scores)


candidate_scores = candidate.predict_proba(check_part[NUMERIC + CATEGORICAL])[:, 1]
baseline_scores = (check_part["sex"] == "female").astype(float).to_numpy()  # "women first"
candidate_auc, baseline_auc = auc(candidate_scores, check_part), auc(baseline_scores, check_part)
# On a few hundred rows an AUC difference is noisy: the gate asks for 0.02 and for two
# standard errors of the difference, from a paired bootstrap over the held-out rows.
boot, gains = np.random.default_rng(0), []
for _ in range(200):
    rows = check_part.iloc[boot.integers(0, len(check_part), len(check_part))]
    picked = check_part.index.get_indexer(rows.index)
    gains.append(auc(candidate_scores[picked], rows) - auc(baseline_scores[picked], rows))
gain_se = float(np.std(gains))
min_gain = max(0.02, 2 * gain_se)
passed = candidate_auc >= baseline_auc + min_gain
print(f"check_rows = {len(check_part)}")
print(f"candidate_auc = {candidate_auc:.3f}")
print(f"baseline_auc = {baseline_auc:.3f}")
print(f"gain_se = {gain_se:.3f}")
print(f"required_gain = {min_gain:.3f}")
print(f"gate_passed = {int(passed)}")
if not passed:
    sys.exit("evaluation gate failed: the current model stays in production")
model = build_pipeline().fit(train[NUMERIC + CATEGORICAL], train[LABEL])  # refit on all rows

# 6. Register: artifact + metadata in a registry (here a temporary directory) ----
registry = Path(tempfile.mkdtemp(prefix="registry-"))
atexit.register(shutil.rmtree, registry, ignore_errors=True)   # not kept after the run
version_dir = registry / "titanic_survival" / "1"
version_dir.mkdir(parents=True)
joblib.dump(model, version_dir / "model.joblib")
metadata = {
    "name": "titanic_survival", "version": 1,
    "sklearn_version": sklearn.__version__, "python": sys.version.split()[0],
    "features": NUMERIC + CATEGORICAL, "training_rows": len(train),
    "training_data_sha256": data_hash,
    "metrics": {"candidate_auc": round(candidate_auc, 4), "baseline_auc": round(baseline_auc, 4)},
}
(version_dir / "metadata.json").write_text(json.dumps(metadata, indent=2))
print(f"artifact_kb = {(version_dir / 'model.joblib').stat().st_size / 1024:.1f}")
print(f"training_data_sha256 = {data_hash[:16]}")

# 7. Serve: what the serving process runs.  It gets the registry folder and raw
# JSON rows, nothing from the training code, and refuses an artifact pickled by
# another scikit-learn.  In production it runs in its own container.
def serve(folder: Path, request_json: str) -> np.ndarray:
    meta = json.loads((folder / "metadata.json").read_text())
    if meta["sklearn_version"] != sklearn.__version__:
        raise RuntimeError(f"artifact built with scikit-learn {meta['sklearn_version']}")
    pipeline = joblib.load(folder / "model.joblib")
    rows = pd.DataFrame(json.loads(request_json), columns=meta["features"])
    return pipeline.predict_proba(rows)[:, 1]


served = serve(version_dir, incoming[NUMERIC + CATEGORICAL].to_json(orient="records"))
local = model.predict_proba(incoming[NUMERIC + CATEGORICAL])[:, 1]
print(f"served_rows = {len(served)}")
print(f"served_identical = {int(np.array_equal(served, local))}")
print(f"served_max_abs_diff = {np.abs(served - local).max():.1e}")
print(f"incoming_auc = {auc(local, incoming):.3f}")
# The training pipeline:2 ends here

# [[file:../../primer.org::*The training pipeline][The training pipeline:3]]
# Without the validation step the corrupted batch would not fail loudly: the
# imputer fills the empty fares and the encoder ignores "M" and "F".
silent = model.predict_proba(corrupted[NUMERIC + CATEGORICAL])[:, 1]
print(f"corrupted_auc_if_served = {auc(silent, incoming):.3f}")
print(f"corrupted_mean_abs_change = {np.abs(silent - local).mean():.3f}")


# 8. Training-serving skew: "serving code" that re-implements the features by hand
imputer_num = model["features"].named_transformers_["num"][0].statistics_
scaler = model["features"].named_transformers_["num"][1]
encoder = model["features"].named_transformers_["cat"][1]
fill_cat = model["features"].named_transformers_["cat"][0].statistics_
coef, intercept = model["model"].coef_[0], model["model"].intercept_[0]


def handwritten(rows, fill=imputer_num, mean=scaler.mean_, scale=scaler.scale_,
                categories=encoder.categories_):
    num = rows[NUMERIC].to_numpy(dtype=float)
    num = np.where(np.isnan(num), fill, num)
    parts = [(num - mean) / scale]
    for j, col in enumerate(CATEGORICAL):
        values = rows[col].fillna(fill_cat[j]).to_numpy()
        parts.append((values[:, None] == np.asarray(categories[j])[None, :]).astype(float))
    z = np.hstack(parts) @ coef + intercept
    return 1 / (1 + np.exp(-z))


batch = incoming[NUMERIC + CATEGORICAL]
reordered = [np.asarray(c) for c in encoder.categories_]
reordered[2] = np.array(["S", "C", "Q"])          # vocabulary rebuilt by frequency
variants = {
    "faithful": handwritten(batch),
    "batch_stats": np.concatenate([                # scaler refitted on each 16-request batch
        handwritten(chunk, mean=chunk[NUMERIC].mean().to_numpy(),
                    scale=np.maximum(chunk[NUMERIC].std(ddof=0).to_numpy(), 1e-6))
        for chunk in (batch.iloc[i:i + 16] for i in range(0, len(batch), 16))]),
    "age_zero": handwritten(batch, fill=np.r_[0.0, imputer_num[1:]]),
    "category_order": handwritten(batch, categories=reordered),
}
for name, q in variants.items():
    diff = np.abs(q - local)
    print(f"skew_{name}_max_abs_diff = {diff.max():.1e}" if name == "faithful" else
          f"skew_{name}_max_abs_diff = {diff.max():.3f}")
    if name != "faithful":
        print(f"skew_{name}_changed_share = {np.mean(diff > 0.01):.3f}")
        print(f"skew_{name}_flipped = {np.sum((q > 0.5) != (local > 0.5))}")
        print(f"skew_{name}_auc = {auc(q, incoming):.3f}")
# The training pipeline:3 ends here

# [[file:../../primer.org::*The training pipeline][The training pipeline:4]]
# Figures: the pipeline drawn as boxes and arrows, and the size of each skew.
fig, ax = plt.subplots(figsize=(11, 4.4))
ax.set_xlim(0, 11)
ax.set_ylim(0, 4.4)
ax.axis("off")


def box(x, y, text, color="#dfe9f0", w=1.55, h=0.8):
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.04",
                                fc=color, ec="#333333", lw=1))
    ax.text(x, y, text, ha="center", va="center", fontsize=8)


def arrow(a, b, color="#333333", style="-"):
    ax.add_patch(FancyArrowPatch(a, b, arrowstyle="-|>", mutation_scale=12, color=color,
                                 lw=1.2, linestyle=style))


steps = ["ingest\nraw rows, data hash", "validate\nschema, ranges,\nmissing shares",
         "transform\nimpute, scale,\none-hot", "train\nlogistic\nregression",
         "evaluate\ngate: beat baseline\nby 0.02 AUC and 2 SE", "register\njoblib artifact\n+ metadata.json"]
xs = [0.95 + 1.82 * i for i in range(len(steps))]
ax.add_patch(Rectangle((xs[2] - 0.88, 2.95), xs[3] - xs[2] + 1.76, 1.15, fill=False,
                       ls="--", ec="#4a7a96"))
ax.text((xs[2] + xs[3]) / 2, 4.22, "one fitted sklearn Pipeline = the artifact",
        ha="center", fontsize=8, color="#4a7a96")
for i, (x, text) in enumerate(zip(xs, steps)):
    box(x, 3.5, text)
    if i:
        arrow((xs[i - 1] + 0.8, 3.5), (x - 0.8, 3.5))
box(xs[1], 2.2, "quarantine batch,\nalert data owner", color="#f3d9cf")
arrow((xs[1], 3.08), (xs[1], 2.62), color="#b5523b")
box(xs[4], 2.2, "keep current\nmodel in service", color="#f3d9cf")
arrow((xs[4], 3.08), (xs[4], 2.62), color="#b5523b")
box(xs[5], 2.2, "serving process\njoblib.load", color="#dcebd5")
arrow((xs[5], 3.08), (xs[5], 2.62))
box(xs[3], 0.75, "raw request rows", color="#eeeeee")
box(xs[5], 0.75, "prediction\n(identical)", color="#dcebd5")
arrow((xs[3] + 0.8, 0.85), (xs[5] - 0.2, 1.78))
arrow((xs[5], 1.78), (xs[5], 1.17))
box(xs[1] + 0.35, 0.75, "hand-written features\nin serving code", color="#f3d9cf", w=1.8)
arrow((xs[3] - 0.8, 0.75), (xs[1] + 1.28, 0.75), color="#b5523b", style="--")
box(xs[0] - 0.1, 0.75, "prediction\n(skewed)", color="#f3d9cf", w=1.3)
arrow((xs[1] - 0.58, 0.75), (xs[0] + 0.58, 0.75), color="#b5523b", style="--")
ax.text(xs[1] + 0.35, 0.12, "other statistics, fill values or category order than training",
        ha="center", fontsize=8, color="#b5523b")
fig.savefig(IMG / "training_pipeline.png", dpi=120, bbox_inches="tight")

fig, ax = plt.subplots(figsize=(8, 2.8))
names = {"batch_stats": "scaler refitted per 16-row batch",
         "age_zero": "missing age filled with 0",
         "category_order": "port vocabulary in another order"}
shares = [np.mean(np.abs(variants[k] - local) > 0.01) for k in names]
flips = [np.mean((variants[k] > 0.5) != (local > 0.5)) for k in names]
pos = np.arange(len(names))
ax.barh(pos + 0.2, shares, height=0.38, color="#d99a5e", label="probability moved by > 0.01")
ax.barh(pos - 0.2, flips, height=0.38, color="#b5523b", label="decision at 0.5 flipped")
ax.set_yticks(pos, list(names.values()))
ax.set_xlabel(f"share of the {len(local)} incoming rows")
ax.legend(fontsize=8, loc="lower right")
ax.set_title("Serving code that re-implements the features", fontsize=10)
fig.tight_layout()
fig.savefig(IMG / "training_pipeline-skew.png", dpi=120)
# The training pipeline:4 ends here
