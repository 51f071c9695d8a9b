"""model.py: the authoring format, round trip, scoring, the loop rule, resume after re-publish,
and the Ms. Pérez scenario's promises (size, endings, dimensions, seed strategies, Spanish)."""

import copy
import json

import pytest
from lxml import etree
from roleplay_support import MS_PEREZ, VECTORS_DIR, load_scenario, loop_free_routes

from xblocks.common.kind import kind
from xblocks.roleplay import model


@pytest.fixture(scope="module")
def perez():
    return load_scenario(MS_PEREZ)


def test_registered_under_its_tag():
    assert kind("scenario_roleplay").model is model
    assert model.TAG == "scenario_roleplay"


def test_ms_perez_is_a_full_scenario(perez):
    scenes = [s for s in perez.scenes if not s.ending]
    endings = [s for s in perez.scenes if s.ending]
    assert len(scenes) >= 12 and len(endings) >= 3
    assert [d.id for d in perez.dimensions] == ["equity", "respect", "communication", "advocacy", "commitment"]
    reached = {model.route_scenes(perez, route)[-1] for route in loop_free_routes(perez)}
    assert reached == {e.id for e in endings}
    content = model.view_content(perez)
    assert all(d["best"] > 0 for d in content["dimensions"])
    assert content["possible"] == 35


def test_ms_perez_speaks_spanish_with_interpretation(perez):
    spoken = [b for s in perez.scenes for b in s.beats if b.speaker == "perez"]
    assert len(spoken) >= 6
    assert all(b.translation for b in spoken)
    # Only at the conference where her nine-year-old interprets is there no interpreter.
    assert sum(b.translation_by != "interpreter" for b in spoken) == 1
    content = model.view_content(perez)
    lines = [b for s in content["scenes"] for b in s["beats"] if b["speaker"] == "perez"]
    assert {b["lang"] for b in lines} == {"es"} and {b["translation_lang"] for b in lines} == {"en"}


@pytest.mark.parametrize(
    "strategy, words",
    [
        ("communication preferences asked early", ["how she would like to hear from you"]),
        ("a trained interpreter, not the child", ["interpreter"]),
        ("least dangerous assumption", ["least dangerous assumption"]),
        ("parent advocacy resource", ["Family Empowerment Center"]),
        ("open with strengths", ["Begin with Alfredo's strengths"]),
        ("empathy for the labels", ["can be hard to hear"]),
        ("own cultural lens", ["night-shift work and the effects of immigration"]),
        ("open-ended listening", ["what she would like you to know about Alfredo"]),
        ("her priority concern in the plan", ["add to the plan a goal and supports for recess"]),
        ("what to expect, in advance", ["what each person will say"]),
        ("invite her aunt", ["bring Rosa or anyone else"]),
        ("systemic barriers, shared accountability", ["fixing it is the school's job too"]),
        ("transport and sleep schedule", ["reach by bus, given her sleep and work"]),
        (
            "principal, social worker, community location",
            ["principal and the school social worker", "family resource center"],
        ),
        ("stand in her shoes", ["from where she stands"]),
        ("professional development with interpreters", ["training on working with interpreters"]),
        ("ask for feedback and act on it", ["what has helped most and least", "act on what she told you"]),
    ],
)
def test_every_seed_strategy_is_a_choice_or_consequence(perez, strategy, words):
    text = " ".join(
        [
            s.title
            + " "
            + " ".join(b.text + " " + b.translation for b in s.beats)
            + " "
            + s.debrief
            + " ".join(c.text + " " + c.feedback for c in s.choices)
            for s in perez.scenes
        ]
    )
    for phrase in words:
        assert phrase in text, f"{strategy}: '{phrase}' is missing"


def test_round_trip(perez):
    again, problems = model.parse(model.serialize(perez), "round-trip")
    assert problems == [] and again == perez
    text = etree.tostring(model.serialize(perez), encoding="unicode")
    third, problems = model.parse_text(text, "text")
    assert problems == [] and third == perez


def test_round_trip_keeps_every_optional_field():
    xml = """<scenario_roleplay display_name="All fields" start="two" lang="en" weight="2.5" max_attempts="3" keep="last">
      <dimension id="d" label="D"/>
      <persona id="p" name="P" role="R" lang="es" portrait="p.jpg" portrait_alt="A parent smiling"/>
      <persona id="i" name="I"/>
      <scene id="one" title="One"><choice id="c1" next="end"><text>T</text><feedback>F</feedback></choice></scene>
      <scene id="two" title="Two"><narration lang="es">Narración</narration>
        <line speaker="p" lang="es-MX">Hola<translation by="i" lang="en">Hello</translation></line>
        <choice id="c2" next="one" points="d:2"><text>T2</text><feedback>F2</feedback></choice></scene>
      <ending id="end" title="End"><line speaker="i">Bye</line><debrief>Done</debrief></ending>
    </scenario_roleplay>"""
    scenario, problems = model.parse_text(xml, "all.xml")
    assert problems == []
    assert (scenario.weight, scenario.max_attempts, scenario.keep, scenario.start) == (2.5, 3, "last", "two")
    assert model.static_files(scenario) == ["p.jpg"]
    again, problems = model.parse(model.serialize(scenario), "again")
    assert problems == [] and again == scenario
    assert model.view_content(scenario)["personas"][0]["portrait_alt"] == "A parent smiling"


def test_view_content_is_json_and_learner_independent(perez):
    content = model.view_content(perez)
    assert json.loads(json.dumps(content)) == content
    assert content["start"] == "fall-conferences" and content["keep"] == "first"  # graded practice
    assert {s["id"] for s in content["scenes"]} == {s.id for s in perez.scenes}


def test_scores_along_a_path(perez):
    route = ["conf-double-slot", "listen-and-record", "not-my-role"]
    assert model.route_scenes(perez, route) == ["fall-conferences", "first-contact", "your-lens", "evaluation-results"]
    assert model.route_totals(perez, route) == {
        "equity": 2,
        "respect": 0,
        "communication": 3,
        "advocacy": 0,
        "commitment": 1,
    }
    assert model.earned({"a": -4, "b": 1}) == 0


def test_best_route_reaches_every_dimension_best_at_once(perez):
    content = model.view_content(perez)
    bests = {d["id"]: d["best"] for d in content["dimensions"]}
    totals = [model.route_totals(perez, r) for r in loop_free_routes(perez)]
    assert max(sum(t.values()) for t in totals) == content["possible"]
    for dimension, best in bests.items():
        assert max(t[dimension] for t in totals) == best
    # The scenario is written so that the one best route is also at its best on every dimension.
    assert [t for t in totals if sum(t.values()) == content["possible"]] == [bests]


def test_going_round_a_loop_never_changes_the_score(perez):
    state = model.restore(None, perez)
    for choice in [
        "conf-english-notice",
        "assume-a-reason",
        "listen-and-record",
        "learn-her-context",
        "call-about-results",
        "send-standard-invite",
    ]:
        state, _ = model.apply("choose", state, {"choice": choice}, perez)
    before = model.route_totals(perez, state["r"])
    for _ in range(5):  # the missed meeting loops back to scheduling
        state, view = model.apply("choose", state, {"choice": "own-the-barrier"}, perez)
        assert view["scene"] == "meeting-logistics"
        assert view["totals"] == model.route_totals(perez, state["r"])
        state, _ = model.apply("choose", state, {"choice": "send-standard-invite"}, perez)
    assert model.route_totals(perez, state["r"]) == before


def test_refused_request_leaves_the_callers_state_alone(perez):
    state = model.restore(None, perez)
    kept = copy.deepcopy(state)
    for payload in ({"choice": "open-with-strengths"}, {"choice": None}, {}):
        with pytest.raises(model.Refused):
            model.apply("choose", state, payload, perez)
    with pytest.raises(model.Refused):
        model.apply("back", state, {}, perez)
    with pytest.raises(model.Refused):
        model.apply("grade_me", state, {}, perez)
    assert state == kept


def test_handlers_never_mutate_their_input(perez):
    state = model.restore(None, perez)
    kept = copy.deepcopy(state)
    new_state, _ = model.apply("choose", state, {"choice": "conf-double-slot"}, perez)
    assert state == kept and new_state["r"] == ["conf-double-slot"]


def test_resume_after_a_scene_is_removed(perez):
    """Republishing Ms. Pérez without the 'your-lens' scene: the learner resumes where their route breaks."""
    root = etree.parse(str(MS_PEREZ)).getroot()
    lens = root.find("scene[@id='your-lens']")
    root.remove(lens)
    root.find(".//choice[@id='listen-and-record']").set("next", "evaluation-results")
    republished, problems = model.parse(root, "republished")
    assert problems == []
    saved = {
        "r": ["conf-double-slot", "listen-and-record", "learn-her-context", "call-about-results"],
        "v": "call-about-results",
        "n": 2,
        "b": [20, 34],
        "l": [11, 34],
        "x": "a key this version does not know",
    }
    state = model.restore(saved, republished)
    assert state == {
        "r": ["conf-double-slot", "listen-and-record"],
        "v": None,
        "n": 2,
        "b": [20, 34],
        "l": [11, 34],
        "f": [11, 34],
    }
    view = model.view(state, republished)
    assert view["scene"] == "evaluation-results" and view["can_back"]
    state, view = model.apply("choose", state, {"choice": "call-about-results"}, republished)
    assert view["scene"] == "meeting-logistics" and view["attempts"] == 2


def test_restore_of_nothing_is_a_fresh_start(perez):
    for saved in (None, [], "x", 3, {}):
        assert model.restore(saved, perez) == model.empty_state()


def test_report_ids_and_results(perez):
    state = model.restore(None, perez)
    state, _ = model.apply("choose", state, {"choice": "conf-alfredo-interprets"}, perez)
    state, _ = model.apply("choose", state, {"choice": "pause-and-reschedule"}, perez)
    report = model.report(state, perez, "u7")
    assert report["completed"] is False and report["score"] is None
    assert [(i["id"], i["result"]) for i in report["interactions"]] == [
        ("u7-conf-alfredo-interprets", "incorrect"),
        ("u7-pause-and-reschedule", "correct"),
    ]
    assert len(json.dumps(state)) < 200  # ids only: it shares SCORM 1.2 suspend_data with other blocks


def test_the_best_score_is_kept_by_fraction():
    scenario = load_scenario(VECTORS_DIR / "scenarios" / "loop.xml")
    state = {"r": [], "v": None, "n": 1, "b": [4, 5], "l": [4, 5], "f": [4, 5]}
    for choice in ("rush", "apologize", "act"):
        state, view = model.apply("choose", state, {"choice": choice}, scenario)
    assert view["last"] == {"earned": 3, "possible": 5} and view["best"] == {"earned": 4, "possible": 5}


def test_the_reference_example_in_the_docs_is_valid():
    text = (MS_PEREZ.parents[3] / "docs" / "roleplay.md").read_text(encoding="utf-8")
    example = next(block for block in text.split("```xml")[1:] if "<scenario_roleplay display_name" in block)
    scenario, problems = model.parse_text(example.split("```")[0], "docs/roleplay.md")
    assert problems == []
    state = model.restore(None, scenario)
    for choice in ("tell", "try-again", "ask", "arrange"):
        state, view = model.apply("choose", state, {"choice": choice}, scenario)
    assert state == {"r": ["ask", "arrange"], "v": None, "n": 1, "b": [4, 4], "l": [4, 4], "f": [4, 4]}
    assert model.static_files(scenario) == ["luna.jpg"]
