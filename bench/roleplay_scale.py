"""Role-play validation at scale: generated scenarios, each validated as the studio editor does
(`model.parse_text`: parsing, every check, best possible scores) and timed.

    python -m bench.roleplay_scale

- `scenes-300`: 300 scenes in stages of branches that rejoin, with a retry loop in every stage
  and endings along the way;
- `diamonds-N`: N small diamonds in a row, each with a "start this step again" loop: 2**N
  loop-free routes, the input that made route enumeration take seconds (20) or never return (24);
- `tangle-40`: 40 scenes where every scene leads to every other, one loop holding them all: no
  algorithm can score it exactly in reasonable time, so validation must refuse it quickly.

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
        outcome = "refused: " + problems[0].message
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
