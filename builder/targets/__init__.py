"""Output formats. One module per format; each offers one or more `Target`s, listed in TARGETS.

A target is an object with:

    name: str      # what `p2p build --target NAME` takes, e.g. "scorm12"
    suffix: str    # how its artifact names end, e.g. "-scorm12.zip": `<course.name><suffix>`
    per_level: bool  # True: a course of the pathway comes once per level (`<course>-<level>` as its
                     # name, only that level's content); False: once, with the levels as content groups
    build(course: Course, workdir: Path, options: BuildOptions) -> Built

- `course` is a loaded, validated `builder.course.Course` (no problems left).
- Write only inside `workdir` (an empty folder created for this course and target); return the
  files to publish as `Built([Artifact.of(path, units)], warnings)`. The pipeline moves them into
  `--out` with an atomic rename once every course and every target succeeded; anything else in
  `workdir` is discarded.
- Name artifacts `<course.name><suffix>` (or `<course.name>-<level><suffix>`): all artifacts of one
  build land in the same folder and must not collide.
- Use `builder.archive` (`write_tar_gz`, `write_zip`) so archives are byte-identical across builds,
  with `options.mtime` as the entries' time.
- Problems seen only while building: `raise BuildError([Problem(...), ...])`; nothing is published.
  What an author should know about a build that succeeds: `BuildWarning`s in `Built.warnings`
  (the CLI prints them; `--strict` fails on them). A target never prints.

To add a target: docs/architecture.md, "Adding a target".
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from builder.build import Artifact, BuildError, BuildOptions, BuildWarning, Built
from builder.course import Course
from builder.targets import olx, scorm


class Target(Protocol):
    """An output format: see the module's docstring."""

    @property
    def name(self) -> str: ...

    @property
    def suffix(self) -> str: ...

    @property
    def per_level(self) -> bool: ...

    def build(self, course: Course, workdir: Path, options: BuildOptions) -> Built: ...


@dataclass(frozen=True)
class OlxTarget:
    """The Open edX course export, `<course>-olx.tar.gz`."""

    name: str = "olx"
    suffix: str = "-olx.tar.gz"
    per_level: bool = False  # one course for every level: the levels are content groups

    def build(self, course: Course, workdir: Path, options: BuildOptions) -> Built:
        return Built(olx.build(course, workdir, options))


@dataclass(frozen=True)
class ScormTarget:
    """A SCORM package of one version, `<course>-<version>.zip`: the offline player with the SCORM binding."""

    name: str  # "scorm12" or "scorm2004"
    per_level: bool = True  # an LMS has no content groups: one package per level

    @property
    def suffix(self) -> str:
        return f"-{self.name}.zip"

    def build(self, course: Course, workdir: Path, options: BuildOptions) -> Built:
        artifact = scorm.build_package(course, workdir, options, self.name)
        return Built([artifact], scorm.package_warnings(course, self.name, options.sco_per))


TARGETS: dict[str, Target] = {
    target.name: target for target in (OlxTarget(), ScormTarget("scorm12"), ScormTarget("scorm2004"))
}

__all__ = ["TARGETS", "Artifact", "BuildError", "BuildOptions", "BuildWarning", "Built", "Target"]
