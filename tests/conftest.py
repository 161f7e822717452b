"""Shared helpers: the repository paths and the recorded results of the primer's scripts."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "utils"))

import layout  # noqa: E402
import results as results_mod  # noqa: E402
import run as run_mod  # noqa: E402


def script_results(name: str) -> dict:
    """The `key = value` lines src/NAME.py printed, running it first (through the
    runner, offline and time-limited) if its recorded output is missing or stale."""
    script = layout.find(name)
    assert script is not None, f"no script {name}.py under src/"
    if run_mod.up_to_date(script) is None:
        r = subprocess.run([sys.executable, str(ROOT / "utils" / "run.py"), name],
                           capture_output=True, text=True)
        assert r.returncode == 0, f"{layout.rel(script)} failed:\n{r.stdout}\n{r.stderr}"
    values = results_mod.load(name)
    return {k: results_mod.number(v) if _numeric(v) else v for k, v in values.items()}


def _numeric(v: str) -> bool:
    try:
        results_mod.number(v)
        return True
    except ValueError:
        return False


@pytest.fixture
def results():
    return script_results


def emacs_or_skip() -> str:
    exe = shutil.which("emacs")
    if exe:
        return exe
    if os.environ.get("PRIMER_REQUIRE_EMACS"):
        pytest.fail("PRIMER_REQUIRE_EMACS is set but emacs is not installed")
    pytest.skip("emacs is not installed (apt-get install emacs-nox): "
                "the byte-for-byte comparison with org-babel-tangle is skipped")


def browser_or_skip() -> tuple[str, str]:
    """Debian's Chromium and its ChromeDriver, for the site's browser tests."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    try:
        import selenium  # noqa: F401
        missing = []
    except ImportError:
        missing = ["selenium (make venv)"]
    missing += [name for name, exe in (("chromium", chromium), ("chromium-driver", driver))
                if not exe]
    if not missing:
        return chromium, driver
    if os.environ.get("PRIMER_REQUIRE_BROWSER"):
        pytest.fail(f"PRIMER_REQUIRE_BROWSER is set but {', '.join(missing)} is not installed")
    pytest.skip(f"{', '.join(missing)} not installed (apt-get install chromium "
                "chromium-driver): the site's browser tests are skipped")
