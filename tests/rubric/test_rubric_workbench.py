"""The facilitation_rubric XBlock in the xblock-sdk workbench runtime, with edx-submissions for real:
self and calibration modes (the shared vectors through the handlers, grade and completion events),
trainer certification (requests, the queue, assessments, grades on the candidate, history, CSV),
and the permission checks."""

import csv
import io
import itertools
import json
from pathlib import Path

import pytest
import webob
from django.test import Client
from django.utils import translation
from submissions import api as submissions
from support.workbench import RecordingRuntime
from workbench.scenarios import get_scenarios

from xblocks.rubric import model

VECTORS = Path(__file__).resolve().parents[1] / "vectors" / "rubric"
SCENARIOS = Path(model.__file__).resolve().parent / "templates" / "scenarios"
_users = itertools.count()


def fresh_user(prefix="learner") -> str:
    return f"{prefix}{next(_users)}"


def load(xml: str):
    """A new block definition from OLX; returns its usage id."""
    return RecordingRuntime("author").parse_xml_string(xml)


def as_user(usage_id, user):
    runtime = RecordingRuntime(user)
    return runtime, runtime.get_block(usage_id)


def call(runtime, block, handler, payload=None, method="POST"):
    body = json.dumps(payload if payload is not None else {}).encode()
    response = runtime.handle(block, handler, webob.Request.blank("/", method=method, body=body))
    text = response.body.decode("utf-8")
    return response.status_code, (json.loads(text) if response.content_type == "application/json" else text)


def scenario(name):
    return (SCENARIOS / name).read_text(encoding="utf-8")


# ------------------------------------------------------------------ self and calibration


def stored(block):
    fields = (block.ratings, block.notes, block.submitted, block.attempts, block.first_ratings, block.submitted_samples)
    return json.loads(json.dumps(fields))


@pytest.mark.parametrize("path", sorted(VECTORS.glob("*.json")), ids=lambda p: p.name)
def test_vectors_through_the_block_handlers(path):
    vector = json.loads(path.read_text(encoding="utf-8"))
    usage_id = load((VECTORS / vector["content"]).read_text(encoding="utf-8"))
    for case in vector["cases"]:
        user = fresh_user()
        runtime, block = as_user(usage_id, user)
        if "saved" in case:
            saved = case["saved"]
            block.ratings, block.notes = saved.get("r", {}), saved.get("n", {})
            block.submitted, block.attempts = saved.get("s", 0), saved.get("a", 0)
            block.first_ratings, block.submitted_samples = saved.get("f", {}), saved.get("p", [])
            block.save()
        for step in case["steps"]:
            before = stored(block)
            status, body = call(runtime, block, step["handler"], step["payload"])
            if "refused" in step:
                assert (status, body) == (step["refused"]["status"], {"error": step["refused"]["message"]}), case[
                    "name"
                ]
                runtime, block = as_user(usage_id, user)  # read back from the store
                assert stored(block) == before, f"{case['name']}: a refused request changed the stored state"
            else:
                assert (status, body) == (200, step["response"]), case["name"]


def test_self_assessment_submit_publishes_grade_and_completion_and_persists():
    usage_id = load(scenario("self_check.xml"))
    user = fresh_user()
    runtime, block = as_user(usage_id, user)
    ratings = {
        "agenda": "proficient",
        "family_voice": "exemplary",
        "student_focus": "proficient",
        "neutrality": "developing",
        "next_steps": "proficient",
    }
    notes = {"family_voice": "Ms. Lin asked for the summary in Cantonese; the interpreter read it back to her."}
    status, body = call(runtime, block, "submit", {"ratings": ratings, "notes": notes})
    assert status == 200 and body["submitted"] is True
    # 3 + 4 × 1.5 + 3 + 2 + 3 = 17 of 22: the minimum exactly, and family participation is above proficient
    assert body["result"]["total"] == 17 and body["result"]["max_total"] == 22 and body["result"]["passed"] is True
    assert ("grade", {"value": 17, "max_value": 22}) in runtime.events
    assert ("completion", {"completion": 1.0}) in runtime.events
    _runtime, again = as_user(usage_id, user)
    status, state = call(_runtime, again, "state")
    assert state["ratings"] == ratings and state["notes"] == notes and state["submitted"] is True
    _other_runtime, other = as_user(usage_id, fresh_user())
    assert call(_other_runtime, other, "state")[1]["ratings"] == {}


def test_calibration_grade_is_exact_agreement_and_the_page_never_holds_the_key():
    usage_id = load(scenario("calibration.xml"))
    runtime, block = as_user(usage_id, fresh_user())
    html = block.render("student_view").body_html()
    assert "Mrs. Lin, last week you asked us" in html
    assert "proposed and confirmed with the parent" not in html  # a rationale of the key, nowhere in the page
    fragment = block.student_view()
    init = json.loads(fragment.json_init_args["json"])
    assert all("key" not in s for s in init["content"]["samples"])
    ratings = {
        "annual_review": {"agenda": "exemplary", "family_voice": "proficient", "neutrality": "exemplary"},
        "transition_meeting": {"agenda": "developing", "family_voice": "developing", "neutrality": "emerging"},
    }
    status, body = call(runtime, block, "submit", {"ratings": ratings})
    assert status == 200
    result = body["result"]
    assert (result["exact"], result["adjacent"], result["ratings"], result["passed"]) == (4, 6, 6, True)
    assert result["samples"][1]["criteria"][0]["rationale"].startswith("An agenda exists but was read out")
    assert ("grade", {"value": 4, "max_value": 6}) in runtime.events
    assert block.max_score() == 6


def test_calibration_farming_does_not_raise_the_grade_and_the_key_waits_for_the_first_submission():
    """The issue's farming path: a poor first submission, then the key copied in on a second try."""
    usage_id = load((VECTORS / "rubrics" / "practice_then_graded.xml").read_text(encoding="utf-8"))
    runtime, block = as_user(usage_id, fresh_user())
    assert block.max_score() == 2  # the graded sample's two ratings; practice samples count nothing
    practice = {
        "first_practice": {"agenda": "developing", "family_voice": "proficient"},
        "second_practice": {"agenda": "developing", "family_voice": "emerging"},
    }
    status, body = call(runtime, block, "submit", {"ratings": practice})
    assert status == 200 and body["grade"] is None and body["samples"]["held_back"] == "open"
    assert [s["id"] for s in body["result"]["samples"]] == ["first_practice", "second_practice"]  # no graded key yet
    assert not [e for e in runtime.events if e[0] == "grade"]
    poor = {"held_back": {"agenda": "emerging", "family_voice": "proficient"}}
    status, body = call(runtime, block, "submit", {"ratings": poor})
    assert body["grade"]["exact"] == 0 and ("grade", {"value": 0, "max_value": 2}) in runtime.events
    key = {
        sample: {c: v["level"] for c, v in s["key"].items()}
        for s in block._content()["samples"]
        for sample in [s["id"]]
    }
    call(runtime, block, "revise", {})
    status, body = call(runtime, block, "submit", {"ratings": key})
    assert status == 200 and body["result"]["exact"] == 6  # the practice comparison shows the copied key
    assert body["grade"]["exact"] == 0  # the grade is still the first submission's
    grades = [e[1]["value"] for e in runtime.events if e[0] == "grade"]
    assert grades and set(grades) == {0}


def test_workbench_pages_render_every_mode_in_english_and_spanish():
    scenarios = {s.description: key for key, s in get_scenarios().items()}
    client = Client()
    for title in (
        "Facilitation rubric: self-check",
        "Facilitation rubric: calibration",
        "Facilitation rubric: certification",
    ):
        page = client.get(f"/scenario/{scenarios[title]}/?student={fresh_user()}")
        assert page.status_code == 200 and b"p2p-rubric" in page.content
    runtime, block = as_user(load(scenario("self_check.xml")), fresh_user())
    with translation.override("es"):
        html = block.render("student_view").body_html()
    assert "Enviar calificaciones" in html and "Evidencia: lo que vio u oyó (opcional)" in html
    assert 'type="radio"' in html and "<fieldset" in html and "<legend" in html
    # The rubric's English stays marked English inside the Spanish interface.
    assert '<span class="p2p-rubric__descriptor" lang="en">The meeting started without' in html
    assert '<legend class="p2p-rubric__criterion-label"><span lang="en">Agenda and shared agreements</span>' in html


def test_large_or_malformed_requests_are_refused_without_change():
    usage_id = load(scenario("self_check.xml"))
    runtime, block = as_user(usage_id, fresh_user())
    response = runtime.handle(block, "save_draft", webob.Request.blank("/", method="POST", body=b"{not json"))
    assert response.status_code == 400
    response = runtime.handle(block, "save_draft", webob.Request.blank("/", method="POST", body=b" " * 100_001))
    assert response.status_code == 400
    response = runtime.handle(
        block,
        "save_draft",
        webob.Request.blank("/", method="POST", body=b'{"notes": {"agenda": "half a character \\ud800"}}'),
    )
    assert response.status_code == 400  # not UTF-8 text: it would break every export holding it
    response = runtime.handle(block, "save_draft", webob.Request.blank("/", method="GET"))
    assert response.status_code == 405
    assert block.ratings == {} and block.notes == {}


def test_olx_export_round_trips_and_bad_olx_is_refused_with_the_problems():
    usage_id = load(scenario("certification.xml"))
    _runtime, block = as_user(usage_id, "author")
    out = io.BytesIO()
    _runtime.export_to_xml(block, out)
    again = load(out.getvalue())  # bytes: the export carries an XML declaration
    assert as_user(again, "author")[1].model() == block.model()
    broken = (Path(__file__).resolve().parent / "data" / "broken" / "zero_weight.xml").read_text()
    with pytest.raises(ValueError, match="weight '0' is not a positive number"):
        load(broken)


# ------------------------------------------------------------------ trainer certification


@pytest.fixture
def certification():
    usage_id = load(scenario("certification.xml"))
    return usage_id


def request(usage_id, user, notes="I facilitated an annual IEP review for a fourth grader.", url=""):
    runtime, block = as_user(usage_id, user)
    return call(runtime, block, "request_certification", {"notes": notes, "recording_url": url})


LEVELS = {"agenda": "proficient", "family_voice": "proficient", "neutrality": "proficient", "next_steps": "developing"}


def test_candidate_requests_trainer_assesses_and_the_grade_lands_on_the_candidate(certification):
    candidate, trainer = fresh_user("cand"), fresh_user("staff")
    status, state = request(certification, candidate, url="https://video.example.org/meeting-17")
    assert status == 200 and state["role"] == "candidate" and state["status"] == "waiting"
    assert state["request"]["recording_url"] == "https://video.example.org/meeting-17"

    t_runtime, t_block = as_user(certification, trainer)
    status, trainer_state = call(t_runtime, t_block, "state")
    assert trainer_state == {"mode": "trainer", "role": "trainer"}
    status, queue = call(t_runtime, t_block, "queue")
    entry = next(c for c in queue["candidates"] if c["candidate_id"] == candidate)
    assert entry["status"] == "waiting" and entry["request"]["candidate"] == candidate

    feedback = {"next_steps": "Name an owner and a date for each decision before people leave."}
    status, body = call(
        t_runtime,
        t_block,
        "assess",
        {
            "candidate_id": candidate,
            "submission": entry["request"]["submission"],
            "levels": LEVELS,
            "feedback": feedback,
        },
    )
    assert status == 200
    record = body["candidate"]["assessments"][-1]
    # 3 + 3 × 2 + 3 + 2 = 14 of 20, below the minimum of 15
    assert (record["total"], record["max_total"], record["passed"], record["trainer"]) == (14, 20, False, trainer)
    item = {"student_id": candidate, "course_id": "workbench", "item_id": str(certification), "item_type": model.TAG}
    score = submissions.get_score(item)
    assert (score["points_earned"], score["points_possible"]) == (14, 20)
    trainer_item = dict(item, student_id=trainer)
    assert submissions.get_score(trainer_item) is None  # the trainer's own record gets nothing

    c_runtime, c_block = as_user(certification, candidate)
    status, mine = call(c_runtime, c_block, "state")
    assert mine["status"] == "assessed" and mine["score"] == {"earned": 14, "possible": 20}
    assert mine["assessments"][0]["feedback"] == feedback and mine["assessments"][0]["levels"] == LEVELS


def test_reassessment_adds_a_record_and_a_new_request_can_follow(certification):
    candidate, first, second = fresh_user("cand"), fresh_user("staff"), fresh_user("staff")
    request(certification, candidate)
    for trainer, levels in ((first, LEVELS), (second, dict(LEVELS, next_steps="exemplary"))):
        runtime, block = as_user(certification, trainer)
        entry = next(c for c in call(runtime, block, "queue")[1]["candidates"] if c["candidate_id"] == candidate)
        status, _ = call(
            runtime,
            block,
            "assess",
            {"candidate_id": candidate, "submission": entry["request"]["submission"], "levels": levels},
        )
        assert status == 200
    runtime, block = as_user(certification, candidate)
    state = call(runtime, block, "state")[1]
    assert [(a["trainer"], a["total"], a["passed"]) for a in state["assessments"]] == [
        (first, 14, False),
        (second, 16, True),
    ]
    assert state["score"] == {"earned": 16, "possible": 20}  # the latest assessment is the grade
    status, state = request(certification, candidate, notes="A second meeting: a transition plan with an interpreter.")
    assert status == 200 and state["status"] == "waiting" and len(state["assessments"]) == 2


def test_learner_calling_trainer_handlers_gets_403_and_nothing_changes(certification):
    candidate, intruder, trainer = fresh_user("cand"), fresh_user("learner"), fresh_user("staff")
    request(certification, candidate)
    runtime, block = as_user(certification, intruder)
    submission = submissions.get_submissions(
        {"student_id": candidate, "course_id": "workbench", "item_id": str(certification), "item_type": model.TAG}
    )[0]["uuid"]
    for handler, payload in (
        ("queue", {}),
        (
            "assess",
            {"candidate_id": candidate, "submission": str(submission), "levels": dict.fromkeys(LEVELS, "exemplary")},
        ),
    ):
        status, body = call(runtime, block, handler, payload)
        assert status == 403 and "Only trainers" in body["error"]
    response = runtime.handle(block, "certification_csv", webob.Request.blank("/", method="GET"))
    assert response.status_code == 403
    _r, fresh = as_user(certification, trainer)
    assert fresh._records(candidate) == []
    assert (
        submissions.get_score(
            {"student_id": candidate, "course_id": "workbench", "item_id": str(certification), "item_type": model.TAG}
        )
        is None
    )


def test_certification_requests_are_checked(certification):
    candidate = fresh_user("cand")
    status, body = request(certification, candidate, notes="   ")
    assert status == 400 and "evidence notes" in body["error"]
    for url in ("javascript:alert(1)", "ftp://files.example.org/a.mp4", "video.example.org/x", "https://"):
        status, body = request(certification, candidate, url=url)
        assert status == 400 and "http or https" in body["error"], url
    runtime, block = as_user(certification, candidate)
    assert call(runtime, block, "state")[1]["status"] == "none"  # nothing was recorded
    assert request(certification, candidate, url="http://recordings.example.org/17")[0] == 200
    status, body = request(certification, candidate)
    assert status == 409 and "waiting for a trainer" in body["error"]
    status, body = request(certification, fresh_user("staff"))
    assert status == 403
    status, body = call(runtime, block, "submit", {"ratings": {}})
    assert status == 400 and "trainers do the rating" in body["error"]


def test_assessments_are_checked(certification):
    candidate, trainer = fresh_user("cand"), fresh_user("staff")
    request(certification, candidate)
    runtime, block = as_user(certification, trainer)
    entry = next(c for c in call(runtime, block, "queue")[1]["candidates"] if c["candidate_id"] == candidate)
    submission = entry["request"]["submission"]
    cases = [
        (
            {"candidate_id": candidate, "submission": submission, "levels": {"agenda": "proficient"}},
            400,
            "Rate every criterion",
        ),
        (
            {"candidate_id": candidate, "submission": submission, "levels": dict(LEVELS, agenda="stellar")},
            400,
            "no such level",
        ),
        ({"candidate_id": candidate, "submission": "not-the-latest", "levels": LEVELS}, 409, "newer request"),
        ({"candidate_id": fresh_user("cand"), "submission": submission, "levels": LEVELS}, 400, "not requested"),
        (
            {"candidate_id": candidate, "submission": submission, "levels": LEVELS, "feedback": {"agenda": "x" * 2001}},
            400,
            "longer than 2000",
        ),
    ]
    for payload, status, message in cases:
        got_status, body = call(runtime, block, "assess", payload)
        assert (got_status, message in body["error"]) == (status, True), payload
    assert as_user(certification, trainer)[1]._records(candidate) == []


def test_certification_records_download_as_csv(certification):
    candidate, trainer = fresh_user("=cand"), fresh_user("staff")
    request(certification, candidate)
    runtime, block = as_user(certification, trainer)
    entry = next(c for c in call(runtime, block, "queue")[1]["candidates"] if c["candidate_id"] == candidate)
    call(
        runtime,
        block,
        "assess",
        {
            "candidate_id": candidate,
            "submission": entry["request"]["submission"],
            "levels": dict.fromkeys(LEVELS, "exemplary"),
        },
    )
    call(
        runtime,
        block,
        "assess",
        {"candidate_id": candidate, "submission": entry["request"]["submission"], "levels": LEVELS},
    )
    response = runtime.handle(block, "certification_csv", webob.Request.blank("/", method="GET"))
    assert response.status_code == 200 and response.content_type == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.body.decode("utf-8"))))
    assert rows[0] == [
        "candidate",
        "trainer",
        "date",
        "Agenda and shared agreements",
        "Family participation",
        "Neutral process guidance",
        "Summary and next steps",
        "total",
        "possible",
        "passed",
    ]
    mine = [row for row in rows[1:] if row[0] == "'" + candidate]  # a leading "=" is defused for spreadsheets
    assert [row[1] for row in mine] == [trainer, trainer]
    assert [row[3:] for row in mine] == [
        ["Exemplary"] * 4 + ["20", "20", "yes"],
        ["Proficient", "Proficient", "Proficient", "Developing", "14", "20", "no"],
    ]
    assert all(row[2].endswith("Z") for row in mine)


# ------------------------------------------------------------------ Studio


def test_studio_editor_saves_valid_olx_and_refuses_broken_olx_whole():
    usage_id = load(scenario("self_check.xml"))
    runtime, block = as_user(usage_id, "staff_author")
    html = block.studio_view().body_html()
    assert "Rubric (OLX)" in html and "&lt;criterion id=&#34;agenda&#34;" in html
    before = block.definition
    broken = (Path(__file__).resolve().parent / "data" / "broken" / "missing_descriptor.xml").read_text()
    status, body = call(runtime, block, "studio_submit", {"xml": broken})
    assert status == 400
    assert body["error"].split("\n") == [
        "The rubric was not saved:",
        "rubric (Studio editor):8: criterion 'family_voice' has no descriptor for level(s): proficient — "
        'add <descriptor level="...">...</descriptor> for every level',
    ]
    status, body = call(runtime, block, "studio_submit", {"xml": "<facilitation_rubric mode='self'>\n<level"})
    assert status == 400 and "rubric (Studio editor):2:" in body["error"]
    half_a_character = scenario("self_check.xml").replace("</prompt>", "\udc00</prompt>")
    status, body = call(runtime, block, "studio_submit", {"xml": half_a_character})
    assert status == 400 and "half of a character" in body["error"]  # JSON can carry it; no XML file can
    assert as_user(usage_id, "staff_author")[1].definition == before  # nothing saved
    edited = scenario("self_check.xml").replace(
        'display_name="Self-check: facilitating an IEP meeting"', 'display_name="After the meeting: self-check"'
    )
    status, body = call(runtime, block, "studio_submit", {"xml": edited})
    assert (status, body) == (200, {"saved": True, "display_name": "After the meeting: self-check", "warnings": []})
    _runtime, again = as_user(usage_id, "learner-after-edit")
    assert again.display_name == "After the meeting: self-check"
    assert "After the meeting: self-check" in again.render("student_view").body_html()


def test_a_block_added_in_studio_starts_from_the_example_and_exports_without_a_fixed_url_name():
    from xblock.fields import ScopeIds

    runtime = RecordingRuntime("staff_author")
    definition_id = runtime.id_generator.create_definition(model.TAG)
    usage_id = runtime.id_generator.create_usage(definition_id)
    block = runtime.construct_xblock(model.TAG, ScopeIds("staff_author", model.TAG, definition_id, usage_id))
    assert block.definition == ""
    assert "Agenda and shared agreements" in block.student_view().body_html()
    assert block._content()["id"] == block.content_id
    out = io.BytesIO()
    runtime.export_to_xml(block, out)
    assert b"facilitation_self_check" not in out.getvalue()  # the runtime, not the example, names the block
