"""Deterministic archives: the same entries give the same bytes, whatever the files' times and modes."""

import os
import tarfile
import zipfile

import pytest

from builder.archive import tree_entries, write_tar_gz, write_zip
from builder.build import DEFAULT_SOURCE_DATE_EPOCH, BuildOptions


def sample_tree(root, mtime, mode):
    (root / "b" / "c").mkdir(parents=True)
    files = {"a.txt": b"first", "b/c/d.html": b"<p>Familia</p>", "b/é.svg": b"<svg/>"}
    for name, data in files.items():
        path = root / name
        path.write_bytes(data)
        path.chmod(mode)
        os.utime(path, (mtime, mtime))
    return files


@pytest.mark.parametrize("writer", [write_tar_gz, write_zip])
def test_same_files_same_bytes_whatever_their_times_and_modes(writer, tmp_path):
    sample_tree(tmp_path / "one", 1_600_000_000, 0o600)
    sample_tree(tmp_path / "two", 1_700_000_000, 0o755)
    writer(tmp_path / "one.out", tree_entries(tmp_path / "one", prefix="course"), DEFAULT_SOURCE_DATE_EPOCH)
    writer(tmp_path / "two.out", reversed(tree_entries(tmp_path / "two", prefix="course")), DEFAULT_SOURCE_DATE_EPOCH)
    assert (tmp_path / "one.out").read_bytes() == (tmp_path / "two.out").read_bytes()


def test_tar_holds_sorted_entries_with_folders_and_fixed_metadata(tmp_path):
    files = sample_tree(tmp_path / "src", 1_600_000_000, 0o600)
    write_tar_gz(tmp_path / "x.tar.gz", tree_entries(tmp_path / "src", prefix="course"), 1_000_000_000)
    raw = (tmp_path / "x.tar.gz").read_bytes()
    assert raw[4:8] == b"\0\0\0\0"  # gzip header: no time
    with tarfile.open(tmp_path / "x.tar.gz") as archive:
        members = archive.getmembers()
        assert [m.name for m in members] == [
            "course",
            "course/a.txt",
            "course/b",
            "course/b/c",
            "course/b/c/d.html",
            "course/b/é.svg",
        ]
        assert {(m.mtime, m.uid, m.gid, m.uname, m.gname) for m in members} == {(1_000_000_000, 0, 0, "", "")}
        assert archive.extractfile("course/b/c/d.html").read() == files["b/c/d.html"]


def test_zip_entries_have_fixed_time_and_mode(tmp_path):
    write_zip(tmp_path / "x.zip", [("index.html", b"<html/>"), ("a/b.js", b"1;")], DEFAULT_SOURCE_DATE_EPOCH)
    with zipfile.ZipFile(tmp_path / "x.zip") as archive:
        infos = archive.infolist()
        assert [i.filename for i in infos] == ["a/b.js", "index.html"]
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
        assert {i.external_attr >> 16 for i in infos} == {0o100644}
        assert archive.read("index.html") == b"<html/>"


@pytest.mark.parametrize("writer", [write_tar_gz, write_zip])
def test_two_entries_with_one_name_are_refused(writer, tmp_path):
    with pytest.raises(ValueError, match="duplicate archive entry names"):
        writer(tmp_path / "x", [("a", b"1"), ("a", b"2")], DEFAULT_SOURCE_DATE_EPOCH)
    assert not (tmp_path / "x").exists()


def test_source_date_epoch_sets_the_entries_time(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert BuildOptions().mtime == 1_700_000_000
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")  # before 1980 a zip cannot say it: the default is kept
    assert BuildOptions().mtime == DEFAULT_SOURCE_DATE_EPOCH
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert BuildOptions().mtime == DEFAULT_SOURCE_DATE_EPOCH
