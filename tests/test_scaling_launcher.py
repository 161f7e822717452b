"""The distributed scripts each carry their own copy of the launcher (a script
imports nothing local), so a fix to one copy must reach all of them.  The copies
may differ only in how the backend is chosen: NCCL with a GPU, or gloo for a
program that keeps its tensors on the CPU."""
import re

from conftest import ROOT

START, END = "# ---- launcher", "# ---- end of launcher"
BACKEND = re.compile(r'^    backend = .*\n(    if backend == "nccl":\n        torch\.cuda\.set_device\(.*\)\n)?',
                     re.M)


def launchers() -> dict:
    out = {}
    for path in sorted((ROOT / "src").glob("*/*.py")):
        text = path.read_text(encoding="utf-8")
        if START in text:
            block = text[text.index(START):text.index(END)]
            assert len(BACKEND.findall(block)) == 1, f"{path.name}: no single backend choice"
            out[path.name] = BACKEND.sub("    backend = ...\n", block)
    return out


def test_every_copy_of_the_launcher_is_the_same():
    copies = launchers()
    assert len(copies) >= 6
    reference = copies["ddp_equivalence.py"]
    for name, block in copies.items():
        assert block == reference, f"{name}'s launcher differs from ddp_equivalence.py's"
