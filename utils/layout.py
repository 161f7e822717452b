"""Where the book's files live: one place for the paths every tool shares.

One job: name the folders and map a script to its chapter, its figures and its
recorded output.  Scripts are grouped by chapter in reading order,
``src/NN-chapter/NAME.py``; a script's figures are ``img/NN-chapter/NAME.png``
or ``img/NN-chapter/NAME-PART.png``; what it printed is ``build/run/NAME.out``.
Script names are unique across chapters, so ``NAME`` alone identifies one.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
IMG = ROOT / "img"
BUILD = ROOT / "build"
RUN_DIR = BUILD / "run"
FIGURE_SUFFIXES = (".png", ".svg", ".pdf")


class LayoutError(Exception):
    """The src/ tree breaks a rule of the layout (a duplicate name, a stray file)."""


def scripts(src: Path = SRC) -> list[Path]:
    """Every script, in reading order: chapter folder by folder, then by name."""
    found = sorted(src.glob("*/*.py"))
    seen: dict[str, Path] = {}
    for p in found:
        if p.stem in seen:
            raise LayoutError(f"two scripts are named {p.stem}: {seen[p.stem].relative_to(src.parent)}"
                              f" and {p.relative_to(src.parent)}; names must be unique")
        seen[p.stem] = p
    return found


def find(name: str, src: Path = SRC) -> Path | None:
    """The script called NAME (a stem, or a path whose stem is NAME), or None."""
    stem = Path(name).stem
    return next((p for p in scripts(src) if p.stem == stem), None)


def chapter(script: Path) -> str:
    return script.parent.name


def figure_dir(script: Path) -> Path:
    return IMG / chapter(script)


def figures(script: Path) -> list[Path]:
    """The figures a script drew: img/CHAPTER/NAME.png or img/CHAPTER/NAME-PART.png."""
    name, folder = script.stem, figure_dir(script)
    return sorted(p for p in folder.glob(f"{name}*")
                  if p.suffix in FIGURE_SUFFIXES and
                  (p.stem == name or p.stem[len(name)] in "-_."))


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()
