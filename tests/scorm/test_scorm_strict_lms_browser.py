"""The stand-in LMS behaves as Moodle does where scorm-again is more lenient: after a 2004 sitting
that ended with exit=normal the next launch is ab-initio with no suspend_data (so the player's
always-suspend matters), and a choice response with a hyphen is refused with 406."""

from scorm_helpers import DATA, build, launch, lms_folder, stop


def test_normal_exit_starts_afresh_and_suspend_resumes(page, tmp_path, static_server):
    package = build(DATA / "sample_course", "scorm2004", tmp_path / "build")
    url = static_server(lms_folder(package, tmp_path / "lms")).url
    sco = launch(page, url, "scorm2004")
    sco.locator(".p2p-toc a", has_text="A call from Ms. Ruiz").click()
    sco.locator("[data-choice='listen']").click()
    sco.locator(".p2p-rp-feedback").wait_for()
    cmi = stop(page)
    assert cmi["exit"] == "suspend" and cmi["suspend_data"]

    resumed = page.context.new_page()
    launch(resumed, url, "scorm2004", persisted=cmi)
    assert resumed.evaluate("window.P2P_LMS.cmi.entry") == "resume"
    assert resumed.evaluate("window.P2P_LMS.cmi.suspend_data") == cmi["suspend_data"]

    afresh = page.context.new_page()
    fresh = launch(afresh, url, "scorm2004", persisted=dict(cmi, exit="normal"))
    assert afresh.evaluate("window.P2P_LMS.cmi.entry") == "ab-initio"
    # Nothing came back: the role-play starts again (the player wrote a new document since).
    assert fresh.evaluate("P2PStateCodec.decode(window.parent.P2P_LMS.cmi.suspend_data).b.rp_call") is None


def test_a_hyphenated_choice_response_is_refused_as_moodle_does(page, tmp_path, static_server):
    package = build(DATA / "sample_course", "scorm2004", tmp_path / "build")
    url = static_server(lms_folder(package, tmp_path / "lms")).url
    launch(page, url, "scorm2004")
    answers = page.evaluate(
        """() => { const api = window.P2P_LMS;
          api.SetValue("cmi.interactions.9.id", "x-1");
          return [api.SetValue("cmi.interactions.0.id", "probe"), api.SetValue("cmi.interactions.0.type", "choice"),
                  api.SetValue("cmi.interactions.0.learner_response", "conf-double-slot"), api.GetLastError(),
                  api.SetValue("cmi.interactions.0.learner_response", "conf_double_slot")]; }"""
    )
    assert answers == ["true", "true", "false", "406", "true"]
