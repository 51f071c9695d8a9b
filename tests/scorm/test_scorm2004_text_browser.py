"""SCORM 2004 text in interactions: a journal entry of several paragraphs, or one that starts with
'{', is a localized string (RTE 4.1.1.7), whose '{' opens a {lang=...} tag and which LMSs such as
scorm-again check line by line. The LMS must accept the record; the entry itself, line breaks
included, stays whole in suspend_data."""

from scorm_helpers import build, calls, copy_course, launch, lms_folder, stop

ENTRY = "{At first} the family waited in the hall.\nNext time I will greet them at the door.\r\nAnd walk in with them."


def test_a_journal_entry_in_paragraphs_is_reported_and_kept_whole(page, tmp_path, static_server):
    course = copy_course("sample_course", tmp_path)
    source = course / "course" / "2026.xml"
    source.write_text(
        source.read_text(encoding="utf-8").replace(
            '<prompt id="noticed">', '<prompt id="noticed" shared_with_staff="true">'
        ),
        encoding="utf-8",
    )
    package = build(course, "scorm2004", tmp_path / "build")
    url = static_server(lms_folder(package, tmp_path / "lms")).url
    sco = launch(page, url, "scorm2004")
    sco.locator(".p2p-toc a", has_text="Pause and reflect").click()
    sco.locator(".p2p-journal__text").nth(0).fill(ENTRY)
    sco.locator(".p2p-journal__submit").nth(0).click()
    sco.locator(".p2p-journal__prompt").nth(0).locator(".p2p-journal__status", has_text="Version 1").wait_for()
    kept = sco.evaluate("P2PStateCodec.decode(window.parent.P2P_LMS.cmi.suspend_data)")
    assert kept["b"]["j_after"]["entries"]["noticed"]["versions"][-1]["text"].replace("\r\n", "\n") == ENTRY.replace(
        "\r\n", "\n"
    )
    assert sco.locator("#p2p-error").inner_text() == ""  # the LMS refused nothing
    cmi = stop(page)
    responses = {i["id"]: i["learner_response"] for i in cmi["interactions"].values()}
    assert (
        responses["j_after-noticed"]
        == " {At first} the family waited in the hall. Next time I will greet them at the door. And walk in with them."
    )
    assert [e for e, v in calls(page)["setValue"] if e.endswith("learner_response")] == [
        "cmi.interactions.0.learner_response"
    ]
