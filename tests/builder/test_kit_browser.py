"""`p2p kit`: the trainer's guide rendered from the course — every scene, prompt and criterion in it,
nothing above its level — printed to PDF by Chromium and clean under axe."""

import re
import shutil
from pathlib import Path

from builder_helpers import REPO
from click.testing import CliRunner
from lxml import html as lxml_html
from support.browser import axe_violations

from builder.cli import main
from builder.course import load_course
from xblocks.common.kind import kind

COURSES_DIR = REPO / "courses"


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def text_of(path: Path) -> str:
    return " ".join(lxml_html.fromstring(path.read_text(encoding="utf-8")).text_content().split())


def squashed(text: str) -> str:
    return " ".join(text.split())


def test_the_trainer_guide_holds_every_session_scene_prompt_and_criterion(tmp_path):
    code, out, err = run("kit", "facilitation", "--level", "trainer", "--out", tmp_path, "--no-pdf")
    assert (code, err) == (0, "")
    guide = tmp_path / "facilitation-trainer-kit.html"
    assert out.startswith(str(guide))
    text = text_of(guide)
    course, _ = load_course(COURSES_DIR / "facilitation")
    for number, chapter in enumerate(course.chapters, start=1):
        assert f"Session {number}: {chapter.display_name}" in text
    for component in course.components():
        if component.block is None:
            continue
        content = kind(component.category).model.view_content(component.block)
        if component.category == "scenario_roleplay":
            for scene in content["scenes"]:
                assert squashed(scene["title"]) in text
                for choice in scene["choices"]:
                    assert squashed(choice["text"]) in text and squashed(choice["feedback"]) in text
        elif component.category == "reflection_journal":
            for prompt in content["prompts"]:
                assert squashed(prompt["text"]) in text
        elif component.category == "facilitation_rubric":
            for criterion in content["criteria"]:
                assert all(squashed(descriptor) in text for descriptor in criterion["descriptors"])
    # Each session's agenda adds up to the session total it prints.
    page = lxml_html.fromstring(guide.read_text(encoding="utf-8"))
    for table in page.findall(".//table"):
        if table.findtext("caption") == "Agenda":
            minutes = [int(cell.text) for cell in table.findall("./tbody/tr/td[@class='minutes']")]
            assert sum(minutes) == int(table.find("./tfoot/tr/td").text) > 0


def test_trainer_notes_are_in_the_trainer_guide_only(tmp_path):
    root = tmp_path / "courses"
    shutil.copytree(COURSES_DIR, root)
    notes = root / "facilitation" / "html" / "fac_trainer_notes.html"
    notes.write_text("<p>Pair new facilitators with an experienced co-facilitator for their first meeting.</p>")
    (root / "facilitation" / "html" / "fac_trainer_notes.xml").write_text(
        '<html filename="fac_trainer_notes" display_name="Coaching tip" audience="trainer"/>'
    )
    vertical = root / "facilitation" / "vertical" / "fac_u_welcome.xml"
    vertical.write_text(
        vertical.read_text().replace("</vertical>", '  <html url_name="fac_trainer_notes"/>\n</vertical>')
    )
    assert run("kit", "facilitation", "--courses", root, "--level", "trainer", "--out", tmp_path, "--no-pdf")[0] == 0
    assert (
        run("kit", "facilitation", "--courses", root, "--level", "facilitator", "--out", tmp_path, "--no-pdf")[0] == 0
    )
    trainer = (tmp_path / "facilitation-trainer-kit.html").read_text()
    facilitator = (tmp_path / "facilitation-facilitator-kit.html").read_text()
    assert re.search(r'<aside class="notes"[^>]*>.*?experienced co-facilitator', trainer, re.S)
    assert "experienced co-facilitator" not in facilitator


def test_the_trainer_level_content_is_in_the_trainer_guide_only(tmp_path):
    """The coaching unit prints as facilitator notes and the trainer-mode assessment as an observation
    checklist in the trainer's guide; the facilitator's guide holds neither."""
    for level in ("trainer", "facilitator"):
        assert run("kit", "facilitation", "--level", level, "--out", tmp_path, "--no-pdf")[0] == 0
    trainer = text_of(tmp_path / "facilitation-trainer-kit.html")
    facilitator = text_of(tmp_path / "facilitation-facilitator-kit.html")
    for heading in ("Observing and Coaching New Facilitators", "Observed facilitation: trainer's assessment"):
        assert heading in trainer and heading not in facilitator
    assert "Observation checklist: Observed facilitation: trainer's assessment" in trainer


def test_an_unknown_level_writes_nothing(tmp_path):
    out = tmp_path / "dist"
    code, _, err = run("kit", "facilitation", "--level", "director", "--out", out)
    assert code == 1 and "unknown level 'director'" in err and "participant, facilitator, trainer" in err
    assert not out.exists() or list(out.iterdir()) == []


def test_the_guide_prints_to_pdf_and_reads_well_in_a_browser(tmp_path, page, static_server):
    code, out, err = run("kit", "cultural_competency", "--level", "participant", "--out", tmp_path)
    assert (code, err) == (0, "")
    pdf = (tmp_path / "cultural_competency-participant-kit.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 10
    server = static_server(tmp_path)
    page.goto(f"{server.url}/cultural_competency-participant-kit.html")
    assert page.locator("header h1").inner_text() == load_course(COURSES_DIR / "cultural_competency")[0].display_name
    # Course images are inlined, so the guide is one file.
    assert page.evaluate("[...document.images].every(img => img.complete && img.naturalWidth > 0)")
    assert axe_violations(page) == []


def _questions(path: Path) -> list:
    return lxml_html.fromstring(path.read_text(encoding="utf-8")).xpath("//article[@class='question']")


def test_problems_print_as_questions_with_the_key_in_the_trainer_guide_only(tmp_path):
    for level in ("trainer", "participant"):
        code, _, err = run("kit", "conflict_resolution", "--level", level, "--out", tmp_path, "--no-pdf")
        assert (code, err) == (0, "")
    trainer = tmp_path / "conflict_resolution-trainer-kit.html"
    participant = tmp_path / "conflict_resolution-participant-kit.html"
    course, _ = load_course(COURSES_DIR / "conflict_resolution")
    problems = [c for c in course.components() if c.category == "problem"]
    assert len(problems) >= 20
    key_guide, plain_guide = _questions(trainer), _questions(participant)
    assert len(key_guide) == len(plain_guide) == len(problems)
    for component, with_key, without_key in zip(problems, key_guide, plain_guide, strict=True):
        content = kind("problem").model.view_content(component.block)
        keyed, plain = squashed(with_key.text_content()), squashed(without_key.text_content())
        for part in kind("problem").model.parts(content):
            assert squashed(lxml_html.fromstring(part["label"]).text_content()) in plain
            for choice in part.get("choices", []):
                option = squashed(lxml_html.fromstring(choice["html"]).text_content())
                assert option in keyed and option in plain
                # Every option's feedback is a debrief note for the trainer, and only for the trainer.
                for hint in (choice.get("hint"), choice.get("hint_selected")):
                    if hint:
                        note = squashed(lxml_html.fromstring(hint).text_content())
                        assert note in keyed and note not in plain
            right = [c for c in part.get("choices", []) if c["correct"] == "true"]
            marked = [squashed(li.text_content()) for li in with_key.xpath(".//li[.//span[@class='key']]")]
            assert len(marked) >= len(right) and all(
                any(squashed(lxml_html.fromstring(c["html"]).text_content()) in m for m in marked) for c in right
            )
        assert "correct" not in [squashed(span.text_content()).strip("· ") for span in without_key.xpath(".//span")]
        assert "The answer key and debrief notes are in the trainer's guide." in plain


def test_the_guide_lays_out_for_print(tmp_path, page, static_server):
    """What looking at the printed pages found: a full-width table lost its right border at the page's
    edge, a page's own headings (h5, h6) printed smaller than the text, glossary terms did not stand out,
    a page opening with its own title repeated the guide's heading for it, and a disclosure (a
    practice's possible answers) printed closed, as its summary alone, and a handout began mid-page."""
    code, _, err = run("kit", "facilitation", "--level", "trainer", "--out", tmp_path, "--no-pdf")
    assert (code, err) == (0, "")
    server = static_server(tmp_path)
    # The printed page's width: Letter less the 16 mm margins.
    page.set_viewport_size({"width": 695, "height": 900})
    page.emulate_media(media="print")
    page.goto(f"{server.url}/facilitation-trainer-kit.html")
    layout = page.evaluate(
        """() => {
          const body = document.body.getBoundingClientRect();
          const size = el => parseFloat(getComputedStyle(el).fontSize);
          const text = size(document.querySelector("main p"));
          return {
            details: document.querySelectorAll("details").length,
            handouts: [...document.querySelectorAll("article.handout")].map(a => getComputedStyle(a).breakBefore),
            closed: [...document.querySelectorAll("details:not([open]) summary")].map(s => s.textContent),
            tables: [...document.querySelectorAll("table")].map(t => body.right - t.getBoundingClientRect().right),
            small: [...document.querySelectorAll("h5, h6")].filter(h => size(h) < text * 0.9).map(h => h.textContent),
            terms: [...document.querySelectorAll("dt")].map(dt => getComputedStyle(dt).fontWeight),
            repeated: [...document.querySelectorAll("article")].filter(a => {
              const own = a.querySelector(":scope > h4"), next = own && own.nextElementSibling;
              return next && /^H[1-6]$/.test(next.tagName) &&
                next.textContent.trim().toLowerCase() === own.firstChild.textContent.trim().toLowerCase();
            }).map(a => a.querySelector("h4").textContent),
          };
        }"""
    )
    assert layout["tables"] and min(layout["tables"]) >= 1, layout["tables"]
    assert layout["small"] == []
    assert layout["terms"] and set(layout["terms"]) == {"700"}
    assert layout["repeated"] == []
    assert layout["details"] and layout["closed"] == []
    assert layout["handouts"] and set(layout["handouts"]) == {"page"}  # each handout starts a page, to copy
