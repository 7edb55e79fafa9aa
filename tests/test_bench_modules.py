"""Every benchmark still starts: they import the portal (and nothing from
tests/), so a moved module shows here, not on the day someone measures."""
import pathlib
import subprocess
import sys

import pytest

BENCH = pathlib.Path(__file__).resolve().parent.parent / "bench"
MODULES = sorted(path.stem for path in BENCH.glob("*.py") if path.stem != "__init__")


def test_the_benchmarks_are_all_listed():
    assert {"checkin_search", "load", "page_weight", "roster_import"} <= set(MODULES)


@pytest.mark.parametrize("module", MODULES)
def test_each_benchmark_starts(module):
    result = subprocess.run([sys.executable, "-m", f"bench.{module}", "--help"], cwd=BENCH.parent,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_no_benchmark_imports_the_test_suite():
    for path in BENCH.glob("*.py"):
        assert "from tests" not in path.read_text() and "import tests" not in path.read_text(), path.name
