"""The scenario_roleplay XBlock in the xblock-sdk workbench runtime (Django store, real handlers)."""

import io
import json
import re
import sys

import pytest
from django.utils import translation
from lxml import etree
from roleplay_support import (
    COURSE_SCENARIOS,
    MS_PEREZ,
    POSSIBLE,
    ROOT,
    VECTORS_DIR,
    block_state,
    ending_routes,
    post,
    scenario_path,
    set_block_state,
    vector_cases,
)
from support.workbench import RecordingRuntime
from workbench.runtime import WorkbenchRuntime

from xblocks.roleplay import model, scoring
from xblocks.roleplay.block import ScenarioRoleplayBlock

sys.path.insert(0, str(ROOT))  # the generators live with the benchmark that times them
from bench import roleplay_scale


def _new_block(xml: str, user: str = "learner"):
    runtime = RecordingRuntime(user)
    usage_id = runtime.parse_xml_string(xml)
    return runtime, usage_id, runtime.get_block(usage_id)


@pytest.fixture
def perez_block():
    return _new_block(MS_PEREZ.read_text(encoding="utf-8"))


def _init_args(fragment_html: str) -> dict:
    match = re.search(
        r'<script type="json/xblock-args" class="xblock_json_init_args">(.*?)</script>', fragment_html, re.S
    )
    assert "<" not in match.group(1)
    return json.loads(json.loads(match.group(1))["json"])


def test_workbench_scenario_is_the_course_file():
    [(title, xml), (title2, xml2), (title3, xml3)] = ScenarioRoleplayBlock.workbench_scenarios()
    assert "Pérez" in title and xml == MS_PEREZ.read_text(encoding="utf-8")
    assert "Lucía" in title2 and xml2 == COURSE_SCENARIOS["fac_ortiz_meeting"].read_text(encoding="utf-8")
    assert "Haddad" in title3 and xml3 == COURSE_SCENARIOS["cr_haddad_services"].read_text(encoding="utf-8")


def test_student_view_renders_frame_and_hands_the_script_its_data(perez_block):
    runtime, usage_id, block = perez_block
    html = runtime.render(block, "student_view").body_html()
    assert "Building trust with Ms. Pérez" in html and "Who is who" in html and 'role="status"' in html
    assert "data-init='P2PRoleplayInit'" in html
    args = _init_args(html)
    assert set(args) == {"content", "state", "i18n", "lang", "csrf_cookie"} and args["csrf_cookie"] == "csrftoken"
    assert args["content"] == model.view_content(block.scenario)
    assert args["state"]["scene"] == "fall-conferences" and args["lang"] == "en" and args["i18n"] == {}
    fragment = block.student_view()
    scripts = " ".join(r.data for r in fragment.resources if r.mimetype == "application/javascript")
    assert "P2PStore" in scripts and "P2PRoleplayInit" in scripts


def test_student_view_in_spanish(perez_block):
    runtime, usage_id, block = perez_block
    with translation.override("es"):
        html = runtime.render(block, "student_view").body_html()
    assert "Quién es quién" in html and "(habla español)" in html and 'lang="es"' in html
    args = _init_args(html)
    assert args["lang"] == "es" and args["i18n"]["Step back"] == "Retroceder un paso"


@pytest.mark.parametrize("name, ending, route, earned", ending_routes(), ids=lambda v: v if isinstance(v, str) else "")
def test_each_ending_publishes_grade_and_completion(name, ending, route, earned):
    runtime, usage_id, block = _new_block(COURSE_SCENARIOS[name].read_text(encoding="utf-8"))
    for choice in route[:-1]:
        status, view = post(runtime, block, "choose", {"choice": choice})
        assert status == 200 and not view["ending"]
    assert [e for e in runtime.events if e[0] in ("grade", "completion")] == []
    status, view = post(runtime, block, "choose", {"choice": route[-1]})
    assert status == 200 and view["scene"] == ending and view["ending"]
    assert view["earned"] == earned and view["score"] == {"earned": earned, "possible": POSSIBLE[name]}
    assert [e for e in runtime.events if e[0] in ("grade", "completion")] == [
        ("grade", {"value": earned, "max_value": POSSIBLE[name]}),
        ("completion", {"completion": 1.0}),
    ]
    assert block.max_score() == POSSIBLE[name] and block.weight == 1.0


def test_replay_publishes_the_kept_score_each_time():
    xml = (VECTORS_DIR / "scenarios" / "keep_last.xml").read_text(encoding="utf-8")
    runtime, usage_id, block = _new_block(xml)
    for choice in ("greet", "act"):
        post(runtime, block, "choose", {"choice": choice})
    post(runtime, block, "restart", {})
    for choice in ("greet", "wait"):
        post(runtime, block, "choose", {"choice": choice})
    grades = [data for kind, data in runtime.events if kind == "grade"]
    assert grades == [{"value": 5, "max_value": 5}, {"value": 2, "max_value": 5}]  # keep="last"


def test_keep_first_replaying_does_not_raise_the_grade():
    """Graded practice: a poor first ending, then replays to the best ending; the grade stays."""
    xml = (VECTORS_DIR / "scenarios" / "keep_first.xml").read_text(encoding="utf-8")
    runtime, usage_id, block = _new_block(xml)
    for choice in ("greet", "wait"):
        post(runtime, block, "choose", {"choice": choice})
    for _replay in range(2):
        post(runtime, block, "restart", {})
        for choice in ("greet", "act"):
            status, view = post(runtime, block, "choose", {"choice": choice})
    assert status == 200 and view["best"] == {"earned": 5, "possible": 5} and view["attempts"] == 3
    grades = [data for kind, data in runtime.events if kind == "grade"]
    assert grades == [{"value": 2, "max_value": 5}] * 3  # keep="first": every publish is the first attempt's
    again = RecordingRuntime("learner").get_block(usage_id)
    assert again.first_score == [2, 5] and block.max_score() == 5


def test_back_and_restart(perez_block):
    runtime, usage_id, block = perez_block
    post(runtime, block, "choose", {"choice": "conf-double-slot"})
    post(runtime, block, "choose", {"choice": "listen-and-record"})
    status, view = post(runtime, block, "back", {})
    assert status == 200 and view["scene"] == "first-contact" and view["route"] == ["conf-double-slot"]
    status, view = post(runtime, block, "restart", {})
    assert status == 200 and view["scene"] == "fall-conferences" and view["route"] == [] and view["attempts"] == 0


@pytest.mark.parametrize(
    "handler, payload",
    [
        ("choose", {"choice": "open-with-strengths"}),  # a real choice, but not offered in this scene
        ("choose", {"choice": "no-such-choice"}),
        ("choose", {"choice": ["conf-double-slot"]}),
        ("choose", {}),
        ("choose", "conf-double-slot"),
        ("choose", None),
        ("back", []),
    ],
)
def test_rejected_requests_change_nothing(perez_block, handler, payload):
    runtime, usage_id, block = perez_block
    post(runtime, block, "choose", {"choice": "conf-double-slot"})
    before = block_state(WorkbenchRuntime("learner").get_block(usage_id))
    status, body = post(runtime, block, handler, payload)
    assert status == 400 and body["error"]
    assert block_state(WorkbenchRuntime("learner").get_block(usage_id)) == before


def test_malformed_json_is_a_400(perez_block):
    import webob

    runtime, usage_id, block = perez_block
    response = runtime.handle(block, "choose", webob.Request.blank("/", method="POST", body=b"{not json"))
    assert response.status_code == 400
    assert block_state(block)["r"] == []


def test_state_survives_a_reload_and_is_per_learner(perez_block):
    runtime, usage_id, block = perez_block
    post(runtime, block, "choose", {"choice": "conf-alfredo-interprets"})
    reloaded = RecordingRuntime("learner").get_block(usage_id)
    status, view = post(RecordingRuntime("learner"), reloaded, "state", {})
    assert status == 200 and view["scene"] == "alfredo-interprets" and view["via"] == "conf-alfredo-interprets"
    other = RecordingRuntime("someone-else")
    status, view = post(other, other.get_block(usage_id), "state", {})
    assert view["scene"] == "fall-conferences"


def test_resume_after_the_author_removes_a_scene(perez_block):
    runtime, usage_id, block = perez_block
    for choice in ("conf-double-slot", "listen-and-record", "learn-her-context", "call-about-results"):
        post(runtime, block, "choose", {"choice": choice})
    root = etree.fromstring(MS_PEREZ.read_bytes())
    root.remove(root.find("scene[@id='your-lens']"))
    root.find(".//choice[@id='listen-and-record']").set("next", "evaluation-results")
    staff = RecordingRuntime("staff-author")
    status, body = post(
        staff, staff.get_block(usage_id), "studio_submit", {"xml": etree.tostring(root, encoding="unicode")}
    )
    assert status == 200 and body["saved"]
    learner = RecordingRuntime("learner")
    status, view = post(learner, learner.get_block(usage_id), "state", {})
    assert status == 200 and view["scene"] == "evaluation-results"
    assert view["route"] == ["conf-double-slot", "listen-and-record"]
    status, view = post(learner, learner.get_block(usage_id), "choose", {"choice": "call-about-results"})
    assert status == 200 and view["scene"] == "meeting-logistics"


@pytest.fixture
def perez_for_author():
    return _new_block(MS_PEREZ.read_text(encoding="utf-8"), user="staff-author")


def test_studio_view_shows_the_xml_and_validates_live(perez_for_author):
    runtime, usage_id, block = perez_for_author
    html = runtime.render(block, "studio_view").body_html()
    assert "Scenario (XML)" in html and "No problems found." in html and "&lt;scenario_roleplay" in html
    broken = block.data.replace('next="first-contact"', 'next="first-kontakt"', 1)
    status, body = post(runtime, block, "check_content", {"xml": broken})
    assert status == 200 and body["valid"] is False
    line = broken[: broken.index("first-kontakt")].count("\n") + 1
    assert any(p["line"] == line and "unknown scene 'first-kontakt'" in p["message"] for p in body["problems"])
    assert body["problems"][0]["text"].startswith("scenario.xml:")


def test_the_editor_answers_inputs_that_once_never_returned(perez_for_author):
    """The denial of service the scoring rewrite removed, through the editor's own handler: 24 diamonds
    (2**24 routes; route enumeration refused or never returned) are checked and found valid, and
    loops too tangled to score are refused with the reason; the search is bounded in steps whatever
    the input (tests/roleplay/test_roleplay_scoring.py; bench: python -m bench.roleplay_scale)."""
    runtime, usage_id, block = perez_for_author
    before = block.data
    status, body = post(runtime, block, "check_content", {"xml": roleplay_scale.diamonds(24)})
    assert (status, body["valid"], body["problems"]) == (200, True, [])
    status, body = post(runtime, block, "check_content", {"xml": roleplay_scale.tangle(40)})
    assert status == 200 and body["valid"] is False
    assert [p["message"] for p in body["problems"]] == [
        f"the scenario's loops are too tangled to score: finding its best routes takes more than "
        f"{scoring.MAX_STEPS} steps"
    ]
    status, body = post(runtime, block, "studio_submit", {"xml": roleplay_scale.flag_fan(16, 400)})
    assert status == 400 and "too tangled to score" in body["error"]
    assert WorkbenchRuntime("learner").get_block(usage_id).data == before


def test_studio_submit_refuses_invalid_content_whole(perez_for_author):
    runtime, usage_id, block = perez_for_author
    before = block.data
    status, body = post(runtime, block, "studio_submit", {"xml": before.replace("</scenario_roleplay>", "")})
    assert status == 400 and "The scenario was not saved:" in body["error"] and "not well-formed" in body["error"]
    status, body = post(
        runtime, block, "studio_submit", {"xml": before.replace('id="respect"', 'id="respect" colour="red"')}
    )
    assert status == 400 and "unknown attribute 'colour'" in body["error"]
    half_a_character = {"xml": before.replace("</scenario_roleplay>", "\ud800</scenario_roleplay>")}
    for payload in ({}, {"xml": 5}, {"xml": "x" * 600_000}, half_a_character):
        for handler in ("studio_submit", "check_content"):
            status, body = post(runtime, block, handler, payload)
            assert status == 400, (handler, str(payload)[:40])
    assert WorkbenchRuntime("learner").get_block(usage_id).data == before


def test_studio_submit_saves_valid_content(perez_for_author):
    runtime, usage_id, block = perez_for_author
    xml = block.data.replace('display_name="Role-play: Building trust', 'display_name="Practice: Building trust')
    status, body = post(runtime, block, "studio_submit", {"xml": xml})
    assert status == 200 and body["display_name"].startswith("Practice: Building trust")
    reloaded = WorkbenchRuntime("learner").get_block(usage_id)
    assert reloaded.data == xml and reloaded.display_name.startswith("Practice")


def _with_unread_flag(xml: str) -> tuple[str, int]:
    """The scenario with a flag that a choice sets and no condition reads (a warning), and its line."""
    xml = xml.replace("<persona ", '<flag id="noted"/>\n  <persona ', 1)
    xml = xml.replace('set="met-in-person=true', 'set="noted=true met-in-person=true', 1)
    return xml, xml[: xml.index('<flag id="noted"/>')].count("\n") + 1


def test_the_editor_shows_warnings_and_saves_anyway(perez_for_author):
    runtime, usage_id, block = perez_for_author
    xml, line = _with_unread_flag(block.data)
    status, body = post(runtime, block, "check_content", {"xml": xml})
    assert status == 200 and body["valid"] is True and body["problems"] == []
    assert [(w["line"], w["text"]) for w in body["warnings"]] == [
        (
            line,
            f"scenario.xml:{line}: flag 'noted' is set but no condition reads it — use it in an if=\"...\", or remove it",
        )
    ]
    status, body = post(runtime, block, "studio_submit", {"xml": xml})
    assert status == 200 and body["saved"] and len(body["warnings"]) == 1
    html = runtime.render(block, "studio_view").body_html()
    assert "Warnings (the scenario can still be saved): 1" in html and "flag &#39;noted&#39; is set" in html
    with translation.override("es"):
        html = runtime.render(block, "studio_view").body_html()
    assert "Advertencias (el escenario se puede guardar igualmente): 1" in html
    # A clean scenario has no warnings.
    status, body = post(runtime, block, "check_content", {"xml": MS_PEREZ.read_text(encoding="utf-8")})
    assert body["warnings"] == []


def test_invalid_scenario_is_refused_at_import():
    with pytest.raises(ValueError, match="unknown scene 'middle'"):
        _new_block((VECTORS_DIR.parent.parent / "roleplay" / "data" / "broken" / "unknown_next.xml").read_text())


def test_export_round_trip(perez_block):
    runtime, usage_id, block = perez_block
    out = io.BytesIO()
    runtime.export_to_xml(block, out)
    exported = etree.fromstring(out.getvalue())
    scenario, problems = model.parse(exported, "export")
    assert problems == [] and scenario == block.scenario
    runtime2, usage2, block2 = _new_block(out.getvalue())
    assert block2.scenario == block.scenario


@pytest.mark.parametrize("name, case", vector_cases(), ids=[n for n, _ in vector_cases()])
def test_vector_against_the_xblock_handlers(name, case):
    """The handlers answer what the vector says model.py answers, and store exactly its state."""
    user = f"v-{name.split(':')[0]}"
    runtime, usage_id, block = _new_block(scenario_path(case["content"]).read_text(encoding="utf-8"), user)
    set_block_state(block, case["saved"])
    scenario = block.scenario
    for step in case["steps"]:
        status, body = post(runtime, block, step["handler"], step["payload"])
        assert status == (step["refused"]["status"] if "refused" in step else 200), (step, body)
        if "response" in step:
            assert body == step["response"]
        stored = block_state(RecordingRuntime(user).get_block(usage_id))
        assert model.restore(stored, scenario) == step["state"]
    assert model.report(model.restore(block_state(block), scenario), scenario, case["block_id"]) == case["report"]


HOSTILE = """<scenario_roleplay display_name="&lt;/script&gt;&lt;script&gt;window.__xss=1&lt;/script&gt;">
  <dimension id="d" label="&lt;b onmouseover=x&gt;D"/>
  <persona id="p" name="&lt;img src=x onerror=window.__xss=2&gt;"/>
  <scene id="s" title="&lt;/h4&gt;&lt;script&gt;window.__xss=3&lt;/script&gt;">
    <line speaker="p">&lt;/script&gt;&lt;svg onload=window.__xss=4&gt;</line>
    <choice id="c" next="e" points="d:1"><text>&lt;img src=x onerror=window.__xss=5&gt;</text><feedback>&lt;/script&gt;</feedback></choice>
  </scene>
  <ending id="e" title="E"><debrief>&lt;iframe srcdoc="x"&gt;</debrief></ending>
</scenario_roleplay>"""


def test_author_text_is_escaped_everywhere():
    runtime, usage_id, block = _new_block(HOSTILE)
    html = runtime.render(block, "student_view").body_html()
    args = _init_args(html)  # asserts that the init data holds no '<'
    assert args["content"]["scenes"][0]["title"] == "</h4><script>window.__xss=3</script>"
    assert "<script>window.__xss" not in html and "<img src=x" not in html
    assert "&lt;img src=x onerror=window.__xss=2&gt;" in html


def _fresh_block(user):
    """A block as Studio creates it when an author adds the component: every field at its default."""
    from xblock.fields import ScopeIds

    runtime = RecordingRuntime(user)
    def_id = runtime.id_generator.create_definition("scenario_roleplay")
    usage_id = runtime.id_generator.create_usage(def_id)
    return runtime, runtime.construct_xblock("scenario_roleplay", ScopeIds(user, "scenario_roleplay", def_id, usage_id))


def test_a_new_component_starts_from_a_playable_scenario():
    runtime, block = _fresh_block("new-author")
    html = runtime.render(block, "student_view").body_html()
    assert "Role-play: a first phone call" in html
    status, view = post(runtime, block, "choose", {"choice": "ask"})
    assert status == 200 and view["ending"] and view["score"] == {"earned": 2, "possible": 2}
    assert "No problems found." in runtime.render(block, "studio_view").body_html()


def test_content_that_no_longer_validates_is_reported_not_crashed():
    runtime, block = _fresh_block("staff-reader")
    block.data = block.data.replace('next="heard"', 'next="gone"')
    html = runtime.render(block, "student_view").body_html()
    assert "cannot be shown because its scenario has problems" in html
    assert "choice &#39;ask&#39; leads to unknown scene &#39;gone&#39;" in html  # staff see the problems
    learner_runtime, learner_block = _fresh_block("learner-reader")
    learner_block.data = block.data
    assert "unknown scene" not in learner_runtime.render(learner_block, "student_view").body_html()
    status, body = post(runtime, block, "choose", {"choice": "ask"})
    assert status == 409 and "nothing was changed" in body["error"]
    assert block_state(block)["r"] == [] and block.max_score() is None


def test_staff_are_known_through_the_user_service_as_open_edx_answers():
    """Open edX says who is staff only through the user service, which a block must ask for."""
    from xblock.reference.user_service import UserService, XBlockUser

    class OpenEdxUsers(UserService):
        def get_current_user(self):
            user = XBlockUser(is_current_user=True)
            user.opt_attrs.update({"edx-platform.username": "ana", "edx-platform.user_is_staff": True})
            return user

    runtime, block = _fresh_block("ana")
    runtime._services["user"] = OpenEdxUsers()
    block.data = block.data.replace('next="heard"', 'next="gone"')
    assert "leads to unknown scene" in runtime.render(block, "student_view").body_html()


def test_completion_is_custom_so_viewing_is_not_completing():
    from xblock.completable import XBlockCompletionMode

    assert ScenarioRoleplayBlock.has_custom_completion is True
    assert XBlockCompletionMode.get_mode(ScenarioRoleplayBlock) == XBlockCompletionMode.COMPLETABLE
    assert ScenarioRoleplayBlock.has_score is True


@pytest.mark.parametrize("name, ending, route, earned", ending_routes(), ids=lambda v: v if isinstance(v, str) else "")
def test_tracking_events_for_choices_back_restart_and_endings(name, ending, route, earned):
    """Each choice, step back, restart and ending publishes a tracking event; a choice's
    interaction_id is the id the SCORM report gives it."""
    runtime, usage_id, block = _new_block(COURSE_SCENARIOS[name].read_text(encoding="utf-8"))
    scenario = block.scenario
    prefix = "xblock.scenario_roleplay."

    def tracked():
        found = [(kind[len(prefix) :], data) for kind, data in runtime.events if kind.startswith(prefix)]
        runtime.events.clear()
        return found

    post(runtime, block, "choose", {"choice": route[0]})
    [(kind, first)] = tracked()
    assert kind == "choice_made" and first["choice"] == route[0] and first["scene"] == scenario.start
    post(runtime, block, "back", {})
    assert tracked() == [
        (
            "stepped_back",
            {"from_scene": first["next_scene"], "to_scene": scenario.start, "choice": route[0], "route": []},
        )
    ]
    post(runtime, block, "state", {})
    assert tracked() == []  # reading the state is not an action
    for choice in route:
        status, view = post(runtime, block, "choose", {"choice": choice})
        assert status == 200
    *choices, (kind, end) = tracked()
    assert kind == "ending_reached"
    assert end == {
        "ending": ending,
        "tier": scenario.scene(ending).tier,
        "earned": earned,
        "possible": POSSIBLE[name],
        "totals": model.route_totals(scenario, route),
        "scored": True,
        "attempt": 1,
        "route": route,
    }
    assert [data["choice"] for kind, data in choices] == route and {k for k, _d in choices} == {"choice_made"}
    # In Open edX the usage key's block_id is the url_name, which the SCORM package names the block by.
    report = model.report(block_state_as_model(block, scenario), scenario, block._usage_name())
    assert [d["interaction_id"] for _k, d in choices] == [i["id"] for i in report["interactions"]]
    assert [d["result"] for _k, d in choices] == [i["result"] for i in report["interactions"]]
    status, _view = post(runtime, block, "restart", {})
    assert status == 200 and tracked() == [("restarted", {"from_scene": ending, "ended": True, "attempts": 1})]
    # A refused request publishes nothing.
    status, _view = post(runtime, block, "back", {})
    assert status == 400 and tracked() == []


def block_state_as_model(block, scenario):
    return model.restore(block_state(block), scenario)
