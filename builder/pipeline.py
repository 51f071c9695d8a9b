"""The builder's pipeline, used by every command: select course folders, load and validate them,
build them with targets, and report what was found — problems and warnings as data; the CLI prints.

    selection = select(names, courses_dir)          # SelectionError: a usage error
    report = validate(selection)                    # every course loaded, every problem found
    with staging_folder(out) as workdir:
        report = build(report, targets, workdir, options)   # artifacts in workdir, or problems
        if not report.failed(strict):
            published = publish(report.artifacts, out)

Nothing here writes outside the work folder it is given or prints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from builder.build import Artifact, BuildError, BuildOptions, BuildWarning
from builder.course import Course, load_course
from builder.targets import Target
from xblocks.common.problems import Problem

COURSES_DIR = Path("courses")
COURSE_FILE = "course.xml"


class SelectionError(Exception):
    """A course named on the command line does not exist, or there is no courses folder; the
    message says what and how to fix it."""


@dataclass(frozen=True)
class Selection:
    """The course folders to work on, and the folders of `courses_dir` skipped for having no course.xml
    (the CLI says so as it starts; --strict fails on them)."""

    folders: list[Path]
    skipped: list[Path] = field(default_factory=list)

    @property
    def skipped_warnings(self) -> list[BuildWarning]:
        return [
            BuildWarning(str(folder), "skipped — no course.xml yet (add one to include this course)")
            for folder in self.skipped
        ]


@dataclass(frozen=True)
class LoadedCourse:
    """One course folder as loaded: the course (None if it could not be read) and its problems."""

    folder: Path
    course: Course | None
    problems: list[Problem]

    @property
    def units(self) -> int | None:
        return sum(1 for _ in self.course.units()) if self.course is not None else None


@dataclass(frozen=True)
class Report:
    """What a run found. `problems` fail it; `warnings` fail it only with --strict."""

    selection: Selection
    courses: list[LoadedCourse]
    problems: list[Problem] = field(default_factory=list)
    warnings: list[BuildWarning] = field(default_factory=list)
    artifacts: list[Artifact] = field(default_factory=list)
    sources: dict[Path, Path] = field(default_factory=dict)  # artifact path -> the course folder it was built from

    @property
    def strict_warnings(self) -> list[BuildWarning]:
        """What --strict fails on: the warnings, and the course folders skipped for having no course.xml."""
        return self.selection.skipped_warnings + self.warnings

    def failed(self, strict: bool = False) -> bool:
        return bool(self.problems) or (strict and bool(self.strict_warnings))

    @property
    def loaded(self) -> list[Course]:
        return [loaded.course for loaded in self.courses if loaded.course is not None]


def select(names: Sequence[str], courses_dir: Path = COURSES_DIR) -> Selection:
    """The folders named (a path, or a folder name in `courses_dir`), or every folder of
    `courses_dir` with a course.xml."""
    if names:
        named: list[Path] = []
        for name in names:
            path = Path(name)
            if path.is_dir():
                named.append(path)
            elif (courses_dir / name).is_dir():
                named.append(courses_dir / name)
            else:
                raise SelectionError(
                    f"course folder {name!r} not found (looked for {path} and {courses_dir / name})"
                    f" — give a course folder path or the name of a folder in {courses_dir}/"
                )
        return Selection(named)
    if not courses_dir.is_dir():
        raise SelectionError(f"no {courses_dir}/ folder here — run p2p from the repository root, or pass --courses DIR")
    folders: list[Path] = []
    skipped: list[Path] = []
    for path in sorted(courses_dir.iterdir()):
        if not path.is_dir() or path.name.startswith("."):
            continue
        (folders if (path / COURSE_FILE).is_file() else skipped).append(path)
    return Selection(folders, skipped)


def load(folders: Iterable[Path]) -> list[LoadedCourse]:
    return [LoadedCourse(folder, *load_course(folder)) for folder in folders]


def validate(selection: Selection) -> Report:
    """Load every course of the selection; the report holds every problem of every course."""
    courses = load(selection.folders)
    return Report(
        selection,
        courses,
        problems=[problem for loaded in courses for problem in loaded.problems],
    )


Job = tuple[Course, Target]


def build(
    report: Report,
    targets: Sequence[Target],
    workdir: Path,
    options: BuildOptions,
    progress: Callable[[list[Job]], Iterator[Job]] = iter,
) -> Report:
    """Build every loaded course with every target, each in its own folder of `workdir`.

    A validated report with problems is returned as it is (nothing is built). `progress` wraps the
    list of (course, target) jobs, e.g. in a progress bar."""
    if report.problems:
        return report
    jobs = [(course, target) for course in report.loaded for target in targets]
    artifacts: list[Artifact] = []
    sources: dict[Path, Path] = {}
    warnings = list(report.warnings)
    failures: list[Problem] = []
    for course, target in progress(jobs):
        job_dir = workdir / f"{course.name}.{target.name}"
        job_dir.mkdir()
        try:
            built = target.build(course, job_dir, options)
        except BuildError as error:
            failures += error.problems
            continue
        artifacts += built.artifacts
        sources.update((artifact.path, course.folder) for artifact in built.artifacts)
        warnings += built.warnings
    # The SCORM targets share their checks: a fault found by both is one fault to fix.
    problems = list(dict.fromkeys(failures))
    if problems:
        return replace(report, problems=problems, warnings=warnings)
    return replace(report, warnings=warnings, artifacts=artifacts, sources=sources)
