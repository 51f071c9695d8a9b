"""Make a real Moodle Interactions report for `p2p stats` (how tests/stats/data/moodle_5.1_* were made).

Needs a running Moodle, its code directory, and the Moodle check tool (check.py, with sco_helpers.js);
settings as for tests/moodle: P2P_MOODLE_URL, P2P_MOODLE_TOOL, P2P_MOODLE_DIR, P2P_MOODLE_DB_PORT,
P2P_MOODLE_ADMIN_PASS. It builds one course's package, imports it as a new SCORM activity, lets a
simulated class of learners answer every problem once in Chromium (answer_problems.js:
learner k of n is right on each part with probability about k/n), then downloads, as the admin, the
activity's Interactions report in Moodle's text format with every column option ticked (Question,
Response, Right answer, Result) — the file a course team downloads from Reports > Interactions.

    python tests/moodle/export_interactions.py conflict_resolution participant scorm12 OUT.txt [LEARNERS]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from support.browser import chromium_path  # noqa: E402

from builder import pipeline  # noqa: E402
from builder.build import BuildOptions  # noqa: E402
from builder.targets import TARGETS  # noqa: E402

ENROL_PHP = r"""<?php
define('CLI_SCRIPT', true);
require($argv[1]);
require_once($CFG->dirroot . '/user/lib.php');
$opts = json_decode(file_get_contents($argv[2]), true);
\core\session\manager::set_user(get_admin());
$course = $DB->get_record('course', ['id' => $opts['courseid']], '*', MUST_EXIST);
$manual = enrol_get_plugin('manual');
$instance = $DB->get_record('enrol', ['courseid' => $course->id, 'enrol' => 'manual'], '*', IGNORE_MULTIPLE);
$role = $DB->get_record('role', ['shortname' => 'student'], '*', MUST_EXIST);
foreach ($opts['learners'] as $l) {
    $user = $DB->get_record('user', ['username' => $l['username'], 'deleted' => 0]);
    if (!$user) {
        $uid = user_create_user((object) ['username' => $l['username'], 'password' => $opts['password'],
            'firstname' => $l['firstname'], 'lastname' => $l['lastname'], 'email' => $l['username'] . '@example.invalid',
            'auth' => 'manual', 'confirmed' => 1, 'mnethostid' => $CFG->mnet_localhost_id], true, false);
        $user = $DB->get_record('user', ['id' => $uid]);
    }
    $manual->enrol_user($instance, $user->id, $role->id);
}
echo "ENROLLED\n";
"""

FIRST_NAMES = ["Ana", "Ben", "Carmen", "Dev", "Elena", "Farid", "Grace", "Hugo", "Iris", "Jon", "Kim", "Luis"]


def load_tool(folder: Path):
    spec = importlib.util.spec_from_file_location("moodle_check", folder / "check.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("course")
    parser.add_argument("level")
    parser.add_argument("version", choices=["scorm12", "scorm2004"])
    parser.add_argument("out", type=Path)
    parser.add_argument("learners", type=int, nargs="?", default=10)
    options = parser.parse_args()
    tool = load_tool(Path(os.environ["P2P_MOODLE_TOOL"]))
    url = os.environ["P2P_MOODLE_URL"].rstrip("/")
    work = Path(tempfile.mkdtemp(prefix="moodle-export-"))
    report = pipeline.validate(pipeline.select([options.course], ROOT / "courses"))
    built = pipeline.build(report, [TARGETS[options.version]], work, BuildOptions(), levels=[options.level])
    assert not built.problems, built.problems
    (package,) = [artifact.path for artifact in built.artifacts]

    stamp = str(os.getpid())
    learners = [
        {
            "username": f"stats{stamp}_{k:02d}",
            "firstname": FIRST_NAMES[k % len(FIRST_NAMES)],
            "lastname": f"Learner{k:02d}",
            "ability": round(0.25 + 0.7 * k / max(1, options.learners - 1), 2),
        }
        for k in range(options.learners)
    ]
    args = argparse.Namespace(
        url=url, moodle_dir=os.environ["P2P_MOODLE_DIR"], php="php", admin_user="admin",
        admin_pass=os.environ.get("P2P_MOODLE_ADMIN_PASS", "Admin#12345"), db_host="127.0.0.1",
        db_port=os.environ.get("P2P_MOODLE_DB_PORT", "55432"), db_name="moodle", db_user="moodleuser",
        db_pass="moodlepass", db_prefix="mdl_", course_shortname=f"STATS{stamp}",
        activity_name=f"{options.course} {options.level} ({options.version})", scormstandard=None,
        activity_overrides=None, student_user=learners[0]["username"], student_pass="Student#12345", dwell=1.0,
    )  # fmt: skip
    info = tool.create_activity(args, package, work)
    enrol = work / "enrol.php"
    enrol.write_text(ENROL_PHP)
    (work / "enrol.json").write_text(
        json.dumps({"courseid": info["courseid"], "password": args.student_pass, "learners": learners})
    )
    config = Path(args.moodle_dir).resolve() / "config.php"
    subprocess.run(["php", str(enrol), str(config), str(work / "enrol.json")], check=True, capture_output=True)

    from playwright.sync_api import sync_playwright

    answered = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=tool.CHROMIUM_ARGS, headless=True)
        for learner in learners:
            script = work / f"{learner['username']}.js"
            script.write_text(
                f"var LEARNER = {json.dumps({'name': learner['username'], 'ability': learner['ability']})};\n"
                + (HERE / "answer_problems.js").read_text(encoding="utf-8")
            )
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.add_init_script(tool.API_SPY_JS)
            page = context.new_page()
            tool.login(page, url, learner["username"], args.student_pass)
            seen = tool.play_once(page, args, info, None, None, learner["username"], script)
            result = seen.get("action_script", {})
            answered.append({"learner": learner["username"], "result": result})
            print(learner["username"], learner["ability"], json.dumps(result)[:300], flush=True)
            context.close()
        admin = browser.new_context()
        page = admin.new_page()
        tool.login(page, url, args.admin_user, args.admin_pass)
        page.goto(f"{url}/mod/scorm/report.php?id={info['cmid']}&mode=interactions")
        for name in ("qtext", "resp", "right", "result"):
            page.check(f"input[type=checkbox][name={name}]")
        with page.expect_navigation():
            page.click("#id_submitbutton")
        response = admin.request.get(f"{url}/mod/scorm/report.php?id={info['cmid']}&mode=interactions&download=CSV")
        assert response.ok, response.status
        options.out.write_bytes(response.body())
        print("content-type:", response.headers.get("content-type"), response.headers.get("content-disposition"))
        browser.close()
    # What each learner answered, by interaction id (<problem>-<part>): 1 right, 0 not; the test
    # compares the report's results with it.
    given = {
        f"{entry['learner']}@example.invalid": {
            f"{problem['problem']}-{part}": right
            for problem in entry["result"]["value"]["answered"]
            for part, right in problem["right"].items()
        }
        for entry in answered
    }
    options.out.with_suffix(".answers.json").write_text(json.dumps(given, indent=1, sort_keys=True) + "\n")
    print("wrote", options.out, "and its .answers.json; work folder", work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
