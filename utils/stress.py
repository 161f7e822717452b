"""Check that the timing lessons survive a busy machine.

One job: re-run every script that reads a clock, with all cores kept busy by
other processes, and run the lesson tests that read those scripts' numbers
after each round.  Timings change with the machine and with its neighbours
(a CI runner is rarely idle), so those tests assert relations with margins;
this is how the margins are checked.  Slow (minutes), so it is `make stress`,
not part of `make test`.

    python utils/stress.py [--rounds N] [--load K]     (or: make stress)

It leaves the last round's outputs in build/run/ and img/, as `make run` would.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import clock_scripts  # noqa: E402  (the runner decides which scripts read a clock)


def tests_reading(names: list[str], tests: Path = TESTS) -> list[Path]:
    """Test files that read the results of any of these scripts."""
    return sorted(t for t in tests.glob("test_*.py")
                  if any(f'results("{n}")' in t.read_text(encoding="utf-8") for n in names))


def _burn() -> None:
    while True:
        pass


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=3, help="times each script is re-run")
    ap.add_argument("--load", type=int, default=os.cpu_count() or 2,
                    help="busy processes beside the scripts (default: one per core)")
    args = ap.parse_args()

    names = clock_scripts()
    test_files = tests_reading(names)
    print(f"stress: {len(names)} clock-reading script(s), {len(test_files)} test file(s), "
          f"{args.rounds} round(s) with {args.load} busy process(es)", flush=True)
    failures = 0
    for rnd in range(1, args.rounds + 1):
        burners = [multiprocessing.Process(target=_burn, daemon=True) for _ in range(args.load)]
        for b in burners:
            b.start()
        try:
            run = subprocess.run([sys.executable, str(ROOT / "utils" / "run.py"), "--force",
                                  "--no-table", *names], cwd=ROOT)
        finally:
            for b in burners:
                b.terminate()
            for b in burners:
                b.join()
        if run.returncode != 0:
            print(f"stress: round {rnd}: a script failed or timed out under load")
            failures += 1
            continue
        tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                                *map(str, test_files)], cwd=ROOT, capture_output=True, text=True)
        summary = (tests.stdout.strip().splitlines() or ["(no output)"])[-1]
        print(f"stress: round {rnd}: {summary}", flush=True)
        if tests.returncode != 0:
            failures += 1
            print(tests.stdout[-4000:])
    print(f"stress: {failures} of {args.rounds} round(s) failed" if failures
          else f"stress: all {args.rounds} round(s) passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
