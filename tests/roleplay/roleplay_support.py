"""Shared helpers of the role-play tests: scenarios, the shared vectors, and runners that apply a
vector to model.py, to the XBlock's JSON handlers, and (in the browser tests) to the script."""

from __future__ import annotations

import json
from pathlib import Path

import webob
from lxml import etree

from xblocks.roleplay import model

ROOT = Path(__file__).resolve().parents[2]
VECTORS_DIR = ROOT / "tests" / "vectors" / "roleplay"
MS_PEREZ = ROOT / "courses" / "cultural_competency" / "scenario_roleplay" / "ms_perez.xml"


def scenario_path(name: str) -> Path:
    """Vector scenarios are named relative to the vectors folder, course files to the repository."""
    return ROOT / name if name.startswith("courses/") else VECTORS_DIR / name


def load_scenario(path: Path) -> model.Scenario:
    scenario, problems = model.parse(etree.parse(str(path)).getroot(), str(path.relative_to(ROOT)))
    assert not problems, "\n".join(map(str, problems))
    return scenario


def loop_free_routes(scenario: model.Scenario) -> list[list[str]]:
    """Every loop-free route from the start to an ending, as lists of choice ids (an oracle
    written apart from model.py's own search, so the tests do not check the model against itself)."""
    found, stack = [], [(scenario.start, [], {scenario.start})]
    while stack:
        scene_id, route, seen = stack.pop()
        scene = scenario.scene(scene_id)
        if scene.ending:
            found.append(route)
            continue
        for choice in scene.choices:
            if choice.next not in seen:
                stack.append((choice.next, route + [choice.id], seen | {choice.next}))
    return found


def vectors() -> list[tuple[str, dict]]:
    found = sorted(VECTORS_DIR.glob("*.json"))
    assert len(found) >= 8, "the role-play vectors are missing"
    return [(path.stem, json.loads(path.read_text(encoding="utf-8"))) for path in found]


def run_model(vector: dict) -> dict:
    """Apply a vector to model.py; the outcome has the shape the browser runner returns."""
    scenario = load_scenario(scenario_path(vector["scenario"]))
    state = model.restore(vector["saved"], scenario)
    outcome = {"restored": json.loads(json.dumps(state)), "steps": []}
    for step in vector["steps"]:
        try:
            state, response = model.handle(step["call"], state, step["payload"], scenario)
            outcome["steps"].append({"refused": False, "response": response, "state": json.loads(json.dumps(state))})
        except model.Refused:
            outcome["steps"].append({"refused": True, "response": None, "state": json.loads(json.dumps(state))})
    outcome["report"] = model.report(state, scenario, vector["block_id"])
    return outcome


def check(vector: dict, outcome: dict) -> None:
    """The vector's hand-written expectations hold for an outcome (from Python or JavaScript)."""
    if "restored" in vector:
        assert outcome["restored"] == vector["restored"]
    previous = outcome["restored"]
    for number, (step, result) in enumerate(zip(vector["steps"], outcome["steps"], strict=True), 1):
        where = f"step {number} ({step['call']} {json.dumps(step['payload'])})"
        assert result["refused"] == bool(step.get("refused")), f"{where}: refused={result['refused']}"
        if step.get("refused"):
            assert result["state"] == previous, f"{where}: a refused request changed the state"
        for key, expected in step.get("expect", {}).items():
            assert result["response"][key] == expected, (
                f"{where}: {key} = {result['response'][key]!r}, expected {expected!r}"
            )
        if step["call"] == "state" and not step.get("refused"):
            assert result["state"] == previous, f"{where}: the read-only state handler changed the state"
        previous = result["state"]
    assert previous == vector["state"], f"final state {previous!r}"
    report = outcome["report"]
    if "report" in vector:
        assert report == vector["report"]
    if "report_summary" in vector:
        summary = vector["report_summary"]
        assert report["completed"] == summary["completed"]
        assert report["score"] == summary["score"]
        assert len(report["interactions"]) == summary["interaction_count"]
        assert [i["result"] for i in report["interactions"]] == summary["results"]
        assert all(i["id"] == f"{vector['block_id']}-{i['response']}" for i in report["interactions"])


# -- the XBlock in the xblock-sdk runtime ------------------------------------------------------


def post(runtime, block, handler: str, payload) -> tuple[int, dict]:
    request = webob.Request.blank("/", method="POST", body=json.dumps(payload).encode("utf-8"))
    response = runtime.handle(block, handler, request)
    return response.status_code, json.loads(response.body)


def block_state(block) -> dict:
    """The block's learner fields as the compact state the rules use (as the block reads them)."""
    return {
        "r": block._field("route"),
        "v": block._field("via"),
        "n": block._field("attempts"),
        "b": block._field("best_score"),
        "l": block._field("last_score"),
    }


def set_block_state(block, saved) -> None:
    if saved is None:
        return
    block.route, block.via, block.attempts = saved.get("r"), saved.get("v"), saved.get("n")
    block.best_score, block.last_score = saved.get("b"), saved.get("l")
    block.save()
