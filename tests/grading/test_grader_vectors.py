"""The course grader: builder/grading.py and the player's grader.js against the same vectors.

The vectors (tests/vectors/grader/*.json) hold Open edX's grading rules (weights, min_count
placeholders, drop_count, ungraded and unscorable subsections, block weights, rounding, cutoffs),
including the two learners of the courses that the old sum of points failed.
"""

import json
from pathlib import Path

import pytest

from builder.grading import compare, course_grade

ROOT = Path(__file__).resolve().parents[2]
VECTORS = sorted((ROOT / "tests" / "vectors" / "grader").glob("*.json"))


@pytest.mark.parametrize("path", VECTORS, ids=lambda p: p.stem)
def test_python_grader_follows_the_vectors(path):
    vector = json.loads(path.read_text(encoding="utf-8"))
    assert course_grade(vector["policy"], vector["subsections"]) == vector["expected"]
    if "expected_compare" in vector:  # the pre-test beside its post-test, for the result page
        assert compare(vector["subsections"]) == vector["expected_compare"]


def test_vectors_cover_the_issue_learners():
    facilitation = json.loads((ROOT / "tests/vectors/grader/facilitation_issue.json").read_text())["expected"]
    cultural = json.loads((ROOT / "tests/vectors/grader/cultural_competency_issue.json").read_text())["expected"]
    assert (facilitation["percent"], facilitation["passed"]) == (1.0, True)
    assert (cultural["percent"], cultural["passed"]) == (0.83, True)
