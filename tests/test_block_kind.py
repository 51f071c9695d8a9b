"""A block kind is registered in one place: an `xblock.v1` entry point whose XBlock carries a BlockKind.

A fourth block from a package of its own (tests/fixtures/fourth_block) is found through its entry point
alone and built into OLX and both SCORM versions; nothing under builder/ names it.
"""

from __future__ import annotations

import importlib
import json
import shutil
import tarfile
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from scorm.scorm_helpers import launch, lms_folder, stop

from builder.cli import main
from xblocks.common import kind as kinds

FIXTURES = Path(__file__).resolve().parent / "fixtures"
BUILDER = Path(__file__).resolve().parent.parent / "builder"


def test_our_three_blocks_are_found_through_their_entry_points():
    found = kinds.block_kinds()
    assert {"scenario_roleplay", "reflection_journal", "facilitation_rubric"} <= set(found)
    rubric = found["facilitation_rubric"]
    assert rubric.global_name == "P2PRubric" and rubric.script.is_file() and rubric.style.is_file()
    assert rubric.template == "rubric/templates/student_view.html"
    assert kinds.kind("html") is None and kinds.kind("video") is None
    # Open edX's problem is a kind the platform renders: found by kind(), never an XBlock of ours
    problem = kinds.kind("problem")
    assert problem is not None and problem.rendered_by_platform and "problem" not in found


@pytest.fixture
def fourth_block(tmp_path, monkeypatch):
    """The fixture package on sys.path with a dist-info declaring its entry point (as pip would)."""
    site = tmp_path / "site"
    dist_info = site / "p2p_tally-0.1.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: p2p-tally\nVersion: 0.1\n")
    (dist_info / "entry_points.txt").write_text("[xblock.v1]\ntally_counter = p2p_tally.block:TallyCounterBlock\n")
    monkeypatch.syspath_prepend(str(FIXTURES / "fourth_block"))
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()
    kinds.clear_cache()
    yield
    kinds.clear_cache()


def _course_with_a_tally(dest: Path) -> Path:
    course = dest / "tally_course"
    shutil.copytree(FIXTURES / "sample_course", course)
    vertical = course / "vertical" / "practice_call.xml"
    vertical.write_text(
        vertical.read_text(encoding="utf-8").replace(
            "</vertical>", '  <tally_counter url_name="count_calls" display_name="Calls made" goal="2"/>\n</vertical>'
        ),
        encoding="utf-8",
    )
    policy_file = course / "policies" / "2026" / "policy.json"
    policy = json.loads(policy_file.read_text(encoding="utf-8"))
    policy["course/2026"]["advanced_modules"].append("tally_counter")
    policy_file.write_text(json.dumps(policy), encoding="utf-8")
    return course


def test_a_fourth_block_from_its_own_package_builds_into_olx_and_both_scorm_versions(tmp_path, fourth_block):
    assert "tally_counter" not in "".join(p.read_text(errors="ignore") for p in BUILDER.rglob("*") if p.is_file())
    tally = kinds.kind("tally_counter")
    assert tally is not None and tally.global_name == "P2PTally"
    course = _course_with_a_tally(tmp_path / "courses")
    out = tmp_path / "dist"
    result = CliRunner().invoke(
        main,
        ["build", "--courses", str(course.parent), "--target", "olx", "--target", "scorm12"]
        + ["--target", "scorm2004", "--out", str(out), course.name],
    )
    assert result.exit_code == 0, result.output
    built = sorted(p.name for p in out.iterdir())
    olx = next(out / name for name in built if name.endswith(".tar.gz"))
    with tarfile.open(olx) as archive:
        vertical = archive.extractfile("course/vertical/practice_call.xml").read().decode("utf-8")
    assert '<tally_counter display_name="Calls made" goal="2" url_name="count_calls"/>' in vertical
    packages = [out / name for name in built if name.endswith(".zip")]
    assert len(packages) == 2
    for package in packages:
        with zipfile.ZipFile(package) as archive:
            page = archive.read("index.html").decode("utf-8")
            bundle = b"".join(archive.read(n) for n in archive.namelist() if n.endswith(".js")).decode("utf-8")
        assert 'id="count_calls"' in page and "Calls made" in page
        assert "P2PTally" in page and "P2PTally" in bundle


@pytest.mark.parametrize("version", ["scorm12", "scorm2004"])
def test_the_fourth_block_plays_in_the_package_through_the_rules_contract(
    tmp_path, fourth_block, page, static_server, version
):
    """The player mounts the tally with the state its rules give, its requests go through
    rules.apply, and the count comes back from the LMS's suspend_data on the next launch."""
    course = _course_with_a_tally(tmp_path / "courses")
    out = tmp_path / "dist"
    result = CliRunner().invoke(
        main, ["build", "--courses", str(course.parent), "--target", version, "--out", str(out), course.name]
    )
    assert result.exit_code == 0, result.output
    (package,) = out.glob("*.zip")
    url = static_server(lms_folder(package, tmp_path / "lms")).url

    def tally(frame):
        block = frame.locator('.p2p-block[data-block-id="count_calls"]')
        for _ in range(10):  # to the unit that holds it
            if block.is_visible():
                return block
            frame.locator("#p2p-next").click()
        raise AssertionError("the tally's unit was not reached")

    block = tally(launch(page, url, version))
    assert block.get_attribute("data-count") == "0"
    block.locator("button").click()
    block.locator("button").click()
    page.frames[1].wait_for_selector('.p2p-block[data-block-id="count_calls"][data-count="2"]')
    cmi = stop(page)
    again = page.context.new_page()
    assert tally(launch(again, url, version, persisted=cmi)).get_attribute("data-count") == "2"
