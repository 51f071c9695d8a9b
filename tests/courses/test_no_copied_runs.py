"""Course text is written in our own words: no run of seven words may match the source documents
the courses were written from. The sources themselves are not in the repository; the data file
holds only fingerprints of their seven-word runs (SHA-256 of the lower-cased words joined by single
spaces, first 16 hex digits), so the check can run anywhere without republishing them."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COURSES = ["conflict_resolution", "facilitation", "cultural_competency"]
RUN = 7
FINGERPRINTS = set((Path(__file__).parent / "data" / "source_shingles.txt").read_text().split())


def _words(text: str) -> list[str]:
    text = re.sub(r"<[^>]+>", " ", text).lower().replace("\u2019", "'")
    return re.findall(r"[a-z0-9']+", text)


def _copied_runs(text: str) -> list[str]:
    words = _words(text)
    runs = (" ".join(words[i : i + RUN]) for i in range(len(words) - RUN + 1))
    return [run for run in runs if hashlib.sha256(run.encode()).hexdigest()[:16] in FINGERPRINTS]


def test_the_fingerprints_are_loaded():
    assert len(FINGERPRINTS) > 1000


@pytest.mark.parametrize("course", COURSES)
def test_no_course_text_repeats_seven_words_of_the_sources(course):
    folder = ROOT / "courses" / course
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in (".html", ".xml", ".csv", ".md", ".txt"):
            found += [f"{path.relative_to(ROOT)}: {run!r}" for run in _copied_runs(path.read_text())]
    assert not found, "reword these runs (seven words in a row from a source document):\n" + "\n".join(found)
