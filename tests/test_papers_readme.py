"""papers/README.org lists every paper primer.org cites, and nothing it no longer cites.

Run as a script (`python tests/test_papers_readme.py`) to print the missing and stale
keys, with the chapter where primer.org first cites each missing one.
"""
import re
import sys

from conftest import ROOT

PRIMER = ROOT / "primer.org"
README = ROOT / "papers" / "README.org"

# org-cite: [cite:@a], [cite:@a;@b], [cite/t:see @a p. 3;@b]; a key follows each `@`.
CITE = re.compile(r"\[cite(?:/[^:\]]*)?:([^\]]*)\]")
KEY = re.compile(r"@([\w.:+-]*\w)")
README_KEY = re.compile(r"^- Key: =([^=]+)=\s*$", re.MULTILINE)
CHAPTER = re.compile(r"^\* (.+?)[ \t]*$", re.MULTILINE)


def cited_keys(text: str) -> dict[str, str]:
    """Every key cited in TEXT, in order of first citation, mapped to the top-level
    heading it is first cited under (a citation may wrap onto the next line)."""
    chapters = [(m.start(), m.group(1)) for m in CHAPTER.finditer(text)]
    keys: dict[str, str] = {}
    for cite in CITE.finditer(text):
        chapter = next((name for start, name in reversed(chapters) if start < cite.start()), "")
        for key in KEY.findall(cite.group(1)):
            keys.setdefault(key, chapter)
    return keys


def listed_keys(text: str) -> set[str]:
    return set(README_KEY.findall(text))


def drift() -> tuple[dict[str, str], list[str]]:
    """(cited keys missing from the README -> chapter of first citation,
    README keys that primer.org no longer cites)."""
    cited = cited_keys(PRIMER.read_text(encoding="utf-8"))
    listed = listed_keys(README.read_text(encoding="utf-8"))
    missing = {k: ch for k, ch in cited.items() if k not in listed}
    stale = sorted(listed - cited.keys())
    return missing, stale


def test_parsers():
    text = ("* One\nsee [cite:@a2020x;@b-c:d] and [cite/t:cf. @e_f p. 3]\n* Two\n[cite:@a2020x]\n"
            "wrapped [cite:@g;\n@h].\n")
    assert cited_keys(text) == {"a2020x": "One", "b-c:d": "One", "e_f": "One",
                                "g": "Two", "h": "Two"}
    assert listed_keys("** T\n- Key: =a2020x=\n- Key: =b=\n") == {"a2020x", "b"}


def test_readme_lists_exactly_the_cited_papers():
    cited = set(cited_keys(PRIMER.read_text(encoding="utf-8")))
    assert cited, "no [cite:@...] found in primer.org"
    missing, stale = drift()
    problems = []
    if missing:
        problems.append("cited in primer.org but without an entry in papers/README.org: "
                        + ", ".join(f"{k} (chapter {ch!r})" for k, ch in missing.items()))
    if stale:
        problems.append("listed in papers/README.org but no longer cited in primer.org: "
                        + ", ".join(stale))
    assert not problems, "\n".join(problems)


if __name__ == "__main__":
    missing, stale = drift()
    print(f"missing from papers/README.org ({len(missing)}):")
    for key, chapter in missing.items():
        print(f"  {key}  [{chapter}]")
    print(f"stale in papers/README.org ({len(stale)}):")
    for key in stale:
        print(f"  {key}")
    sys.exit(1 if missing or stale else 0)
