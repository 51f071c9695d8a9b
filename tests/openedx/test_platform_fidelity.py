"""What Open edX's LMS and Studio do with our blocks that the workbench alone does not show.

Each test names the platform code it stands in for (see tests/support/studio.py for the runtime calls):
Studio asks every component for validate() (cms/djangoapps/contentstore/utils.py,
get_xblock_validation_messages) and exports url_name from the usage key; Studio's preview sets
runtime.is_author_mode and a "student" user (cms/djangoapps/contentstore/views/preview.py); edx-submissions
refuses answers over Submission.MAXSIZE (submissions/models.py, serializers.py); completion for another
learner goes through edx-completion's submit_group_completion.

Each test failed before its fix (issue "Open edX fidelity"); docs/openedx.md names the platform source
each fix was checked against. The mobile apps' Course Blocks API calls student_view_data() and
has_support(student_view, "multi_device") (lms/djangoapps/course_api/blocks/transformers/student_view.py).
"""

import json
from pathlib import Path

import pytest
import webob
from lxml import etree
from submissions import api as submissions
from submissions.models import Submission
from support.studio import CompletionService, PlatformUserService, StudioRuntime
from xblock.fields import Scope
from xblock.runtime import DictKeyValueStore

SCENARIOS = Path(__file__).resolve().parents[2] / "xblocks" / "rubric" / "templates" / "scenarios"
LEVELS = {"agenda": "proficient", "family_voice": "proficient", "neutrality": "proficient", "next_steps": "developing"}


def call(block, handler, payload=None):
    request = webob.Request.blank("/", method="POST", body=json.dumps(payload or {}).encode())
    response = block.runtime.handle(block, handler, request)
    text = response.body.decode("utf-8")
    return response.status_code, (json.loads(text) if response.content_type == "application/json" else text)


def imported(kvs, xml: str):
    """A block imported into a course (content stored in `kvs`); returns its (type, url_name)."""
    block = StudioRuntime(kvs=kvs).import_block(etree.fromstring(xml))
    return block.scope_ids.block_type, block.url_name


def lms(kvs, key, username, anonymous_id, staff=False, user_id=1, known=(), completion=None):
    """The block as the LMS binds it for one user."""
    user = PlatformUserService(username, anonymous_id, is_staff=staff, user_id=user_id, known=known)
    runtime = StudioRuntime(user_id=username, kvs=kvs, user=user, completion=completion)
    return runtime.block(*key, user_id=user_id)


def preview(kvs, key, username="author"):
    """The block as Studio's preview binds it: author mode, anonymous id "student", not staff."""
    runtime = StudioRuntime(user_id=username, kvs=kvs, user=PlatformUserService(username, "student"))
    runtime.is_author_mode = True
    return runtime.block(*key, user_id=7)


# ---------------------------------------------------------------- 1. validate()


def test_studio_gets_the_roleplay_authoring_problems_as_validation_messages():
    block = StudioRuntime().new_block("scenario_roleplay", "rp_new")
    assert block.validate().empty  # the starting scenario plays
    root = etree.fromstring(block.data.encode())
    root.set("start", "no_such_scene")
    block.data = etree.tostring(root, encoding="unicode")
    messages = block.validate().to_json()["messages"]
    assert messages and {m["type"] for m in messages} == {"error"}
    assert any("no_such_scene" in m["text"] for m in messages)


# ---------------------------------------------------------------- 2. url_name


def test_a_journal_added_or_duplicated_in_studio_exports_its_own_url_name():
    runtime = StudioRuntime()
    added = runtime.new_block("reflection_journal", "5f1c2e")
    assert runtime.export_block(added).get("url_name") == "5f1c2e"
    original = runtime.import_block(
        etree.fromstring('<reflection_journal url_name="pause1"><prompt id="p">Why?</prompt></reflection_journal>')
    )
    copy = runtime.new_block("reflection_journal", "9a8b7c")  # Studio's duplicate: fields copied, new key
    for name, field in type(original).fields.items():
        if field.scope in (Scope.content, Scope.settings) and field.is_set_on(original):
            setattr(copy, name, getattr(original, name))
    assert runtime.export_block(copy).get("url_name") == "9a8b7c"
    assert runtime.export_block(original).get("url_name") == "pause1"


# ---------------------------------------------------------------- 5. Studio preview

CERTIFICATION = (SCENARIOS / "certification.xml").read_text(encoding="utf-8")


def trainer_xml(url_name: str) -> str:
    """The certification rubric under its own url_name (edx-submissions rows are kept across tests)."""
    root = etree.fromstring(CERTIFICATION.encode())
    root.set("url_name", url_name)
    return etree.tostring(root, encoding="unicode")


SHARED_JOURNAL = """<reflection_journal url_name="shared" display_name="Shared" points="1">
  <prompt id="open" shared_with_staff="true">What will you try next time?</prompt>
</reflection_journal>"""


def test_studio_preview_writes_no_submissions_and_no_grades():
    kvs = DictKeyValueStore()
    journal_key = imported(kvs, SHARED_JOURNAL)
    block = preview(kvs, journal_key)
    status, _ = call(block, "submit", {"prompt_id": "open", "text": "I will ask the family first."})
    assert status == 200
    assert (
        list(
            submissions.get_all_submissions(str(block.runtime.course), str(block.location), "reflection_journal", False)
        )
        == []
    )
    assert [kind for kind, _ in block.runtime.events if kind == "grade"] == []

    rubric_key = imported(kvs, trainer_xml("preview_cert"))
    rubric = preview(kvs, rubric_key)
    status, body = call(rubric, "request_certification", {"notes": "A review meeting.", "recording_url": ""})
    assert status == 409 and "preview" in body["error"].lower()
    items = submissions.get_all_submissions(
        str(rubric.runtime.course), str(rubric.location), "facilitation_rubric", False
    )
    assert list(items) == []
    html = rubric.render("student_view").body_html()
    assert "p2p-preview-notice" in html and "Studio preview" in html


# ---------------------------------------------------------------- 7 and 8. trainer mode


def _requested(kvs, key, candidates):
    for number, name in enumerate(candidates, start=10):
        status, _ = call(
            lms(kvs, key, name, f"anon-{name}", user_id=number), "request_certification", {"notes": "Annual review."}
        )
        assert status == 200


def test_two_trainers_assessing_at_once_both_keep_their_records():
    kvs = DictKeyValueStore()
    key = imported(kvs, trainer_xml("two_trainers"))
    _requested(kvs, key, ["ana", "ben"])
    first = lms(kvs, key, "staff_a", "anon-staff_a", staff=True, user_id=1)
    second = lms(kvs, key, "staff_b", "anon-staff_b", staff=True, user_id=2)
    queues = [call(trainer, "queue")[1]["candidates"] for trainer in (first, second)]  # both pages open
    for trainer, queue, name in ((first, queues[0], "ana"), (second, queues[1], "ben")):
        entry = next(c for c in queue if c["candidate_id"] == f"anon-{name}")
        payload = {
            "candidate_id": entry["candidate_id"],
            "submission": entry["request"]["submission"],
            "levels": LEVELS,
        }
        assert call(trainer, "assess", payload)[0] == 200
    third = lms(kvs, key, "staff_c", "anon-staff_c", staff=True, user_id=3)
    records = {
        c["candidate_id"]: [a["trainer"] for a in c["assessments"]] for c in call(third, "queue")[1]["candidates"]
    }
    assert records == {"anon-ana": ["staff_a"], "anon-ben": ["staff_b"]}
    status, csv_text = call(third, "certification_csv")
    assert status == 200
    rows = csv_text.strip().splitlines()[1:]
    assert sorted(row.split(",")[1] for row in rows) == ["staff_a", "staff_b"]
    # Both trainers assess ana's request at once (each page loaded before either saved): both are kept.
    entry = next(c for c in queues[0] if c["candidate_id"] == "anon-ana")
    payload = {"candidate_id": "anon-ana", "submission": entry["request"]["submission"], "levels": LEVELS}
    assert call(second, "assess", payload)[0] == 200
    ana = next(c for c in call(third, "queue")[1]["candidates"] if c["candidate_id"] == "anon-ana")
    assert [a["trainer"] for a in ana["assessments"]] == ["staff_a", "staff_b"]


def test_an_assessment_completes_the_unit_for_the_candidate_not_the_trainer():
    kvs = DictKeyValueStore()
    key = imported(kvs, trainer_xml("completion_cert"))
    _requested(kvs, key, ["cara"])
    completion = CompletionService()
    trainer = lms(
        kvs,
        key,
        "staff_d",
        "anon-staff_d",
        staff=True,
        user_id=4,
        known=[("anon-cara", 10, "cara")],
        completion=completion,
    )
    entry = next(c for c in call(trainer, "queue")[1]["candidates"] if c["candidate_id"] == "anon-cara")
    payload = {"candidate_id": "anon-cara", "submission": entry["request"]["submission"], "levels": LEVELS}
    assert call(trainer, "assess", payload)[0] == 200
    assert completion.submitted == [(str(trainer.location), 1.0, (10,))]
    assert [kind for kind, _ in trainer.runtime.events if kind == "completion"] == []  # not the trainer's


# ---------------------------------------------------------------- 9. the submissions size limit


def test_ten_full_shared_entries_fit_edx_submissions_and_events_follow_the_write():
    prompts = "".join(f'<prompt id="p{n}" shared_with_staff="true">Prompt {n}?</prompt>' for n in range(10))
    kvs = DictKeyValueStore()
    key = imported(
        kvs, f'<reflection_journal url_name="big" points="1" display_name="Big">{prompts}</reflection_journal>'
    )
    learner = lms(kvs, key, "dana", "anon-dana", user_id=20)
    text = "é😀" * 5_000  # 10,000 characters, the most an entry holds, each escaped by JSON
    for n in range(10):
        status, body = call(learner, "submit", {"prompt_id": f"p{n}", "text": text})
        assert status == 200, body
    sizes = [len(json.dumps(s.answer)) for s in Submission.objects.filter(student_item__student_id="anon-dana")]
    assert sizes and max(sizes) <= Submission.MAXSIZE
    staff = lms(kvs, key, "staff_e", "anon-staff_e", staff=True, user_id=5)
    status, body = call(staff, "staff_entries")
    assert status == 200
    assert sorted(row["prompt_id"] for row in body["rows"]) == [f"p{n}" for n in range(10)]
    assert all(row["text"] == text and row["username"] == "dana" for row in body["rows"])
    grades = [data for kind, data in learner.runtime.events if kind == "grade"]
    assert grades  # published, and only after each share was written (a refused share publishes nothing)


# ---------------------------------------------------------------- 11. the mobile apps, user look-ups

BLOCK_TYPES = ["scenario_roleplay", "reflection_journal", "facilitation_rubric"]
STAFF_OR_AUTHOR_HANDLERS = {"check_content", "studio_submit", "staff_entries", "staff_csv", "queue", "assess"}


@pytest.mark.parametrize("block_type", BLOCK_TYPES)
def test_the_mobile_apps_get_each_blocks_content_and_a_phone_layout(block_type):
    """The Course Blocks API's StudentViewTransformer.collect (lms/djangoapps/course_api/blocks/transformers/
    student_view.py) asks has_support(student_view, "multi_device") and calls student_view_data() on the
    block as the modulestore holds it, bound to no one, once for every user."""
    block = StudioRuntime().new_block(block_type, "mobile")
    assert block.has_support(type(block).student_view, "multi_device")
    data = block.student_view_data()
    assert json.loads(json.dumps(data)) == data
    assert data["available"] is True and data["kind"] == block_type
    assert data["content"] == block.template_content(block.view_content(block.parsed().model))
    assert "state" in data["handlers"] and not STAFF_OR_AUTHOR_HANDLERS & set(data["handlers"])


def test_student_view_data_holds_no_answer_key_and_no_learner_state():
    kvs = DictKeyValueStore()
    root = etree.fromstring((SCENARIOS / "calibration.xml").read_bytes())
    root.set("url_name", "mobile_calibration")
    key = imported(kvs, etree.tostring(root, encoding="unicode"))
    data = StudioRuntime(kvs=kvs).block(*key).student_view_data()
    assert data["content"]["samples"] and all("key" not in sample for sample in data["content"]["samples"])

    journal_key = imported(kvs, SHARED_JOURNAL)
    unbound = StudioRuntime(kvs=kvs).block(*journal_key).student_view_data()
    learner = lms(kvs, journal_key, "gus", "anon-gus", user_id=40)
    assert call(learner, "submit", {"prompt_id": "open", "text": "Ask the family what a good day is."})[0] == 200
    assert lms(kvs, journal_key, "gus", "anon-gus", user_id=40).student_view_data() == unbound
    assert "good day" not in json.dumps(unbound)


def test_a_request_asks_the_user_service_once():
    """The LMS's user service (common/djangoapps/xblock_django/user_service.py) builds a new XBlockUser,
    with database look-ups, on every get_current_user call; a block asks it once per request."""
    kvs = DictKeyValueStore()
    key = imported(kvs, trainer_xml("lookups_cert"))
    for staff in (False, True):
        user = PlatformUserService("hal", "anon-hal", is_staff=staff, user_id=50)
        page = StudioRuntime(user_id="hal", kvs=kvs, user=user).block(*key, user_id=50)
        page.render("student_view")
        assert user.lookups == 1
    user = PlatformUserService("ida", "anon-ida", user_id=51)
    request = StudioRuntime(user_id="ida", kvs=kvs, user=user).block(*key, user_id=51)
    assert call(request, "request_certification", {"notes": "Annual review."})[0] == 200
    assert user.lookups == 1


def test_a_share_edx_submissions_refuses_keeps_and_publishes_nothing():
    """edx-submissions refuses the share (here a student id over its 255 characters, submissions/models.py):
    the submit answers 409, the entry is not kept, and no completion or grade was published first."""
    kvs = DictKeyValueStore()
    key = imported(
        kvs,
        '<reflection_journal url_name="refused" points="1" display_name="Refused">'
        '<prompt id="open" shared_with_staff="true">What next?</prompt></reflection_journal>',
    )
    learner = lms(kvs, key, "jo", "x" * 300, user_id=60)
    status, body = call(learner, "submit", {"prompt_id": "open", "text": "Meet the family before the IEP."})
    assert status == 409 and "shared" in body["error"]
    assert [kind for kind, _ in learner.runtime.events if kind in ("grade", "completion")] == []
    again = lms(kvs, key, "jo", "x" * 300, user_id=60)
    assert call(again, "state")[1]["entries"]["open"]["versions"] == []
