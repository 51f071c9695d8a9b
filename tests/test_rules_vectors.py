"""Every block's shared rule vectors against its model.py, through the one rules contract
(restore, apply, report; docs/architecture.md). The schema is tests/vectors/README.md; the same files
run against the scripts' rules in Node (tests/rules.test.js)."""

from __future__ import annotations

import copy
import json

import pytest
from support.vectors import cases, content_of, matches, vector_files

from xblocks.common import kind as kinds
from xblocks.common.rules import Refused

CASES = [case for path in vector_files() for case in ((path, *c) for c in cases(path))]


def as_json(value):
    return json.loads(json.dumps(value))


@pytest.mark.parametrize("path, name, vector, case", CASES, ids=[c[1] for c in CASES])
def test_the_model_follows_the_vector(path, name, vector, case):
    model = kinds.known(vector["block"]).model
    content, _script_content = content_of(path, vector, case)
    state = model.restore(copy.deepcopy(case.get("saved")), content)
    if "restored" in case:
        assert as_json(state) == case["restored"]
    for number, step in enumerate(case["steps"], 1):
        where = f"step {number} ({step['handler']} {json.dumps(step['payload'])[:200]})"
        before = copy.deepcopy(state)
        try:
            new_state, response = model.apply(
                step["handler"], state, copy.deepcopy(step["payload"]), content, step.get("ctx")
            )
        except Refused as refused:
            assert "refused" in step, f"{where}: refused: {refused.text()}"
            assert refused.status == step["refused"]["status"], where
            if "message" in step["refused"]:
                assert refused.text() == step["refused"]["message"], where
            assert state == before, f"{where}: a refused request changed the state"
            continue
        assert "refused" not in step, f"{where}: should have been refused"
        assert state == before, f"{where}: a rule changed the state it was given"
        response = as_json(response)
        if "response" in step:
            assert response == step["response"], where
        if "expect" in step:
            assert matches(step["expect"], response), f"{where}: {json.dumps(response)[:2000]}"
        if step["handler"] == "state":
            assert new_state == state, f"{where}: the read-only state handler changed the state"
        state = new_state
        if "state" in step:
            assert as_json(state) == step["state"], where
    if "state" in case:
        assert as_json(state) == case["state"], "final state"
    if "report" in case:
        assert as_json(model.report(state, content, case.get("block_id", ""))) == case["report"]


def test_the_matcher_can_fail():
    assert not matches({"score": {"earned": 1}}, {"score": {"earned": 0.5}})
    assert not matches({"answer": None}, {})
    assert matches({"score": {"earned": 1}}, {"score": {"earned": 1, "possible": 2}, "x": 1})


def test_every_block_kind_has_vectors_with_a_refusal_and_a_report():
    """Every installed kind of ours (and every kind the platform renders) has vectors."""
    tags = {vector["block"] for _path, _name, vector, _case in CASES}
    assert tags == set(kinds.block_kinds()) | set(kinds.PLATFORM_KINDS)
    for tag in tags:
        steps = [s for _p, _n, v, c in CASES if v["block"] == tag for s in c["steps"]]
        assert any("refused" in s for s in steps), f"{tag}: no refusal in its vectors"
        assert any("report" in c for _p, _n, v, c in CASES if v["block"] == tag), f"{tag}: no report in its vectors"
