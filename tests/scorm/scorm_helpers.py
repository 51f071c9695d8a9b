"""Building packages from the fixture courses, for the SCORM tests."""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from builder.build import BuildOptions
from builder.course import load_course
from builder.targets.scorm import build_package

DATA = Path(__file__).resolve().parent / "data"


def load(folder: Path):
    course, problems = load_course(folder)
    assert not problems, "\n".join(str(p) for p in problems)
    return course


def build(folder: Path, version: str, out: Path, sco_per: str = "course") -> Path:
    out.mkdir(parents=True, exist_ok=True)
    return build_package(load(folder), out, BuildOptions(), version, sco_per).path


def unpack(package: Path, folder: Path) -> Path:
    with zipfile.ZipFile(package) as archive:
        archive.extractall(folder)
    return folder


def copy_course(name: str, dest: Path) -> Path:
    target = dest / name
    shutil.copytree(DATA / name, target)
    return target


SCORM_AGAIN = Path(__file__).resolve().parents[2] / "node_modules" / "scorm-again" / "dist"


def lms_folder(package: Path, folder: Path) -> Path:
    """A folder to serve: the stand-in LMS page, scorm-again, and the package unpacked in pkg/."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(DATA / "lms.html", folder / "lms.html")
    for name in ("scorm12.js", "scorm2004.js"):
        shutil.copy(SCORM_AGAIN / name, folder / name)
    unpack(package, folder / "pkg")
    return folder


def launch(page, server_url: str, version: str, persisted: dict | None = None, sco: str = "index.html"):
    """Open the LMS page (with an earlier session's CMI, if any) and wait for the player; the SCO frame."""
    import json

    if persisted is not None:
        page.add_init_script(f"window.P2P_PERSISTED = {json.dumps(persisted)};")
    page.goto(f"{server_url}/lms.html?version={version}&sco={sco}")
    frame = page.frame_locator("#sco")
    frame.locator("body[data-p2p-ready]").wait_for()
    return page.frames[1]


def stop(page) -> dict:
    """Close the SCO as an LMS does (the frame unloads), and return the CMI the LMS keeps."""
    page.evaluate("document.getElementById('sco').src = 'about:blank'")
    page.wait_for_function("window.P2P_CALLS.terminate === 1")
    return page.evaluate("JSON.parse(JSON.stringify(window.P2P_LMS.cmi))")


def calls(page) -> dict:
    return page.evaluate("window.P2P_CALLS")
