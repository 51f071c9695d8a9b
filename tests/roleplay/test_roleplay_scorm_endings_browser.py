"""The three course role-plays in their SCORM packages (1.2 and 2004), in Chromium with scorm-again as the
LMS: every ending played by mouse, Replay between them; the LMS receives one interaction per choice
played, named <url_name>-<choice id> (the interaction_id of the Open edX tracking events), with the
result model.py gives, and nothing is refused."""

import pytest
from roleplay_support import COURSE_SCENARIOS, ENDING_ROUTES, ROOT, load_scenario
from scorm.scorm_helpers import build, launch, lms_folder, stop

from xblocks.roleplay import model

COURSES = {
    "ms_perez": "cultural_competency",
    "fac_ortiz_meeting": "facilitation",
    "cr_haddad_services": "conflict_resolution",
}
UNITS = {
    "ms_perez": "Role-play: From September Conferences to the IEP Meeting",
    "fac_ortiz_meeting": "Role-play: Lucía's IEP Meeting",
    "cr_haddad_services": "Role-play: Ms. Haddad Is Going to the State",
}
RESULTS_12 = {"correct": "correct", "incorrect": "wrong", "neutral": "neutral"}


@pytest.mark.parametrize("version", ["scorm12", "scorm2004"])
@pytest.mark.parametrize("name", sorted(COURSE_SCENARIOS))
def test_every_ending_in_scorm(page, static_server, tmp_path, name, version):
    scenario = load_scenario(COURSE_SCENARIOS[name])
    package = build(ROOT / "courses" / COURSES[name], version, tmp_path / "build")
    url = static_server(lms_folder(package, tmp_path / "lms")).url
    sco = launch(page, url, version)
    sco.locator(".p2p-toc a", has_text=UNITS[name]).click()
    block = sco.locator(f".p2p-roleplay[data-block-id='{name}']")
    expected: dict[str, str] = {}
    for number, (ending, (route, _earned)) in enumerate(ENDING_ROUTES[name].items()):
        if number:
            block.locator("button", has_text="Replay the conversation").click()
        for choice in route.split():
            block.locator(f"button[data-choice='{choice}']").click()
        block.locator(".p2p-rp-chart").wait_for()
        title = scenario.scene(ending).title
        assert block.locator(".p2p-rp-scene-title").inner_text().endswith(title)
        state = {"r": route.split(), "v": None, "n": number + 1, "b": None, "l": None, "f": None}
        for item in model.report(state, scenario, name)["interactions"]:
            expected.setdefault(item["id"], item["result"])
    cmi = stop(page)
    recorded = {i["id"]: i["result"] for i in cmi["interactions"].values() if i["id"].startswith(f"{name}-")}
    if version == "scorm12":
        expected = {key: RESULTS_12[result] for key, result in expected.items()}
    assert recorded == expected
