"""The player in Chromium, with scorm-again as the LMS (an html-only course): navigation, bookmark,
resume, commits, status, no LMS -> localStorage, accessibility."""

import re

import pytest
from scorm_helpers import DATA, build, calls, launch, lms_folder, stop
from support.browser import axe_violations

VERSIONS = ("scorm12", "scorm2004")


@pytest.fixture
def served(tmp_path, static_server):
    def serve(version, course="html_course", sco_per="course"):
        package = build(DATA / course, version, tmp_path / f"build-{version}", sco_per)
        return static_server(lms_folder(package, tmp_path / f"lms-{version}")).url

    return serve


def lms_values(page, version):
    if version == "scorm12":
        keys = ["cmi.core.lesson_location", "cmi.core.lesson_status", "cmi.core.exit"]
    else:
        keys = ["cmi.location", "cmi.completion_status", "cmi.success_status", "cmi.exit"]
    return page.evaluate("(keys) => keys.map(k => window.P2P_LMS.getCMIValue(k))", keys)


@pytest.mark.parametrize("version", VERSIONS)
def test_bookmark_resume_and_completion(page, served, version):
    url = served(version)
    sco = launch(page, url, version)
    assert sco.locator("#unit-1").is_visible()
    assert sco.locator("#p2p-position").inner_text() == "Unidad 1 de 3"  # the course is in Spanish
    sco.locator("#p2p-next").click()
    assert sco.locator("#unit-2").is_visible() and not sco.locator("#unit-1").is_visible()
    cmi = stop(page)
    assert calls(page)["initialize"] == 1 and calls(page)["terminate"] == 1
    if version == "scorm12":
        assert (cmi["core"]["lesson_location"], cmi["core"]["lesson_status"], cmi["core"]["exit"]) == (
            "u_two",
            "incomplete",
            "suspend",
        )
        assert cmi["core"]["session_time"] != "00:00:00"
    else:
        assert (cmi["location"], cmi["completion_status"], cmi["exit"]) == ("u_two", "incomplete", "suspend")
        assert cmi["session_time"].startswith("PT")

    page2 = page.context.new_page()
    sco = launch(page2, url, version, persisted=cmi)
    assert sco.locator("#unit-2").is_visible()  # resumed at the bookmark
    assert sco.locator("#p2p-progress-bar").get_attribute("value") == "67"
    sco.locator("#p2p-next").click()
    assert not sco.locator("#p2p-next").is_disabled()  # after the last unit: the result page
    final = stop(page2)
    if version == "scorm12":
        # The grading policy sets a mastery score, but an html-only course has no score to judge.
        assert (final["core"]["lesson_status"], final["core"]["exit"]) == ("completed", "suspend")
    else:
        assert (final["completion_status"], final["success_status"], final["exit"]) == (
            "completed",
            "passed",
            "suspend",
        )


@pytest.mark.parametrize("version", VERSIONS)
def test_at_most_one_commit_per_action_and_none_while_idle(page, served, version):
    sco = launch(page, served(version), version)
    page.wait_for_timeout(1200)
    at_start = calls(page)["commit"]
    actions = 0
    for selector in ["#p2p-next", "#p2p-next", "#p2p-prev", ".p2p-toc a[data-unit='0']"]:
        sco.locator(selector).click()
        actions += 1
    page.wait_for_timeout(1200)
    after_actions = calls(page)["commit"]
    assert 1 <= after_actions - at_start <= actions
    page.wait_for_timeout(2000)
    assert calls(page)["commit"] == after_actions  # idle: nothing


def test_without_an_lms_the_page_says_so_and_keeps_progress_in_the_browser(page, served):
    url = served("scorm12")
    page.goto(f"{url}/pkg/index.html")
    page.locator("body[data-p2p-ready]").wait_for()
    assert "solo en este navegador" in page.locator("#p2p-notice").inner_text()
    page.locator("#p2p-next").click()
    page.locator("#p2p-next").click()
    page.reload()
    page.locator("body[data-p2p-ready]").wait_for()
    assert page.locator("#unit-3").is_visible()


@pytest.mark.parametrize("sco_per", ["course", "chapter"])
def test_player_pages_pass_axe(page, served, sco_per):
    url = served("scorm2004", sco_per=sco_per)
    pages = ["index.html"] if sco_per == "course" else ["chapter-01.html", "chapter-02.html"]
    for name in pages:
        for width in (1280, 375):
            page.set_viewport_size({"width": width, "height": 800})
            page.goto(f"{url}/pkg/{name}")
            page.locator("body[data-p2p-ready]").wait_for()
            assert axe_violations(page) == [], (name, width)


def test_no_request_leaves_the_package(page, served):
    url = served("scorm2004")
    outside = []
    page.on("request", lambda request: None if request.url.startswith(url) else outside.append(request.url))
    page.goto(f"{url}/pkg/index.html")
    page.locator("body[data-p2p-ready]").wait_for()
    page.locator("#p2p-next").click()
    assert outside == []


@pytest.mark.parametrize("version", VERSIONS)
def test_an_lms_refusal_is_shown_with_its_error_code(page, served, version):
    url = served(version)
    page.goto(f"{url}/lms.html?version={version}&closed=1")
    sco = page.frame_locator("#sco")
    sco.locator("body[data-p2p-ready]").wait_for()
    error = sco.locator("#p2p-error").inner_text()
    assert re.search(r"\(Initialize: [1-9][0-9]* \S", error), error  # the LMS's code and its words
    # The learner keeps working; progress goes to this browser, and the page says so.
    assert "solo en este navegador" in sco.locator("#p2p-notice").inner_text()
    sco.locator("#p2p-next").click()
    assert sco.locator("#unit-2").is_visible()


def test_on_a_phone_nothing_overflows_and_the_contents_fold(page, served):
    url = served("scorm2004", course="sample_course")
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{url}/pkg/index.html")
    page.locator("body[data-p2p-ready]").wait_for()
    toggle = page.locator("#p2p-toc-toggle")
    assert toggle.is_visible() and not page.locator("#p2p-toc").is_visible()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true" and page.locator("#p2p-toc").is_visible()
    toggle.click()
    units = page.locator(".p2p-unit").count()
    for number in range(1, units + 1):
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), number
        if number < units:
            page.locator("#p2p-next").click()
            # Keyboard and screen-reader users land on the new unit's heading.
            assert page.evaluate("document.activeElement.id") == f"unit-{number + 1}-title"
    assert axe_violations(page) == []


@pytest.mark.parametrize("version", VERSIONS)
def test_a_sco_in_a_new_window_finds_the_lms_through_its_opener(page, served, version):
    url = served(version)
    page.goto(f"{url}/lms.html?version={version}&popup=1")
    with page.expect_popup() as opened:
        page.evaluate("window.open('pkg/index.html', 'sco')")
    sco = opened.value
    sco.locator("body[data-p2p-ready]").wait_for()
    assert sco.locator("#p2p-notice").inner_text() == ""  # no "saved in this browser only"
    sco.locator("#p2p-next").click()
    sco.close(run_before_unload=True)
    page.wait_for_function("window.P2P_CALLS.terminate === 1")
    assert calls(page)["initialize"] == 1
    key = "cmi.core.lesson_location" if version == "scorm12" else "cmi.location"
    assert page.evaluate(f"window.P2P_LMS.getCMIValue('{key}')") == "u_two"
