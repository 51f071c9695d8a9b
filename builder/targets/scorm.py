"""SCORM 1.2 and SCORM 2004 4th edition packages: the SCORM binding of the offline player and the manifest.

The generic offline player (`builder/player/`) renders the pages and bundles the scripts; this
module adds what SCORM needs: the run-time adapter (`player/static/scorm-runtime.js`, one script
with a binding per version, which keeps the learner's state in `cmi.suspend_data`), its page data
(version, suspend_data capacity, mastery score), one SCO per page, and the manifest
(`scorm_manifest.py`) with the schemas it names.

One SCO per course by default (the shape every LMS accepts) or one per chapter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from builder.archive import write_zip
from builder.build import Artifact, BuildError, BuildOptions, BuildWarning
from builder.course import Chapter, Course
from builder.player import Runtime, build_player, pages_of
from builder.player.package import PLAYER_STATIC
from builder.targets.scorm_manifest import PackageSpec, Sco, manifest_xml, schema_files, schema_path, validate_manifest
from xblocks.common.problems import Problem
from xblocks.journal.model import Journal

RUNTIME_SCRIPT = PLAYER_STATIC / "scorm-runtime.js"
RUNTIME_GLOBAL = "P2PScorm"

# The standard's capacity of cmi.suspend_data, in JavaScript string units.
SUSPEND_DATA_CAPACITY = {"scorm12": 4096, "scorm2004": 64000}
SCO_PER = ("course", "chapter")

_NOT_A_NAME = re.compile(r"[^A-Za-z0-9_.-]")


def mastery_score(course: Course) -> float | None:
    """The lowest passing grade of the grading policy (GRADE_CUTOFFS), as a fraction 0..1."""
    cutoffs = (course.grading_policy or {}).get("GRADE_CUTOFFS") or {}
    values = [float(v) for v in cutoffs.values() if isinstance(v, (int, float)) and 0 < float(v) <= 1]
    return min(values) if values else None


def chapters_in_order(course: Course) -> bool:
    """The author asks chapters to unlock in order with `chapters_in_order="true"` on the course."""
    return str(course.setting("chapters_in_order", "false")).lower() in ("true", "1", "yes")


def scorm_runtime(course: Course, version: str, sco_per: str = "course") -> Runtime:
    """The SCORM adapter for one version: its script and the page data it reads. A pathway level's
    single-SCO package carries its certificate's terms (a page per chapter never sees the whole course)."""
    return Runtime(
        name=version,
        global_name=RUNTIME_GLOBAL,
        scripts=(RUNTIME_SCRIPT,),
        page_data={
            "version": version,
            "capacity": SUSPEND_DATA_CAPACITY[version],
            "mastery": mastery_score(course),
            "certificate": course.certificate if sco_per == "course" else None,
        },
    )


# What SCORM 1.2's room holds, estimated from docs/decisions/0002 (bench.suspend_data_capacity):
# the state codec stores about 2.84 characters of English journal text per suspend_data
# character, and a whole course's other state (role-plays, rubrics, visited units, interaction
# signatures) takes about 810. A typical entry is 1,000 characters (the learner); an
# entry held to min_words has about 6 characters a word.
JOURNAL_CHARS_PER_STORED_CHAR = 2.84
OTHER_STATE_CHARS = 810
TYPICAL_ENTRY_CHARS = 1000
CHARS_PER_WORD = 6


def journal_room_needed(chapters: Iterable[Chapter]) -> tuple[int, int, int]:
    """(prompts, stored characters their entries need at min_words, at a typical length) for
    the journal prompts of these chapters, with the other state's share."""
    prompts = at_min = typical = 0
    for chapter in chapters:
        for component in (c for s in chapter.subsections for u in s.units for c in u.components):
            journal = component.block
            if component.category != "reflection_journal" or not isinstance(journal, Journal):
                continue
            for _ in journal.prompts:
                least = max(journal.min_words, 1) * CHARS_PER_WORD
                prompts += 1
                at_min += least
                typical += max(least, TYPICAL_ENTRY_CHARS)

    def stored(chars: int) -> int:
        return round(OTHER_STATE_CHARS + chars / JOURNAL_CHARS_PER_STORED_CHAR)

    return prompts, stored(at_min), stored(typical)


def capacity_warnings(course: Course, version: str, sco_per: str) -> list[BuildWarning]:
    """SCORM 1.2 keeps 4,096 characters of a learner's state per SCO. The player never blocks on it
    (journal text that does not fit stays in the learner's browser and download), but an author
    should know when ordinary entries will not all reach the LMS."""
    if version != "scorm12":
        return []
    capacity = SUSPEND_DATA_CAPACITY[version]
    found = []
    for page in pages_of(course, sco_per):
        prompts, at_min, typical = journal_room_needed(page.chapters)
        if typical <= capacity:
            continue
        where = "the course" if sco_per == "course" else f"chapter {page.title!r} ({page.href})"
        fix = "build SCORM 2004 (64,000 characters)" + (
            " or --sco-per chapter (4,096 characters per chapter)" if sco_per == "course" else ""
        )
        found.append(
            BuildWarning(
                f"{course.name}-{version}",
                f"{where} has {prompts} journal prompts: at a typical length ({TYPICAL_ENTRY_CHARS:,} characters) "
                f"their entries need about {typical:,} of SCORM 1.2's {capacity:,} characters"
                f" (at min_words about {at_min:,}), so some journal text would be kept only in the learner's "
                f"browser and download, not in the LMS — {fix}",
            )
        )
    return found


def package_warnings(course: Course, version: str, sco_per: str) -> list[BuildWarning]:
    """Things an author should know about a package that still builds."""
    capacity = capacity_warnings(course, version, sco_per)
    if sco_per != "chapter":
        return capacity
    package = f"{course.name}-{version}"
    found = [
        BuildWarning(
            package,
            "one SCO per chapter; some LMSs (Tovuti, Rise Up among them) "
            "accept only single-SCO packages — build with --sco-per course for those",
        )
    ]
    if course.certificate is not None:
        found.append(
            BuildWarning(
                package,
                "no certificate of completion: no page of a package with one SCO per chapter sees the"
                " whole course's grade — build with --sco-per course to give learners their certificate",
            )
        )
    if version == "scorm2004" and chapters_in_order(course):
        found.append(
            BuildWarning(
                package,
                "chapters unlock in order through SCORM 2004 sequencing; "
                "some LMSs (Moodle among them) ignore 2004 sequencing and open every chapter at once",
            )
        )
    elif version == "scorm12" and chapters_in_order(course):
        found.append(
            BuildWarning(
                package,
                "SCORM 1.2 has no sequencing, so chapters_in_order is not "
                "enforced in this package; build SCORM 2004 to unlock chapters in order",
            )
        )
    return found + capacity


def build_package(
    course: Course, workdir: Path, options: BuildOptions, version: str, sco_per: str | None = None
) -> Artifact:
    """Write `<course>-<version>.zip` into workdir; raise BuildError listing every problem."""
    sco_per = sco_per or options.sco_per
    if sco_per not in SCO_PER:
        raise BuildError(
            [Problem(course.name, None, f"--sco-per {sco_per!r} is not known", f"use one of {', '.join(SCO_PER)}")]
        )
    package_id = _ncname(f"p2p-{course.name}-{version}")
    pages = pages_of(course, sco_per)
    player = build_player(course, scorm_runtime(course, version, sco_per), pages, package_id)
    scos = [
        Sco(_ncname(f"sco-{index:02d}"), page.title, page.href, player.page_files[page.href])
        for index, page in enumerate(pages, start=1)
    ]
    spec = PackageSpec(
        version,
        package_id,
        course.display_name,
        tuple(scos),
        mastery_score(course),
        chapters_in_order(course),
        player.shared,
    )
    manifest = manifest_xml(spec)
    errors = validate_manifest(manifest, version)
    if errors:  # a bug of ours, not the author's: say so plainly
        raise BuildError([Problem("imsmanifest.xml", None, e, "report this as a builder bug") for e in errors])
    files: dict[str, Path | bytes] = {**player.files, "imsmanifest.xml": manifest}
    for name in schema_files(version):
        files[name] = schema_path(version, name)
    dest = Path(workdir) / f"{course.name}-{version}.zip"
    write_zip(dest, files.items(), options.mtime)
    return Artifact.of(dest, sum(1 for _ in course.units()))


def _ncname(text: str) -> str:
    name = _NOT_A_NAME.sub("-", text)
    return name if name[:1].isalpha() or name[:1] == "_" else f"p2p-{name}"
