"""Shared helpers of the role-play tests: scenarios, the shared vectors (replayed through the XBlock's
JSON handlers here; against model.py and the script by the one runner of each language), routes."""

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
    written apart from model.py's own search, so the tests do not check the model against itself:
    it follows the learner's rule for what is offered, route by route)."""
    return [route for route, _steps in routes_with_values(scenario)]


def play(scenario: model.Scenario, choices: list[str]) -> tuple[dict, dict]:
    """Play choices from the start through model.py's handlers, each one offered where it is made;
    the final (state, view)."""
    state = model.restore(None, scenario)
    view = model.view(state, scenario)
    for choice in choices:
        assert choice in view["offered"], f"{choice} is not offered in {view['scene']}"
        state, view = model.apply("choose", state, {"choice": choice}, scenario)
    return state, view


def placement(course_name: str, scenario_name: str):
    """Where a course places a scenario: (course, its chapter's url_name, its subsection, and every
    component of the course in order as (category, url_name)); the course must validate."""
    from builder.course import load_course

    course, problems = load_course(ROOT / "courses" / course_name)
    assert course is not None and not problems, "\n".join(map(str, problems))
    order = [
        (chapter.url_name, subsection, (c.category, c.url_name))
        for chapter in course.chapters
        for subsection in chapter.subsections
        for u in subsection.units
        for c in u.components
    ]
    chapter, subsection, _ = next(o for o in order if o[2] == ("scenario_roleplay", scenario_name))
    assert subsection.attrs.get("graded") == "true" and subsection.attrs.get("format") == "Role-play"
    assert "scenario_roleplay" in course.setting("advanced_modules", [])
    return course, chapter, subsection, [o[2] for o in order]


def vector_cases() -> list[tuple[str, dict]]:
    """(name, case) of every shared role-play vector (tests/vectors/README.md), the case's `content`
    the scenario's path (the model-level runner is tests/test_rules_vectors.py)."""
    found = sorted(VECTORS_DIR.glob("*.json"))
    assert len(found) >= 8, "the role-play vectors are missing"
    out = []
    for path in found:
        vector = json.loads(path.read_text(encoding="utf-8"))
        for case in vector["cases"]:
            out.append((f"{path.stem}: {case['name']}", dict(case, content=case.get("content", vector["content"]))))
    return out


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
        "f": block._field("first_score"),
    }


def set_block_state(block, saved) -> None:
    if saved is None:
        return
    block.route, block.via, block.attempts = saved.get("r"), saved.get("v"), saved.get("n")
    block.best_score, block.last_score, block.first_score = saved.get("b"), saved.get("l"), saved.get("f")
    block.save()


# -- the course scenarios, route by route ------------------------------------------------------

FACILITATION = ROOT / "courses" / "facilitation" / "scenario_roleplay" / "fac_ortiz_meeting.xml"
CONFLICT = ROOT / "courses" / "conflict_resolution" / "scenario_roleplay" / "cr_haddad_services.xml"
COURSE_SCENARIOS = {"ms_perez": MS_PEREZ, "fac_ortiz_meeting": FACILITATION, "cr_haddad_services": CONFLICT}
POSSIBLE = {"ms_perez": 35, "fac_ortiz_meeting": 35, "cr_haddad_services": 46}  # each scenario's best route

# One route into every ending of each course scenario, with the points it earns (of POSSIBLE).
ENDING_ROUTES = {
    "ms_perez": {
        "ending-trusted-partner": (
            "conf-double-slot listen-and-record learn-her-context call-about-results ask-time-and-transport "
            "team-solution invite-support open-with-strengths empathize-aim-high plan-her-priority ask-what-helps "
            "act-on-feedback",
            35,
        ),
        "ending-polite-distance": (
            "conf-double-slot listen-and-record learn-her-context call-about-results ask-time-and-transport "
            "phone-from-work invite-support open-with-strengths reassure-routine defer-her-priority sign-and-close",
            15,
        ),
        "ending-signature-only": (
            "conf-alfredo-interprets finish-on-time mail-the-report cite-the-timeline ask-time-and-transport "
            "phone-from-work send-the-agenda open-with-scores keep-going reassure-routine defer-her-priority "
            "sign-and-close",
            0,
        ),
        "ending-without-her": (
            "conf-double-slot listen-and-record learn-her-context call-about-results send-standard-invite "
            "hold-without-her",
            7,
        ),
    },
    "fac_ortiz_meeting": {
        "ending-agreement": (
            "ask-hopes-and-needs agenda-as-questions open-with-agreements family-first reframe-interests "
            "invite-nakamura summarize-common-ground reframe-both list-then-weigh park-with-a-plan check-with-each "
            "close-with-actions",
            35,
        ),
        "ending-agreement-guarded": (
            "promise-the-program his-agenda open-with-agreements family-first reframe-interests invite-nakamura "
            "summarize-common-ground reframe-both list-then-weigh park-with-a-plan check-with-each close-with-actions",
            24,
        ),
        "ending-signed": (
            "ask-hopes-and-needs agenda-as-questions open-with-agreements family-first reframe-interests "
            "invite-nakamura summarize-common-ground reframe-both propose-compromise stay-on-agenda assume-consensus "
            "answer-and-sign",
            16,
        ),
        "ending-next-meeting": (
            "ask-hopes-and-needs agenda-as-questions open-with-agreements family-first reframe-interests "
            "invite-nakamura summarize-common-ground rule-on-cost summarize-and-schedule",
            20,
        ),
        "ending-complaint": (
            "promise-the-program his-agenda straight-to-services push-through explain-last-year ask-whose-side "
            "urge-realism declare-impasse",
            0,
        ),
    },
    "cr_haddad_services": {
        "ending-built-together": (
            "step-aside ask-what-she-sees reflect-back explain-options help-write reframe-kim ask-brandt "
            "read-the-notice agree-time strengths-first chart-interests list-options time-to-consider "
            "full-notice-and-spring her-decision",
            46,
        ),
        "ending-plan-thin-trust": (
            "step-aside ask-what-she-sees reflect-back discourage help-write reframe-kim ask-brandt skip-the-file "
            "agree-time strengths-first chart-interests list-options time-to-consider full-notice her-decision",
            34,
        ),
        "ending-minutes-back": (
            "step-aside ask-what-she-sees reflect-back explain-options help-write reframe-kim ask-brandt "
            "read-the-notice agree-time strengths-first split-difference amend-and-close",
            29,
        ),
        "ending-mediation": (
            "step-aside ask-what-she-sees reflect-back explain-options help-write reframe-kim ask-brandt "
            "read-the-notice agree-time strengths-first let-kim-decide offer-mediation",
            31,
        ),
        "ending-broken-promise": (
            "step-aside ask-what-she-sees reflect-back explain-options help-write agree-restore ask-brandt "
            "read-the-notice agree-time strengths-first hold-the-line",
            20,
        ),
        "ending-complaint": (
            "defend-in-public formal-reply talk-her-out warn-reversal skip-the-file standard-notice data-first "
            "let-kim-decide see-you-there",
            0,
        ),
    },
}


def ending_routes() -> list[tuple[str, str, list[str], int]]:
    """(scenario name, ending, route, points earned) for every ending of the course scenarios."""
    return [
        (name, ending, route.split(), earned)
        for name, endings in ENDING_ROUTES.items()
        for ending, (route, earned) in endings.items()
    ]


def routes_with_values(scenario: model.Scenario) -> list[tuple[list[str], list[tuple[str, dict]]]]:
    """Every loop-free route from the start to an ending as the learner can play it (only the
    choices offered under the values the route has set): (choice ids, (scene, values) at each step)."""
    found = []
    start = (scenario.start, model.initial_values(scenario))
    stack = [([], [start])]
    while stack:
        route, steps = stack.pop()
        scene_id, values = steps[-1]
        if scenario.scene(scene_id).ending:
            found.append((route, steps))
            continue
        seen = {scene for scene, _values in steps}
        for choice, after, to in model.offered(scenario, scene_id, values):
            if to not in seen:
                stack.append((route + [choice.id], steps + [(to, after)]))
    return found


def said(scenario: model.Scenario, scene_id: str, values: dict) -> str:
    """The narration and lines a scene shows with these values (conditions applied), as one text."""
    scene = scenario.scene(scene_id)
    return " ".join(b.text + " " + b.translation for b in scene.beats if model.holds(b.condition, values))
