"""The loader: Studio's export layout (pointers), inline elements, html files, policies, statics."""

import shutil

from builder_helpers import BROKEN_BASE, SAMPLE_COURSE

from builder.course import check_html, load_course
from builder.targets import olx


def test_sample_course_loads_into_the_model():
    course, problems = load_course(SAMPLE_COURSE)
    assert problems == []
    assert (course.name, course.org, course.course, course.run) == ("sample_course", "P2P", "SAMPLE101", "2026")
    assert course.display_name == "Before the Meeting: Reaching Out to Families"
    assert course.language == "en"
    assert [c.url_name for c in course.chapters] == ["before_the_meeting"]
    assert [(s.url_name, s.display_name) for s in course.chapters[0].subsections] == [
        ("why_reach_out_early", "Why reach out early"),
        ("check_your_plan", "Practise the call"),
    ]
    units = [unit.url_name for _, _, unit in course.units()]
    assert units == ["first_contact", "the_continuum", "practice_call", "after_the_call"]
    assert course.block_types() == ["facilitation_rubric", "reflection_journal", "scenario_roleplay"]
    assert "engagement_continuum.svg" in course.static_files and "course_card.svg" in course.static_files
    assert course.setting("course_image") == "course_card.svg"
    assert course.grading_policy["GRADER"][0]["type"] == "Practice"
    assert "about/overview.html" in course.other_files
    assert course.course_extras == ['<wiki slug="P2P.SAMPLE101.2026"/>']


def test_components_keep_their_content_and_source_location():
    course, _ = load_course(SAMPLE_COURSE)
    components = {c.url_name: c for c in course.components()}
    text = components["continuum_text"]
    assert text.category == "html" and '<img src="/static/engagement_continuum.svg"' in text.html
    assert text.file == str(SAMPLE_COURSE / "html" / "continuum_text.xml") and text.line == 1
    assert "filename" not in text.attrs  # where the body lives is the loader's business, not the model's
    inline = components["continuum_takeaway"]
    assert inline.file == str(SAMPLE_COURSE / "vertical" / "the_continuum.xml") and inline.line == 3
    assert "<strong>one open question</strong>" in inline.html
    roleplay = components["calling_mr_tran"]
    assert roleplay.file == str(SAMPLE_COURSE / "scenario_roleplay" / "calling_mr_tran.xml") and roleplay.line == 1
    assert type(roleplay.block).__module__ == "xblocks.roleplay.model"  # parsed by the block's own model
    assert roleplay.display_name == "Role-play: calling Mr. Tran before Linh's annual review"
    journal = components["after_the_call_journal"]
    assert [p.id for p in journal.block.prompts] == ["their_question", "what_to_send"]


def test_other_open_edx_components_are_kept_whole_with_their_pointers_inlined(tmp_path):
    """A Studio export may hold problems, videos, or blocks with children in their own files."""
    folder = tmp_path / "c"
    shutil.copytree(BROKEN_BASE, folder)
    (folder / "vertical" / "v1.xml").write_text("""<vertical display_name="An open question">
  <html url_name="h1"/>
  <problem url_name="p1"/>
  <split_test url_name="t1"/>
  <openassessment url_name="ora1" text_response="required"><title>Your plan</title></openassessment>
</vertical>
""")
    (folder / "problem").mkdir()
    (folder / "problem" / "p1.xml").write_text(
        '<problem display_name="Check"><multiplechoiceresponse><label>Who decides?</label><choicegroup>'
        '<choice correct="true">The whole team</choice><choice correct="false">The school</choice>'
        "</choicegroup></multiplechoiceresponse></problem>\n"
    )
    (folder / "split_test").mkdir()
    (folder / "split_test" / "t1.xml").write_text(
        '<split_test display_name="Two versions" user_partition_id="0">\n  <vertical url_name="t1a"/>\n</split_test>\n'
    )
    (folder / "vertical" / "t1a.xml").write_text(
        '<vertical display_name="Version A"><html url_name="h1"/></vertical>\n'
    )
    course, problems = load_course(folder)
    assert problems == []
    components = {c.url_name: c for c in course.components()}
    # a problem is read by its own model (xblocks/problem), and exported as the author wrote it
    assert components["p1"].block.content["items"][0]["kind"] == "single"
    assert components["t1"].xml == (
        '<split_test display_name="Two versions" user_partition_id="0">\n  <vertical display_name="Version A" url_name="t1a">'
        '<html filename="h1" display_name="An open question" url_name="h1"/></vertical>\n</split_test>'
    )
    exported = tmp_path / "export"
    olx.export_folder(course, exported)
    assert (exported / "html" / "h1.html").is_file()  # the nested html still finds its body
    # each keeps the form it came in: a pure XBlock such as openassessment reads only the inline form
    assert (exported / "problem" / "p1.xml").is_file() and (exported / "split_test" / "t1.xml").is_file()
    assert (
        '<openassessment text_response="required" url_name="ora1"><title>Your plan</title></openassessment>'
        in (exported / "vertical" / "v1.xml").read_text()
    )
    assert load_course(exported) == (course, [])


def test_inline_structure_loads_like_pointers(tmp_path):
    """A hand-written course may nest everything in course/<run>.xml; it is the same course."""
    folder = tmp_path / "inline"
    shutil.copytree(BROKEN_BASE, folder)
    for name in ("chapter", "sequential", "vertical", "html"):
        shutil.rmtree(folder / name)
    (folder / "course" / "run1.xml").write_text("""<course display_name="Listening first" language="en">
  <chapter url_name="ch1" display_name="Opening the conversation">
    <sequential url_name="s1" display_name="Ask before you tell">
      <vertical url_name="v1" display_name="An open question">
        <html url_name="h1" display_name="An open question"><h2>An open question</h2>
<p>Start a meeting by asking the family what they have noticed at home this month.</p>
<p><img src="/static/card.svg" alt="Course card: Listening first"/></p>
</html>
      </vertical>
    </sequential>
  </chapter>
</course>
""")
    inline, problems = load_course(folder)
    assert problems == []
    pointers, _ = load_course(BROKEN_BASE)
    assert inline == pointers
    html = next(inline.components())
    assert (html.file, html.line) == (str(folder / "course" / "run1.xml"), 5)


def test_missing_static_file_in_inline_html_is_located_on_its_line(tmp_path):
    folder = tmp_path / "c"
    shutil.copytree(BROKEN_BASE, folder)
    (folder / "vertical" / "v1.xml").write_text("""<vertical display_name="An open question">
  <html url_name="h2" display_name="Picture">
    <p>Before:</p>
    <img src="/static/missing%20photo.png" alt="A missing photo"/>
  </html>
</vertical>
""")
    _, problems = load_course(folder)
    assert [(p.file, p.line, p.message) for p in problems] == [
        (str(folder / "vertical" / "v1.xml"), 4, "refers to /static/missing photo.png, which does not exist in static/")
    ]


def test_missing_course_folder_is_one_problem(tmp_path):
    course, problems = load_course(tmp_path / "nowhere")
    assert course is None
    assert [(p.file, p.message) for p in problems] == [(str(tmp_path / "nowhere"), "course folder not found")]


def test_html_checker_follows_html_rules_not_xml_rules():
    ok = '<p>One<p>Two<br><img src="x.png" alt="x"><ul><li>a<li>b</ul><table><tr><td>1<td>2</table>'
    assert check_html(ok, "a.html") == []
    broken = "<div>\n<strong>never closed\n</div>\n</span>"
    assert [(p.line, p.message) for p in check_html(broken, "a.html", first_line=10)] == [
        (11, "<strong> is never closed (</div> comes first)"),
        (13, "</span> closes nothing: no <span> is open"),
    ]
    assert [p.message for p in check_html("<section><p>open", "a.html")] == ["<section> is never closed"]


def test_settings_written_as_studio_writes_xml_attributes(tmp_path):
    """Studio stores non-string course fields in XML attributes as JSON; policy.json overrides them."""
    folder = tmp_path / "c"
    shutil.copytree(BROKEN_BASE, folder)
    (folder / "course" / "run1.xml").write_text(
        '<course display_name="Listening first" language="en" start="&quot;2026-01-05T00:00:00+00:00&quot;"'
        ' end="&quot;2027-06-30T00:00:00+00:00&quot;" course_image="card.svg"\n'
        '        advanced_modules="[&quot;reflection_journal&quot;]">\n  <chapter url_name="ch1"/>\n</course>\n'
    )
    (folder / "policies" / "run1" / "policy.json").write_text('{"course/run1": {"end": "2026-01-01T00:00:00Z"}}\n')
    course, problems = load_course(folder)
    assert course.setting("advanced_modules") == ["reflection_journal"]
    assert course.setting("course_image") == "card.svg"
    # policy.json's end wins, and is before the start written in the XML: reported where it is written
    assert [(p.file, p.line, p.message) for p in problems] == [
        (str(folder / "policies" / "run1" / "policy.json"), 1, "the course ends before it starts")
    ]


def test_custom_block_as_studio_exports_it_loads(tmp_path):
    """Studio writes our blocks to <tag>/<url_name>.xml with the runtime's xblock-family attribute."""
    folder = tmp_path / "c"
    shutil.copytree(BROKEN_BASE, folder)
    (folder / "vertical" / "v1.xml").write_text(
        '<vertical display_name="An open question">\n  <reflection_journal url_name="j1"/>\n</vertical>\n'
    )
    (folder / "reflection_journal").mkdir()
    (folder / "reflection_journal" / "j1.xml").write_text(
        '<reflection_journal xblock-family="xblock.v1" display_name="Pause and reflect" min_words="10">\n'
        '  <prompt id="heard">What did the family tell you that surprised you?</prompt>\n</reflection_journal>\n'
    )
    policy = folder / "policies" / "run1" / "policy.json"
    policy.write_text(
        policy.read_text().replace('"advanced_modules": []', '"advanced_modules": ["reflection_journal"]')
    )
    course, problems = load_course(folder)
    assert problems == []
    [journal] = course.components()
    assert journal.block.min_words == 10 and "xblock-family" not in journal.attrs
