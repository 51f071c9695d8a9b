"""The condition language: every vector in tests/vectors/roleplay/conditions/ gives the same trees,
results, messages and positions in Python (conditions.py) and in JavaScript (P2PRoleplay.conditions in roleplay.js,
run by Node)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from xblocks.roleplay import conditions

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "tests" / "vectors" / "roleplay" / "conditions"
VECTORS = {path.name: json.loads(path.read_text(encoding="utf-8")) for path in sorted(FOLDER.glob("*.json"))}


def python_answers(vector: dict) -> dict:
    variables = vector["variables"]

    def attempt(run):
        try:
            return {"value": run()}
        except conditions.ConditionError as error:
            return {"message": error.message, "position": error.position}

    valid = []
    for case in vector["valid"]:
        tree = conditions.parse(case["condition"], variables)
        valid.append(
            {
                "tree": tree,
                "results": [conditions.holds(tree, values) for values, _ in case["cases"]],
                "names": sorted(conditions.names(tree)),
            }
        )
    effects = []
    for case in vector["effects"]:
        parsed = conditions.parse_effects(case["set"], variables)
        effects.append({"effects": parsed, "after": conditions.apply_effects(parsed, case["before"])})
    return {
        "valid": valid,
        "invalid": [attempt(lambda c=c: conditions.parse(c["condition"], variables)) for c in vector["invalid"]],
        "effects": effects,
        "invalid_effects": [
            attempt(lambda c=c: conditions.parse_effects(c["set"], variables)) for c in vector["invalid_effects"]
        ],
    }


def check(vector: dict, answers: dict) -> None:
    for case, answer in zip(vector["valid"], answers["valid"], strict=True):
        assert answer["tree"] == case["tree"], case["condition"]
        assert answer["results"] == [expected for _, expected in case["cases"]], case["condition"]
    for case, answer in zip(vector["invalid"], answers["invalid"], strict=True):
        assert answer == {"message": case["message"], "position": case["position"]}, case["condition"]
    for case, answer in zip(vector["effects"], answers["effects"], strict=True):
        assert answer == {"effects": case["effects"], "after": case["after"]}, case["set"]
    for case, answer in zip(vector["invalid_effects"], answers["invalid_effects"], strict=True):
        assert answer == {"message": case["message"], "position": case["position"]}, case["set"]


@pytest.fixture(scope="module")
def script_answers() -> dict:
    node = shutil.which("node")
    assert node, "Node.js runs the script's half of the vectors"
    run = subprocess.run(
        [node, str(ROOT / "tests" / "roleplay" / "run_condition_vectors.js")],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(run.stdout)


@pytest.mark.parametrize("name", VECTORS)
def test_python_answers_every_vector(name):
    check(VECTORS[name], python_answers(VECTORS[name]))


@pytest.mark.parametrize("name", VECTORS)
def test_script_answers_every_vector_as_python_does(name, script_answers):
    check(VECTORS[name], script_answers[name])
    assert script_answers[name] == python_answers(VECTORS[name])


def test_a_condition_is_never_evaluated_as_code():
    with pytest.raises(conditions.ConditionError):
        conditions.parse("__import__('os')")
    with pytest.raises(conditions.ConditionError):
        conditions.parse("x" * (conditions.MAX_LENGTH + 1))


def test_names_lists_what_a_condition_reads():
    tree = conditions.parse("(interpreter or attended) and trust >= deferred")
    assert conditions.names(tree) == {"interpreter", "attended", "trust", "deferred"}
