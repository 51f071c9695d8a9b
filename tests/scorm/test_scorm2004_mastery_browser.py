"""SCORM 2004 with a mastery score: the LMS takes cmi.scaled_passing_score from the manifest's
imsss:minNormalizedMeasure and, by the RTE rules, answers success_status from cmi.score.scaled
against it whatever the SCO set (scorm-again does so on GetValue and again at Terminate). A learner
part-way through must read as incomplete with success unknown, never failed: no score is sent until
the course is finished, and then the score goes first, completion and success after it."""

import zipfile

import pytest
from lxml import etree
from scorm_helpers import DATA, build, calls, copy_course, launch, lms_folder, stop

IMSSS = "{http://www.imsglobal.org/xsd/imsss}"
ENTRIES = [
    "The family was asked to speak only after every report had been read.",
    "Next time I will send the agenda a week ahead and ask what they want to add.",
]


def manifest(package):
    with zipfile.ZipFile(package) as archive:
        return etree.fromstring(archive.read("imsmanifest.xml"))


def go_to(sco, unit_title):
    sco.locator(".p2p-toc a", has_text=unit_title).click()
    sco.locator(".p2p-unit:not([hidden]) .p2p-unit-title", has_text=unit_title).wait_for()


def lms_reads(page, commits_before, *elements):
    """What the LMS answers to GetValue (its own evaluation, as its reports see it) once the SCO
    has committed the learner's last action."""
    page.wait_for_function(f"window.P2P_CALLS.commit > {commits_before}")
    return page.evaluate(
        "els => els.map(e => [window.P2P_LMS.GetValue(e), window.P2P_LMS.GetLastError()])", list(elements)
    )


def score_sets(page):
    return [element for element, _ in calls(page)["setValue"] if element.startswith("cmi.score")]


# (role-play choices, rubric ratings, the course grade, result at 0.6). The sample course grades two
# "Practice" subsections equally (grading_policy.json): the role-play's (1 of 6 or 6 of 6) and the
# rubric's (2 of 6 or 5 of 6): (0.1667 + 0.3333) / 2 = 25 %; (1 + 0.8333) / 2 = 91.67 % -> 92 %.
LEARNERS = {
    "failing": (["explain", "email"], ["emerging", "emerging"], 25, "failed"),
    "passing": (["listen", "meet"], ["proficient", "exemplary"], 92, "passed"),
}


@pytest.mark.parametrize("learner", sorted(LEARNERS))
def test_part_way_is_unknown_and_the_finish_reports_the_score_first(page, tmp_path, static_server, learner):
    choices, ratings, raw, result = LEARNERS[learner]
    package = build(DATA / "sample_course", "scorm2004", tmp_path / "build")
    passing = manifest(package).findtext(f".//{IMSSS}primaryObjective/{IMSSS}minNormalizedMeasure")
    assert passing == "0.6"  # GRADE_CUTOFFS Pass; an LMS makes it cmi.scaled_passing_score
    url = static_server(lms_folder(package, tmp_path / "lms")).url

    # Sitting one: the role-play is finished (it has a score now), the rest is not.
    sco = launch(page, url, "scorm2004", passing=passing)
    go_to(sco, "A call from Ms. Ruiz")
    sco.locator(f"[data-choice='{choices[0]}']").click()
    sco.locator(".p2p-rp-feedback").wait_for()
    commits = calls(page)["commit"]
    sco.locator(f"[data-choice='{choices[1]}']").click()
    sco.locator(".p2p-rp-debrief").wait_for()
    assert lms_reads(page, commits, "cmi.success_status", "cmi.completion_status", "cmi.score.scaled") == [
        ["unknown", "0"],
        ["incomplete", "0"],
        ["", "403"],
    ]  # 403: not initialized, no score held
    cmi = stop(page)
    assert (cmi["completion_status"], cmi["success_status"], cmi["exit"]) == ("incomplete", "unknown", "suspend")
    assert (cmi["score"]["scaled"], cmi["score"]["raw"]) == ("", "")
    assert score_sets(page) == []

    # Sitting two: the LMS hands the data back with entry=resume; the learner finishes.
    page2 = page.context.new_page()
    sco = launch(page2, url, "scorm2004", persisted=cmi, passing=passing)
    go_to(sco, "Pause and reflect")
    for n, entry in enumerate(ENTRIES):
        sco.locator(".p2p-journal__text").nth(n).fill(entry)
        sco.locator(".p2p-journal__submit").nth(n).click()
        sco.locator(".p2p-journal__prompt").nth(n).locator(".p2p-journal__status", has_text="Version 1").wait_for()
    assert score_sets(page2) == []  # still unfinished
    go_to(sco, "Rate your own practice")
    for criterion, level in zip(["agenda", "listening"], ratings):
        sco.locator(f".p2p-rubric [data-criterion='{criterion}'] input[value='{level}']").check()
    commits = calls(page2)["commit"]
    sco.locator(".p2p-rubric__submit").click()
    sco.locator(".p2p-rubric__results").wait_for()
    scaled = str(round(raw / 100, 4))
    assert lms_reads(page2, commits, "cmi.success_status", "cmi.completion_status", "cmi.score.scaled") == [
        [result, "0"],
        ["completed", "0"],
        [scaled, "0"],
    ]
    final = stop(page2)
    assert (final["completion_status"], final["success_status"], final["exit"]) == ("completed", result, "suspend")
    # The course grade as a percentage (Moodle's gradebook reads raw out of 100), scaled beside it.
    assert (final["score"]["min"], final["score"]["raw"], final["score"]["max"]) == ("0", str(raw), "100")
    assert final["score"]["scaled"] == scaled

    # Part-way reports said incomplete/unknown; the score, whole, came just before the first
    # report that says completed and passed/failed.
    sets = [tuple(pair) for pair in calls(page2)["setValue"]]
    first_score = [e for e, _ in sets].index("cmi.score.min")
    assert [e for e, _ in sets[first_score : first_score + 4]] == [
        "cmi.score.min",
        "cmi.score.max",
        "cmi.score.raw",
        "cmi.score.scaled",
    ]
    before = {pair for pair in sets[:first_score] if pair[0] in ("cmi.completion_status", "cmi.success_status")}
    assert before == {("cmi.completion_status", "incomplete"), ("cmi.success_status", "unknown")}
    after = [pair for pair in sets[first_score:] if pair[0] in ("cmi.completion_status", "cmi.success_status")]
    assert after[:2] == [("cmi.completion_status", "completed"), ("cmi.success_status", result)]


def test_a_chapter_in_order_reports_unknown_part_way_and_passed_when_done(page, tmp_path, static_server):
    # Chapters in order unlock by the success_status each chapter's SCO reports (satisfiedByMeasure
    # is false): holding the score back must not keep a finished chapter from satisfying its objective.
    course = copy_course("sample_course", tmp_path)
    source = course / "course" / "2026.xml"
    source.write_text(
        source.read_text(encoding="utf-8").replace(
            "<course display_name=", '<course chapters_in_order="true" display_name=', 1
        ),
        encoding="utf-8",
    )
    package = build(course, "scorm2004", tmp_path / "build", sco_per="chapter")
    first_chapter = manifest(package).find(f".//{IMSSS}primaryObjective")
    assert first_chapter.get("satisfiedByMeasure") == "false"
    assert first_chapter.find(f"{IMSSS}mapInfo").get("writeSatisfiedStatus") == "true"  # chapter 2 reads it
    url = static_server(lms_folder(package, tmp_path / "lms")).url

    sco = launch(page, url, "scorm2004", sco="chapter-01.html")  # the welcome only
    assert sco.locator(".p2p-unit:not([hidden]) .p2p-unit-title").inner_text() == "Welcome"
    cmi = stop(page)
    assert (cmi["completion_status"], cmi["success_status"], cmi["score"]["scaled"]) == ("incomplete", "unknown", "")

    page2 = page.context.new_page()
    sco = launch(page2, url, "scorm2004", persisted=cmi, sco="chapter-01.html")
    go_to(sco, "A call from Ms. Ruiz")
    sco.locator("[data-choice='listen']").click()
    sco.locator("[data-choice='meet']").click()
    sco.locator(".p2p-rp-debrief").wait_for()
    final = stop(page2)
    assert (final["completion_status"], final["success_status"]) == ("completed", "passed")
    # The chapter's share of the course grade (one of two Practice subsections: 50 points of 100)
    # as raw, so the chapters' raw scores add up to the course grade; scaled: all this chapter gives.
    assert (final["score"]["raw"], final["score"]["max"], final["score"]["scaled"]) == ("50", "100", "1")
    sets = calls(page2)["setValue"]
    passed_at = sets.index(["cmi.success_status", "passed"])
    assert ["cmi.success_status", "unknown"] in sets[:passed_at]  # the first report of sitting two
    assert "cmi.score.scaled" in [element for element, _ in sets[:passed_at]]
