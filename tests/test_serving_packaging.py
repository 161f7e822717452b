"""Lesson tests for the packaging section: the build is deterministic, the loader
refuses a tampered artifact, another library version and a changed golden output,
the signature refuses bad requests, and the served package reproduces the golden
predictions.  Also: the uvicorn factory the Dockerfile names really serves a package."""
import os
import subprocess
import sys
import textwrap

from conftest import ROOT

SCRIPT = ROOT / "src" / "08-serving" / "model_packaging.py"
BAD = ["missing_field", "unknown_category", "out_of_range", "wrong_type", "nan", "extra_field"]


def test_build_is_deterministic(results):
    r = results("model_packaging")
    assert r["same_run_same_artifact_hash"] == 1
    assert r["same_run_same_manifest_hash"] == 1
    assert r["changed_C_same_artifact_hash"] == 0
    assert len(r["artifact_sha256"]) == len("sha256:") + 64


def test_same_hash_in_a_fresh_process(results, tmp_path):
    """Determinism across processes, not only within one run."""
    r = results("model_packaging")
    out = subprocess.run([sys.executable, str(SCRIPT)], cwd=tmp_path, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    lines = dict(line.split(" = ", 1) for line in out.stdout.splitlines() if " = " in line)
    assert lines["artifact_sha256"] == r["artifact_sha256"]
    assert lines["training_data_sha256"] == r["training_data_sha256"]
    assert list(tmp_path.iterdir()) == []          # the package folder was removed


def test_loader_refuses_what_it_must(results):
    r = results("model_packaging")
    assert r["load_ok"] == 1
    assert r["golden_examples"] >= 8 and r["golden_mismatches"] == 0
    for case in ["tampered_artifact", "other_sklearn", "golden_one_ulp"]:
        assert r[f"refused_{case}"] == 1, case
    assert "hash" in r["refused_tampered_artifact_reason"]
    assert "scikit-learn" in r["refused_other_sklearn_reason"]
    assert "golden" in r["refused_golden_one_ulp_reason"]


def test_signature_refuses_bad_requests(results):
    r = results("model_packaging")
    for case in BAD:
        assert r[f"request_refused_{case}"] == 1, case


def test_served_package(results):
    r = results("model_packaging")
    assert r["served_status"] == 200
    assert r["served_golden_mismatches"] == 0
    assert r["served_sha256_matches"] == 1
    assert r["served_bad_request_status"] == 422
    assert r["stale_package_started"] == 0
    assert r["requirements_pinned"] >= 6


def test_uvicorn_factory_serves_a_package(tmp_path):
    """The Dockerfile's CMD names model_packaging's app_from_env: build a package,
    point MODEL_DIR at it and call the app (in-process, no port)."""
    code = textwrap.dedent(f"""
        import importlib.util, os, sys
        from pathlib import Path
        spec = importlib.util.spec_from_file_location("serve", {str(SCRIPT)!r})
        serve = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(serve)
        folder = serve.build_package(Path({str(tmp_path)!r}))
        os.environ["MODEL_DIR"] = str(folder)
        with serve.TestClient(serve.app_from_env()) as client:
            print(client.get("/health").json()["status"])
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=300, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith("ok")
