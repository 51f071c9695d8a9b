"""Write tests/vectors/problem/content.json: each fixture problem's content as model.py gives it, so the
JavaScript rules (run by Node, which has no XML parser of ours) grade exactly what the Python rules grade.
A test fails when the file is not what this script writes. Run: .venv/bin/python tests/problem/make_problem_content.py
"""

import json
from pathlib import Path

from lxml import etree

from xblocks.problem import model

VECTORS = Path(__file__).resolve().parents[1] / "vectors" / "problem"


def contents() -> dict:
    out = {}
    for path in sorted((VECTORS / "problems").glob("*.xml")):
        parsed, problems = model.parse(etree.parse(str(path)).getroot(), path.name)
        assert problems == [], problems
        out[path.name] = model.view_content(parsed)
    return out


def text() -> str:
    return json.dumps(contents(), indent=1, ensure_ascii=False, sort_keys=True) + "\n"


if __name__ == "__main__":
    (VECTORS / "content.json").write_text(text(), encoding="utf-8")
