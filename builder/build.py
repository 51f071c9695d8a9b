"""What every target shares: its options, what it returns (artifacts and warnings), how it fails, and atomic publishing.

A target writes only inside the work folder it is given. The CLI moves the artifacts into the
output folder after every course and every target succeeded, so `dist/` never holds a partial build.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from xblocks.common.problems import Problem

# Fixed time for every archive entry (1980-01-01, the earliest a zip can hold), so the same input
# gives byte-identical output; SOURCE_DATE_EPOCH (the reproducible-builds convention) overrides it.
DEFAULT_SOURCE_DATE_EPOCH = 315532800


def source_date_epoch() -> int:
    value = os.environ.get("SOURCE_DATE_EPOCH", "")
    return max(int(value), DEFAULT_SOURCE_DATE_EPOCH) if value.isdigit() else DEFAULT_SOURCE_DATE_EPOCH


@dataclass(frozen=True)
class BuildOptions:
    """Options every target receives. `mtime` is the timestamp written into archives."""

    mtime: int = field(default_factory=source_date_epoch)
    sco_per: str = "course"  # SCORM targets: one SCO per "course" or per "chapter"


@dataclass(frozen=True)
class Artifact:
    """One file a target produced, inside the work folder until published."""

    path: Path
    size: int
    units: int  # units (verticals) the artifact holds

    @classmethod
    def of(cls, path: Path, units: int) -> Artifact:
        return cls(Path(path), Path(path).stat().st_size, units)


@dataclass(frozen=True)
class BuildWarning:
    """Something an author should know about a build that still succeeds (`p2p build --strict` fails on it).

    `where` names what it is about: a course folder, or the package (`<course>-<target>`)."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True)
class Built:
    """What one target made of one course: its artifacts (in the work folder) and its warnings."""

    artifacts: list[Artifact]
    warnings: list[BuildWarning] = field(default_factory=list)


class BuildError(Exception):
    """A target found problems it can only see while building; nothing is published."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class OutputError(Exception):
    """The output folder cannot be used; the message names it and says how to fix it."""


def check_output_folder(out: Path) -> None:
    """Refuse an --out that is a file or that we cannot write, before any work is done."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out} is a file — give a folder path (it is created if missing)")
    existing = out
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise OutputError(f"--out {out}: {existing} is a file — give a folder path under a folder")
    try:  # a real write, not os.access: it also catches read-only file systems and runs as root
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as error:
        raise OutputError(
            f"--out {out} is not writable ({error.strerror}) — choose a folder you can write to, or fix its permissions"
        ) from None


@contextmanager
def staging_folder(out: Path) -> Iterator[Path]:
    """A fresh work folder inside `out`, so publishing is a rename and nothing is written elsewhere.

    `out` is created if missing; if the build fails, the folders created for it are removed again
    and the work folder always is: a failed build leaves nothing anywhere.
    """
    created: list[Path] = []  # the folders of `out` that did not exist, deepest first
    missing = out.absolute()
    while not missing.exists():
        created.append(missing)
        missing = missing.parent
    try:
        out.mkdir(parents=True, exist_ok=True)
        workdir = Path(tempfile.mkdtemp(prefix=".p2p-build-", dir=out))
    except OSError as error:
        _remove_empty(created)
        raise OutputError(cannot_write(out, error)) from None
    succeeded = False
    try:
        yield workdir
        succeeded = True
    except OSError as error:
        if error.errno in WRITE_ERRORS:  # the disk filled up, or the folder became read-only, mid-build
            raise OutputError(cannot_write(out, error)) from None
        raise
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if not succeeded:
            _remove_empty(created)


def _remove_empty(folders: list[Path]) -> None:
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:  # not empty: something else put a file there meanwhile; leave it
            break


# Errors that mean "this place cannot take the files", as opposed to a fault in the build itself.
WRITE_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM})


def cannot_write(out: Path, error: OSError) -> str:
    return (
        f"cannot write to {out}: {error.strerror} — free some space, fix the folder's permissions"
        " or choose another --out; nothing was written"
    )


def publish(artifacts: list[Artifact], out: Path) -> list[Artifact]:
    """Move finished artifacts into `out`, each by an atomic rename; return them at their new paths."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        published = []
        for artifact in artifacts:
            target = out / artifact.path.name
            os.replace(artifact.path, target)
            published.append(Artifact(target, artifact.size, artifact.units))
    except OSError as error:
        raise OutputError(cannot_write(out, error)) from None
    return published
