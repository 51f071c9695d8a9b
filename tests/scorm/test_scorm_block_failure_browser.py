"""A block whose script fails while it starts (a bug, or state it cannot read) is reported on the
page, and the sitting still ends as the LMS needs: exit = suspend, session time, one Terminate."""

from scorm_helpers import DATA, build, calls, launch, lms_folder, stop

# Makes the journal's mount throw, as a bug in it would: the real script, one function replaced.
BREAK_JOURNAL = """
Object.defineProperty(window, "P2PJournal", {
  configurable: true,
  get: function () { return this.__journal; },
  set: function (script) {
    if (script) { script.mount = function () { throw new Error("journal failed to start"); }; }
    this.__journal = script;
  }
});
"""


def test_a_block_that_fails_to_start_does_not_stop_the_sitting_from_ending(context, tmp_path, static_server):
    package = build(DATA / "sample_course", "scorm12", tmp_path / "build")
    url = static_server(lms_folder(package, tmp_path / "lms")).url
    page = context.new_page()  # not the `page` fixture: the broken block is this test's point
    page.add_init_script(f"if (window !== window.top) {{ {BREAK_JOURNAL} }}")
    sco = launch(page, url, "scorm12")
    assert "journal failed to start" in sco.locator("#p2p-error").inner_text()
    sco.locator("#p2p-next").click()
    cmi = stop(page)
    assert calls(page)["terminate"] == 1
    assert cmi["core"]["exit"] == "suspend"
    assert cmi["core"]["session_time"] != ""
