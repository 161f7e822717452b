# [[file:../../primer.org::*Packaging a model for deployment][Packaging a model for deployment:1]]
"""Packaging a model for deployment: artifact, manifest, signature, pinned environment.

The script trains a small scikit-learn pipeline, writes a package directory (in a
temporary folder under the working directory, removed at the end) and then loads
it the way a serving process should: check the artifact's hash before unpickling
it, check the library versions, reproduce the recorded predictions on golden
examples bit for bit, and validate every request against the signature.  It shows
each check refusing what it exists to refuse, serves the package with FastAPI
(in-process, through Starlette's test client: no port is opened), and shows that
the build is deterministic: the same training run gives the same hash, a changed
hyperparameter a different one.
  python model_packaging.py                       the whole demonstration
  MODEL_DIR=/srv/model uvicorn --factory model_packaging:app_from_env
                                                  serve a package (as in the Dockerfile)
"""
import hashlib
import json
import os
import platform
import shutil
import tempfile
import warnings
from contextlib import asynccontextmanager
from importlib.metadata import version
from pathlib import Path
from typing import Literal

import joblib
import numpy as np
import pandas as pd
from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_limits

with warnings.catch_warnings():      # Starlette would rather its test client used httpx2
    warnings.filterwarnings("ignore", message="Using `httpx`")
    from fastapi.testclient import TestClient
threadpool_limits(1)
# Libraries whose version decides what the artifact computes (checked at load) and
# the ones the service needs besides (pinned in the package's requirements.txt).
MODEL_LIBS = ["scikit-learn", "numpy", "scipy", "joblib", "pandas", "threadpoolctl"]
SERVING_LIBS = ["fastapi", "uvicorn", "pydantic"]
SIGNATURE = {
    "inputs": {
        "income": {"dtype": "float", "min": 0.0, "max": 1_000_000.0},
        "age": {"dtype": "int", "min": 18, "max": 100},
        "tenure_months": {"dtype": "int", "min": 0, "max": 600},
        "channel": {"dtype": "category", "categories": ["app", "branch", "web"]},
    },
    "output": {"name": "p_default", "dtype": "float", "min": 0.0, "max": 1.0},
}
# The data snapshot the model was trained on is dated; the package takes that date
# instead of the clock, so that building twice gives the same bytes.
SNAPSHOT = "2026-11-30T00:00:00Z"


class PackageError(RuntimeError):
    """The package must not be served: the reason says which check failed."""
# Packaging a model for deployment:1 ends here

# [[file:../../primer.org::*Packaging a model for deployment][Packaging a model for deployment:2]]
# ------------------------------------------------------------------ training
def make_data(seed: int, n: int) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({
        "income": np.round(rng.lognormal(10.5, 0.6, n), 2),
        "age": rng.integers(18, 90, n),
        "tenure_months": rng.integers(0, 360, n),
        "channel": rng.choice(["app", "branch", "web"], n, p=[0.5, 0.2, 0.3]),
    })
    logit = (-1.0 - 0.9 * (np.log(X["income"]) - 10.5) - 0.02 * (X["age"] - 45)
             - 0.004 * X["tenure_months"] + 0.6 * (X["channel"] == "web"))
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return X, y.to_numpy()


def fingerprint(X: pd.DataFrame, y: np.ndarray) -> str:
    """A content hash of the training data: columns, dtypes and values."""
    h = hashlib.sha256()
    for col in X.columns:
        h.update(f"{col}:{X[col].dtype}".encode())
        h.update(X[col].astype(str).str.cat(sep="\x1f").encode())
    h.update(np.ascontiguousarray(y).tobytes())
    return h.hexdigest()


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_package(out: Path, C: float = 1.0) -> Path:
    """Train and write NAME/VERSION/ with the artifact, manifest, signature,
    golden examples and pinned requirements."""
    X, y = make_data(0, 6_000)
    X_fit, y_fit, X_val, y_val = X[:5_000], y[:5_000], X[5_000:], y[5_000:]
    model = make_pipeline(
        ColumnTransformer([("num", StandardScaler(), ["income", "age", "tenure_months"]),
                           ("cat", OneHotEncoder(categories=[["app", "branch", "web"]]),
                            ["channel"])]),
        LogisticRegression(C=C, max_iter=1_000))
    model.fit(X_fit, y_fit)
    p_val = model.predict_proba(X_val)[:, 1]
    folder = out / "credit-default" / "1.0.0"
    folder.mkdir(parents=True)
    joblib.dump(model, folder / "model.joblib")
    golden = X_val[:16]
    expected = model.predict_proba(golden)[:, 1]
    (folder / "golden.json").write_text(json.dumps({
        "inputs": [{k: v.item() if hasattr(v, "item") else v for k, v in row.items()}
                   for row in golden.to_dict(orient="records")],
        "outputs_hex": [float(v).hex() for v in expected]}, indent=1))
    pins = {lib: version(lib) for lib in MODEL_LIBS + SERVING_LIBS}
    (folder / "requirements.txt").write_text(
        "".join(f"{lib}=={v}\n" for lib, v in pins.items()))
    manifest = {
        "name": "credit-default", "version": "1.0.0", "created": SNAPSHOT,
        "artifact": {"file": "model.joblib", "format": "joblib (pickle)",
                     "sha256": sha256_file(folder / "model.joblib")},
        "training_data": {"rows": len(y_fit), "snapshot": SNAPSHOT,
                          "sha256": fingerprint(X_fit, y_fit)},
        "hyperparameters": {"C": C, "max_iter": 1_000},
        "metrics": {"val_auc": round(roc_auc_score(y_val, p_val), 4),
                    "val_log_loss": round(log_loss(y_val, p_val), 4), "val_rows": len(y_val)},
        "python": platform.python_version(),
        "libraries": {lib: pins[lib] for lib in MODEL_LIBS},
        "signature": SIGNATURE, "golden": "golden.json", "requirements": "requirements.txt"}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return folder
# Packaging a model for deployment:2 ends here

# [[file:../../primer.org::*Packaging a model for deployment][Packaging a model for deployment:3]]
# ------------------------------------------------------------------- loading
def request_model(signature: dict) -> type[BaseModel]:
    """A pydantic model of one input row, generated from the signature: types,
    ranges and categories; unknown fields, NaN and infinity are refused."""
    fields = {}
    for name, spec in signature["inputs"].items():
        if spec["dtype"] == "category":
            fields[name] = (Literal[tuple(spec["categories"])], ...)
        elif spec["dtype"] == "int":
            fields[name] = (int, Field(ge=spec["min"], le=spec["max"], strict=True))
        else:
            fields[name] = (float, Field(ge=spec["min"], le=spec["max"], allow_inf_nan=False))
    return create_model("Row", __config__=ConfigDict(extra="forbid"), **fields)


class Predictor:
    """A verified package, ready to serve."""

    def __init__(self, folder: Path):
        manifest = json.loads((folder / "manifest.json").read_text())
        artifact = folder / manifest["artifact"]["file"]
        # 1. The bytes are the ones that were built (before unpickling: loading a
        #    pickle runs code, so an unverified artifact is never opened).
        if sha256_file(artifact) != manifest["artifact"]["sha256"]:
            raise PackageError("artifact hash does not match the manifest")
        # 2. The libraries are the ones it was built with.
        for lib, wanted in manifest["libraries"].items():
            if version(lib) != wanted:
                raise PackageError(f"{lib} {version(lib)} installed, package needs {wanted}")
        self.model = joblib.load(artifact)
        self.manifest, self.columns = manifest, list(manifest["signature"]["inputs"])
        self.Row = request_model(manifest["signature"])
        # 3. It computes what it computed at build time, to the last bit.
        golden = json.loads((folder / manifest["golden"]).read_text())
        got = self.predict(golden["inputs"])
        want = np.array([float.fromhex(h) for h in golden["outputs_hex"]])
        self.golden_mismatches = int(np.sum(got.view(np.int64) != want.view(np.int64)))
        if self.golden_mismatches:
            raise PackageError(f"golden predictions differ ({self.golden_mismatches} "
                               f"of {len(want)})")

    def predict(self, rows: list[dict]) -> np.ndarray:
        """Validate each row against the signature, then score."""
        valid = [self.Row.model_validate(r).model_dump() for r in rows]
        return self.model.predict_proba(pd.DataFrame(valid, columns=self.columns))[:, 1]


def build_app(folder: Path) -> FastAPI:
    state = {}

    @asynccontextmanager
    async def lifespan(app):
        state["predictor"] = Predictor(folder)     # a refused package never starts
        yield
        state.clear()

    app = FastAPI(lifespan=lifespan)
    Row = request_model(json.loads((folder / "manifest.json").read_text())["signature"])

    class Request(BaseModel):
        model_config = ConfigDict(extra="forbid")
        rows: list[Row] = Field(min_length=1, max_length=256)

    @app.get("/health")
    def health():
        m = state["predictor"].manifest
        return {"status": "ok", "name": m["name"], "version": m["version"],
                "sha256": m["artifact"]["sha256"]}

    @app.post("/predict")
    def predict(req: Request):
        p = state["predictor"].predict([r.model_dump() for r in req.rows])
        return {"p_default": p.tolist(), "version": state["predictor"].manifest["version"]}

    return app


def app_from_env() -> FastAPI:
    """For `uvicorn --factory`: the package folder comes from MODEL_DIR."""
    threadpool_limits(1)
    return build_app(Path(os.environ["MODEL_DIR"]))
# Packaging a model for deployment:3 ends here

# [[file:../../primer.org::*Packaging a model for deployment][Packaging a model for deployment:4]]
# ------------------------------------------------------------ demonstrations
def refused(make_broken, folder: Path, tag: str) -> None:
    """Copy the package, break one thing, and check that loading refuses it."""
    broken = folder.parent / f"broken-{tag}"
    shutil.copytree(folder, broken)
    make_broken(broken)
    try:
        Predictor(broken)
        print(f"refused_{tag} = 0")
    except PackageError as e:
        print(f"refused_{tag} = 1")
        print(f"refused_{tag}_reason = {e}")
    shutil.rmtree(broken)


def edit_manifest(folder: Path, change) -> None:
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text())
    change(manifest)
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True))


def flip_byte(folder: Path) -> None:
    data = bytearray((folder / "model.joblib").read_bytes())
    data[len(data) // 2] ^= 1
    (folder / "model.joblib").write_bytes(bytes(data))


def nudge_golden(folder: Path) -> None:
    golden = json.loads((folder / "golden.json").read_text())
    first = float.fromhex(golden["outputs_hex"][0])
    golden["outputs_hex"][0] = float(np.nextafter(first, 1.0)).hex()   # one ulp
    (folder / "golden.json").write_text(json.dumps(golden))


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="packaging-", dir="."))
    try:
        folder = build_package(work / "run1")
        again = build_package(work / "run2")
        other = build_package(work / "run3", C=0.5)
        manifest = json.loads((folder / "manifest.json").read_text())
        digest = manifest["artifact"]["sha256"]
        print(f"package_files = {' '.join(sorted(p.name for p in folder.iterdir()))}")
        print(f"artifact_kb = {(folder / 'model.joblib').stat().st_size / 1e3:.1f}")
        print(f"artifact_sha256 = sha256:{digest}")
        print(f"training_data_sha256 = sha256:{manifest['training_data']['sha256']}")
        print(f"val_auc = {manifest['metrics']['val_auc']}")
        print(f"same_run_same_artifact_hash = {int(sha256_file(again / 'model.joblib') == digest)}")
        print(f"same_run_same_manifest_hash = "
              f"{int(sha256_file(again / 'manifest.json') == sha256_file(folder / 'manifest.json'))}")
        print(f"changed_C_same_artifact_hash = {int(sha256_file(other / 'model.joblib') == digest)}")
        print(f"requirements_pinned = {len((folder / 'requirements.txt').read_text().split())}")

        predictor = Predictor(folder)
        print("load_ok = 1")
        print(f"golden_examples = {len(json.loads((folder / 'golden.json').read_text())['inputs'])}")
        print(f"golden_mismatches = {predictor.golden_mismatches}")
        refused(flip_byte, folder, "tampered_artifact")
        refused(lambda f: edit_manifest(f, lambda m: m["libraries"].update(
            {"scikit-learn": "1.8.0"})), folder, "other_sklearn")
        refused(nudge_golden, folder, "golden_one_ulp")

        good = json.loads((folder / "golden.json").read_text())["inputs"][0]
        bad = {"missing_field": {k: v for k, v in good.items() if k != "age"},
               "unknown_category": {**good, "channel": "fax"},
               "out_of_range": {**good, "age": 7},
               "wrong_type": {**good, "tenure_months": "12"},
               "nan": {**good, "income": float("nan")},
               "extra_field": {**good, "user_id": 42}}
        for case, row in bad.items():
            try:
                predictor.predict([row])
                print(f"request_refused_{case} = 0")
            except ValidationError:
                print(f"request_refused_{case} = 1")
        serve(folder, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
# Packaging a model for deployment:4 ends here

# [[file:../../primer.org::*Packaging a model for deployment][Packaging a model for deployment:5]]
def serve(folder: Path, work: Path) -> None:
    """The package behind FastAPI, called in-process (no socket is opened)."""
    golden = json.loads((folder / "golden.json").read_text())
    with TestClient(build_app(folder)) as client:
        health = client.get("/health").json()
        print(f"served_version = {health['version']}")
        print(f"served_sha256_matches = {int(health['sha256'] == sha256_file(folder / 'model.joblib'))}")
        r = client.post("/predict", json={"rows": golden["inputs"]})
        served = np.array(r.json()["p_default"])
        want = np.array([float.fromhex(h) for h in golden["outputs_hex"]])
        print(f"served_status = {r.status_code}")
        print(f"served_golden_mismatches = {int(np.sum(served != want))}")
        bad = client.post("/predict", json={"rows": [{**golden["inputs"][0], "channel": "fax"}]})
        print(f"served_bad_request_status = {bad.status_code}")
    stale = work / "stale"
    shutil.copytree(folder, stale)
    edit_manifest(stale, lambda m: m["libraries"].update({"scikit-learn": "1.8.0"}))
    try:
        with TestClient(build_app(stale)):
            print("stale_package_started = 1")
    except PackageError:
        print("stale_package_started = 0")


if __name__ == "__main__":
    main()
# Packaging a model for deployment:5 ends here
