"""The builder's pipeline, used by every command: select course folders, load and validate them,
build them with targets, and report what was found — problems and warnings as data; the CLI prints.

    selection = select(names, courses_dir)          # SelectionError: a usage error
    report = validate(selection)                    # every course loaded, every problem found (pathways.xml's too)
    with staging_folder(out) as workdir:
        report = build(report, targets, workdir, options, levels=())   # artifacts in workdir, or problems
        if not report.failed(strict):
            published = publish(report.artifacts, out)

A course of the pathway (`<courses_dir>/pathways.xml`, builder/pathways.py) is built once per level
by a target that builds per level (SCORM: `<course>-<level>-scorm12.zip`, the level's content, mastery
and certificate) and once with the levels as content groups by the others (the Open edX export).

Nothing here writes outside the work folder it is given or prints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from builder import pathways as pathways_module
from builder.build import Artifact, BuildError, BuildOptions, BuildWarning
from builder.course import Course, load_course
from builder.pathways import Pathways
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
    courses_dir: Path | None = None  # where pathways.xml is looked for

    def in_pathway(self, folder: Path) -> bool:
        """Whether a course folder is one of `courses_dir`, which pathways.xml names; a course from
        elsewhere is built whole."""
        return self.courses_dir is not None and folder.resolve().parent == self.courses_dir.resolve()

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
    pathways: Pathways | None = None  # the checked pathways.xml, when a selected course is in it
    # What the author chose and should see, that is not a fault (never fails a build, --strict included):
    # a level-tagged component SCORM cannot play, left to the Open edX course.
    notes: list[BuildWarning] = field(default_factory=list)

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
        return Selection(named, courses_dir=courses_dir)
    if not courses_dir.is_dir():
        raise SelectionError(f"no {courses_dir}/ folder here — run p2p from the repository root, or pass --courses DIR")
    folders: list[Path] = []
    skipped: list[Path] = []
    for path in sorted(courses_dir.iterdir()):
        if not path.is_dir() or path.name.startswith("."):
            continue
        (folders if (path / COURSE_FILE).is_file() else skipped).append(path)
    return Selection(folders, skipped, courses_dir)


def load(folders: Iterable[Path]) -> list[LoadedCourse]:
    return [LoadedCourse(folder, *load_course(folder)) for folder in folders]


def validate(selection: Selection) -> Report:
    """Load every course of the selection; the report holds every problem of every course, and of
    pathways.xml when a selected course is in the pathway (checked against every course it names)."""
    courses = load(selection.folders)
    problems = [problem for loaded in courses for problem in loaded.problems]
    pathways = None
    courses_dir = selection.courses_dir
    if courses_dir is not None and any(selection.in_pathway(loaded.folder) for loaded in courses):
        chosen = {loaded.folder.resolve() for loaded in courses}
        others = load(path for path in select([], courses_dir).folders if path.resolve() not in chosen)
        named = {loaded.folder.name: loaded.course for loaded in [*others, *courses] if loaded.course is not None}
        pathways, pathway_problems = pathways_module.check_pathways(courses_dir, named)
        problems += pathway_problems
    # What the HTML sanitizer takes out of html components: the author is told, file:line.
    warnings = [
        BuildWarning(f"{w.file}:{w.line}" if w.line else w.file, f"{w.message} — {w.fix}" if w.fix else w.message)
        for course in (loaded.course for loaded in courses)
        if course is not None
        for w in course.warnings
    ]
    return Report(selection, courses, problems=problems, warnings=warnings, pathways=pathways)


Job = tuple[Course, Target]


def plan(report: Report, targets: Sequence[Target], levels: Sequence[str] = ()) -> tuple[list[Job], list[BuildWarning]]:
    """The (course, target) pairs to build, and notes for the author. A course of the pathway goes
    to a per-level target once per level that takes it (or per level of `levels`), as that level's
    course, and to the other targets with the levels as content groups; other courses go as they are.

    SelectionError for `levels` without a pathway, or naming no level of it."""
    pathways = report.pathways
    if levels and pathways is None:
        where = report.selection.courses_dir or COURSES_DIR
        raise SelectionError(
            f"--level needs {where / pathways_module.PATHWAYS_FILE} and a course it names — write one or drop --level"
        )
    if pathways is not None:
        for level_id in levels:
            if pathways.level(level_id) is None:
                known = ", ".join(level.id for level in pathways.levels)
                raise SelectionError(f"unknown level {level_id!r} — choose one of: {known}")
    planned: list[Job] = []
    notes: list[BuildWarning] = []
    for course in report.loaded:
        in_pathway = pathways is not None and report.selection.in_pathway(course.folder)
        course_levels = pathways_module.levels_of(pathways, course.name) if pathways and in_pathway else []
        for target in targets:
            if pathways is None or not in_pathway:
                planned.append((course, target))
            elif not target.per_level:
                planned.append((pathways_module.with_content_groups(course, pathways), target))
            elif not course_levels:  # a course no level requires is built whole
                planned.append((course, target))
            else:
                for level_id in course_levels:
                    if levels and level_id not in levels:
                        continue
                    leveled, left_out = pathways_module.scorm_level_course(course, pathways, level_id)
                    planned.append((leveled, target))
                    notes += [
                        BuildWarning(
                            f"{leveled.name}-{target.name}",
                            f"{url_name} left out (a component only Open edX can play; the Open edX export keeps it)",
                        )
                        for url_name in left_out
                    ]
    return planned, notes


def build(
    report: Report,
    targets: Sequence[Target],
    workdir: Path,
    options: BuildOptions,
    progress: Callable[[list[Job]], Iterator[Job]] = iter,
    levels: Sequence[str] = (),
) -> Report:
    """Build every loaded course with every target (per level: see `plan`), each in its own folder
    of `workdir`.

    A validated report with problems is returned as it is (nothing is built). `progress` wraps the
    list of (course, target) jobs, e.g. in a progress bar."""
    if report.problems:
        return report
    jobs, notes = plan(report, targets, levels)
    report = replace(report, notes=notes)
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
