"""The conflict-resolution course's role-play (CR101, chapter 3): Ms. Haddad and Sami's speech-language
services, the course's challenge case played through. Its promises, checked with model.py, the
XBlock's handlers in the workbench runtime and the builder: size and tiers, the memory (flags decide
what people say and which choices are open, the trust counter decides the ending), every ending
reached by a route, the loops that cannot be farmed, the legal citations, and its place in the course
and in the OLX and both SCORM packages."""

import re
import tarfile
import zipfile

import pytest
from lxml import etree
from roleplay_support import ENDING_ROUTES, ROOT, load_scenario, placement, play, post
from support.workbench import RecordingRuntime

from builder.build import BuildOptions
from builder.course import load_course
from builder.targets import olx
from builder.targets.scorm import build_package
from builder.targets.scorm_manifest import validate_manifest
from xblocks.roleplay import model

COURSE = ROOT / "courses" / "conflict_resolution"
SCENARIO = COURSE / "scenario_roleplay" / "cr_haddad_services.xml"
DIMENSIONS = ["interests", "accuracy", "process", "relationships"]
BEST_ROUTE = [
    "step-aside",
    "ask-what-she-sees",
    "reflect-back",
    "explain-options",
    "help-write",
    "reframe-kim",
    "ask-brandt",
    "read-the-notice",
    "agree-time",
    "strengths-first",
    "chart-interests",
    "list-options",
    "time-to-consider",
    "full-notice-and-spring",
    "her-decision",
]
TO_POSITIONS = BEST_ROUTE[:10]  # everything done well up to the two positions at the meeting
# One route into each ending (the shared table the workbench, browser and SCORM tests play), and
# three more: the best ending despite a miss, a silence asked at the close, a good meeting too late.
ROUTES = {
    ending: (ending, route.split(), earned) for ending, (route, earned) in ENDING_ROUTES["cr_haddad_services"].items()
}
ROUTES |= {
    "best, file unread": (
        "ending-built-together",
        [*BEST_ROUTE[:7], "skip-the-file", *BEST_ROUTE[8:13], "full-notice", "her-decision"],
        41,
    ),
    "mixed, silence asked": ("ending-plan-thin-trust", [*BEST_ROUTE[:-1], "ask-to-withdraw"], 37),
    "poor, a good meeting too late": (
        "ending-complaint",
        ["school-first", "formal-reply", "talk-her-out", "arm-with-data", "skip-the-file", "standard-notice"]
        + ["data-first", "chart-interests", "list-options", "sign-today", "thin-notice", "her-decision"],
        0,
    ),
}


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(SCENARIO)


def _effect(choice, name):
    found = [e for e in (choice.effects or "").split() if e.startswith(name)]
    if not found:
        return 0
    [text] = found
    sign = 1 if "+=" in text else -1
    return sign * int(text.split("=")[-1])


def test_size_tiers_dimensions_and_variables(scenario):
    scenes = [s for s in scenario.scenes if not s.ending]
    endings = [s for s in scenario.scenes if s.ending]
    assert len(scenes) >= 15 and len(endings) >= 4
    assert {e.tier for e in endings} == {"best", "mixed", "poor"} and all(e.tier for e in endings)
    assert [d.id for d in scenario.dimensions] == DIMENSIONS and all(d.description for d in scenario.dimensions)
    assert all(c.feedback and c.text for s in scenes for c in s.choices)
    assert scenario.warnings == [], "every flag and counter is read somewhere"
    kinds = {v.kind for v in scenario.variables}
    assert kinds == {"flag", "counter"} and len(scenario.variables) >= 8
    content = model.view_content(scenario)
    assert content["possible"] == 46
    for dimension in DIMENSIONS:
        values = [c.points.get(dimension, 0) for s in scenes for c in s.choices]
        assert max(values) > 0 and min(values) < 0, f"{dimension}: no move both earns and costs it"


def test_trust_mirrors_the_points_so_tiers_follow_scores(scenario):
    """Each choice moves trust by exactly what it earns; the one exception closes a loop and gives
    back what the way into the loop took, so the values at the loop's scene are restored."""
    for scene in scenario.scenes:
        for choice in scene.choices:
            if choice.id == "break-and-return":
                way_in = scenario.choice("let-kim-decide")
                assert _effect(choice, "trust") == -sum(way_in.points.values())
                continue
            assert _effect(choice, "trust") == sum(choice.points.values()), choice.id


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_each_route_reaches_its_ending_with_its_score(scenario, name):
    ending, route, earned = ROUTES[name]
    _state, view = play(scenario, route)
    assert view["scene"] == ending and view["ending"]
    assert view["score"] == {"earned": earned, "possible": 46}
    # The tiers are bands of the score: 38 or more best, 24 to 37 mixed, less poor.
    assert scenario.scene(ending).tier == ("best" if earned >= 38 else "mixed" if earned >= 24 else "poor")


def test_every_ending_is_reached_by_some_route():
    endings = {s.id for s in load_scenario(SCENARIO).scenes if s.ending}
    assert {ending for ending, _route, _earned in ROUTES.values()} == endings
    assert ENDING_ROUTES["cr_haddad_services"]["ending-built-together"][0].split() == BEST_ROUTE


def test_the_one_best_route_is_best_on_every_dimension(scenario):
    content = model.view_content(scenario)
    assert model.route_totals(scenario, BEST_ROUTE) == {d["id"]: d["best"] for d in content["dimensions"]}


def test_what_people_say_follows_from_what_the_learner_did(scenario):
    def said(route):
        _state, view = play(scenario, route)
        scene = scenario.scene(view["scene"])
        return [b.text for b in scene.beats if model.holds(b.condition, view["values"])], view

    # Listening at pickup: the talk is on the bench; a bad start and a call: on the phone.
    bench, _ = said(["step-aside"])
    phone, _ = said(["defend-in-public", "call-and-own"])
    assert "bench" in bench[0] and "calls" in phone[0]
    # Hearing Ms. Brandt before the meeting changes what she says at it, and what she offers.
    heard, _ = said(TO_POSITIONS)
    unheard, _ = said([*TO_POSITIONS[:6], "arm-with-data", *TO_POSITIONS[7:]])
    assert any("alone at lunch" in t for t in heard) and not any("alone at lunch" in t for t in unheard)
    need, _ = said([*TO_POSITIONS, "chart-interests"])
    assert any("observe him at lunch" in t for t in need) and any("at home" in t for t in need)
    # Inviting her to bring someone brings the parent mentor to the table.
    _, view = play(scenario, [*TO_POSITIONS[:8], "standard-notice", "strengths-first", "chart-interests"])
    assert "flores" not in {b.speaker for b in scenario.scene("need").beats if model.holds(b.condition, view["values"])}


def test_choices_open_and_close_with_what_the_learner_did(scenario):
    # A promise made in the talk changes what the principal's office offers, and brings it up at the meeting.
    _state, view = play(scenario, ["step-aside", "promise-sessions", "explain-options", "help-write"])
    assert view["scene"] == "principal" and set(view["offered"]) == {"own-the-promise", "keep-the-promise"}
    _state, view = play(
        scenario,
        ["step-aside", "promise-sessions", "explain-options", "help-write", "keep-the-promise", "ask-brandt"]
        + ["read-the-notice", "agree-time", "strengths-first"],
    )
    assert view["scene"] == "broken-promise"
    # Owning the promise at once means the meeting starts on the two positions.
    _state, view = play(
        scenario,
        ["step-aside", "promise-sessions", "explain-options", "help-write", "own-the-promise", "ask-brandt"]
        + ["read-the-notice", "agree-time", "strengths-first"],
    )
    assert view["scene"] == "positions"
    # Only a learner who read the spring file can name what its notice left out.
    for route, offered in ((BEST_ROUTE[:13], True), ([*BEST_ROUTE[:7], "skip-the-file", *BEST_ROUTE[8:13]], False)):
        _state, view = play(scenario, route)
        assert view["scene"] == "notice" and ("full-notice-and-spring" in view["offered"]) is offered


@pytest.mark.parametrize(
    "closing, back_at, exit_choice",
    [("break-and-return", "positions", "let-kim-decide"), ("back-to-interests", "need", "back-to-number")],
)
def test_going_round_a_loop_never_changes_the_score(scenario, closing, back_at, exit_choice):
    lead_in = [*TO_POSITIONS, "let-kim-decide"] if back_at == "positions" else [*TO_POSITIONS, "chart-interests"]
    if back_at == "need":
        lead_in.append("back-to-number")
    state, view = play(scenario, lead_in)
    cut = lead_in[: model.route_scenes(scenario, lead_in).index(back_at)]
    for _ in range(3):
        state, view = model.apply("choose", state, {"choice": closing}, scenario)
        assert view["scene"] == back_at and view["via"] == closing and state["r"] == cut
        assert view["totals"] == model.route_totals(scenario, cut)
        assert view["values"] == model.trace(scenario, cut)[-1][1], "the loop restores the values too"
        state, view = model.apply("choose", state, {"choice": exit_choice}, scenario)
    state, view = model.apply("choose", state, {"choice": closing}, scenario)
    for choice in BEST_ROUTE[BEST_ROUTE.index("chart-interests" if back_at == "positions" else "list-options") :]:
        state, view = model.apply("choose", state, {"choice": choice}, scenario)
    assert view["scene"] == "ending-built-together" and view["score"] == {"earned": 46, "possible": 46}


def test_legal_statements_are_cited_and_the_wrong_ones_are_named_wrong(scenario):
    feedback = {c.id: c.feedback for s in scenario.scenes for c in s.choices}
    cited = {
        "school-first": ["300.151", "300.506", "300.507"],
        "explain-options": ["EC 56500.2", "EC 56500.3", "EC 56505", "EC 56343"],
        "discourage": ["EC 56343", "EC 56343.5"],
        "freeze-claim": ["300.518(a)"],
        "help-write": ["EC 56343.5"],
        "pass-it-on": ["EC 56343.5"],
        "promise-sessions": ["300.324(a)(4)"],
        "reframe-kim": ["300.501(b)", "300.324(a)(4)"],
        "read-the-notice": ["300.503(b)"],
        "agree-time": ["300.322(a)", "EC 56341.5(c)", "300.321(a)(6)"],
        "chart-interests": ["300.324(a)(1)(ii)", "EC 56341.1"],
        "full-notice-and-spring": ["300.503(b)"],
        "offer-mediation": ["300.503(a)", "300.506", "EC 56500.3"],
    }
    for choice_id, citations in cited.items():
        for citation in citations:
            assert citation in feedback[choice_id], f"{choice_id}: {citation} not cited"
    assert "Inaccurate" in feedback["freeze-claim"] and "no such rule" in feedback["school-first"]


def test_placed_after_the_formal_options_and_graded_as_a_roleplay():
    course, chapter, subsection, names = placement("conflict_resolution", "cr_haddad_services")
    assert chapter == "cr_ch3_continuum"
    for earlier in ("cr_challenge", "cr_interests_practice", "cr_formal_options"):
        assert names.index(("html", earlier)) < names.index(("scenario_roleplay", "cr_haddad_services"))
    units = [c.url_name for u in subsection.units for c in u.components]
    assert units == ["cr_haddad_intro", "cr_haddad_services", "cr_reflect_roleplay"]
    grader = {entry["type"]: entry for entry in course.grading_policy["GRADER"]}
    assert grader["Role-play"]["min_count"] == 1 and grader["Role-play"]["weight"] == 0.15


# -- the XBlock in the workbench runtime: each ending, its grade and completion -----------------


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_each_ending_in_the_workbench_publishes_grade_and_completion(name):
    ending, route, earned = ROUTES[name]
    runtime = RecordingRuntime("learner")
    block = runtime.get_block(runtime.parse_xml_string(SCENARIO.read_text(encoding="utf-8")))
    html = runtime.render(block, "student_view").body_html()
    assert "Ms. Haddad" in html and "Sami" in html
    for choice in route[:-1]:
        status, view = post(runtime, block, "choose", {"choice": choice})
        assert status == 200 and not view["ending"], choice
    graded = [e for e in runtime.events if e[0] in ("grade", "completion")]
    assert graded == []
    status, view = post(runtime, block, "choose", {"choice": route[-1]})
    assert status == 200 and view["scene"] == ending and view["ending"]
    assert view["score"] == {"earned": earned, "possible": 46}
    assert [e for e in runtime.events if e[0] in ("grade", "completion")] == [
        ("grade", {"value": earned, "max_value": 46}),
        ("completion", {"completion": 1.0}),
    ]
    reached = [e[1] for e in runtime.events if e[0] == "xblock.scenario_roleplay.ending_reached"]
    assert len(reached) == 1 and reached[0]["ending"] == ending and reached[0]["tier"] == scenario_tier(ending)


def test_a_choice_the_scene_does_not_offer_is_refused_in_the_workbench():
    runtime = RecordingRuntime("learner")
    block = runtime.get_block(runtime.parse_xml_string(SCENARIO.read_text(encoding="utf-8")))
    for choice in ["step-aside", "promise-sessions", "explain-options", "help-write"]:
        assert post(runtime, block, "choose", {"choice": choice})[0] == 200
    status, _body = post(runtime, block, "choose", {"choice": "reframe-kim"})  # closed by the promise
    assert status == 400
    status, view = post(runtime, block, "state", {})
    assert status == 200 and view["scene"] == "principal" and len(view["route"]) == 4


# -- the builder: OLX and both SCORM versions carry it ------------------------------------------


def test_builds_into_olx_with_the_scenario_and_its_module(tmp_path):
    course, problems = load_course(COURSE)
    assert not problems
    [artifact] = olx.build(course, tmp_path / "work", BuildOptions())
    with tarfile.open(artifact.path) as archive:
        names = archive.getnames()
        vertical = archive.extractfile("course/vertical/cr_u_roleplay.xml").read()
        policy = archive.extractfile("course/policies/2026/policy.json").read().decode()
    assert "course/html/cr_haddad_intro.html" in names
    [element] = etree.fromstring(vertical).iter("scenario_roleplay")
    scenario, problems = model.parse(element, "export")
    assert not problems and scenario.start == "pickup" and len(scenario.scenes) == 25
    assert re.search(r'"advanced_modules": \[[^\]]*"scenario_roleplay"', policy)


@pytest.mark.parametrize("version", ["scorm12", "scorm2004"])
def test_builds_into_both_scorm_versions(tmp_path, version):
    course, problems = load_course(COURSE)
    assert not problems
    package = build_package(course, tmp_path, BuildOptions(), version, "course").path
    with zipfile.ZipFile(package) as archive:
        manifest = archive.read("imsmanifest.xml")
        index = archive.read("index.html").decode("utf-8")
    assert validate_manifest(manifest, version) == []
    assert "cr_haddad_services" in index and "ending-built-together" in index
    assert "P2PRoleplay" in index, "the role-play script is in the package"


def scenario_tier(ending: str) -> str:
    return load_scenario(SCENARIO).scene(ending).tier
