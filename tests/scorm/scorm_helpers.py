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
