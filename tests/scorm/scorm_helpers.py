"""Building packages from the fixture courses, for the SCORM tests."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from support.journal_text import varied_text  # noqa: F401  (the SCORM tests' journal text)

from builder import pathways as pathways_module
from builder.build import BuildOptions
from builder.course import load_course
from builder.targets.scorm import build_package

DATA = Path(__file__).resolve().parent / "data"
COURSES_DIR = Path(__file__).resolve().parents[2] / "courses"


def load(folder: Path):
    course, problems = load_course(folder)
    assert not problems, "\n".join(str(p) for p in problems)
    return course


def packaged(folder: Path, level: str | None = None):
    """The course a SCORM package holds: for a course of the pathway, one level's (default: the
    highest, which holds the most); otherwise the course as it is."""
    course = load(folder)
    if Path(folder).resolve().parent != COURSES_DIR:
        return course
    every = {path.name: load(path) for path in sorted(COURSES_DIR.iterdir()) if (path / "course.xml").is_file()}
    pathways, problems = pathways_module.check_pathways(COURSES_DIR, every)
    assert not problems, "\n".join(str(p) for p in problems)
    levels = pathways_module.levels_of(pathways, course.name)
    if not levels:
        return course
    return pathways_module.scorm_level_course(course, pathways, level or levels[-1])[0]


def build(folder: Path, version: str, out: Path, sco_per: str = "course", level: str | None = None) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    return build_package(packaged(folder, level), out, BuildOptions(), version, sco_per).path


def unpack(package: Path, folder: Path) -> Path:
    with zipfile.ZipFile(package) as archive:
        archive.extractall(folder)
    return folder


def copy_course(name: str, dest: Path) -> Path:
    target = dest / name
    shutil.copytree(DATA / name, target)
    return target


def with_html_component(folder: Path, url_name: str, body: str, before: str = "h_three") -> Path:
    """Adds html/<url_name>.html (and its .xml) to a copy of html_course, in the unit of the html
    component `before` (h_three: 'The notes'), ahead of it; the .html file's path."""
    (folder / "html").mkdir(exist_ok=True)
    page = folder / "html" / f"{url_name}.html"
    page.write_text(body, encoding="utf-8")
    (folder / "html" / f"{url_name}.xml").write_text(f'<html filename="{url_name}" display_name="Notes"/>\n')
    source = folder / "course" / "2026.xml"
    source.write_text(
        source.read_text().replace(
            f'<html url_name="{before}"', f'<html url_name="{url_name}"/>\n        <html url_name="{before}"'
        )
    )
    return page


SCORM_AGAIN = Path(__file__).resolve().parents[2] / "node_modules" / "scorm-again" / "dist"


def lms_folder(package: Path, folder: Path) -> Path:
    """A folder to serve: the stand-in LMS page, scorm-again, and the package unpacked in pkg/."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(DATA / "lms.html", folder / "lms.html")
    for name in ("scorm12.js", "scorm2004.js"):
        shutil.copy(SCORM_AGAIN / name, folder / name)
    unpack(package, folder / "pkg")
    return folder


def launch(
    page,
    server_url: str,
    version: str,
    persisted: dict | None = None,
    sco: str = "index.html",
    passing: str | None = None,
):
    """Open the LMS page (with an earlier session's CMI, if any, and the passing score the LMS took
    from the manifest, if any) and wait for the player; the SCO frame."""
    import json

    if persisted is not None:
        page.add_init_script(f"window.P2P_PERSISTED = {json.dumps(persisted)};")
    page.goto(f"{server_url}/lms.html?version={version}&sco={sco}" + (f"&passing={passing}" if passing else ""))
    frame = page.frame_locator("#sco")
    frame.locator("body[data-p2p-ready]").wait_for()
    return page.frames[1]


def stop(page, unload_lost: bool = False) -> dict:
    """Close the SCO as an LMS does (the frame unloads), and return the CMI the LMS keeps. With
    unload_lost, only what the SCO committed before its page began to unload (Moodle may lose the
    rest: see window.P2P_COMMITTED in lms.html)."""
    if unload_lost:
        page.evaluate("window.P2P_UNLOADING = true")
    page.evaluate("document.getElementById('sco').src = 'about:blank'")
    page.wait_for_function("window.P2P_CALLS.terminate === 1")
    # Nothing the SCO sent broke Moodle's stricter rules (the stand-in LMS refuses what Moodle does).
    assert page.evaluate("window.P2P_CALLS.refused") == []
    if unload_lost:
        return page.evaluate("window.P2P_COMMITTED || {}")
    return page.evaluate("JSON.parse(JSON.stringify(window.P2P_LMS.cmi))")


def calls(page) -> dict:
    return page.evaluate("window.P2P_CALLS")
