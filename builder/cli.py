"""The `p2p` command: `p2p validate`, `p2p build`, `p2p publish` (to SCORM Cloud), `p2p stats`, ...

Exit codes: 0 success, 1 the courses have problems (or a target failed), 2 usage errors (a
course folder that does not exist, an unknown target, an unusable --out).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, NoReturn

import click

from builder import cloud, pipeline
from builder import kit as kit_module
from builder import pathways as pathways_module
from builder import stats as stats_module
from builder.build import Artifact, BuildOptions, OutputError, check_output_folder, publish, staging_folder
from builder.course import Course
from builder.pipeline import COURSES_DIR, LoadedCourse, Report
from builder.targets import TARGETS
from xblocks.common.problems import Problem


class UsageProblem(click.ClickException):
    """A one-line usage error: exit 2, `p2p: <what> — <how to fix>`, no traceback."""

    exit_code = 2

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"p2p: {self.message}", err=True)


def course_folders(names: tuple[str, ...], courses_dir: Path) -> list[Path]:
    """The folders to work on (see `pipeline.select`); says which folders of `courses_dir` are skipped."""
    return selection_of(names, courses_dir).folders


def selection_of(names: tuple[str, ...], courses_dir: Path) -> pipeline.Selection:
    try:
        selection = pipeline.select(names, courses_dir)
    except pipeline.SelectionError as error:
        raise UsageProblem(str(error)) from None
    for warning in selection.skipped_warnings:
        click.echo(str(warning), err=True)
    return selection


def load_all(folders: list[Path]) -> list[LoadedCourse]:
    return pipeline.load(folders)


def unit_count(course: Course) -> int:
    return sum(1 for _ in course.units())


def show_findings(report: Report) -> None:
    """Problems, then warnings, then notes, on stderr."""
    for problem in report.problems:
        click.echo(str(problem), err=True)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    for note in report.notes:
        click.echo(f"note: {note}", err=True)


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def human_size(size: float) -> str:
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


format_option = click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: one document on stdout for machines.",
)
strict_option = click.option(
    "--strict", is_flag=True, help="Fail on warnings too (course folders skipped, package caveats)."
)


@main.command()
@click.argument("courses", nargs=-1)
@courses_option
@format_option
@strict_option
def validate(courses: tuple[str, ...], courses_dir: Path, output_format: str, strict: bool) -> None:
    """Check COURSE folders (default: every course) and report every problem at once."""
    report = pipeline.validate(selection_of(courses, courses_dir))
    failed = report.failed(strict)
    if output_format == "json":
        click.echo(
            json.dumps(
                {
                    "ok": not failed,
                    "courses": [
                        {
                            "course": loaded.folder.name,
                            "folder": str(loaded.folder),
                            "units": loaded.units,
                            "problems": [problem.as_dict() for problem in loaded.problems],
                        }
                        for loaded in report.courses
                    ],
                    "warnings": [{"where": w.where, "message": w.message} for w in report.strict_warnings],
                    "pathway_problems": [problem.as_dict() for problem in pathway_problems(report)],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        if not report.courses:
            click.echo(f"No courses to validate: no folder in {courses_dir}/ has a course.xml yet.")
        for loaded in report.courses:
            for problem in loaded.problems:
                click.echo(str(problem))
            for warning in loaded.course.warnings if loaded.course is not None else []:
                click.echo(f"warning: {warning}")
            if loaded.problems:
                click.echo(f"{loaded.folder}: {plural(len(loaded.problems), 'problem')}")
            else:
                warned = len(loaded.course.warnings) if loaded.course is not None else 0
                also = f", {plural(warned, 'warning')}" if warned else ""
                click.echo(f"{loaded.folder}: OK ({plural(loaded.units or 0, 'unit')}{also})")
        for problem in pathway_problems(report):
            click.echo(str(problem))
        if strict and report.strict_warnings and not report.problems:
            click.echo(f"p2p: {plural(len(report.strict_warnings), 'warning')} and --strict — fix them", err=True)
    sys.exit(1 if failed else 0)


def pathway_problems(report: Report) -> list[Problem]:
    """The problems of pathways.xml (and of the courses' audiences), which no course's own list holds."""
    own = {problem for loaded in report.courses for problem in loaded.problems}
    return [problem for problem in report.problems if problem not in own]


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
@click.option(
    "--level",
    "levels",
    multiple=True,
    metavar="LEVEL",
    help="SCORM packages for this pathway level only (repeatable; default: every level that takes the course).",
)
@strict_option
def build(
    courses: tuple[str, ...],
    courses_dir: Path,
    targets: tuple[str, ...],
    out: Path,
    sco_per: str,
    levels: tuple[str, ...],
    strict: bool,
) -> None:
    """Validate COURSE folders (default: every course), then build each target into --out.

    Nothing is written to --out unless every course and every target succeeds (and, with
    --strict, nothing warns).
    """
    chosen = [TARGETS[name] for name in chosen_targets(targets)]
    try:
        check_output_folder(out)
    except OutputError as error:
        raise UsageProblem(str(error)) from None
    selection = selection_of(courses, courses_dir)
    if not selection.folders:
        click.echo(f"No courses to build: no folder in {courses_dir}/ has a course.xml yet. Nothing written.")
        return
    report = pipeline.validate(selection)
    if report.problems:
        show_findings(report)
        raise_failed(len(report.problems), out)
    try:
        pipeline.plan(report, chosen, levels)  # a usage error (--level) before anything is created
    except pipeline.SelectionError as error:
        raise UsageProblem(str(error)) from None
    try:
        with staging_folder(out) as workdir:
            report = pipeline.build(report, chosen, workdir, BuildOptions(sco_per=sco_per), progress, levels)
            show_findings(report)
            if report.problems:
                raise_failed(len(report.problems), out)
            if report.failed(strict):
                raise_failed(len(report.strict_warnings), out, "warning", " and --strict")
            published = publish(report.artifacts, out)
    except OutputError as error:
        raise UsageProblem(str(error)) from None
    for artifact in published:
        click.echo(f"{artifact.path}  {human_size(artifact.size)}  {plural(artifact.units, 'unit')}")


def raise_failed(count: int, out: Path, noun: str = "problem", why: str = "") -> NoReturn:
    click.echo(f"p2p: {plural(count, noun)}{why} — nothing written to {out}/", err=True)
    sys.exit(1)


def progress(jobs: list[pipeline.Job]) -> Iterator[pipeline.Job]:
    """A progress bar on a terminal; nothing in CI logs and pipes."""
    if sys.stderr.isatty() and len(jobs) > 1:
        with click.progressbar(
            jobs,
            label="Building",
            file=sys.stderr,
            item_show_func=lambda job: f"{job[0].name} ({job[1].name})" if job else "",
        ) as bar:
            yield from bar
    else:
        yield from jobs


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
@click.option(
    "--allow-http",
    is_flag=True,
    help="Accept a plain http:// SCORM_CLOUD_API_URL (a test server on this machine); the key is sent unencrypted.",
)
def publish_command(
    packages: tuple[Path, ...],
    course_names: tuple[str, ...],
    courses_dir: Path,
    target: str,
    course_id: str | None,
    version_policy: str,
    timeout: int,
    dry_run: bool,
    allow_http: bool,
) -> None:
    """Upload SCORM PACKAGE zips (or --course builds) to SCORM Cloud, one line per package.

    Credentials come from the environment only: SCORM_CLOUD_APP_ID, SCORM_CLOUD_SECRET_KEY and, to use
    another server, SCORM_CLOUD_API_URL. Exit codes: 1 publishing failed, 2 usage or set-up errors.
    """
    try:
        if bool(packages) == bool(course_names):
            raise cloud.SetupError(
                "give PACKAGE.zip files or --course NAME, not both and not neither"
                " — e.g. p2p publish dist/facilitation-facilitator-scorm2004.zip"
            )
        credentials = None if dry_run else cloud.credentials_from(os.environ, allow_http)
        with tempfile.TemporaryDirectory(prefix="p2p-publish-") as workdir:
            built = [] if packages else built_packages(course_names, courses_dir, target, Path(workdir))
            paths = list(packages) or [path for path, _ in built]
            batch = cloud.read_packages(paths, course_id, [label for _, label in built] or None)
            if dry_run:
                url = cloud.redacted(cloud.api_url(os.environ, allow_http))
                for package in batch:
                    click.echo(cloud.dry_run_line(package, version_policy, url))
                missing = cloud.missing_credentials(os.environ)
                unset = f" ({' and '.join(missing)} not set: a real publish would stop there)" if missing else ""
                click.echo(f"Dry run: nothing sent to {url}{unset}.")
                return
            assert credentials is not None  # read above whenever it is not a dry run
            publish_packages(batch, credentials, version_policy, timeout)
    except cloud.PublishError as error:
        click.echo(f"p2p: {error}", err=True)
        sys.exit(error.exit_code)


def built_packages(names: tuple[str, ...], courses_dir: Path, target: str, workdir: Path) -> list[tuple[Path, str]]:
    """Build each named course's SCORM packages into `workdir` (not --out): (path, label) of each package."""
    report = pipeline.build(
        pipeline.validate(selection_of(names, courses_dir)), [TARGETS[target]], workdir, BuildOptions()
    )
    show_findings(report)
    if report.problems:
        raise cloud.PublishError(
            f"{plural(len(report.problems), 'problem')} in the course — fix them (p2p validate)"
            " and publish again; nothing was sent to SCORM Cloud"
        )
    return [(a.path, f"{a.path.name} (built from {report.sources[a.path]})") for a in report.artifacts]


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
@format_option
def pathway_command(courses_dir: Path, output_format: str) -> None:
    """Show the trainer-of-trainers levels of --courses/pathways.xml: what each requires, and its PD hours."""
    if not (courses_dir / pathways_module.PATHWAYS_FILE).is_file():
        raise UsageProblem(
            f"no {courses_dir / pathways_module.PATHWAYS_FILE} — write one (see docs/pathways.md) or pass --courses DIR"
        )
    loaded = {c.folder.name: c.course for c in load_all(course_folders((), courses_dir)) if c.course is not None}
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
        shared = len(level.courses) > 1  # each course's certificate states its share of the hours
        needs = [
            f"{r.course} ≥ {r.min_grade:.0%}"
            + (f" ({pathways_module.pd_hours(pathways, level.id, r.course):g} h)" if shared else "")
            for r in level.courses
        ]
        needs += [f"{r.block} ({r.course}) met" for r in level.rubrics]
        estimate = minutes[level.id]
        rows.append((level.id, level.builds_on or "—", ", ".join(needs), f"{level.pd_hours:g}", f"{estimate} min"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    signed = "; ".join(", ".join((s.name, s.title.replace("\n", " "), s.organization)) for s in pathways.signatories)
    click.echo(f"certificates signed by: {signed or 'no one yet — add a <certificate> with a <signatory>'}")


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
    course = next((c.course for c in results if c.folder == folder), None)
    problems = [problem for c in results for problem in c.problems]
    pathways, pathway_problems = pathways_module.check_pathways(
        courses_dir, {c.folder.name: c.course for c in results if c.course is not None}
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


@main.command("stats")
@click.argument("report", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@format_option
def stats_command(report: Path, output_format: str) -> None:
    """Item difficulty and discrimination from an LMS REPORT, flagging items that do not work.

    REPORT is Open edX's Problem Responses report (CSV), Moodle's SCORM Interactions report (text
    download) or SCORM Cloud's registrations (JSON); see docs/item-statistics.md.
    """
    try:
        responses = stats_module.read_report(report)
    except stats_module.ReportError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        click.echo(f"p2p: {plural(len(error.problems), 'problem')} in the report — nothing was computed", err=True)
        sys.exit(1)
    document = stats_module.summary(report, responses, stats_module.item_statistics(responses))
    if output_format == "json":
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        click.echo(stats_module.text_table(document))
