"""A package with one SCO per chapter, moved through the way a learner does, in the stand-in LMS's
two shapes (tests/scorm/data/lms.html, ?scos=...): a conforming LMS (a fresh run-time object for
each SCO; it acts on the SCO's navigation request) and Moodle's player (&moodle=1: one run-time
object for its whole page; in SCORM 2004 a session that has terminated never initializes again, 104,
as measured in Moodle 5.1.3). Every chapter must connect and keep its record, whether the learner
uses the LMS's own "next" and contents or the player's Next at the chapter's end."""

import pytest
from scorm_helpers import DATA, build, lms_folder

VERSIONS = ["scorm12", "scorm2004"]


def open_chapters(page, tmp_path, static_server, version, moodle):
    package = build(DATA / "sample_course", version, tmp_path / "build", sco_per="chapter")
    folder = lms_folder(package, tmp_path / "lms")
    scos = sorted(path.name for path in (folder / "pkg").glob("chapter-*.html"))
    assert len(scos) == 2
    url = static_server(folder).url
    page.goto(f"{url}/lms.html?version={version}&scos={','.join(scos)}" + ("&moodle=1" if moodle else ""))
    return scos


def chapter(page, href):
    """The SCO frame showing HREF, once its player is ready."""
    for _ in range(200):
        for frame in page.frames:
            if frame.url.endswith("/" + href):
                try:
                    if frame.evaluate("document.body && document.body.hasAttribute('data-p2p-ready')"):
                        return frame
                except Exception:  # still loading
                    pass
        page.wait_for_timeout(50)  # lets the browser's events (frame navigations) arrive
    raise AssertionError(f"{href} never became ready: {[f.url for f in page.frames]}")


def open_last_unit(frame):
    links = frame.locator(".p2p-toc a[data-unit]")
    links.nth(links.count() - 1).click()


def log(page):
    return page.evaluate("window.P2P_CALLS.log")


def stored(page, sco, element):
    return page.evaluate(
        "([sco, element]) => { let v = window.P2P_STORE[sco]; for (const k of element.split('.').slice(1)) v = v && v[k]; return v; }",
        [sco, element],
    )


def location_element(version):
    return "cmi.core.lesson_location" if version == "scorm12" else "cmi.location"


@pytest.mark.parametrize("version", VERSIONS)
def test_moodle_own_next_every_chapter_connects_and_keeps_its_record(page, tmp_path, static_server, version):
    scos = open_chapters(page, tmp_path, static_server, version, moodle=True)
    for n, href in enumerate(scos):
        frame = chapter(page, href)
        open_last_unit(frame)
        assert frame.locator("#p2p-error").inner_text() == ""
        frame.wait_for_timeout(1000)  # the debounced commit
        if n + 1 < len(scos):
            page.click("#lms-next")  # Moodle's ">": the frame is replaced, the page stays
    initializes = [entry for entry in log(page) if entry[1] in ("Initialize", "LMSInitialize")]
    assert [entry[0] for entry in initializes] == scos
    # 1.2: the chapter ended with LMSFinish, the next one starts afresh. 2004: the chapter handed its
    # open session over (a Terminate would leave the next one at 104); Moodle answers 103 with the
    # next chapter's data loaded.
    expected = ["true", "true"] if version == "scorm12" else ["true", "false"]
    assert [entry[2] for entry in initializes] == expected
    assert "104" not in [entry[3] for entry in log(page)]
    for href in scos:
        assert stored(page, href, location_element(version)), href
        assert stored(page, href, "cmi.suspend_data"), href
    assert page.evaluate("window.P2P_CALLS.refused") == []


@pytest.mark.parametrize("version", VERSIONS)
def test_moodle_contents_reach_every_chapter(page, tmp_path, static_server, version):
    scos = open_chapters(page, tmp_path, static_server, version, moodle=True)
    chapter(page, scos[0])
    page.click("#lms-toc li:nth-child(2) button")  # Moodle's contents
    frame = chapter(page, scos[1])
    open_last_unit(frame)
    frame.wait_for_timeout(1000)
    assert frame.locator("#p2p-error").inner_text() == ""
    assert frame.locator("#p2p-notice").inner_text() == ""  # connected, not "saved in this browser only"
    assert stored(page, scos[1], location_element(version))


@pytest.mark.parametrize("moodle", [False, True], ids=["conforming", "moodle"])
@pytest.mark.parametrize("version", VERSIONS)
def test_player_next_at_a_chapter_end_opens_the_next_chapter(page, tmp_path, static_server, version, moodle):
    scos = open_chapters(page, tmp_path, static_server, version, moodle=moodle)
    frame = chapter(page, scos[0])
    open_last_unit(frame)
    frame.click("#p2p-next")  # past the last unit: the chapter's result
    next_button = frame.locator("#p2p-next")
    if version == "scorm12" and not moodle:
        # SCORM 1.2 has no navigation requests: the learner is sent to the LMS's own menu.
        assert next_button.is_disabled()
        assert "from your LMS's menu" in frame.locator("#p2p-result-body").inner_text()
        return
    assert next_button.inner_text() == "Next chapter" and next_button.is_enabled()
    assert "Next chapter: Reflecting and rating" in frame.locator("#p2p-result-body").inner_text()
    next_button.click()
    second = chapter(page, scos[1])
    second.wait_for_timeout(1000)
    assert second.locator("#p2p-error").inner_text() == ""
    assert second.locator("#p2p-notice").inner_text() == ""
    calls = [entry[1:3] for entry in log(page) if entry[0] == scos[0]]
    if version == "scorm2004" and not moodle:  # the standard way: a navigation request, then Terminate
        assert ["Terminate", "true"] in calls
        assert stored(page, scos[0], "cmi.exit") == "suspend"
    assert stored(page, scos[0], location_element(version))
    assert stored(page, scos[1], location_element(version))
    assert page.evaluate("window.P2P_CALLS.refused") == []


def test_moodle_2004_rule_a_terminated_session_never_initializes_again(page, tmp_path, static_server):
    # What the stand-in reproduces from Moodle 5.1.3 (mod/scorm/datamodels/scorm_13.js): one run-time
    # object for the page; after any Terminate, Initialize answers false with 104.
    open_chapters(page, tmp_path, static_server, "scorm2004", moodle=True)
    chapter(page, "chapter-01.html")  # its session is open
    answers = page.evaluate(
        """() => { const api = window.API_1484_11;
          return [api.Terminate(""), api.Initialize(""), api.GetLastError()]; }"""
    )
    assert answers == ["true", "false", "104"]


@pytest.mark.parametrize("version", VERSIONS)
def test_moodle_a_chapter_opened_again_on_the_same_page_keeps_what_was_done(page, tmp_path, static_server, version):
    # Moodle builds every SCO's data when its player page opens and hands a chapter that data each
    # time it initializes; going back to a chapter lost what had been done in it (measured: a
    # journal entry). The player keeps what each chapter gave Moodle's run-time object.
    scos = open_chapters(page, tmp_path, static_server, version, moodle=True)
    first = chapter(page, scos[0])
    first.locator(".p2p-toc a", has_text="A call from Ms. Ruiz").click()
    first.locator("[data-choice='listen']").click()
    first.locator(".p2p-rp-feedback").wait_for()
    first.wait_for_timeout(1000)
    page.click("#lms-next")
    chapter(page, scos[1]).wait_for_timeout(500)
    page.click("#lms-toc li:nth-child(1) button")  # back, through Moodle's contents
    again = chapter(page, scos[0])
    assert again.locator(".p2p-unit:not([hidden]) .p2p-unit-title").inner_text() == "A call from Ms. Ruiz"
    assert again.locator("[data-choice='listen']").count() == 0  # the choice made is still made
    again.locator(".p2p-toc a", has_text="Welcome").click()
    again.wait_for_timeout(1000)
    # What the LMS holds for the chapter still has the role-play's choice.
    assert again.evaluate("s => P2PStateCodec.decode(s).b.rp_call", stored(page, scos[0], "cmi.suspend_data"))
    assert page.evaluate("window.P2P_CALLS.refused") == []
