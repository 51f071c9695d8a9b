"""Fuzzing every handler of every block (hypothesis): whatever a browser sends, the answer is a 2xx or a
4xx with a message, never a 5xx or a traceback, and a refused request changes nothing (no field of any
scope, no edx-submissions row, no event).

Each block runs in the xblock-sdk workbench with its real handlers, for a learner and for course staff;
a request is a handler, a method and a body drawn from what breaks handlers: bytes that are not UTF-8
or not JSON, nesting far deeper than any payload, JSON values of every shape, and payloads built from the
keys the blocks' own scripts send, with values of every shape. Bounded for CI like the loader fuzzers
(`max_examples`, P2P_FUZZ_EXAMPLES for a longer run, the same examples every run unless P2P_FUZZ_RANDOM).
"""

from __future__ import annotations

import functools
import itertools
import json
import os
from pathlib import Path

import pytest
import webob
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from submissions.models import Submission
from support.workbench import RecordingRuntime

ROOT = Path(__file__).resolve().parents[1]
RUBRICS = ROOT / "xblocks" / "rubric" / "templates" / "scenarios"
EXAMPLES = int(os.environ.get("P2P_FUZZ_EXAMPLES", "80"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("P2P_FUZZ_RANDOM") is None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)

STARTER_ROLEPLAY = """<scenario_roleplay display_name="Fuzz" start="a">
  <dimension id="d" label="D">A dimension.</dimension>
  <persona id="p" name="P" role="R"/>
  <scene id="a" title="A">
    <line speaker="p">Hello?</line>
    <choice id="go" next="b" points="d:1"><text>Go on.</text><feedback>Good.</feedback></choice>
    <choice id="end" next="e" points="d:-1"><text>Stop.</text><feedback>Not so good.</feedback></choice>
  </scene>
  <scene id="b" title="B">
    <choice id="finish" next="e" points="d:1"><text>Finish.</text><feedback>Done.</feedback></choice>
  </scene>
  <ending id="e" title="E"><debrief>The end.</debrief></ending>
</scenario_roleplay>"""

JOURNAL = """<reflection_journal display_name="Fuzz" section="S" min_words="2" points="2">
  <prompt id="mine">A private question?</prompt>
  <prompt id="ours" shared_with_staff="true">A shared question?</prompt>
</reflection_journal>"""

BLOCKS = {
    "roleplay": STARTER_ROLEPLAY,
    "journal": JOURNAL,
    "rubric_self": (RUBRICS / "self_check.xml").read_text(encoding="utf-8"),
    "rubric_calibration": (RUBRICS / "calibration.xml").read_text(encoding="utf-8"),
    "rubric_trainer": (RUBRICS / "certification.xml").read_text(encoding="utf-8"),
}

# The keys the blocks' scripts and editors send, so payloads reach the rules and not only the door.
KEYS = [
    "choice",
    "prompt_id",
    "text",
    "drafts",
    "page",
    "seq",
    "ratings",
    "notes",
    "sample",
    "candidate_id",
    "submission",
    "levels",
    "feedback",
    "recording_url",
    "xml",
    "agenda",
    "family_voice",
    "mine",
    "ours",
    "go",
    "x",
]
STRINGS = st.one_of(
    st.sampled_from(KEYS),
    st.sampled_from(
        ["", " ", "\x00", "proficient", "exemplary", "=1+1", "\ud800", "x" * 10_001, "<a>", "javascript:x"]
    ),
    st.text(max_size=30),
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    STRINGS,
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=20,
)
PAYLOADS = st.dictionaries(st.sampled_from(KEYS), JSON_VALUES, max_size=6)


def _encode(value) -> bytes:
    try:
        return json.dumps(value).encode("utf-8")
    except UnicodeEncodeError:  # json.dumps escapes lone surrogates; this never happens, but stay total
        return b"{}"


BODIES = st.one_of(
    PAYLOADS.map(_encode),
    JSON_VALUES.map(_encode),
    st.binary(max_size=200),
    st.integers(min_value=1, max_value=5_000).map(lambda depth: b"[" * depth + b"]" * depth),
    st.integers(min_value=1, max_value=5_000).map(lambda depth: b'{"a":' * depth + b"1" + b"}" * depth),
    st.sampled_from([b"NaN", b"Infinity", b'"\\ud800"', b'{"text": "\\udc00"}', b"\xff\xfe", b" " * 200_001]),
)
_users = itertools.count()


@functools.cache
def usage(name: str):
    """The block's definition, loaded once (a fresh block per request reads it from storage)."""
    return RecordingRuntime("fuzz-author").parse_xml_string(BLOCKS[name])


def handlers(name: str) -> list[str]:
    block = RecordingRuntime("fuzz-author").get_block(usage(name))
    return sorted(n for n in dir(type(block)) if getattr(getattr(type(block), n), "_is_xblock_handler", False))


def snapshot(block) -> str:
    """Every field of every scope the block can see, and the edx-submissions rows of this block."""
    fields = {name: field.read_json(block) for name, field in block.fields.items() if name not in ("parent",)}
    rows = Submission.objects.filter(student_item__item_id=str(block.scope_ids.usage_id)).count()
    return json.dumps({"fields": fields, "rows": rows}, sort_keys=True, default=str)


def fresh(name: str, user: str):
    runtime = RecordingRuntime(user)
    return runtime, runtime.get_block(usage(name))


@pytest.mark.parametrize("name", sorted(BLOCKS))
def test_every_handler_answers_2xx_or_a_4xx_with_a_message_and_a_refusal_changes_nothing(name):
    names = handlers(name)
    assert {"studio_submit", "check_content"} <= set(names)

    @FUZZ
    @given(
        handler=st.sampled_from(names),
        method=st.sampled_from(["POST", "POST", "POST", "GET", "PUT"]),
        body=BODIES,
        staff=st.booleans(),
    )
    def run(handler, method, body, staff):
        user = f"{'staff' if staff else 'learner'}-fuzz-{next(_users)}"
        _runtime, before_block = fresh(name, user)
        before = snapshot(before_block)
        runtime, block = fresh(name, user)
        request = webob.Request.blank("/", method=method, body=body if method != "GET" else None)
        response = runtime.handle(block, handler, request)
        status = response.status_code
        assert status < 500, (handler, status, response.body[:200])
        if status >= 400:
            answer = json.loads(response.body)
            assert isinstance(answer.get("error"), str) and answer["error"], (handler, answer)
            block.save()  # what the runtime would persist after the handler
            assert snapshot(fresh(name, user)[1]) == before, (handler, answer)
            assert runtime.events == [], (handler, runtime.events)

    run()
