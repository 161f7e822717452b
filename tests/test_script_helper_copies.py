"""Scripts import nothing local, so the serving and distributed scripts each carry
their own copy of two small helpers: `free_port` (ask the kernel for a free
loopback port) and `watch_parent` (a child exits when its parent is gone, so a
SIGKILLed script leaves no server behind).  A fix to one copy must reach all."""
import ast
from collections import defaultdict

from conftest import ROOT

HELPERS = ("free_port", "watch_parent")


def copies() -> dict:
    found = defaultdict(dict)
    for path in sorted((ROOT / "src").glob("*/*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and node.name in HELPERS:
                found[node.name][path.relative_to(ROOT).as_posix()] = ast.dump(node)
    return found


def test_every_copy_of_a_helper_is_the_same():
    found = copies()
    assert len(found["free_port"]) >= 10 and len(found["watch_parent"]) >= 4, found.keys()
    for name, by_file in found.items():
        first, reference = next(iter(by_file.items()))
        for path, dump in by_file.items():
            assert dump == reference, f"{path}: {name} differs from the copy in {first}"
