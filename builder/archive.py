"""Deterministic archives: the same files give byte-identical .tar.gz and .zip output.

Entries are sorted, and every entry gets the same time, owner (0:0, no names) and mode
(0644 files, 0755 folders). The gzip header carries no name and no time.
"""

from __future__ import annotations

import gzip
import io
import shutil
import tarfile
import time
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

FILE_MODE = 0o644
DIR_MODE = 0o755


def tree_entries(folder: Path, prefix: str = "") -> list[tuple[str, Path]]:
    """(archive name, file) for every file under `folder`, names '/'-separated and prefixed."""
    folder = Path(folder)
    entries = []
    for path in folder.rglob("*"):
        if path.is_file():
            name = path.relative_to(folder).as_posix()
            entries.append((f"{prefix.rstrip('/')}/{name}" if prefix else name, path))
    return sorted(entries)


COPY_CHUNK = 2**16


def _opened(source: Path | bytes) -> BinaryIO:
    """A binary stream of an entry's content: files are read as they are written, not loaded whole."""
    return io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")


def _folders_of(names: Iterable[str]) -> list[str]:
    folders = set()
    for name in names:
        parts = name.split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            folders.add("/".join(parts[:depth]))
    return sorted(folders)


def write_tar_gz(dest: Path, entries: Iterable[tuple[str, Path | bytes]], mtime: int) -> None:
    """Write a .tar.gz of `entries` (archive name -> file path or bytes), folders included."""
    files = sorted(entries, key=lambda entry: entry[0])
    names = [name for name, _ in files]
    if len(set(names)) != len(names):
        raise ValueError("duplicate archive entry names")
    members: list[tuple[str, Path | bytes | None]] = [(name, None) for name in _folders_of(names)]
    members += files
    members.sort(key=lambda member: member[0])
    with (
        open(dest, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz,
        tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar,
    ):
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.mtime = mtime
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            if data is None:
                info.type = tarfile.DIRTYPE
                info.mode = DIR_MODE
                tar.addfile(info)
            else:
                info.mode = FILE_MODE
                with _opened(data) as stream:  # streamed: a large static file is never held in memory
                    info.size = stream.seek(0, io.SEEK_END)
                    stream.seek(0)
                    tar.addfile(info, stream)


def write_zip(dest: Path, entries: Iterable[tuple[str, Path | bytes]], mtime: int) -> None:
    """Write a .zip of `entries` (archive name -> file path or bytes); files only, deflated."""
    files = sorted(entries, key=lambda entry: entry[0])
    names = [name for name, _ in files]
    if len(set(names)) != len(names):
        raise ValueError("duplicate archive entry names")
    date_time = time.gmtime(mtime)[:6]
    with zipfile.ZipFile(dest, "w") as archive:
        for name, source in files:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, so the mode below is read the same everywhere
            info.external_attr = (0o100000 | FILE_MODE) << 16
            info._compresslevel = 9  # type: ignore[attr-defined]  # what writestr(..., compresslevel=9) sets; open() reads it from the entry
            with _opened(source) as stream:
                info.file_size = stream.seek(0, io.SEEK_END)  # lets zipfile choose zip64 only when needed
                stream.seek(0)
                with archive.open(info, "w") as entry:
                    shutil.copyfileobj(stream, entry, COPY_CHUNK)
