"""Plays a package with one SCO per chapter in a real Moodle, moving between chapters the way a
learner does: Moodle's own ">" button, its table of contents, or the player's Next at a chapter's
end. Built on the Moodle check tool's pieces (check.py in P2P_MOODLE_TOOL): the activity is made
through Moodle's PHP API, the learner is a student in Chromium, and what Moodle stored is read from
its database. For development against a real Moodle (tests/moodle/test_moodle_opt_in.py), not CI.

    python tests/moodle/chapters.py PACKAGE --how moodle-next|moodle-toc|player-next [--play SCRIPT]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import time
from pathlib import Path

HOW = ("moodle-next", "moodle-toc", "player-next")


def check_tool(folder: str):
    """check.py of the Moodle check tool, as a module."""
    spec = importlib.util.spec_from_file_location("moodle_check", Path(folder) / "check.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _calls(page) -> list[dict]:
    return page.evaluate("() => (window.__scormCalls || []).slice()")


def _chapter_frame(page, href: str, timeout_s: float = 30.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for frame in page.frames:
            try:  # a frame's url can lag behind the document it shows: ask the document
                url = frame.evaluate("location.href") if frame != page.main_frame else ""
            except Exception:  # navigating or gone
                continue
            if "/mod_scorm/content/" in url and url.split("?")[0].endswith("/" + href):
                return frame
        time.sleep(0.2)
    raise RuntimeError(f"the player never showed {href}: frames {[f.url for f in page.frames]}")


def _leave(page, frame, how: str, title: str) -> None:
    """Leave the current chapter for the next one as a learner would."""
    if how == "moodle-next":
        page.click("#nav_next")
    elif how == "moodle-toc":
        page.click(f"#scorm_tree a:has-text({json.dumps(title)})")
    else:  # the player's own Next, to the result page (the play script may end there), then on
        while (
            not frame.is_visible("#p2p-result") and not frame.is_hidden("#p2p-next") and frame.is_enabled("#p2p-next")
        ):
            frame.click("#p2p-next")
            time.sleep(0.1)
        frame.click("#p2p-next")


def play(
    package: Path, how: str, workdir: Path, play_script: Path | None = None, overrides=None, environ=os.environ
) -> dict:
    """Import PACKAGE (activity settings OVERRIDES, e.g. {"grademethod": 3}), play each chapter
    (PLAY_SCRIPT in its frame), move on by HOW, exit; what each chapter showed and what Moodle stored."""
    check = check_tool(environ["P2P_MOODLE_TOOL"])
    workdir.mkdir(parents=True, exist_ok=True)
    args = argparse.Namespace(
        url=environ["P2P_MOODLE_URL"].rstrip("/"), moodle_dir=environ["P2P_MOODLE_DIR"], php="php",
        db_host="127.0.0.1", db_port=environ.get("P2P_MOODLE_DB_PORT", "55432"), db_name="moodle",
        db_user="moodleuser", db_pass="moodlepass", db_prefix="mdl_",
        course_shortname="P2PNAV", student_user="student1", student_pass="Student#12345",
        activity_name=f"{package.stem} {how}", scormstandard=None,
        activity_overrides=json.dumps(overrides) if overrides else None,
    )  # fmt: skip
    info = check.create_activity(args, check.ensure_zip(package, workdir), workdir)
    scoes = [s for s in info["scoes"] if s["launch"]]
    from playwright.sync_api import sync_playwright

    result: dict = {"setup": info, "how": how, "chapters": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=check.CHROMIUM_ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        context.add_init_script(check.API_SPY_JS)
        page = context.new_page()
        check.login(page, args.url, args.student_user, args.student_pass)
        page.goto(f"{args.url}/mod/scorm/view.php?id={info['cmid']}")
        with page.expect_navigation():
            page.click("button#n")
        page.wait_for_load_state("load")
        for n, sco in enumerate(scoes):
            try:
                frame = _chapter_frame(page, sco["launch"])
            except RuntimeError:
                if environ.get("P2P_MOODLE_DEBUG"):
                    page.screenshot(path=str(workdir / "stuck.png"))
                    print(json.dumps(_calls(page)[-30:], indent=0), file=sys.stderr)
                raise
            frame.wait_for_selector("body[data-p2p-ready]", timeout=30000)
            seen = {"sco": sco["identifier"], "href": sco["launch"]}
            if play_script is not None:
                seen["played"] = check.run_action_script(frame, play_script)
            seen["error"] = frame.inner_text("#p2p-error")
            result["chapters"].append(seen)
            if n + 1 < len(scoes):
                _leave(page, frame, how, scoes[n + 1]["title"])
        time.sleep(1.5)
        calls = _calls(page)
        exit_link = page.query_selector("a:has-text('Exit activity'), button:has-text('Exit activity')")
        with page.expect_navigation():
            exit_link.click()
        page.wait_for_load_state("load")
        time.sleep(1.5)  # the unload beacon
        result["session"] = [
            [c["fn"], c["args"][:1], c["ret"], c["err"]]
            for c in calls
            if c["fn"] in ("Initialize", "Terminate", "LMSInitialize", "LMSFinish")
            or (c["fn"] in ("SetValue", "LMSSetValue") and (c["ret"] != "true" or "nav" in c["args"][0]))
        ]
        browser.close()
    db = check.DB(args)
    tracks = check.read_tracks(db, info["scormid"], info["userid"])
    result["stored"] = check.summarise(tracks)
    result["grade"] = check.read_grade(db, info["scormid"], info["userid"])
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("package", type=Path)
    parser.add_argument("--how", choices=HOW, default="moodle-next")
    parser.add_argument("--play", type=Path, default=None)
    parser.add_argument("--workdir", type=Path, default=Path(".moodle-work"))
    parser.add_argument("--overrides", type=json.loads, default=None, help='activity settings, e.g. {"grademethod": 3}')
    options = parser.parse_args(argv)
    print(json.dumps(play(options.package, options.how, options.workdir, options.play, options.overrides), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
