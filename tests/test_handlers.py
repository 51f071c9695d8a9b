"""The shared handler layer (xblocks/common/base.py), one test per finding of the hardening review:
handlers that answered 500, staff handlers that read the payload before the permission, and content
writes (`studio_submit`) a learner could make in the workbench. The fuzzers (test_handler_fuzz.py)
cover the rest of what a browser can send."""

from __future__ import annotations

import json

import pytest
import webob
from lxml import etree
from support.studio import PlatformUserService, StudioRuntime
from test_handler_fuzz import BLOCKS, fresh, handlers, snapshot

from xblocks.common.handlers import MAX_JSON_DEPTH, json_body

DEEP = b"[" * 5_000 + b"]" * 5_000  # 10 KB: json.loads raised RecursionError on it


def post(runtime, block, handler, body: bytes, method="POST"):
    response = runtime.handle(block, handler, webob.Request.blank("/", method=method, body=body))
    return response.status_code, json.loads(response.body) if response.content_type == "application/json" else None


@pytest.mark.parametrize("name", sorted(BLOCKS))
def test_deeply_nested_json_is_a_400_in_every_handler_and_changes_nothing(name):
    for handler in handlers(name):
        for user in ("learner-deep", "staff-deep"):
            before = snapshot(fresh(name, user)[1])
            runtime, block = fresh(name, user)
            status, answer = post(runtime, block, handler, DEEP)
            assert status in (400, 403), (handler, status)
            assert answer["error"], handler
            assert snapshot(fresh(name, user)[1]) == before


def test_the_decoder_takes_every_payload_of_ours_and_refuses_past_its_bounds():
    assert json_body(b"") == {}
    assert json_body(b'{"drafts": [{"prompt_id": "a", "text": "[[{{"}]}') == {
        "drafts": [{"prompt_id": "a", "text": "[[{{"}]
    }
    deepest = b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH
    assert json_body(deepest) == json.loads(deepest)
    for raw, message in (
        (b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1), "nests too deeply"),
        (b"x" * 101, "too large"),
        (b"NaN", "not JSON"),
        (b"\xff", "not JSON"),
        (b'"\\ud800"', "half of a character"),
    ):
        with pytest.raises(ValueError, match=message):
            json_body(raw, max_bytes=100)


@pytest.mark.parametrize(
    "candidate_id", [5, None, ["a"], {"a": 1}, "", "x" * 10_000, "\u0000", "anon-' OR 1=1 --", "a" * 256]
)
def test_assess_answers_a_bad_candidate_id_with_a_400(candidate_id):
    runtime, trainer = fresh("rubric_trainer", "staff-assessor")
    payload = {"candidate_id": candidate_id, "submission": "x", "levels": {}}
    status, answer = post(runtime, trainer, "assess", json.dumps(payload).encode())
    assert status == 400 and answer["error"]


@pytest.mark.parametrize(
    "name, handler",
    [("journal", "staff_entries"), ("journal", "staff_csv"), ("rubric_trainer", "queue"), ("rubric_trainer", "assess")]
    + [(name, handler) for name in ("roleplay", "journal", "rubric_self") for handler in ("studio_submit",)],
)
def test_staff_handlers_check_permission_before_the_payload(name, handler):
    """A learner gets 403, whatever the body: not a 400 that tells what the handler would accept."""
    for body, method in ((b"{not json", "POST"), (DEEP, "POST"), (b"{}", "GET"), (b"x" * 3_000_000, "POST")):
        runtime, block = fresh(name, "learner-peeking")
        status, answer = post(runtime, block, handler, body, method)
        assert status == 403 and answer["error"], (handler, body[:10], method)


# ---------------------------------------------------------------- content writes need an author


def _edited(name):
    return BLOCKS[name].replace('display_name="', 'display_name="Edited ', 1)


@pytest.mark.parametrize("name", ["roleplay", "journal", "rubric_self"])
def test_a_learner_cannot_change_content_in_the_workbench(name):
    runtime, learner = fresh(name, "learner-editing")
    before = learner.content_text
    status, answer = post(runtime, learner, "studio_submit", json.dumps({"xml": _edited(name)}).encode())
    assert status == 403 and "course team" in answer["error"]
    status, _answer = post(runtime, learner, "check_content", json.dumps({"xml": _edited(name)}).encode())
    assert status == 403
    assert fresh(name, "learner-reading")[1].content_text == before
    runtime, author = fresh(name, "staff-editing")
    status, answer = post(runtime, author, "studio_submit", json.dumps({"xml": _edited(name)}).encode())
    assert status == 200 and answer["display_name"].startswith("Edited ")
    reader = fresh(name, "learner-reading")[1]
    assert reader.display_name.startswith("Edited ") and 'display_name="Edited ' in reader.content_text
    post(runtime, author, "studio_submit", json.dumps({"xml": BLOCKS[name]}).encode())  # as it was, for other tests


class StudioPermissions:
    """Studio's studio_user_permissions service (cms/djangoapps/contentstore/utils.py): can_write is
    the course author check; Studio's user service there does not say staff."""

    def __init__(self, author: bool):
        self.author, self.asked = author, []

    def can_write(self, course_key):
        self.asked.append(str(course_key))
        return self.author


@pytest.mark.parametrize("author", [True, False])
def test_in_studio_the_author_permission_decides_not_the_staff_flag(author):
    runtime = StudioRuntime(user_id="ana", user=PlatformUserService("ana", "anon-ana", is_staff=False))
    permissions = StudioPermissions(author)
    runtime._services["studio_user_permissions"] = permissions
    block = runtime.import_block(
        etree.fromstring('<reflection_journal url_name="j1"><prompt id="p">Why?</prompt></reflection_journal>')
    )
    edited = '<reflection_journal display_name="Renamed"><prompt id="p">Why now?</prompt></reflection_journal>'
    status, answer = post(runtime, block, "studio_submit", json.dumps({"xml": edited}).encode())
    assert permissions.asked == [str(runtime.course)]
    if author:
        assert status == 200 and block.model().prompts[0].text == "Why now?"
    else:
        assert status == 403 and block.model().prompts[0].text == "Why?"


def test_outside_studio_course_staff_may_edit_and_learners_may_not():
    """No studio_user_permissions service (the LMS, the workbench): the staff answer decides."""
    runtime, block = fresh("journal", "learner-x")
    assert not block.allowed("author") and not block.allowed("staff") and block.allowed(None)
    runtime, block = fresh("journal", "staff-x")
    assert block.allowed("author") and block.allowed("staff")
