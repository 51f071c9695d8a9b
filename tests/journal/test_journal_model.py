"""reflection_journal model: OLX parsing with located problems, round-trip, and the rules (the shared vectors run in tests/test_rules_vectors.py)."""

import json
from pathlib import Path

import pytest
from lxml import etree

from xblocks.common.kind import kind
from xblocks.journal import model

VECTORS = sorted((Path(__file__).resolve().parents[1] / "vectors" / "journal").glob("*.json"))

GOOD = b"""<reflection_journal url_name="after_meeting" display_name="Pause and reflect"
    section="Listening to families" min_words="40" points="2" shared_with_staff="false">
  <!-- authors may comment -->
  <guidance>Think of one meeting
     from this school year.</guidance>
  <prompt id="notice">What did you notice &amp; what surprised you?</prompt>
  <prompt id="next_step" shared_with_staff="true">What will you try next?</prompt>
</reflection_journal>"""


def parse_bytes(data: bytes, source="course/vertical/u1.xml"):
    return model.parse(etree.fromstring(data), source)


def test_the_entry_point_kind_points_at_this_model():
    assert kind("reflection_journal").model is model


def test_parse_reads_every_field():
    journal, problems = parse_bytes(GOOD)
    assert problems == []
    assert journal == model.Journal(
        prompts=(
            model.Prompt("notice", "What did you notice & what surprised you?", False),
            model.Prompt("next_step", "What will you try next?", True),
        ),
        display_name="Pause and reflect",
        section="Listening to families",
        guidance="Think of one meeting from this school year.",
        min_words=40,
        points=2,
        shared_with_staff=False,
        url_name="after_meeting",
    )


def test_prompts_inherit_the_block_sharing_default():
    journal, _ = parse_bytes(
        b'<reflection_journal shared_with_staff="true"><prompt id="a">Q</prompt>'
        b'<prompt id="b" shared_with_staff="false">R</prompt></reflection_journal>'
    )
    assert [p.shared_with_staff for p in journal.prompts] == [True, False]


def test_private_is_the_default():
    journal, _ = parse_bytes(b'<reflection_journal><prompt id="a">Q</prompt></reflection_journal>')
    assert journal.prompts[0].shared_with_staff is False and journal.min_words == 0 and journal.points == 0


@pytest.mark.parametrize(
    "source",
    [
        GOOD,
        b'<reflection_journal shared_with_staff="true"><prompt id="a">Q</prompt>'
        b'<prompt id="b" shared_with_staff="false">R</prompt></reflection_journal>',
    ],
)
def test_serialize_round_trips(source):
    journal, _ = parse_bytes(source)
    again, problems = model.parse(etree.fromstring(etree.tostring(model.serialize(journal))), "x.xml")
    assert problems == [] and again == journal


BAD = b"""<reflection_journal min_words="many" points="-1" colour="red" shared_with_staff="yes" lang="Spanish">
  <guidance>One</guidance>
  <guidance>Two</guidance>
  <prompt>No id here</prompt>
  <prompt id="dup">First</prompt>
  <prompt id="dup">Second</prompt>
  <prompt id="Bad Id!">Third</prompt>
  <prompt id="empty"></prompt>
  <prompt id="marked">Read <b>this</b></prompt>
  <prompt id="odd" weight="2">Fourth</prompt>
  <question id="q">Not a prompt</question>
</reflection_journal>"""


def test_every_problem_is_reported_with_its_line_and_a_fix():
    journal, problems = parse_bytes(BAD, "course/vertical/u1.xml")
    assert journal is None
    found = {(p.line, p.message) for p in problems}
    expected = {
        (1, 'min_words="many" is not a whole number from 0 to 2000'),
        (1, 'points="-1" is not a whole number from 0 to 100'),
        (1, '<reflection_journal> has an unknown attribute "colour"'),
        (1, 'shared_with_staff="yes" is not a boolean'),
        (3, "a second <guidance>"),
        (4, 'prompt id "" is missing or not a short id'),
        (6, 'prompt id "dup" is used twice'),
        (7, 'prompt id "Bad Id!" is missing or not a short id'),
        (8, 'prompt "empty" has no text'),
        (9, "<prompt> contains markup <b>"),
        (10, '<prompt> has an unknown attribute "weight"'),
        (11, "<question> is not allowed in <reflection_journal>"),
        (1, 'lang="Spanish" is not a language code'),
    }
    assert expected <= found, sorted(expected - found)
    assert all(p.fix and p.file == "course/vertical/u1.xml" for p in problems)
    assert str(problems[0]).startswith("course/vertical/u1.xml:1: ")


def test_an_authors_comment_inside_a_prompt_is_not_markup():
    journal, problems = parse_bytes(
        b'<reflection_journal><prompt id="a">What did you <!-- ask Ana --> notice?</prompt>'
        b"<guidance>Think <!-- x --> first.</guidance></reflection_journal>"
    )
    assert problems == [] and journal.prompts[0].text == "What did you notice?" and journal.guidance == "Think first."


def test_a_journal_without_prompts_is_refused():
    journal, problems = parse_bytes(b"<reflection_journal>\n<guidance>g</guidance></reflection_journal>")
    assert journal is None and [p.message for p in problems] == ["<reflection_journal> has no <prompt>"]


def test_view_content_is_json_and_learner_independent():
    journal, _ = parse_bytes(GOOD)
    content = model.view_content(journal)
    assert json.loads(json.dumps(content)) == content
    assert content["max_chars"] == model.MAX_ENTRY_CHARS == 10_000
    assert content["prompts"][1] == {"id": "next_step", "text": "What will you try next?", "shared_with_staff": True}
    assert model.static_files(journal) == []


# ---------------------------------------------------------------- rules


def test_vectors_cover_every_handler_and_refusals():
    handlers, statuses = set(), set()
    for path in VECTORS:  # run by tests/test_rules_vectors.py and tests/rules.test.js
        for case in json.loads(path.read_text())["cases"]:
            for step in case["steps"]:
                handlers.add(step["handler"])
                statuses.add(step["refused"]["status"] if "refused" in step else 200)
    assert handlers == set(model.HANDLERS) and statuses == {200, 400}


CONTENT = {
    "id": "b",
    "display_name": "D",
    "section": "S",
    "guidance": "",
    "min_words": 3,
    "points": 0,
    "max_chars": 10_000,
    "prompts": [
        {"id": "p", "text": "Q", "shared_with_staff": False},
        {"id": "s", "text": "R", "shared_with_staff": True},
    ],
}


def test_editing_after_submit_keeps_every_version_and_no_duplicate_text():
    state = model.restore(None, CONTENT)
    state, _ = model.submit(state, {"prompt_id": "p", "text": "first long answer"}, CONTENT, "t1")
    state, _ = model.save_draft(state, {"prompt_id": "p", "text": "second long answer"}, CONTENT, "t2")
    state, answer = model.submit(state, {"prompt_id": "p", "text": "second long answer"}, CONTENT, "t2")
    assert state == {
        "entries": {
            "p": {"versions": [{"text": "first long answer", "at": "t1"}, {"text": "second long answer", "at": "t2"}]}
        }
    }
    assert answer["met_min_words"] is True and [v["words"] for v in answer["entry"]["versions"]] == [3, 3]


def test_report_never_carries_private_text():
    state = model.restore(None, CONTENT)
    state, _ = model.submit(state, {"prompt_id": "p", "text": "my private worry about the family"}, CONTENT, "t")
    state, _ = model.submit(state, {"prompt_id": "s", "text": "shared plan for the meeting"}, CONTENT, "t")
    interactions = {i["id"]: i["response"] for i in model.report(state, CONTENT)["interactions"]}
    assert interactions == {"b-p": "private entry, 6 words", "b-s": "shared plan for the meeting"}


def test_the_players_block_id_names_interactions_and_entries_when_the_olx_had_no_url_name():
    content = dict(CONTENT, id="")  # pointer-form OLX: the definition file carries no url_name
    state, _ = model.submit(model.restore(None, content), {"prompt_id": "s", "text": "plan"}, content, "t")
    assert [i["id"] for i in model.report(state, content, "unit3_journal")["interactions"]] == ["unit3_journal-s"]
    assert [e["block"] for e in model.journal_entries(state, content, "unit3_journal")] == ["unit3_journal"]
