"""The HTML sanitizer (xblocks/common/sanitize.py): what it takes out, that it says so with the line,
that the courses' own HTML passes through it unchanged, and that `p2p validate` warns file:line."""

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from scorm.scorm_helpers import DATA, with_html_component

from builder.cli import main
from builder.course import load_course
from xblocks.common.sanitize import COURSE_HTML, parsed_form, removals, sanitize

ROOT = Path(__file__).resolve().parents[1]
COURSE_HTML_FILES = sorted((ROOT / "courses").glob("*/html/*.html"))

# (html, what the warning names): each is taken out, whatever its spelling.
REMOVED = [
    ("<svg/onload=alert(1)></svg>", "<svg> and its content"),
    ('<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>', "<iframe> and its content"),
    ('<img src="x.png"onerror="alert(1)" alt="">', "<img onerror>"),
    ('<iframe src="data:text/html,x"></iframe>', "<iframe> and its content"),
    ('<a href="&#106;avascript:alert(1)">x</a>', '<a href="javascript:...">'),
    ('<a href="&#x6A;avascript&colon;alert(1)">x</a>', '<a href="javascript:...">'),
    ('<a href="java&#9;script:alert(1)">x</a>', '<a href="javascript:...">'),
    ('<a href="  JAVASCRIPT:alert(1)">x</a>', '<a href="javascript:...">'),
    ('<img src="data:image/png;base64,AAAA" alt="">', '<img src="data:...">'),
    ('<base href="https://example.org/">', "<base>"),
    ('<meta http-equiv="refresh" content="0;url=https://example.org/">', "<meta>"),
    ("<script>alert(1)</script>", "<script> and its content"),
    ("<!-- --!><img src=x onerror=alert(1)> -->", "<img onerror>"),
    ("<?x ><img src=x onerror=alert(1)>?>", "<img onerror>"),
    ('<div id="API">x</div>', '<div id="API">'),
    ('<p class="p2p-header">x</p>', '<p class="p2p-header">'),
    ('<div style="position: fixed">x</div>', '<div style="position: ...">'),
    ('<p data-block-id="x">x</p>', "<p data-block-id>"),
    ("<font>x</font>", "<font> (its text is kept)"),
]


@pytest.mark.parametrize(("html", "what"), REMOVED)
def test_what_could_run_or_take_over_the_page_is_removed_and_named(html, what):
    clean = sanitize(html)
    assert [removal.what for removal in removals(html)] == [what], removals(html)
    assert not re.search(r"<(script|svg|iframe|base|meta)\b|\son\w+=|javascript:|data:|API|p2p", clean, re.I), clean
    assert removals(clean) == []  # what comes out is left as it is


def test_a_removal_names_its_line():
    html = "<p>One</p>\n<p>Two</p>\n<p><img src=x onerror=alert(1) alt=''></p>\n<script>\nx()\n</script>\n"
    assert [(r.line, r.what) for r in removals(html)] == [(3, "<img onerror>"), (4, "<script> and its content")]


@pytest.mark.parametrize("path", COURSE_HTML_FILES, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_the_courses_html_is_shown_as_written(path):
    # Same elements, attributes and text as a browser parses the source; only links gain
    # rel="noopener noreferrer" and comments go.
    text = path.read_text(encoding="utf-8")
    assert removals(text) == []
    source = re.sub(r"<!--.*?-->", "", parsed_form(text), flags=re.S)
    assert parsed_form(sanitize(text)).replace(' rel="noopener noreferrer"', "") == source


def test_the_course_policy_covers_what_the_courses_use():
    used = {tag for path in COURSE_HTML_FILES for tag in re.findall(r"<([a-z][a-z0-9]*)", path.read_text())}
    assert used <= COURSE_HTML.tags, used - COURSE_HTML.tags
    assert {"table", "details", "summary", "figure", "figcaption", "img", "a", "caption"} <= used


def hostile_course(tmp_path):
    folder = tmp_path / "courses" / "html_course"
    shutil.copytree(DATA / "html_course", folder)
    with_html_component(
        folder,
        "h_notes",
        '<p>Share the notes.</p>\n<p>Within two days.</p>\n<p><a href="java&#9;script:go()">notes</a></p>\n'
        "<p>Signed,</p>\n<svg/onload=track()></svg>\n",
    )
    return folder


def test_validate_warns_of_what_the_sanitizer_removes_with_file_and_line(tmp_path):
    folder = hostile_course(tmp_path)
    page = folder / "html" / "h_notes.html"
    result = CliRunner().invoke(main, ["validate", "--courses", str(tmp_path / "courses")])
    assert result.exit_code == 0, result.output  # a warning: the course still builds, without them
    lines = result.output.splitlines()
    assert f'warning: {page}:3: html: <a href="javascript:...">' in result.output, result.output
    assert any(line.startswith(f"warning: {page}:5: html: <svg> and its content is removed") for line in lines)
    assert "OK (3 units, 2 warnings)" in result.output
    strict = CliRunner().invoke(main, ["validate", "--strict", "--courses", str(tmp_path / "courses")])
    assert strict.exit_code == 1
    machine = CliRunner().invoke(main, ["validate", "--format", "json", "--courses", str(tmp_path / "courses")])
    assert f"{page}:5" in machine.output


def test_the_courses_draw_no_sanitizer_warning():
    for folder in sorted((ROOT / "courses").iterdir()):
        if (folder / "course.xml").is_file():
            course, _problems = load_course(folder)
            assert course is not None and course.warnings == [], course.warnings


HOSTILE_SAMPLE_RUBRIC = ROOT / "tests" / "fixtures" / "hostile_sample_rubric.xml"


def test_a_rubric_sample_keeps_its_text_and_drops_what_hides_in_comments_and_processing_instructions():
    from lxml import etree

    from xblocks.rubric.model import parse

    rubric, problems = parse(etree.parse(HOSTILE_SAMPLE_RUBRIC).getroot(), "r.xml")
    assert problems == []
    html = rubric.samples[0].html
    assert html == (
        "<p>The facilitator opens <em>with the agenda</em>\n      drafted with the parent.</p>\n"
        "      <p><strong>Then</strong> she asks &lt;b onclick=x()&gt; for questions.</p>"
    )


def test_a_problems_text_is_escaped_xml_text_and_sanitized():
    from lxml import etree

    from xblocks.problem.model import parse

    problem, _problems = parse(
        etree.fromstring(
            """<problem display_name="q"><multiplechoiceresponse>
  <label>Is 3 &lt; 4? &lt;img src=x onerror=alert(1)&gt;<?x ><img src=x onerror=alert(2)>?></label>
  <choicegroup type="MultipleChoice"><choice correct="true">Yes</choice><choice correct="false">No</choice></choicegroup>
</multiplechoiceresponse></problem>"""
        ),
        "problem/q.xml",
    )
    label = problem.content["items"][0]["label"]
    assert label.startswith("Is 3 &lt; 4? &lt;img src=x onerror=alert(1)&gt;")
    assert "<img" not in label and "onerror" not in label.replace("&lt;img src=x onerror=alert(1)&gt;", "")


def test_a_rubric_samples_hidden_markup_does_not_reach_the_workbench_page_through_olx_or_the_editor():
    import json

    import webob
    from support.workbench import RecordingRuntime

    hostile = HOSTILE_SAMPLE_RUBRIC.read_text()
    through_olx = RecordingRuntime("author").parse_xml_string(hostile)
    self_check = ROOT / "xblocks" / "rubric" / "templates" / "scenarios" / "self_check.xml"
    through_editor = RecordingRuntime("author").parse_xml_string(self_check.read_text())  # then edited
    runtime = RecordingRuntime("staff_author")
    editor = runtime.get_block(through_editor)
    request = webob.Request.blank("/", method="POST", body=json.dumps({"xml": hostile}).encode())
    assert runtime.handle(editor, "studio_submit", request).status_code == 200
    for usage_id in (through_olx, through_editor):
        html = RecordingRuntime("learner").get_block(usage_id).render("student_view").body_html()
        sample = html[html.index("p2p-rubric__sample-body") :]
        assert "drafted with the parent." in sample and "for questions." in sample
        assert not re.search(r"<(img|svg)\b|onerror|onload|<\?", sample), sample[:600]
