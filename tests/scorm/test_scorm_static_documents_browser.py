"""Code that is not the player's does not run in a package, in Chromium: the player page's
Content-Security-Policy refuses inline code whatever put it there, a course's own HTML handout runs
no script (it opens at the player's origin, within reach of the LMS API), and an SVG that would run
code when opened is refused at build time with its line. A package opened from disk still plays."""

import shutil
import zipfile

import pytest
from scorm_helpers import DATA, build, launch, lms_folder, load, stop, with_html_component

from builder.build import BuildError, BuildOptions
from builder.targets.scorm import build_package

HANDOUT = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Agenda template</title>
<script>alert('handout-script')</script>
</head>
<body>
<h1>Agenda template</h1>
<p>Welcome and introductions.</p>
<img src="missing.png" alt="" onerror="alert('handout-handler')">
<p><a href="javascript:alert('handout-link')">Start</a></p>
</body>
</html>
"""


def course_with_handout(tmp_path):
    folder = tmp_path / "course"
    shutil.copytree(DATA / "html_course", folder)
    (folder / "static" / "agenda.html").write_text(HANDOUT, encoding="utf-8")
    with_html_component(folder, "h_handout", '<p><a href="/static/agenda.html">The agenda template</a></p>\n', "h_one")
    return folder


@pytest.mark.parametrize("version", ["scorm12", "scorm2004"])
def test_a_handout_opened_from_the_player_runs_no_script(page, tmp_path, static_server, version):
    package = build(course_with_handout(tmp_path), version, tmp_path / "build")
    with zipfile.ZipFile(package) as archive:
        handout = archive.read("static/agenda.html").decode()
    assert '<head><meta http-equiv="Content-Security-Policy" content="script-src \'none\';' in handout.replace("\n", "")
    url = static_server(lms_folder(package, tmp_path / "lms")).url
    ran: list[str] = []
    page.on("dialog", lambda dialog: (ran.append(dialog.message), dialog.dismiss()))
    sco = launch(page, url, version)
    # Inline code in the player page is refused by its policy, however it got there.
    sco.evaluate("document.body.insertAdjacentHTML('beforeend', '<img src=\"nothing.png\" onerror=\"alert(1)\">')")
    sco.locator(".p2p-html a", has_text="The agenda template").click()  # the handout opens in the SCO's frame
    handout_frame = page.frame_locator("#sco")
    handout_frame.locator("h1", has_text="Agenda template").wait_for()
    handout_frame.get_by_text("Start").click()
    page.wait_for_timeout(300)  # the image's onerror would have fired by now
    assert ran == []


def test_an_svg_that_would_run_code_is_refused_with_its_line(tmp_path):
    folder = tmp_path / "course"
    shutil.copytree(DATA / "html_course", folder)
    svg = folder / "static" / "meeting-table.svg"
    svg.write_text(
        svg.read_text().replace("</svg>", '<script>alert(1)</script>\n<circle r="1" onclick="alert(2)"/>\n</svg>')
    )
    with pytest.raises(BuildError) as refused:
        build_package(load(folder), tmp_path, BuildOptions(), "scorm2004")
    found = [str(p) for p in refused.value.problems]
    lines = svg.read_text().splitlines()
    script_line = next(n for n, line in enumerate(lines, 1) if "<script>" in line)
    assert f"{svg}:{script_line}: static/meeting-table.svg holds <script>, which runs code" in found[0]
    assert any(f"{svg}:{script_line + 1}:" in p and "onclick=" in p for p in found)


def test_a_package_opened_from_disk_still_plays(page, tmp_path):
    package = build(DATA / "html_course", "scorm2004", tmp_path / "build")
    folder = tmp_path / "unpacked"
    with zipfile.ZipFile(package) as archive:
        archive.extractall(folder)
    page.goto((folder / "index.html").as_uri())
    page.locator("body[data-p2p-ready]").wait_for()
    page.locator("#p2p-next").click()
    assert page.locator("#unit-2").is_visible()


def test_the_player_page_names_its_policy(tmp_path, static_server, page):
    package = build(DATA / "html_course", "scorm12", tmp_path / "build")
    url = static_server(lms_folder(package, tmp_path / "lms")).url
    sco = launch(page, url, "scorm12")
    policy = sco.locator('meta[http-equiv="Content-Security-Policy"]').get_attribute("content")
    assert policy.startswith("script-src 'self' file:;") and "base-uri 'none'" in policy
    stop(page)
