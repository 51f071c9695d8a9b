"""Role-play figures: the learner state's size (it shares SCORM 1.2's 4,096-character suspend_data
with the other blocks), the cost of scoring a scenario, and the block's script and stylesheet weight.

    python -m bench.roleplay_figures
"""

from __future__ import annotations

import gzip
import json
import sys
import time
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xblocks.roleplay import model  # noqa: E402

SCENARIOS = sorted(ROOT.glob("courses/*/scenario_roleplay/*.xml"))
ASSETS = [ROOT / "xblocks" / "roleplay" / "static" / name for name in ("roleplay.js", "roleplay.css")]


def loop_free_routes(scenario: model.Scenario) -> list[list[str]]:
    found, stack = [], [(scenario.start, [], {scenario.start})]
    while stack:
        scene_id, route, seen = stack.pop()
        scene = scenario.scene(scene_id)
        if scene.ending:
            found.append(route)
            continue
        for choice in scene.choices:
            if choice.next not in seen:
                stack.append((choice.next, route + [choice.id], seen | {choice.next}))
    return found


def state_figures(path: Path) -> None:
    scenario, problems = model.parse(etree.parse(str(path)).getroot(), str(path.relative_to(ROOT)))
    if problems:
        print(f"{path.relative_to(ROOT)}: not valid, skipped")
        return
    started = time.perf_counter()
    model._search_route_bests(scenario)
    scoring_ms = (time.perf_counter() - started) * 1000
    routes = loop_free_routes(scenario)
    longest = max(routes, key=lambda r: len(json.dumps(r)))
    # The largest state a learner can hold: the longest route, loop-closing choice and scores set.
    worst = {
        "r": longest,
        "v": max((c.id for s in scenario.scenes for c in s.choices), key=len),
        "n": 99,
        "b": [999, 999],
        "l": [999, 999],
    }
    size = len(json.dumps(worst, separators=(",", ":")))
    print(
        f"{path.relative_to(ROOT)}: {len(scenario.scenes)} scenes, {len(routes)} loop-free routes; "
        f"best/possible computed in {scoring_ms:.1f} ms"
    )
    print(
        f"  largest learner state: {size} characters of JSON before the player's compression "
        f"({100 * size / 4096:.1f}% of SCORM 1.2 suspend_data)"
    )


def main() -> int:
    for path in SCENARIOS:
        state_figures(path)
    for asset in ASSETS:
        raw = asset.read_bytes()
        print(f"{asset.relative_to(ROOT)}: {len(raw)} bytes, {len(gzip.compress(raw, 9, mtime=0))} gzip")
    return 0


if __name__ == "__main__":
    sys.exit(main())
