"""Every value every package writes is one the strictest run-times we know accept: each course, each
pathway level, both versions, one SCO per course and per chapter, played through in Chromium
against the stand-in LMS (every journal, role-play, rubric and problem answered), and every
SetValue checked against Moodle 5.1.3's formats and the SCORM vocabularies
(tests/scorm/data/moodle_formats.js): interaction ids, types, responses, results, weightings,
descriptions, timestamps (2004: the learner's offset), scores, statuses, location, suspend_data,
session time, exit. A SCORM 1.2 choice response is one character of 0-9/a-z; what it stands for
is checked too (its place among the interaction's choices)."""

from pathlib import Path

import pytest
from scorm_helpers import COURSES_DIR, DATA, build, launch, lms_folder, stop

from builder import pathways as pathways_module
from builder.course import load_course


def packages():
    every = {p.name: load_course(p)[0] for p in sorted(COURSES_DIR.iterdir()) if (p / "course.xml").is_file()}
    pathways, _ = pathways_module.check_pathways(COURSES_DIR, every)
    for name in every:
        for level in pathways_module.levels_of(pathways, name) or [None]:
            for version in ("scorm12", "scorm2004"):
                for sco_per in ("course", "chapter"):
                    yield pytest.param(name, level, version, sco_per, id=f"{name}-{level}-{version}-{sco_per}")


# Plays every unit of the page from the page's own data, the way a learner could: journals get an
# entry of the prompt's min_words, role-plays take the last choice offered in every scene (so other
# routes than the best are reported too), rubrics the levels in turn, problems the right answers
# (the first choice where none is marked right). Resolves with the interactions the runtime reported.
PLAY = """async () => {
  const data = JSON.parse(document.getElementById("p2p-data").textContent);
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  async function until(test, ms) { const t = Date.now(); while (!test()) { if (Date.now() - t > (ms || 4000)) return false; await sleep(15); } return true; }
  const links = document.querySelectorAll(".p2p-toc a[data-unit]");
  let turn = 0;
  for (let unit = 0; unit < data.units.length; unit++) {
    links[unit].click();
    for (const block of data.blocks.filter(b => b.unit === unit)) {
      const root = document.querySelector('.p2p-block[data-block-id="' + block.id + '"]'), c = block.content;
      if (block.global === "P2PJournal") {
        for (const prompt of root.querySelectorAll(".p2p-journal__prompt")) {
          const box = prompt.querySelector(".p2p-journal__text"), submit = prompt.querySelector(".p2p-journal__submit");
          await until(() => !box.disabled);
          box.value = Array.from({length: (c.min_words || 1) + 2}, (_, n) => "word" + n).join(" ");
          box.dispatchEvent(new Event("input", {bubbles: true}));
          await until(() => !submit.disabled);
          submit.click();
          await until(() => /\\S/.test(prompt.querySelector(".p2p-journal__status").textContent));
        }
      } else if (block.global === "P2PRoleplay") {
        for (let step = 0; step < 60 && !root.querySelector(".p2p-rp-debrief"); step++) {
          await until(() => root.querySelector("[data-choice]") || root.querySelector(".p2p-rp-debrief"));
          const offered = root.querySelectorAll("[data-choice]:not([disabled])");
          if (!offered.length) break;
          offered[offered.length - 1].click();
          await sleep(15);
        }
      } else if (block.global === "P2PRubric") {
        for (let round = 0; round < 4; round++) {
          const rate = root.querySelector(".p2p-rubric__submit");
          if (!rate || rate.hidden) break;
          for (const fs of root.querySelectorAll("fieldset[data-criterion]:not(:disabled)")) {
            const inputs = fs.querySelectorAll("input[type=radio]");
            inputs[turn++ % inputs.length].click();
          }
          await until(() => !rate.disabled);
          const before = root.querySelectorAll("fieldset[data-criterion]:disabled").length;
          rate.click();
          await until(() => root.querySelectorAll("fieldset[data-criterion]:disabled").length > before);
        }
      } else if (block.global === "P2PProblem") {
        const form = root.querySelector(".p2p-problem__form");
        for (const item of c.items) {
          const part = form.querySelector('[data-part="' + item.id + '"]');
          if (!part) continue;
          if (item.choices) {
            const right = item.choices.filter(x => x.correct === "true");
            for (const choice of (right.length ? right : item.choices.slice(0, 1))) {
              part.querySelector('input[value="' + choice.id + '"]').click();
            }
          } else {
            const field = part.querySelector("input, select");
            field.value = item.answer !== undefined ? String(item.answer) : "text";
            field.dispatchEvent(new Event("input", {bubbles: true}));
          }
        }
        root.querySelector(".p2p-problem__submit").click();
        await until(() => /\\S/.test(root.querySelector(".p2p-problem__status").textContent));
      }
    }
  }
  await sleep(100);
  return document.getElementById("p2p-error").textContent;
}"""


def pages_of(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.html") if p.name == "index.html" or p.name.startswith("chapter-"))


@pytest.mark.parametrize(("course", "level", "version", "sco_per"), list(packages()))
def test_every_value_written_is_one_moodle_accepts(page, tmp_path, static_server, course, level, version, sco_per):
    package = build(COURSES_DIR / course, version, tmp_path / "build", sco_per, level)
    folder = lms_folder(package, tmp_path / "lms")
    url = static_server(folder).url
    written, interactions = [], 0
    for href in pages_of(folder / "pkg"):
        sco = launch(page, url, version, sco=href)
        page.add_script_tag(path=str(DATA / "moodle_formats.js"))
        assert sco.evaluate(PLAY) == "", href  # no error on the page, nothing refused
        blocks = sco.evaluate("JSON.parse(document.getElementById('p2p-data').textContent).blocks")
        cmi = stop(page)
        sets = page.evaluate("window.P2P_CALLS.setValue")
        assert page.evaluate("([v, s]) => P2PMoodleFormats.problems(v, s)", [version, sets]) == [], href
        written += sets
        records = list(cmi["interactions"].values())
        interactions += len(records)
        if version == "scorm12":
            check_12_choices(blocks, records)
    assert interactions > 0  # the play reached the blocks
    assert any(element.endswith((".learner_response", ".student_response")) for element, _ in written)


ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


def check_12_choices(page_blocks, records):
    """A 1.2 choice response is one character per chosen option, the option's place among the
    interaction's options; read back through the page's content it names that option: a role-play
    choice its place in its scene, a problem's choice its place in the question, a rubric level its
    place among the levels."""
    blocks = {block["id"]: block["content"] for block in page_blocks}
    for record in records:
        if record["type"] not in ("choice", "likert"):
            continue
        block_id = max((b for b in blocks if record["id"].startswith(b + "-")), key=len)
        content, rest = blocks[block_id], record["id"][len(block_id) + 1 :]
        places = [ALPHABET.index(character) for character in record["student_response"].split(",")]
        if "scenes" in content:  # a role-play: the id ends with the choice made
            (scene,) = [s for s in content["scenes"] if any(c["id"] == rest for c in s["choices"])]
            assert [scene["choices"][place]["id"] for place in places] == [rest], record
        elif "items" in content:  # a problem: the id ends with the question (part)
            (item,) = [i for i in content["items"] if i.get("id") == rest]
            assert all(place < len(item["choices"]) for place in places), record
        else:  # a rubric: the level among the levels
            assert all(place < len(content["levels"]) for place in places), record


@pytest.mark.parametrize(
    ("version", "calls", "why"),
    [
        (
            "scorm2004",
            [["cmi.interactions.0.type", "choice"], ["cmi.interactions.0.learner_response", "conf-double-slot"]],
            "is not",
        ),
        ("scorm2004", [["cmi.interactions.0.timestamp", "2026-12-05T07:20:33"]], "offset"),
        ("scorm2004", [["cmi.interactions.0.id", "rp_call-"]], "ending in a letter or digit"),
        ("scorm2004", [["cmi.score.scaled", "1.5"]], "outside"),
        (
            "scorm12",
            [["cmi.interactions.0.type", "choice"], ["cmi.interactions.0.student_response", "10"]],
            "vocabulary",
        ),
        ("scorm12", [["cmi.interactions.0.time", "2026-12-05T07:20:33"]], "Moodle refuses"),
        ("scorm12", [["cmi.interactions.0.result", "incorrect"]], "Moodle refuses"),
        ("scorm12", [["cmi.suspend_data", "x" * 4097]], "Moodle refuses"),
        ("scorm12", [["cmi.core.lesson_mode", "normal"]], "does not know"),
    ],
)
def test_the_check_refuses_what_moodle_refuses(page, version, calls, why):
    page.set_content("<!DOCTYPE html><title>check</title>")
    page.add_script_tag(path=str(DATA / "moodle_formats.js"))
    found = page.evaluate("([v, s]) => P2PMoodleFormats.problems(v, s)", [version, calls])
    assert found and why in found[0][2], found
