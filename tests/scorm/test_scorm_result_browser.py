"""The learner's result page in a package: the course grade by its grading policy, per assignment
type what counts and what is missing, the pass mark; reached after the last unit and from the
contents; accessible (axe-core) and in Spanish for a Spanish course."""

import pytest
from scorm_helpers import build, copy_course, launch, lms_folder
from support.browser import axe_violations


@pytest.fixture
def serve(tmp_path, static_server):
    def start(version, lang="en"):
        course = copy_course("sample_course", tmp_path / lang)
        source = course / "course" / "2026.xml"
        source.write_text(
            source.read_text(encoding="utf-8").replace('language="en"', f'language="{lang}"', 1), encoding="utf-8"
        )
        policy = course / "policies" / "2026" / "policy.json"
        policy.write_text(policy.read_text(encoding="utf-8").replace('"en"', f'"{lang}"', 1), encoding="utf-8")
        package = build(course, version, tmp_path / f"build-{lang}-{version}")
        return static_server(lms_folder(package, tmp_path / f"lms-{lang}-{version}")).url

    return start


def result_text(sco):
    sco.locator("#p2p-result:not([hidden])").wait_for()
    return sco.locator("#p2p-result").inner_text()


@pytest.mark.parametrize("version", ["scorm12", "scorm2004"])
def test_result_page_shows_what_counts_and_what_is_missing(page, serve, version):
    sco = launch(page, serve(version), version)
    sco.locator("#p2p-result-link").click()
    text = result_text(sco)
    assert "Your course grade: 0%. Pass mark: 60%." in text
    assert "Practice: 100% of the course grade" in text
    assert "What counts: the average of all 2." in text
    assert "Before the meeting: not done yet (counts 0)." in text
    assert "After the meeting: not done yet (counts 0)." in text
    assert "Not passed yet." in text
    assert sco.evaluate("document.activeElement.id") == "p2p-result-title"
    assert axe_violations(sco) == []

    # The role-play at its best (6 of 6): one of the two Practice subsections is done.
    sco.locator(".p2p-toc a", has_text="A call from Ms. Ruiz").click()
    sco.locator("[data-choice='listen']").click()
    sco.locator("[data-choice='meet']").click()
    sco.locator(".p2p-rp-debrief").wait_for()
    assert sco.locator("#p2p-result").is_hidden()
    # Next after the last unit opens the result page.
    sco.locator(".p2p-toc a", has_text="Rate your own practice").click()
    sco.locator("#p2p-next").click()
    text = result_text(sco)
    assert "Your course grade: 50%. Pass mark: 60%." in text
    assert "Before the meeting: 100%." in text
    assert "Your average: 50%." in text
    assert sco.locator("#p2p-next").is_disabled() and not sco.locator("#p2p-prev").is_disabled()
    assert axe_violations(sco) == []
    sco.locator("#p2p-prev").click()
    sco.locator(".p2p-unit:not([hidden]) .p2p-unit-title", has_text="Rate your own practice").wait_for()


def test_result_page_in_spanish(page, serve):
    sco = launch(page, serve("scorm2004", "es"), "scorm2004")
    sco.locator("#p2p-result-link").click()
    text = result_text(sco)
    assert text.startswith("Su resultado")
    assert "Su calificación del curso: 0 %. Calificación para aprobar: 60 %." in text
    assert "Before the meeting: todavía sin hacer (cuenta como 0)." in text
    assert axe_violations(sco) == []
