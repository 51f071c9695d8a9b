"""The blocks' shared rule vectors (tests/vectors/README.md): finding them, reading their content.

A vector names its block kind and its content: an OLX file, parsed by the kind's own model (Python's
rules read `rules_content`, the script's `view_content`), or the JSON content itself. Run as a script,
this prints {content key: view_content} for every OLX file the vectors name: the Node runner
(tests/rules.test.js) reads the content from here, so the script is tested on exactly what model.py
gives, with no copy to go stale.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

from lxml import etree

from xblocks.common import kind as kinds

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests" / "vectors"


def vector_files() -> list[Path]:
    """Every block's rule vectors: the JSON files under tests/vectors/<block>/ that name a block kind
    (the grader's vectors, tests/vectors/grader/, are not block rules and have their own runners)."""
    found = []
    for path in sorted(VECTORS.glob("*/*.json")):
        if "block" in json.loads(path.read_text(encoding="utf-8")):
            found.append(path)
    return found


def cases(path: Path) -> list[tuple[str, dict, dict]]:
    """(test id, vector, case) for each case of a vector file; a case's own `content` wins."""
    vector = json.loads(path.read_text(encoding="utf-8"))
    name = f"{path.parent.name}/{path.stem}"
    return [(f"{name}: {case['name']}", vector, case) for case in vector["cases"]]


def content_key(path: Path, content: str) -> str:
    """The key a content file is known by: its path from the repository root."""
    return content if content.startswith("courses/") else (path.parent / content).relative_to(ROOT).as_posix()


@functools.cache
def parsed(tag: str, key: str):
    """The model of an OLX content file, parsed by the kind's model (it must have no problems)."""
    model = kinds.known(tag).model
    model_, problems = model.parse(etree.parse(str(ROOT / key)).getroot(), key)
    assert not problems, "\n".join(map(str, problems))
    return model_


def content_of(path: Path, vector: dict, case: dict) -> tuple[object, object]:
    """(what Python's rules read, what the script's rules read) for a case of the vector at `path`."""
    given = case.get("content", vector.get("content"))
    if isinstance(given, dict):
        return given, given
    model = kinds.known(vector["block"]).model
    found = parsed(vector["block"], content_key(path, given))
    return model.rules_content(found), model.view_content(found)


def matches(expected, got) -> bool:
    """A step's `expect`: every key the vector names has the value it names, at any depth (lists and
    scalars compared whole)."""
    if isinstance(expected, dict):
        return isinstance(got, dict) and all(k in got and matches(v, got[k]) for k, v in expected.items())
    return expected == got


def for_scripts() -> dict:
    """What the Node runner needs from Python: each vectored kind's script and global
    ({tag: {script, global}}) and the content of every OLX file a vector names ({key: view_content})."""
    scripts, contents = {}, {}
    for path in vector_files():
        vector = json.loads(path.read_text(encoding="utf-8"))
        kind = kinds.known(vector["block"])
        scripts[kind.tag] = {"script": str(kind.script), "global": kind.global_name}
        for case in vector["cases"]:
            given = case.get("content", vector.get("content"))
            if isinstance(given, str):
                key = content_key(path, given)
                contents[key] = kind.model.view_content(parsed(kind.tag, key))
    return {"scripts": scripts, "contents": contents}


if __name__ == "__main__":
    json.dump(for_scripts(), sys.stdout, ensure_ascii=False)
