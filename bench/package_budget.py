"""SCORM package budgets: script + stylesheet weight per package, and LMS Commit calls per learner action.

Builds every course in courses/ (and the SCORM test course) to SCORM 1.2 and 2004 and prints:

- each package's scripts and stylesheets, gzip-compressed one by one as a browser fetches them,
  against the 35 KB budget, with the zip's size;
- in headless Chromium against scorm-again: Commit calls during a scripted sitting of the test
  course (navigation, role-play choices, a journal entry typed and submitted, rubric ratings), per
  learner action, and during 5 seconds of idleness.

    python -m bench.package_budget
"""

from __future__ import annotations

import gzip
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "scorm")]

from scorm_helpers import DATA, build, calls, launch, lms_folder, stop  # noqa: E402
from support.browser import CHROMIUM_ARGS, StaticServer, chromium_path  # noqa: E402

BUDGET_BYTES = 35 * 1024
VERSIONS = ("scorm12", "scorm2004")


def courses() -> list[Path]:
    return sorted(p.parent for p in (ROOT / "courses").glob("*/course.xml")) + [DATA / "sample_course"]


def script_weight(package: Path) -> tuple[int, dict[str, int]]:
    sizes = {}
    with zipfile.ZipFile(package) as archive:
        for name in archive.namelist():
            if name.endswith((".js", ".css")):
                sizes[name] = len(gzip.compress(archive.read(name), compresslevel=9, mtime=0))
    return sum(sizes.values()), sizes


def print_weights(workdir: Path) -> bool:
    within = True
    breakdown = {}
    print(f"{'package':44} {'scripts+css gzip':>17} {'budget':>8} {'zip':>9}")
    for course in courses():
        for version in VERSIONS:
            package = build(course, version, workdir / course.name)
            total, sizes = script_weight(package)
            breakdown.update(sizes)
            ok = total <= BUDGET_BYTES
            within &= ok
            print(
                f"{package.stem:44} {total / 1024:14.1f} KB {'ok' if ok else 'OVER':>8} "
                f"{package.stat().st_size / 1024:6.1f} KB"
            )
    print("\nper file (gzip):")
    for name, size in sorted(breakdown.items(), key=lambda item: -item[1]):
        print(f"  {name:40} {size / 1024:6.1f} KB")
    return within


def count_commits(workdir: Path) -> None:
    from playwright.sync_api import sync_playwright

    package = build(DATA / "sample_course", "scorm2004", workdir / "commits")
    server = StaticServer(lms_folder(package, workdir / "lms"))
    actions = []

    def act(label, do):
        before = calls(page)["commit"]
        do()
        page.wait_for_timeout(1500)  # longer than the runtime's commit delay
        actions.append((label, calls(page)["commit"] - before))

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            page = browser.new_page()
            sco = launch(page, server.url, "scorm2004")
            page.wait_for_timeout(1500)
            at_launch = calls(page)["commit"]
            act("next unit", lambda: sco.locator("#p2p-next").click())
            act("role-play choice", lambda: sco.locator("[data-choice='listen']").click())
            act("role-play choice", lambda: sco.locator("[data-choice='meet']").click())
            act("next unit", lambda: sco.locator("#p2p-next").click())
            act(
                "type a journal paragraph",
                lambda: sco.locator(".p2p-journal__text").first.type(
                    "I asked the family what they had noticed at home before I said anything.", delay=15
                ),
            )
            act("submit the entry", lambda: sco.locator(".p2p-journal__submit").first.click())
            act("next unit", lambda: sco.locator("#p2p-next").click())
            act("rate a criterion", lambda: sco.locator("[data-criterion='agenda'] input[value='proficient']").check())
            act(
                "rate a criterion", lambda: sco.locator("[data-criterion='listening'] input[value='exemplary']").check()
            )
            act("submit the ratings", lambda: sco.locator(".p2p-rubric__submit").click())
            idle_before = calls(page)["commit"]
            page.wait_for_timeout(5000)
            idle = calls(page)["commit"] - idle_before
            stop(page)
            final = calls(page)
            browser.close()
    finally:
        server.close()
    print(f"\nLMS Commit calls (SCORM 2004 sitting of {DATA.name}/sample_course, scorm-again):")
    print(f"  at launch: {at_launch}")
    for label, count in actions:
        print(f"  {label:28} {count}")
    print(
        f"  most per action: {max(c for _, c in actions)};  5 s idle: {idle};  "
        f"whole sitting incl. Terminate: {final['commit']} commits, {final['initialize']} Initialize, "
        f"{final['terminate']} Terminate"
    )


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        within = print_weights(workdir)
        count_commits(workdir)
    print(
        f"\nbudget {BUDGET_BYTES // 1024} KB gzip of scripts and stylesheets per package: "
        f"{'every package within it' if within else 'EXCEEDED'}"
    )
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
