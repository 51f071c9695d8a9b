"""The facilitation course's role-play (FAC101, chapter 2): the learner is the neutral facilitator of
a tense IEP meeting. Its promises, checked with model.py: size, every ending and every dimension
reachable, the one best route, the three loops that cannot be farmed, Spanish with interpretation,
the facilitator's skills among the choices, and its place in the course."""

import pytest
from roleplay_support import ROOT, load_scenario, loop_free_routes, placement, play

from xblocks.roleplay import model

SCENARIO = ROOT / "courses" / "facilitation" / "scenario_roleplay" / "fac_ortiz_meeting.xml"
DIMENSIONS = ["neutrality", "structure", "listening", "voice", "agreement"]
BEST_ROUTE = [
    "ask-hopes-and-needs",
    "agenda-as-questions",
    "open-with-agreements",
    "family-first",
    "reframe-interests",
    "invite-nakamura",
    "summarize-common-ground",
    "reframe-both",
    "list-then-weigh",
    "park-with-a-plan",
    "check-with-each",
    "close-with-actions",
]


@pytest.fixture(scope="module")
def meeting():
    return load_scenario(SCENARIO)


def test_size_endings_and_dimensions(meeting):
    scenes = [s for s in meeting.scenes if not s.ending]
    endings = [s for s in meeting.scenes if s.ending]
    assert len(scenes) >= 12 and len(endings) >= 3
    assert [d.id for d in meeting.dimensions] == DIMENSIONS
    assert all(d.description for d in meeting.dimensions)
    reached = {model.route_scenes(meeting, route)[-1] for route in loop_free_routes(meeting)}
    assert (
        reached
        == {e.id for e in endings}
        == {
            "ending-agreement",
            "ending-agreement-guarded",
            "ending-signed",
            "ending-next-meeting",
            "ending-complaint",
        }
    )
    assert all(choice.feedback for scene in scenes for choice in scene.choices)


def test_every_dimension_can_be_earned_and_lost(meeting):
    content = model.view_content(meeting)
    assert {d["id"]: d["best"] for d in content["dimensions"]} == {
        "neutrality": 5,
        "structure": 7,
        "listening": 8,
        "voice": 8,
        "agreement": 7,
    }
    assert content["possible"] == 35
    for dimension in DIMENSIONS:
        values = [c.points.get(dimension, 0) for s in meeting.scenes for c in s.choices]
        assert max(values) > 0 and min(values) < 0, f"{dimension}: no move both earns and costs it"


def test_the_one_best_route_is_at_its_best_on_every_dimension(meeting):
    content = model.view_content(meeting)
    bests = {d["id"]: d["best"] for d in content["dimensions"]}
    routes = loop_free_routes(meeting)
    best = [r for r in routes if model.earned(model.route_totals(meeting, r)) == content["possible"]]
    assert best == [BEST_ROUTE]
    assert model.route_totals(meeting, BEST_ROUTE) == bests
    for dimension in DIMENSIONS:
        assert max(model.route_totals(meeting, r)[dimension] for r in routes) == bests[dimension]
    state, view = play(meeting, BEST_ROUTE)
    assert view["scene"] == "ending-agreement" and view["ending"]
    assert view["score"] == {"earned": 35, "possible": 35}


@pytest.mark.parametrize(
    "ending, route",
    [
        (
            # Signed after a route that lost the table's trust: a complaint follows the signature.
            "ending-complaint",
            [
                "logistics-only",
                "his-agenda",
                "open-with-agreements",
                "staff-first",
                "record-the-request",
                "take-as-agreement",
                "reframe-both",
                "propose-compromise",
                "stay-on-agenda",
                "assume-consensus",
                "answer-and-sign",
            ],
        ),
        (
            "ending-next-meeting",
            [
                "ask-hopes-and-needs",
                "agenda-as-questions",
                "open-with-agreements",
                "family-first",
                "reframe-interests",
                "invite-nakamura",
                "summarize-common-ground",
                "rule-on-cost",
                "summarize-and-schedule",
            ],
        ),
        (
            "ending-complaint",
            [
                "promise-the-program",
                "his-agenda",
                "straight-to-services",
                "push-through",
                "explain-last-year",
                "ask-whose-side",
                "urge-realism",
                "declare-impasse",
            ],
        ),
    ],
)
def test_weaker_routes_end_elsewhere_and_score_less(meeting, ending, route):
    _state, view = play(meeting, route)
    assert view["scene"] == ending
    assert view["score"]["earned"] < view["score"]["possible"] == 35


@pytest.mark.parametrize(
    "lead_in, closing, back_at, exit_choice",
    [
        # The rushed opening: restart it properly.
        (
            ["ask-hopes-and-needs", "agenda-as-questions", "straight-to-services"],
            "restart-opening",
            "opening",
            "straight-to-services",
        ),
        # A side taken on cost: a break, then the cost question again.
        (
            [
                "ask-hopes-and-needs",
                "agenda-as-questions",
                "open-with-agreements",
                "family-first",
                "reframe-interests",
                "take-as-agreement",
                "urge-realism",
            ],
            "break-and-return",
            "cost-question",
            "rule-on-cost",
        ),
        # Consensus assumed from silence: back to the proposal to check it.
        (BEST_ROUTE[:10] + ["assume-consensus"], "back-to-proposal", "proposal", "assume-consensus"),
    ],
)
def test_going_round_a_loop_never_changes_the_score(meeting, lead_in, closing, back_at, exit_choice):
    state, _ = play(meeting, lead_in)
    cut = lead_in[: model.route_scenes(meeting, lead_in).index(back_at)]  # the route up to the loop's scene
    before = model.route_totals(meeting, cut)
    for _ in range(4):
        state, view = model.apply("choose", state, {"choice": closing}, meeting)
        assert view["scene"] == back_at and view["via"] == closing
        assert view["totals"] == before and state["r"] == cut
        state, _ = model.apply("choose", state, {"choice": exit_choice}, meeting)
    # Leaving the loop the best way scores as if it had never been entered.
    state, view = model.apply("choose", state, {"choice": closing}, meeting)
    better = {"opening": "open-with-agreements", "cost-question": "reframe-both", "proposal": "check-with-each"}
    state, view = model.apply("choose", state, {"choice": better[back_at]}, meeting)
    assert view["totals"] == model.route_totals(meeting, cut + [better[back_at]])


def test_ms_ortiz_speaks_spanish_and_is_always_interpreted(meeting):
    spoken = [b for s in meeting.scenes for b in s.beats if b.speaker == "ortiz"]
    assert len(spoken) >= 6
    assert all(b.translation and b.translation_by == "salas" for b in spoken)
    content = model.view_content(meeting)
    lines = [b for s in content["scenes"] for b in s["beats"] if b["speaker"] == "ortiz"]
    assert {b["lang"] for b in lines} == {"es"} and {b["translation_lang"] for b in lines} == {"en"}
    others = [b for s in content["scenes"] for b in s["beats"] if b["speaker"] not in (None, "ortiz")]
    assert others and {b["lang"] for b in others} == {"en"}


@pytest.mark.parametrize(
    "skill, words",
    [
        ("pre-meeting conversations", ["separately"]),
        ("an agenda framed as questions", ["agenda framed as questions"]),
        ("shared agreements", ["shared agreements"]),
        ("reframing positions into interests", ["reframe", "interest"]),
        ("summarizing", ["summarize"]),
        ("the parking lot", ["parking lot"]),
        ("balancing voices", ["open question", "quietest"]),
        ("options before evaluation", ["every option on the chart before anyone judges"]),
        ("checking for agreement", ["ask each person in turn"]),
        ("closing with next steps", ["read back each decision", "check-out"]),
    ],
)
def test_every_facilitation_skill_is_a_choice(meeting, skill, words):
    choices = " ".join(c.text + " " + c.feedback for s in meeting.scenes for c in s.choices).lower()
    assert all(word in choices for word in words), skill


def test_placed_in_the_skills_chapter_after_the_readings_and_graded():
    _course, chapter, _subsection, names = placement("facilitation", "fac_ortiz_meeting")
    assert chapter == "fac_ch2_skills"
    for reading in ("fac_prepare", "fac_toolkit", "fac_opening", "fac_skills", "fac_reframe_practice", "fac_closing"):
        assert names.index(("html", reading)) < names.index(("scenario_roleplay", "fac_ortiz_meeting"))
