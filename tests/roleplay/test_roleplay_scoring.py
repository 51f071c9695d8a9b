"""Scoring over the state graph (scoring.py) agrees with enumerating every loop-free route, on the
course scenarios and on random scenarios full of loops; large and tangled inputs are answered."""

from __future__ import annotations

import random
import sys

import pytest
from roleplay_support import ROOT, load_scenario, loop_free_routes

from xblocks.roleplay import model, scoring

sys.path.insert(0, str(ROOT))  # the generators live with the benchmark that times them
from bench import roleplay_scale

COURSE_SCENARIOS = sorted(ROOT.glob("courses/*/scenario_roleplay/*.xml"))


def enumerated(scenario: model.Scenario) -> tuple[dict, int, dict]:
    """The oracle: per dimension best, best total, and per ending (lowest, highest) total, by route."""
    dims = {d.id: None for d in scenario.dimensions}
    endings: dict[str, tuple[int, int]] = {}
    for route in loop_free_routes(scenario):
        totals = model.route_totals(scenario, route)
        for d, value in totals.items():
            dims[d] = value if dims[d] is None else max(dims[d], value)
        end = model.route_scenes(scenario, route)[-1]
        low, high = endings.get(end, (None, None))
        total = sum(totals.values())
        endings[end] = (total if low is None else min(low, total), total if high is None else max(high, total))
    return dims, max(high for _, high in endings.values()), endings


def random_scenario(seed: int) -> str:
    """Up to 9 scenes whose choices go anywhere (loops everywhere), and 3 endings."""
    rng = random.Random(seed)
    count = rng.randint(2, 9)
    targets = [f"s{k}" for k in range(count)] + ["e0", "e1", "e2"]
    body = []
    for k in range(count):
        choices = ""
        for n in range(rng.randint(1, 4)):
            target = rng.choice(targets[: count + 3])
            points = f"respect:{rng.randint(-3, 3)} advocacy:{rng.randint(-3, 3)}"
            choices += roleplay_scale._choice(f"c{k}x{n}", target, points)
        # Every scene can end and leads on to the next, so every scene and ending is used.
        if k + 1 < count:
            choices += roleplay_scale._choice(f"c{k}on", f"s{k + 1}", f"respect:{rng.randint(-3, 3)}")
        choices += roleplay_scale._choice(f"c{k}end", f"e{k % 3}", "respect:1 advocacy:1")
        body.append(roleplay_scale._scene(f"s{k}", choices))
    return roleplay_scale._document("random", body, [roleplay_scale._ending(e) for e in ("e0", "e1", "e2")])


def graph_scores(scenario: model.Scenario) -> scoring.Bests:
    bests = model._search_route_bests(scenario)
    assert bests is not None
    return bests


@pytest.mark.parametrize("path", COURSE_SCENARIOS, ids=[p.stem for p in COURSE_SCENARIOS])
def test_course_scenarios_score_as_their_routes_do(path):
    scenario = load_scenario(path)
    dims, possible, endings = enumerated(scenario)
    bests = graph_scores(scenario)
    assert (bests.dimensions, bests.possible, bests.endings) == (dims, possible, endings)


def test_random_scenarios_with_loops_score_as_their_routes_do():
    checked = 0
    for seed in range(200):
        scenario, problems = model.parse_text(random_scenario(seed), "random.xml")
        if scenario is None:  # unreachable scenes and the like: not a scoring question
            continue
        dims, possible, endings = enumerated(scenario)
        bests = graph_scores(scenario)
        assert bests.dimensions == dims, seed
        assert bests.possible == possible, seed
        assert bests.endings == endings, seed
        checked += 1
    assert checked >= 150


def test_a_300_scene_scenario_validates_and_is_scored():
    scenario, problems = model.parse_text(roleplay_scale.scenes(300), "scenes.xml")
    assert problems == []
    assert len(scenario.scenes) > 300
    assert graph_scores(scenario).possible > 0


@pytest.mark.parametrize("count", [24, 100])
def test_diamonds_are_scored_exactly_without_enumerating_their_routes(count):
    """2**count routes; each diamond's best is 2 (one point on each side), so the best is 2*count."""
    scenario, problems = model.parse_text(roleplay_scale.diamonds(count), "diamonds.xml")
    assert problems == []
    bests = graph_scores(scenario)
    assert bests.possible == 2 * count
    assert bests.steps < 20 * count  # linear in the number of diamonds, not 2**count


def test_a_tangle_no_algorithm_can_score_is_refused_with_a_fix():
    scenario, problems = model.parse_text(roleplay_scale.tangle(40), "tangle.xml")
    assert scenario is None
    assert [p.message for p in problems] == [
        f"the scenario's loops are too tangled to score: finding its best routes takes more than "
        f"{scoring.MAX_STEPS} steps"
    ]
    assert "fewer choices lead back" in problems[0].fix


def test_a_loop_that_changes_a_counter_adds_no_states():
    """A retry that costs trust could be taken forever in a graph of (scene, values); a route is cut
    back when the loop closes, so the search explores only the states a route stands on."""
    xml = """<scenario_roleplay display_name="Retry" start="ask">
      <dimension id="respect" label="Respect"/>
      <counter id="trust"/>
      <scene id="ask" title="Ask">
        <choice id="rush" next="rushed" points="respect:-1" set="trust-=1"><text>Rush.</text><feedback>Hm.</feedback></choice>
        <choice id="listen" next="heard" points="respect:2" set="trust+=2"><text>Listen.</text><feedback>Yes.</feedback></choice>
      </scene>
      <scene id="rushed" title="Rushed">
        <choice id="again" next="ask"><text>Start again.</text><feedback>Again.</feedback></choice>
        <choice id="go-on" next="cold" points="respect:-1" set="trust-=1"><text>Go on.</text><feedback>No.</feedback></choice>
      </scene>
      <ending id="heard" title="Heard" tier="best" if="trust >= 2"><debrief>Good.</debrief></ending>
      <ending id="cold" title="Cold" tier="poor"><debrief>Less good.</debrief></ending>
    </scenario_roleplay>"""
    scenario, problems = model.parse_text(xml, "retry.xml")
    assert problems == []
    bests = graph_scores(scenario)
    assert len(bests.reached) == 4 and bests.endings == {"heard": (2, 2), "cold": (-2, -2)}
    assert (bests.dimensions, bests.possible, bests.endings) == enumerated(scenario)


def test_inputs_near_the_size_limit_are_answered_with_linear_work():
    """The checks around scoring grow with the scenario, not with its square (bench: chain-2000,
    endings-2000, flags-16): a long chain validates, many tier conflicts are reported once per ending
    and lower tier, and a fan of flags with guarded choices is refused by the step limit, which
    counts the conditions evaluated."""
    scenario, problems = model.parse_text(roleplay_scale.chain(2000), "chain.xml")
    assert problems == [] and model._search_route_bests(scenario).steps < 5 * 2000
    scenario, problems = model.parse_text(roleplay_scale.tiered_endings(2000), "endings.xml")
    assert scenario is None and 0 < len(problems) <= 2000
    assert all("tier" in p.message for p in problems)
    scenario, problems = model.parse_text(roleplay_scale.flag_fan(16, 400), "flags.xml")
    assert scenario is None and [p.message for p in problems] == [
        f"the scenario's loops are too tangled to score: finding its best routes takes more than "
        f"{scoring.MAX_STEPS} steps"
    ]
    # Fewer flags fit the limit and are scored exactly: each guarded choice earns 1 once a flag is set.
    scenario, problems = model.parse_text(roleplay_scale.flag_fan(4, 20), "flags.xml")
    assert problems == [] and model._search_route_bests(scenario).possible == 4
