"""utils/stress.py finds the scripts whose numbers depend on a clock, and their tests."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "utils"))
import stress  # noqa: E402


def test_clock_scripts_are_those_that_read_a_clock(tmp_path):
    (tmp_path / "01-a").mkdir()
    (tmp_path / "02-b").mkdir()
    (tmp_path / "02-b" / "timed.py").write_text("import time\nt = time.perf_counter()\n")
    (tmp_path / "01-a" / "cpu.py").write_text("import time\nc = time.process_time()\n")
    (tmp_path / "01-a" / "seeded.py").write_text("import numpy as np\n# time.sleep is not a clock read\n"
                                        "rng = np.random.default_rng(0)\n")
    assert stress.clock_scripts(tmp_path) == ["cpu", "timed"]


def test_the_primer_timing_scripts_and_their_tests_are_found():
    # (that every script has a lesson test is test_src_fresh's job)
    names = stress.clock_scripts()
    assert "capacity_latency" in names and "sampling_methods" not in names
    assert stress.tests_reading(["capacity_latency"]) == [stress.TESTS / "test_scope_performance.py"]
