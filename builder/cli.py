"""The `p2p` command: `p2p validate`, `p2p build` and `p2p publish` (to SCORM Cloud).

Exit codes: 0 success, 1 the courses have problems (or a target failed), 2 usage errors (a
course folder that does not exist, an unknown target, an unusable --out).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import click

from builder import cloud
from builder import kit as kit_module
from builder import pathways as pathways_module
from builder.build import (
    Artifact,
    BuildError,
    BuildOptions,
    OutputError,
    check_output_folder,
    publish,
    staging_folder,
)
from builder.course import Course, load_course
from builder.targets import TARGETS
from xblocks.common.problems import Problem

COURSES_DIR = Path("courses")


class UsageProblem(click.ClickException):
    """A one-line usage error: exit 2, `p2p: <what> — <how to fix>`, no traceback."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"p2p: {self.message}", err=True)


def course_folders(names: tuple[str, ...], courses_dir: Path) -> list[Path]:
    """The folders to work on: the ones named, or every folder of `courses_dir` with a course.xml."""
    if names:
        folders = []
        for name in names:
            path = Path(name)
            if path.is_dir():
                folders.append(path)
            elif (courses_dir / name).is_dir():
                folders.append(courses_dir / name)
            else:
                raise UsageProblem(
                    f"course folder {name!r} not found (looked for {path} and {courses_dir / name})"
                    f" — give a course folder path or the name of a folder in {courses_dir}/"
                )
        return folders
    if not courses_dir.is_dir():
        raise UsageProblem(f"no {courses_dir}/ folder here — run p2p from the repository root, or pass --courses DIR")
    folders = []
    for path in sorted(courses_dir.iterdir()):
        if not path.is_dir() or path.name.startswith("."):
            continue
        if (path / "course.xml").is_file():
            folders.append(path)
        else:
            click.echo(f"{path}: skipped — no course.xml yet (add one to include this course)", err=True)
    return folders


def load_all(folders: list[Path]) -> list[tuple[Path, Course | None, list[Problem]]]:
    return [(folder, *load_course(folder)) for folder in folders]


def unit_count(course: Course | None) -> int | None:
    return sum(1 for _ in course.units()) if course is not None else None


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def human_size(size: int) -> str:
    for unit in ("B", "KB", "MB"):
        if size < 1024 or unit == "MB":
            return f"{size} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


courses_option = click.option(
    "--courses",
    "courses_dir",
    type=click.Path(path_type=Path),
    default=COURSES_DIR,
    show_default=True,
    help="Folder whose sub-folders are the courses (used when no COURSE is given).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Validate P2P courses (Open edX OLX) and build them for Open edX and SCORM."""


@main.command()
@click.argument("courses", nargs=-1)
@courses_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: one document on stdout for machines.",
)
def validate(courses: tuple[str, ...], courses_dir: Path, output_format: str) -> None:
    """Check COURSE folders (default: every course) and report every problem at once."""
    results = load_all(course_folders(courses, courses_dir))
    failed = any(problems for _, _, problems in results)
    if output_format == "json":
        click.echo(
            json.dumps(
                {
                    "ok": not failed,
                    "courses": [
                        {
                            "course": folder.name,
                            "folder": str(folder),
                            "units": unit_count(course),
                            "problems": [problem.as_dict() for problem in problems],
                        }
                        for folder, course, problems in results
                    ],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        if not results:
            click.echo(f"No courses to validate: no folder in {courses_dir}/ has a course.xml yet.")
        for folder, course, problems in results:
            for problem in problems:
                click.echo(str(problem))
            if problems:
                click.echo(f"{folder}: {plural(len(problems), 'problem')}")
            else:
                click.echo(f"{folder}: OK ({plural(unit_count(course), 'unit')})")
    sys.exit(1 if failed else 0)


def chosen_targets(names: tuple[str, ...]) -> list[str]:
    for name in names:  # a typo next to "all" is still a typo
        if name not in TARGETS and name != "all":
            raise UsageProblem(f"unknown target {name!r} — choose one of: {', '.join([*TARGETS, 'all'])}")
    if not names or "all" in names:
        return list(TARGETS)
    return list(dict.fromkeys(names))


@main.command()
@click.argument("courses", nargs=-1)
@courses_option
@click.option(
    "--target",
    "targets",
    multiple=True,
    metavar="NAME",
    help=f"Output format, repeatable: {', '.join(TARGETS)} or all (default: all).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("dist"),
    show_default=True,
    help="Folder the packages are written to; created if missing.",
)
@click.option(
    "--sco-per",
    type=click.Choice(["course", "chapter"]),
    default="course",
    show_default=True,
    help="SCORM packages: one SCO per course (every LMS takes it) or one per chapter.",
)
def build(courses: tuple[str, ...], courses_dir: Path, targets: tuple[str, ...], out: Path, sco_per: str) -> None:
    """Validate COURSE folders (default: every course), then build each target into --out.

    Nothing is written to --out unless every course and every target succeeds.
    """
    target_names = chosen_targets(targets)
    try:
        check_output_folder(out)
    except OutputError as error:
        raise UsageProblem(str(error)) from None
    folders = course_folders(courses, courses_dir)
    if not folders:
        click.echo(f"No courses to build: no folder in {courses_dir}/ has a course.xml yet. Nothing written.")
        return
    results = load_all(folders)
    problems = [problem for _, _, found in results for problem in found]
    if problems:
        for problem in problems:
            click.echo(str(problem), err=True)
        raise_failed(len(problems), out)
    options = BuildOptions(sco_per=sco_per)
    jobs = [(course, name) for _, course, _ in results for name in target_names]
    artifacts, failures = [], []
    try:
        with staging_folder(out) as workdir:
            with progress(jobs) as bar:
                for course, name in bar:
                    job_dir = workdir / f"{course.name}.{name}"
                    job_dir.mkdir()
                    try:
                        artifacts += TARGETS[name](course, job_dir, options)
                    except BuildError as error:
                        failures += error.problems
            if failures:
                # The SCORM targets share their checks: a fault found by both is one fault to fix.
                failures = list(dict.fromkeys(failures))
                for problem in failures:
                    click.echo(str(problem), err=True)
                raise_failed(len(failures), out)
            published = publish(artifacts, out)
    except OutputError as error:
        raise UsageProblem(str(error)) from None
    for artifact in published:
        click.echo(f"{artifact.path}  {human_size(artifact.size)}  {plural(artifact.units, 'unit')}")


def raise_failed(count: int, out: Path):
    click.echo(f"p2p: {plural(count, 'problem')} — nothing written to {out}/", err=True)
    sys.exit(1)


class _Quiet:
    """Stands in for a progress bar when stderr is not a terminal (CI logs, pipes)."""

    def __init__(self, items):
        self.items = items

    def __enter__(self):
        return self.items

    def __exit__(self, *exc):
        return False


def progress(jobs):
    if sys.stderr.isatty() and len(jobs) > 1:
        return click.progressbar(
            jobs,
            label="Building",
            file=sys.stderr,
            item_show_func=lambda job: f"{job[0].name} ({job[1]})" if job else "",
        )
    return _Quiet(jobs)


@main.command("publish")
@click.argument("packages", nargs=-1, metavar="[PACKAGE.zip]...", type=click.Path(path_type=Path))
@click.option(
    "--course",
    "course_names",
    multiple=True,
    metavar="NAME",
    help="Build this course (a folder, or a name in --courses) and publish it instead of PACKAGE files; repeatable.",
)
@courses_option
@click.option(
    "--target",
    type=click.Choice(["scorm12", "scorm2004"]),
    default="scorm2004",
    show_default=True,
    help="With --course: the SCORM version to build.",
)
@click.option(
    "--course-id", metavar="ID", help="SCORM Cloud course id, for one package (default: the file name without .zip)."
)
@click.option(
    "--version-policy",
    type=click.Choice(cloud.VERSION_POLICIES),
    default="new",
    show_default=True,
    help="new: an existing course gets a new version; replace: then its older versions are deleted"
    " (refused if learners are registered on them).",
)
@click.option(
    "--timeout",
    type=click.IntRange(min=1),
    default=300,
    show_default=True,
    help="Seconds to wait for SCORM Cloud to import each package.",
)
@click.option("--dry-run", is_flag=True, help="Check the packages and show what would be sent; send nothing.")
def publish_command(
    packages: tuple[Path, ...],
    course_names: tuple[str, ...],
    courses_dir: Path,
    target: str,
    course_id: str | None,
    version_policy: str,
    timeout: int,
    dry_run: bool,
) -> None:
    """Upload SCORM PACKAGE zips (or --course builds) to SCORM Cloud, one line per package.

    Credentials come from the environment only: SCORM_CLOUD_APP_ID, SCORM_CLOUD_SECRET_KEY and, to use
    another server, SCORM_CLOUD_API_URL. Exit codes: 1 publishing failed, 2 usage or set-up errors.
    """
    try:
        if bool(packages) == bool(course_names):
            raise cloud.SetupError(
                "give PACKAGE.zip files or --course NAME, not both and not neither"
                " — e.g. p2p publish dist/facilitation-scorm2004.zip"
            )
        credentials = None if dry_run else cloud.credentials_from(os.environ)
        with tempfile.TemporaryDirectory(prefix="p2p-publish-") as workdir:
            built = [] if packages else built_packages(course_names, courses_dir, target, Path(workdir))
            paths = list(packages) or [path for path, _ in built]
            batch = cloud.read_packages(paths, course_id, [label for _, label in built] or None)
            if dry_run:
                url = cloud.api_url(os.environ)
                for package in batch:
                    click.echo(cloud.dry_run_line(package, version_policy, url))
                missing = cloud.missing_credentials(os.environ)
                unset = f" ({' and '.join(missing)} not set: a real publish would stop there)" if missing else ""
                click.echo(f"Dry run: nothing sent to {url}{unset}.")
                return
            publish_packages(batch, credentials, version_policy, timeout)
    except cloud.PublishError as error:
        click.echo(f"p2p: {error}", err=True)
        sys.exit(error.exit_code)


def built_packages(names: tuple[str, ...], courses_dir: Path, target: str, workdir: Path) -> list[tuple[Path, str]]:
    """Build each named course's SCORM packages into `workdir` (not --out): (path, label) of each package."""
    results = load_all(course_folders(names, courses_dir))
    problems = [problem for _, _, found in results for problem in found]
    paths = []
    for folder, course, _ in [] if problems else results:
        job_dir = workdir / course.name
        job_dir.mkdir()
        try:
            paths += [
                (artifact.path, f"{artifact.path.name} (built from {folder})")
                for artifact in TARGETS[target](course, job_dir, BuildOptions())
            ]
        except BuildError as error:
            problems += error.problems
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        raise cloud.PublishError(
            f"{plural(len(problems), 'problem')} in the course — fix them (p2p validate)"
            " and publish again; nothing was sent to SCORM Cloud"
        )
    return paths


def publish_packages(batch: list[cloud.Package], credentials: cloud.Credentials, policy: str, timeout: int) -> None:
    """Ping once, then publish each package; a package SCORM Cloud cannot import does not stop the others."""
    scorm_cloud = cloud.ScormCloud(credentials, job_timeout=timeout)
    scorm_cloud.ping()
    failed = 0
    for package in batch:
        try:
            done = scorm_cloud.publish(package, policy)
        except cloud.ImportFailed as error:
            click.echo(f"p2p: {error}", err=True)
            failed += 1
            continue
        warnings = (
            f"{plural(len(done.warnings), 'parser warning')}: {'; '.join(done.warnings)}"
            if done.warnings
            else "no parser warnings"
        )
        replaced = f"; replaced version {', '.join(map(str, done.replaced))}" if done.replaced else ""
        click.echo(
            f'{package.label}: course {done.course_id} version {done.version} "{done.title}" — {warnings}{replaced}'
        )
    if failed:
        raise cloud.PublishError(f"{failed} of {plural(len(batch), 'package')} not published — see above")


@main.command("pathway")
@courses_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: one document on stdout for machines.",
)
def pathway_command(courses_dir: Path, output_format: str) -> None:
    """Show the trainer-of-trainers levels of --courses/pathways.xml: what each requires, and its PD hours."""
    if not (courses_dir / pathways_module.PATHWAYS_FILE).is_file():
        raise UsageProblem(
            f"no {courses_dir / pathways_module.PATHWAYS_FILE} — write one (see docs/pathways.md) or pass --courses DIR"
        )
    loaded = {folder.name: course for folder, course, _ in load_all(course_folders((), courses_dir)) if course}
    pathways, problems = pathways_module.check_pathways(courses_dir, loaded)
    if problems or pathways is None:
        for problem in problems:
            click.echo(str(problem), err=True)
        click.echo(f"p2p: {plural(len(problems), 'problem')} — fix them, then run p2p pathway again", err=True)
        sys.exit(1)
    minutes = {level.id: pathways_module.level_minutes(pathways, level.id, loaded) for level in pathways.levels}
    if output_format == "json":
        document = pathways.as_dict()
        for level in document["levels"]:
            level["estimated_minutes"] = minutes[level["id"]]
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
        return
    rows = [("level", "builds on", "requires", "PD hours", "est. self-paced time")]
    for level in pathways.levels:
        needs = [f"{r.course} ≥ {r.min_grade:.0%}" for r in level.courses]
        needs += [f"{r.block} ({r.course}) met" for r in level.rubrics]
        estimate = minutes[level.id]
        rows.append((level.id, level.builds_on or "—", ", ".join(needs), f"{level.pd_hours:g}", f"{estimate} min"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())


@main.command("kit")
@click.argument("course_name", metavar="COURSE")
@courses_option
@click.option("--level", "level_id", required=True, help="The pathway level the guide is for (e.g. trainer).")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("dist"),
    show_default=True,
    help="Folder the guide is written to; created if missing.",
)
@click.option("--pdf/--no-pdf", default=True, show_default=True, help="Also print the guide to PDF with Chromium.")
def kit_command(course_name: str, courses_dir: Path, level_id: str, out: Path, pdf: bool) -> None:
    """Write a printable trainer's guide for delivering COURSE live: <course>-<level>-kit.html (and .pdf)."""
    (folder,) = course_folders((course_name,), courses_dir)
    try:
        check_output_folder(out)
    except OutputError as error:
        raise UsageProblem(str(error)) from None
    if not (courses_dir / pathways_module.PATHWAYS_FILE).is_file():
        raise UsageProblem(f"no {courses_dir / pathways_module.PATHWAYS_FILE} — a guide is for a pathway level")
    results = load_all(course_folders((), courses_dir)) if folder.parent == courses_dir else load_all([folder])
    course = next((course for path, course, _ in results if path == folder), None)
    problems = [problem for _, _, found in results for problem in found]
    pathways, pathway_problems = pathways_module.check_pathways(
        courses_dir, {path.name: loaded for path, loaded, _ in results if loaded is not None}
    )
    problems += pathway_problems
    if problems or course is None or pathways is None:
        for problem in problems:
            click.echo(str(problem), err=True)
        raise_failed(len(problems), out)
    try:
        html = kit_module.render_html(course, pathways, level_id)
        with staging_folder(out) as workdir:
            page = workdir / f"{folder.name}-{level_id}-kit.html"
            page.write_text(html, encoding="utf-8")
            artifacts = [Artifact.of(page, unit_count(course))]
            if pdf:
                printed = page.with_suffix(".pdf")
                kit_module.print_pdf(page, printed)
                artifacts.append(Artifact.of(printed, unit_count(course)))
            published = publish(artifacts, out)
    except kit_module.KitError as error:
        click.echo(f"p2p: {error}; nothing written to {out}/", err=True)
        sys.exit(1)
    except OutputError as error:
        raise UsageProblem(str(error)) from None
    for artifact in published:
        click.echo(f"{artifact.path}  {human_size(artifact.size)}")
