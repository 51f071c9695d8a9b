"""Role-play validation at scale: generated scenarios, each validated as the studio editor does
(`model.parse_text`: parsing, every check, best possible scores) and timed.

    python -m bench.roleplay_scale

- `scenes-300`: 300 scenes in stages of branches that rejoin, with a retry loop in every stage
  and endings along the way;
- `diamonds-N`: N small diamonds in a row, each with a "start this step again" loop: 2**N
  loop-free routes, the input that made route enumeration take seconds (20) or never return (24);
- `tangle-40`: 40 scenes where every scene leads to every other, one loop holding them all: no
  algorithm can score it exactly in reasonable time, so validation must refuse it quickly;
- inputs near the editor's size limit (500,000 characters) aimed at the checks around scoring:
  `chain-2000` (scenes in a row, declared first to last: finding the scenes that can reach an
  ending took one pass per scene, 13 s for 4,000 compact scenes), `endings-2000` (tiered endings:
  comparing every pair took 31 s for 3,000 and reported 1.3 million problems), `flags-16` (16 flags
  set one by one, then 400 guarded choices: 65,536 states, each evaluating 400 conditions, over 2
  minutes; the limit now counts the conditions evaluated, not only the states).

The generators are also used by tests/roleplay/test_roleplay_scoring.py.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xblocks.roleplay import model, scoring  # noqa: E402

BUDGET_MS = 1000  # "well under a second" for a 300-scene scenario and for any refused input


def _choice(choice_id: str, target: str, points: str = "") -> str:
    attribute = f' points="{points}"' if points else ""
    return (
        f'    <choice id="{choice_id}" next="{target}"{attribute}><text>Do {choice_id}.</text>'
        f"<feedback>What {choice_id} did.</feedback></choice>\n"
    )


def _document(title: str, scenes: list[str], endings: list[str]) -> str:
    return (
        f'<scenario_roleplay display_name="{title}" start="s0">\n'
        '  <dimension id="respect" label="Respect"/>\n  <dimension id="advocacy" label="Advocacy"/>\n'
        '  <persona id="parent" name="Parent"/>\n' + "".join(scenes) + "".join(endings) + "</scenario_roleplay>\n"
    )


def _scene(scene_id: str, choices: str) -> str:
    return f'  <scene id="{scene_id}" title="Scene {scene_id}">\n    <narration>Scene {scene_id}.</narration>\n{choices}  </scene>\n'


def _ending(ending_id: str) -> str:
    return f'  <ending id="{ending_id}" title="Ending {ending_id}"><debrief>How {ending_id} went.</debrief></ending>\n'


def scenes(count: int = 300, seed: int = 7) -> str:
    """`count` scenes in stages of five: a fork into three branches that rejoin, a retry loop back
    to the fork, and an early ending out of every stage; the last stage leads to the final endings."""
    rng = random.Random(seed)
    stages = count // 5
    body, endings = [], []
    for stage in range(stages):
        fork, a, b, c, join = (f"s{5 * stage + k}" for k in range(5))
        after = f"s{5 * (stage + 1)}" if stage + 1 < stages else "end-good"
        exit_ = f"early{stage}"
        endings.append(_ending(exit_))

        def pts():
            return f"respect:{rng.randint(-2, 3)} advocacy:{rng.randint(-2, 3)}"

        body.append(
            _scene(
                fork, _choice(f"c{fork}a", a, pts()) + _choice(f"c{fork}b", b, pts()) + _choice(f"c{fork}c", c, pts())
            )
        )
        body.append(_scene(a, _choice(f"c{a}j", join, pts()) + _choice(f"c{a}r", fork)))
        body.append(_scene(b, _choice(f"c{b}j", join, pts()) + _choice(f"c{b}c", c, pts())))
        body.append(_scene(c, _choice(f"c{c}j", join, pts()) + _choice(f"c{c}b", b, pts())))
        body.append(_scene(join, _choice(f"c{join}n", after, pts()) + _choice(f"c{join}x", exit_, pts())))
    endings += [_ending("end-good")]
    return _document(f"Generated: {count} scenes", body, endings)


def diamonds(count: int) -> str:
    """`count` diamonds in a row: top -> left | right -> next top, and left can start the step again."""
    body = []
    for k in range(count):
        top, left, right = f"s{3 * k}", f"s{3 * k + 1}", f"s{3 * k + 2}"
        after = f"s{3 * (k + 1)}" if k + 1 < count else "end"
        body.append(_scene(top, _choice(f"c{top}l", left, "respect:1") + _choice(f"c{top}r", right, "advocacy:1")))
        body.append(_scene(left, _choice(f"c{left}n", after, "advocacy:1") + _choice(f"c{left}r", top)))
        body.append(_scene(right, _choice(f"c{right}n", after, "respect:1")))
    return _document(f"Generated: {count} diamonds", body, [_ending("end")])


def tangle(count: int) -> str:
    """`count` scenes, each leading to every other and to the ending: one loop holds them all."""
    body = []
    for k in range(count):
        choices = "".join(_choice(f"c{k}to{j}", f"s{j}", f"respect:{(k * j) % 3}") for j in range(count) if j != k)
        body.append(_scene(f"s{k}", choices + _choice(f"c{k}end", "end", "advocacy:1")))
    return _document(f"Generated: a tangle of {count}", body, [_ending("end")])


def chain(count: int) -> str:
    """`count` scenes in a row, each with one choice to the next, then one ending."""
    body = [
        _scene(f"s{k}", _choice(f"c{k}", f"s{k + 1}" if k + 1 < count else "end", "respect:1 advocacy:1"))
        for k in range(count)
    ]
    return _document(f"Generated: a chain of {count}", body, [_ending("end")])


def tiered_endings(count: int) -> str:
    """One scene with `count` choices, each into its own ending, the tiers in turn: many tier conflicts."""
    tiers = ("best", "mixed", "poor")
    choices = "".join(_choice(f"c{k}", f"e{k}", f"respect:{k % 7}") for k in range(count))
    endings = [
        f'  <ending id="e{k}" title="Ending {k}" tier="{tiers[k % 3]}"><debrief>How e{k} went.</debrief></ending>\n'
        for k in range(count)
    ]
    return _document(f"Generated: {count} tiered endings", [_scene("s0", choices)], endings)


def flag_fan(flags: int, guarded: int) -> str:
    """`flags` scenes that each may set one flag (2**flags value sets), then a scene of `guarded`
    choices whose condition reads every flag."""
    body = []
    for k in range(flags):
        after = f"s{k + 1}"
        set_it = f'    <choice id="a{k}" next="{after}" set="f{k}=true"><text>Set f{k}.</text><feedback>Set.</feedback></choice>\n'
        body.append(_scene(f"s{k}", set_it + _choice(f"b{k}", after, "respect:1")))
    condition = " or ".join(f"f{k}" for k in range(flags))
    last = "".join(
        f'    <choice id="z{j}" next="end" if="{condition}" points="advocacy:1"><text>Go.</text>'
        "<feedback>Gone.</feedback></choice>\n"
        for j in range(guarded)
    )
    body.append(_scene(f"s{flags}", last + _choice("zz", "end")))
    declared = "".join(f'  <flag id="f{k}"/>\n' for k in range(flags))
    return _document(f"Generated: {flags} flags", body, [_ending("end")]).replace(
        '  <persona id="parent"', declared + '  <persona id="parent"', 1
    )


def measure(name: str, xml: str, runs: int = 3) -> float:
    """Validate `xml` as the editor does; print and return the fastest time in milliseconds."""
    times, outcome = [], ""
    for _ in range(runs):
        started = time.perf_counter()
        scenario, problems = model.parse_text(xml, f"{name}.xml")
        times.append((time.perf_counter() - started) * 1000)
    if scenario is not None:
        bests = model._search_route_bests(scenario)
        outcome = f"valid; best possible {bests.possible} over {bests.states} states in {bests.steps} steps"
    else:
        outcome = f"refused ({len(problems)} problems): " + problems[0].message
    best = min(times)
    print(f"{name}: {len(xml):,} characters of XML, validated in {best:.0f} ms (fastest of {runs}); {outcome}")
    return best


def main() -> int:
    over = []
    cases = [
        ("scenes-300", scenes(300)),
        ("diamonds-20", diamonds(20)),
        ("diamonds-24", diamonds(24)),
        ("diamonds-100", diamonds(100)),
        ("tangle-40", tangle(40)),
        ("chain-2000", chain(2000)),
        ("endings-2000", tiered_endings(2000)),
        ("flags-16", flag_fan(16, 400)),
    ]
    for name, xml in cases:
        if measure(name, xml) > BUDGET_MS:
            over.append(name)
    print(f"search limit: {scoring.MAX_STEPS:,} states and search steps; budget {BUDGET_MS} ms per validation")
    if over:
        print("over budget: " + ", ".join(over))
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
