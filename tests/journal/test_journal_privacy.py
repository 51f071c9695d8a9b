"""Privacy by construction: text a learner wrote while a prompt was private never reaches staff,
even after the author shares that prompt — through none of the paths text can take to staff:
the staff view, the staff CSV, edx-submissions, tracking events, the SCORM interactions, and the
course journal (which only its writer reads). Versions carry their sharing state (model.py)."""

import json

from lxml import etree
from submissions import api as submissions
from test_journal_block import blocks, call, events, user  # noqa: F401  (events is a fixture)

from xblocks.common.platform import course_key
from xblocks.journal import model

SECRET = "PRIVATE worry about the principal written while private"
LATER = "Call the family on Friday with the draft agenda"


def share_every_prompt(block) -> None:
    """The author makes every prompt of the block shared (a Studio edit: content every learner sees)."""
    root = etree.fromstring(block.content_text)
    for prompt in root.iter("prompt"):
        prompt.set("shared_with_staff", "true")
    block.definition = etree.tostring(root, encoding="unicode")
    block.save()


def written_private_then_shared(for_user):
    """A learner answers the private prompt; the author then shares it; the learner submits a shared
    prompt (which hands the shared entries to staff). The learner's name."""
    name = user()
    assert call(for_user(name)[0], "submit", {"prompt_id": "private_one", "text": SECRET})[0] == 200
    share_every_prompt(for_user(user("staff"))[0])
    assert call(for_user(name)[0], "submit", {"prompt_id": "shared_one", "text": LATER})[0] == 200
    return name


def test_the_staff_view_and_csv_hold_only_text_written_while_shared():
    _ids, for_user = blocks()
    written_private_then_shared(for_user)
    staff = for_user(user("staff"))[0]
    status, view = call(staff, "staff_entries")
    assert status == 200
    assert [(row["prompt_id"], row["text"]) for row in view["rows"]] == [("shared_one", LATER)]
    status, csv_text = call(staff, "staff_csv")
    assert status == 200 and LATER in csv_text and "PRIVATE" not in csv_text
    status, one = call(staff, "staff_entries", query="?prompt_id=private_one")  # shared now, nothing written shared
    assert status == 200 and one == {"rows": []}


def test_edx_submissions_never_receive_text_written_while_private():
    _ids, for_user = blocks()
    written_private_then_shared(for_user)
    block = for_user(user("staff"))[0]
    answers = [
        answer
        for prompt in ("private_one", "shared_one")
        for answer in submissions.get_all_submissions(
            course_key(block), block._share_item("", prompt)["item_id"], model.TAG
        )
    ]
    stored = json.dumps([s["answer"] for s in answers])
    assert LATER in stored and "PRIVATE" not in stored


def test_submitting_the_text_again_while_the_prompt_is_shared_shares_it():
    # The learner sees the prompt marked shared and submits the entry: that version is shared.
    _ids, for_user = blocks()
    name = written_private_then_shared(for_user)
    assert call(for_user(name)[0], "submit", {"prompt_id": "private_one", "text": SECRET})[0] == 200
    versions = for_user(name)[0]._state(for_user(name)[0]._content())["entries"]["private_one"]["versions"]
    assert [v.get("shared", False) for v in versions] == [False, True]
    rows = call(for_user(user("staff"))[0], "staff_entries")[1]["rows"]
    assert {(r["prompt_id"], r["text"]) for r in rows} >= {("private_one", SECRET)}


def test_tracking_events_carry_counts_never_text(events):  # noqa: F811
    _ids, for_user = blocks()
    written_private_then_shared(for_user)
    published = events()
    assert [name for name, _data in published if name == "p2p.journal.entry_submitted"] == [
        "p2p.journal.entry_submitted"
    ] * 2
    assert "PRIVATE" not in json.dumps(published) and LATER not in json.dumps(published)


def test_scorm_interactions_report_a_word_count_for_text_written_while_private():
    _ids, for_user = blocks()
    name = written_private_then_shared(for_user)
    block = for_user(name)[0]
    content = block._content()
    responses = {
        i["id"].rsplit("-", 1)[1]: i["response"] for i in model.report(block._state(content), content)["interactions"]
    }
    assert responses == {"private_one": f"private entry, {model.word_count(SECRET)} words", "shared_one": LATER}


def test_the_course_journal_is_its_writers_alone():
    _ids, for_user = blocks()
    name = written_private_then_shared(for_user)
    staff_journal = call(for_user(user("staff"))[0], "journal")[1]["entries"]
    assert "PRIVATE" not in json.dumps(staff_journal) and LATER not in json.dumps(staff_journal)
    own = call(for_user(name)[0], "journal")[1]["entries"]
    assert {e["prompt_id"]: e["versions"][-1]["text"] for e in own} == {"private_one": SECRET, "shared_one": LATER}


def test_a_saved_state_that_claims_a_private_version_was_shared_is_not_believed():
    # Staff read only what the learner submitted under a shared prompt, whatever a stored state says.
    content = {
        "id": "b",
        "lang": "en",
        "display_name": "D",
        "section": "S",
        "guidance": "",
        "min_words": 1,
        "points": 0,
        "max_chars": 10_000,
        "prompts": [
            {"id": "p", "text": "Q", "shared_with_staff": False},
            {"id": "s", "text": "R", "shared_with_staff": True},
        ],
    }
    saved = {
        "entries": {
            "p": {"versions": [{"text": "private but flagged", "at": "t", "shared": True}]},
            "s": {"versions": [{"text": "written before versions carried it", "at": "t"}]},
        }
    }
    state = model.restore(saved, content)
    assert model.staff_share(state, content) == {}
    assert [i["response"] for i in model.report(state, content)["interactions"]] == [
        "private entry, 3 words",
        "private entry, 5 words",
    ]
