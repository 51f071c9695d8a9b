"""`p2p stats`: item difficulty and discrimination from the three report formats (fixtures in
tests/stats/data/, written by make_reports.py in each LMS's format), the figures checked against an
independent computation and a hand-worked example, and every malformed report refused with its line."""

import json
import re
import statistics
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder import stats
from builder.cli import main

DATA = Path(__file__).resolve().parent / "data"
REPORTS = {
    "openedx": DATA / "openedx_problem_responses.csv",
    "moodle": DATA / "moodle_interactions.txt",
    "scormcloud": DATA / "scormcloud_registrations.json",
}
FIRST = json.loads((DATA / "first_responses.json").read_text(encoding="utf-8"))


def by_problem(items: list[dict]) -> dict[str, dict]:
    """Items keyed by problem (fac_post_NN), whatever id the LMS gave the question."""
    return {re.match(r"fac_post_\d\d", item["item"]).group(0): item for item in items}


def figures(path: Path) -> dict[str, dict]:
    return by_problem(stats.item_statistics(stats.read_report(path)))


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_each_format_reads_every_learners_first_response(name):
    responses = stats.read_report(REPORTS[name])
    assert responses.format == name
    learners = {
        learner: {re.match(r"fac_post_\d\d", i).group(0): s for i, s in row.items()}
        for learner, row in responses.scores.items()
    }
    if name == "moodle":  # Moodle names learners by full name and identity fields
        learners = {re.search(r"(learner\d\d)@", key).group(1): row for key, row in learners.items()}
    assert learners == FIRST
    # The traps: a later better attempt (Open edX learner05 with the history, Moodle learner08's
    # attempt 2, learner07's later 1.2 record, SCORM Cloud learner09's second registration) never counts.
    assert responses.not_scored == (3 if name == "openedx" else 30)  # unsubmitted + journal rows; neutral choices


def test_the_three_formats_give_the_same_figures():
    openedx, moodle, cloud = (figures(REPORTS[name]) for name in ("openedx", "moodle", "scormcloud"))
    keys = ("responses", "difficulty", "item_rest", "upper_lower", "flags")
    for problem in FIRST["learner00"]:
        assert (
            [openedx[problem][k] for k in keys]
            == [moodle[problem][k] for k in keys]
            == [cloud[problem][k] for k in keys]
        )


def test_the_items_that_do_not_work_are_flagged():
    items = figures(REPORTS["moodle"])
    assert items["fac_post_02"]["flags"] == ["too easy"]
    assert items["fac_post_03"]["flags"] == ["negative discrimination: check the key"]
    assert items["fac_post_04"]["flags"] == ["too hard"]
    assert items["fac_post_05"]["flags"] == ["negative discrimination: check the key"]
    working = {"fac_post_01", "fac_post_06", "fac_post_07", "fac_post_08", "fac_post_09", "fac_post_10"}
    assert {p for p, item in items.items() if item["works"]} == working


def test_difficulty_and_item_rest_match_an_independent_computation():
    items = figures(REPORTS["scormcloud"])
    totals = {learner: sum(row.values()) for learner, row in FIRST.items()}
    for problem, item in items.items():
        scores = [FIRST[learner][problem] for learner in sorted(FIRST)]
        rest = [totals[learner] - FIRST[learner][problem] for learner in sorted(FIRST)]
        assert item["difficulty"] == round(statistics.mean(scores), 3)
        if len(set(scores)) > 1:
            assert item["item_rest"] == round(statistics.correlation(scores, rest), 3)
        else:
            assert item["item_rest"] is None


def test_a_hand_worked_example():
    """Five learners, four items, worked by hand (d: everyone right)."""
    responses = stats.Responses("moodle")
    table = {"u1": (1, 1, 1, 1), "u2": (1, 1, 0, 1), "u3": (0, 1, 0, 1), "u4": (1, 0, 0, 1), "u5": (0, 0, 0, 1)}
    for learner, row in table.items():
        for item, score in zip("abcd", row):
            responses.add(learner, item, item, float(score))
    a, b, c, d = stats.item_statistics(responses)
    assert (a["difficulty"], b["difficulty"], c["difficulty"], d["difficulty"]) == (0.6, 0.6, 0.2, 1.0)
    # a = 1,1,0,1,0 against its rest (b + c + d) = 3,2,2,1,1: deviations .4,.4,-.6,.4,-.6 and
    # 1.2,.2,.2,-.8,-.8; sum of products .6, sums of squares 1.2 and 2.8: r = .6 / sqrt(3.36) = 0.327
    assert a["item_rest"] == 0.327 and b["item_rest"] == 0.327
    # c = 1,0,0,0,0 against 3,3,2,2,1: .8 / sqrt(.8 × 2.8) = 0.535
    assert c["item_rest"] == 0.535
    # 27 % of 5 rounds to one learner a group; ranked by the rest score (ties by name): u1 on top, u5 at
    # the bottom for a (a: 1 - 0); for c, u1 (3) on top and u5 (1) at the bottom: 1 - 0
    assert a["upper_lower"] == 1.0 and c["upper_lower"] == 1.0
    # d: everyone right, nothing to correlate; it is flagged too easy and nothing else
    assert d["item_rest"] is None and d["flags"] == ["few responses", "too easy"]
    assert a["flags"] == ["few responses"] and a["works"] is True
    assert c["flags"] == ["few responses"]


def test_the_scorm_cloud_fixture_is_what_the_sdk_reads():
    """The fixture deserializes into the SCORM Cloud SDK's own models (enumerations checked)."""
    import rustici_software_cloud_v2 as sc

    class Answer:
        data = REPORTS["scormcloud"].read_text(encoding="utf-8")

    document = sc.ApiClient().deserialize(Answer(), "RegistrationListSchema")
    first = document.registrations[0]
    interactions = first.activity_details.children[0].runtime.runtime_interactions
    assert first.learner.id and interactions[0].type == "Choice" and interactions[0].result in ("correct", "incorrect")


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_the_command_prints_a_table_and_json(name):
    runner = CliRunner()
    text = runner.invoke(main, ["stats", str(REPORTS[name])])
    assert text.exit_code == 0, text.output
    assert "30 learners, 10 items" in text.output and "4 of 10 items flagged as not working." in text.output
    assert re.search(r"fac_post_03\S*.*negative discrimination: check the key", text.output)
    result = runner.invoke(main, ["stats", str(REPORTS[name]), "--format", "json"])
    document = json.loads(result.output)
    assert document["format"] == name and document["learners"] == 30 and len(document["items"]) == 10
    assert document["thresholds"]["too_easy_above"] == 0.9


# ------------------------------------------------------------------ malformed reports


def edited(tmp_path: Path, name: str, change) -> Path:
    source = REPORTS[name]
    target = tmp_path / source.name
    target.write_text(change(source.read_text(encoding="utf-8")), encoding="utf-8", newline="")
    return target


def refused(path: Path) -> list[str]:
    result = CliRunner().invoke(main, ["stats", str(path)])
    assert result.exit_code == 1 and result.stdout == "", result.output
    lines = result.stderr.splitlines()
    assert lines[-1].startswith("p2p: ") and "nothing was computed" in lines[-1]
    return lines[:-1]


def drop_field(line_number: int):
    """The report with the first field of one line removed."""

    def change(text: str) -> str:
        separator = "," if text.startswith("username,") else "\t"
        lines = text.split("\n")
        lines[line_number - 1] = lines[line_number - 1].split(separator, 1)[1]
        return "\n".join(lines)

    return change


def test_open_edx_row_with_a_missing_field_is_located(tmp_path):
    assert refused(edited(tmp_path, "openedx", drop_field(4))) == [
        f"{tmp_path / 'openedx_problem_responses.csv'}:4: the row has 8 fields, the header 9 — export the report again"
    ]


def test_open_edx_state_that_is_not_json_is_located(tmp_path):
    path = edited(tmp_path, "openedx", lambda t: t.replace('"{""correct_map""', '"{""correct_map"" oops', 1))
    (problem,) = refused(path)
    assert problem.startswith(f"{path}:2: the state column is not JSON (")


def test_open_edx_report_without_its_columns(tmp_path):
    path = edited(tmp_path, "openedx", lambda t: t.replace("Answer ID,", "Answer id,", 1))
    assert refused(path) == [
        f"{path}:1: the header lacks the column(s) Answer ID — export the Problem Responses report from the "
        "instructor dashboard (Data Download), unchanged"
    ]


def test_moodle_report_downloaded_with_the_default_options_says_which_to_tick(tmp_path):
    """Moodle's defaults show only 'Response N': items cannot be told apart or scored."""

    def responses_only(text: str) -> str:
        rows = [line.split("\t") for line in text.rstrip("\n").split("\n")]
        keep = [i for i, name in enumerate(rows[0]) if not re.match(r"(Question|Right answer|Result) \d+$", name)]
        return "\n".join("\t".join(row[i] for i in keep) for row in rows) + "\n"

    path = edited(tmp_path, "moodle", responses_only)
    assert refused(path) == [
        f"{path}:1: the report has no 'Question N' or 'Result N' columns, so items cannot be told apart and scored "
        "— in Moodle's Interactions report options tick 'Summary of question' and 'Summary of result', then "
        "download it in text format"
    ]


def test_moodle_result_that_is_not_a_scorm_result_is_located(tmp_path):
    path = edited(tmp_path, "moodle", lambda t: t.replace("\twrong\t", "\tmaybe\t", 1))
    (problem,) = refused(path)
    assert re.match(
        rf"{re.escape(str(path))}:2: Result \d+ of fac_post_\d\d-p1 is 'maybe' — a SCORM result is", problem
    )


def test_moodle_row_with_a_missing_field_is_located(tmp_path):
    path = edited(tmp_path, "moodle", drop_field(5))
    (problem,) = refused(path)
    assert problem.startswith(f"{path}:5: the row has ")


def test_scorm_cloud_json_syntax_error_is_located(tmp_path):
    path = edited(tmp_path, "scormcloud", lambda t: t.replace('"instance": 0,', '"instance": 0', 1))
    (problem,) = refused(path)
    assert re.match(rf"{re.escape(str(path))}:\d+: not valid JSON: Expecting ',' delimiter — export it again", problem)
    line = int(problem.split(":")[1])
    assert '"xapiRegistrationId"' in path.read_text().splitlines()[line - 1]


def test_scorm_cloud_registrations_without_runtime_say_how_to_fetch_them(tmp_path):
    def no_runtime(text: str) -> str:
        document = json.loads(text)
        for registration in document["registrations"]:
            registration["activityDetails"]["children"][0].pop("runtime")
        return json.dumps(document)

    path = edited(tmp_path, "scormcloud", no_runtime)
    (problem,) = refused(path)
    assert problem.startswith(
        f"{path}:1: the registrations carry no runtime interactions — read them with includeRuntime=true"
    )


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "the report is empty"),
        (b"PK\x03\x04 spreadsheet", "this is a spreadsheet (Excel or ODS), not a text report"),
        (b"name,score\nana,3\n", "this is not a report p2p stats reads"),
        (b"username,title\n\xff\xfe\n", "the report is not UTF-8 text"),
        (b'{"courses": []}', "this JSON is not SCORM Cloud registrations"),
    ],
)
def test_reports_of_no_known_kind_are_refused(tmp_path, content, message):
    path = tmp_path / "report.csv"
    path.write_bytes(content)
    (problem,) = refused(path)
    assert problem.startswith(f"{path}:") and message in problem and " — " in problem


def test_a_missing_file_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["stats", str(tmp_path / "nowhere.csv")])
    assert result.exit_code == 2 and "does not exist" in result.output


# ---------------------------------------------------------------- real Moodle exports

# Downloaded from Moodle 5.1.3 (Reports > Interactions report, every column option ticked, "Download in
# text format") after twelve learners answered every problem of the conflict-resolution participant
# package in Chromium, once as SCORM 1.2 and once as SCORM 2004 (tests/moodle/export_interactions.py).
# The .answers.json holds what each learner answered: 1 right, 0 not, by interaction id.
MOODLE_12 = DATA / "moodle_5.1_scorm12_interactions.txt"
MOODLE_2004 = DATA / "moodle_5.1_scorm2004_interactions.txt"


def test_a_real_moodle_report_gives_each_learners_answers():
    responses = stats.read_report(MOODLE_12)
    given = json.loads(MOODLE_12.with_suffix(".answers.json").read_text(encoding="utf-8"))
    assert responses.format == "moodle"
    got = {re.search(r"(\S+@example\.invalid)", learner).group(1): row for learner, row in responses.scores.items()}
    assert got == {learner: {item: float(right) for item, right in row.items()} for learner, row in given.items()}
    # every problem of the package, pre-test, the four knowledge checks and the post-test, in course order
    assert len(responses.items) == 32 and list(responses.items)[:2] == ["cr_pre_01-p1", "cr_pre_02-p1"]
    assert list(responses.items)[-1] == "cr_post_10-p1"


def test_a_real_moodle_report_gives_the_figures_computed_by_hand():
    responses = stats.read_report(MOODLE_12)
    items = {row["item"]: row for row in stats.item_statistics(responses)}
    learners = sorted(responses.scores)
    totals = {learner: sum(responses.scores[learner].values()) for learner in learners}
    for item, row in items.items():
        scores = [responses.scores[learner][item] for learner in learners]
        assert row["responses"] == 12
        assert row["difficulty"] == pytest.approx(statistics.mean(scores), abs=0.0005)
        rest = [totals[learner] - responses.scores[learner][item] for learner in learners]
        if len(set(scores)) > 1:
            assert row["item_rest"] == pytest.approx(statistics.correlation(scores, rest), abs=0.0005)


def test_cli_reads_a_real_moodle_report():
    result = CliRunner().invoke(main, ["stats", str(MOODLE_12)])
    assert result.exit_code == 0, result.output
    assert f"{MOODLE_12}: moodle report, 12 learners, 32 items" in result.output
    assert "cr_post_10-p1" in result.output


def test_a_real_moodle_report_of_a_scorm_2004_activity_says_to_use_the_1_2_package():
    """Moodle's Interactions report reads SCORM 1.2's names (cmi.interactions_N.id, .student_response);
    a 2004 activity's attempts come with one empty Question column."""
    header = MOODLE_2004.read_text(encoding="utf-8").split("\n", 1)[0]
    assert re.findall(r"Question \d+", header) == ["Question 0"]
    assert refused(MOODLE_2004) == [
        f"{MOODLE_2004}:1: 12 learner(s) have an attempt but the report lists no interaction: Moodle's "
        "Interactions report shows the interactions of SCORM 1.2 activities only, and a SCORM 2004 activity's "
        "are left out — for item statistics in Moodle give learners the course's SCORM 1.2 package "
        "(p2p build --target scorm12), then download this report again"
    ]
