"""SCORM 1.2 with a mastery score: an LMS that holds a score turns the status into passed/failed when
the sitting ends (Moodle's 1.2 player compares cmi.core.score.raw with the mastery score at
LMSFinish), so a learner part-way through must not leave a score behind; the score arrives with
the final status, just before it."""

from scorm_helpers import DATA, build, calls, launch, lms_folder, stop


def test_no_score_before_the_course_is_finished(page, tmp_path, static_server):
    package = build(DATA / "sample_course", "scorm12", tmp_path / "build")  # GRADE_CUTOFFS Pass 0.6
    url = static_server(lms_folder(package, tmp_path / "lms")).url
    sco = launch(page, url, "scorm12", passing="0.6")  # the LMS holds mastery_score 60 and judges at LMSFinish
    sco.locator(".p2p-toc a", has_text="A call from Ms. Ruiz").click()
    sco.locator("[data-choice='explain']").click()
    sco.locator("[data-choice='email']").click()  # the role-play is done: 1 of 6 points, below 60%
    sco.locator(".p2p-rp-debrief").wait_for()
    cmi = stop(page)
    assert (cmi["core"]["lesson_status"], cmi["core"]["exit"]) == ("incomplete", "suspend")
    assert cmi["core"]["score"]["raw"] == ""
    assert not [element for element, _ in calls(page)["setValue"] if element.startswith("cmi.core.score")]
