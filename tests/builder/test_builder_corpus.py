"""The broken-course corpus: each fault is reported once, at its file and line, with what is
wrong and how to fix it. tests/fixtures/broken/<fault>/ holds the files that differ from _base/."""

import pytest
from builder_helpers import BROKEN_BASE, broken_course, faults

from builder.course import load_course

# fault -> (file relative to the course, line or None, words the message must contain)
EXPECTED = {
    "bad_url_name": ("chapter/ch1.xml", 2, "url_name 'ask before you tell' has characters Open edX refuses"),
    "course_image_missing": (
        "policies/run1/policy.json",
        5,
        "\"course_image\" 'images/course_card.png' is not in static/",
    ),
    "custom_block_invalid": ("reflection_journal/after_call.xml", 1, 'min_words="twenty" is not a whole number'),
    "custom_block_not_advanced": (
        "policies/run1/policy.json",
        6,
        "<reflection_journal> (our custom block, first used at {course}/vertical/v1.xml:3)"
        ' is not listed in "advanced_modules"',
    ),
    "duplicate_url_name": (
        "sequential/s1.xml",
        3,
        'duplicate url_name "v1" for <vertical> (first used at {course}/sequential/s1.xml:2)',
    ),
    "grading_cutoff_range": (
        "policies/run1/grading_policy.json",
        5,
        'GRADE_CUTOFFS "Pass" must be a number from 0 to 1',
    ),
    "grading_weights": ("policies/run1/grading_policy.json", 2, "GRADER weights add up to 0.8, not 1"),
    "html_file_missing": ("html/h1.xml", 1, '<html filename="opening"> needs html/opening.html, which does not exist'),
    "html_missing_static": ("html/h1.html", 3, "refers to /static/family_table.jpg, which does not exist in static/"),
    "html_unclosed_tag": ("html/h1.html", 3, "<em> is never closed (</p> comes first)"),
    "malformed_xml": ("vertical/v1.xml", 3, "malformed XML: Opening and ending tag mismatch: html line 2 and vertical"),
    "missing_course_xml": ("course.xml", None, "course.xml is missing"),
    "missing_display_name": ("chapter/ch1.xml", 1, "<chapter> has no display_name"),
    "missing_pointer": (
        "sequential/s1.xml",
        3,
        '<vertical url_name="v2"> points to vertical/v2.xml, which does not exist',
    ),
    "nested_vertical": ("vertical/v1.xml", 3, "<vertical> is not allowed inside <vertical>"),
    "policy_bad_date": ("policies/run1/policy.json", 3, "\"start\" is not a date: 'next spring'"),
    "policy_json_syntax": ("policies/run1/policy.json", 7, "JSON does not parse: Expecting property name"),
    "policy_missing_end": ("policies/run1/policy.json", 2, 'the course has no "end" date'),
    "unknown_assignment_type": (
        "sequential/s1.xml",
        1,
        'assignment type "Quiz" is not in grading_policy.json\'s GRADER',
    ),
    "unlisted_block_type": (
        "policies/run1/policy.json",
        6,
        "<word_cloud> (a block type Open edX does not provide by"
        ' default, first used at {course}/vertical/v1.xml:3) is not listed in "advanced_modules"',
    ),
    "wrong_child": ("sequential/s1.xml", 3, "<html> is not allowed inside <sequential>"),
    "wrong_root": ("chapter/ch1.xml", 1, "root element is <sequential>, expected <chapter>"),
}
# Faults that also leave later checks without the data they need (reported, not hidden).
ALSO_REPORTED = {
    "policy_missing_course_key": ("policies/run1/policy.json", 1, 'policy.json lacks the object "course/run1"'),
}


def test_corpus_is_large_and_every_fault_has_an_expectation():
    assert sorted({**EXPECTED, **ALSO_REPORTED}) == faults()
    assert len(faults()) >= 15


def test_base_of_the_corpus_is_clean():
    course, problems = load_course(BROKEN_BASE)
    assert problems == [] and course is not None


@pytest.mark.parametrize("fault", sorted(EXPECTED))
def test_fault_is_reported_once_at_its_file_and_line(fault, tmp_path):
    folder = broken_course(fault, tmp_path)
    relative, line, message = EXPECTED[fault]
    _course, problems = load_course(folder)
    assert len(problems) == 1, "\n".join(map(str, problems))
    problem = problems[0]
    assert (problem.file, problem.line) == (str(folder / relative), line)
    assert message.format(course=folder) in problem.message
    assert problem.fix, "every problem says how to fix it"
    assert str(problem).startswith(f"{folder / relative}{':' + str(line) if line else ''}: ")


def test_missing_course_key_is_reported_with_the_settings_it_hides(tmp_path):
    folder = broken_course("policy_missing_course_key", tmp_path)
    relative, line, message = ALSO_REPORTED["policy_missing_course_key"]
    _course, problems = load_course(folder)
    assert any((p.file, p.line) == (str(folder / relative), line) and message in p.message for p in problems)
    # start, end and course_image live under that key; each is named so the author sees what to add.
    missing = {name for p in problems for name in ("start", "end", "course_image") if f'has no "{name}"' in p.message}
    assert missing == {"start", "end", "course_image"}


def test_all_faults_at_once_are_all_reported(tmp_path):
    """One course with several faults: every one is reported in one run, not just the first."""
    folder = broken_course("missing_display_name", tmp_path)
    for fault in ("missing_pointer", "html_missing_static", "grading_weights"):
        broken = broken_course(fault, tmp_path / "parts")
        for relative in ("sequential/s1.xml", "html/h1.html", "policies/run1/grading_policy.json"):
            if (broken / relative).read_bytes() != (BROKEN_BASE / relative).read_bytes():
                (folder / relative).write_bytes((broken / relative).read_bytes())
    _course, problems = load_course(folder)
    assert [(p.file.removeprefix(str(folder) + "/"), p.line) for p in problems] == [
        ("chapter/ch1.xml", 1),
        ("html/h1.html", 3),
        ("policies/run1/grading_policy.json", 2),
        ("sequential/s1.xml", 3),
    ]
