"""reflection_journal XBlock in the xblock-sdk workbench: handlers, persistence, events, privacy, limits, escaping."""

import copy
import csv
import io
import itertools
import json
import logging
import re
from pathlib import Path

import pytest
import webob
from django.test import Client
from lxml import etree
from support.vectors import matches
from workbench.runtime import WorkbenchRuntime
from workbench.scenarios import get_scenarios
from xblock.fields import Scope

import xblocks.journal.block as journal_block
from xblocks.common import handlers as common_handlers
from xblocks.journal import model

VECTORS = sorted((Path(__file__).resolve().parents[1] / "vectors" / "journal").glob("*.json"))
_users = itertools.count()

COURSE = """<vertical_demo>
  <reflection_journal url_name="first" display_name="First pause" section="Listening" min_words="4">
    <prompt id="private_one">What worried you in that meeting?</prompt>
    <prompt id="shared_one" shared_with_staff="true">What will you try next time?</prompt>
  </reflection_journal>
  <reflection_journal url_name="second" display_name="Second pause" section="Curiosity" points="2">
    <prompt id="question">Which question could you ask a parent?</prompt>
  </reflection_journal>
</vertical_demo>"""


def user(prefix="learner"):
    return f"{prefix}{next(_users)}"


def blocks(xml=COURSE):
    """Parse the course once; returns (usage ids of the journal blocks, a function user -> blocks)."""
    runtime = WorkbenchRuntime("author")
    root = runtime.get_block(runtime.parse_xml_string(xml))
    ids = getattr(root, "children", None) or [root.scope_ids.usage_id]
    return ids, lambda name: [WorkbenchRuntime(name).get_block(i) for i in ids]


def call(block, handler, payload=None, body=None, method="POST", query=""):
    raw = body if body is not None else json.dumps(payload if payload is not None else {}).encode()
    request = webob.Request.blank("/" + query, method=method, body=raw if method == "POST" else None)
    response = block.runtime.handle(block, handler, request)
    text = response.body.decode("utf-8")
    return response.status_code, (json.loads(text) if response.content_type == "application/json" else text)


@pytest.fixture
def events(caplog):
    """Events the workbench runtime publishes (it logs each one); nothing is replaced."""
    caplog.set_level(logging.INFO, logger="workbench.runtime")

    def published():
        records = [r for r in caplog.records if r.name == "workbench.runtime"]
        out = []
        for head, data in zip(records, records[1:]):
            if isinstance(head.msg, str) and head.msg.startswith("XBlock event") and isinstance(data.msg, dict):
                out.append((head.args[0], data.msg))
        return out

    return published


# ---------------------------------------------------------------- the shared vectors, through the handlers


@pytest.mark.parametrize("path", VECTORS, ids=lambda p: p.stem)
def test_handlers_follow_the_shared_vectors(path, monkeypatch):
    vector = json.loads(path.read_text())
    content = vector["content"]
    journal = model.Journal(
        tuple(model.Prompt(p["id"], p["text"], p["shared_with_staff"]) for p in content["prompts"]),
        content["display_name"],
        content["section"],
        content["guidance"],
        content["min_words"],
        content["points"],
        False,
        content["id"],
    )
    xml = etree.tostring(model.serialize(journal)).decode()
    _, for_user = blocks(xml)
    for case in vector["cases"]:
        block = for_user(user())[0]
        # The workbench's usage keys keep no url_name: the block's id there is its own (Open edX: the url_name).
        renamed = json.loads(json.dumps(vector).replace(json.dumps(content["id"]), json.dumps(block.content_id)))
        case_content = renamed["content"]
        case = next(c for c in renamed["cases"] if c["name"] == case["name"])
        assert block._content() == case_content
        if case.get("saved") is not None:
            block._store(model.restore(case["saved"], case_content), case_content)
        for step in case["steps"]:
            if "ctx" in step:  # a fixed clock, as the vector says
                monkeypatch.setattr(common_handlers, "utc_now", lambda now=step["ctx"]["now"]: now)
            status, answer = call(block, step["handler"], step["payload"])
            if "refused" in step:
                assert (status, answer) == (step["refused"]["status"], {"error": step["refused"]["message"]})
            else:
                assert status == 200, (step["handler"], answer)
            if "response" in step:
                assert answer == step["response"]
            assert matches(step.get("expect", {}), answer), answer
            if "state" in step:
                assert block._state(case_content) == step["state"]


# ---------------------------------------------------------------- learner flow


def test_autosave_submit_and_edit_keep_versions_across_requests():
    _, for_user = blocks()
    name = user()
    first = for_user(name)[0]
    assert call(first, "save_draft", {"prompt_id": "private_one", "text": "We spoke over"})[0] == 200
    again = for_user(name)[0]  # a new request: everything read back from the store
    status, view = call(again, "state")
    assert status == 200 and view["entries"]["private_one"]["draft"] == "We spoke over"
    call(again, "submit", {"prompt_id": "private_one", "text": "We spoke over her twice."})
    call(
        for_user(name)[0], "save_draft", {"prompt_id": "private_one", "text": "We spoke over her twice, then stopped."}
    )
    status, answer = call(
        for_user(name)[0], "submit", {"prompt_id": "private_one", "text": "We spoke over her twice, then stopped."}
    )
    assert [v["text"] for v in answer["entry"]["versions"]] == [
        "We spoke over her twice.",
        "We spoke over her twice, then stopped.",
    ]
    assert answer["entry"]["draft"] is None
    assert call(for_user(user())[0], "state")[1]["entries"]["private_one"]["versions"] == []  # another learner


def test_the_course_journal_gathers_every_block_and_only_this_learner():
    _, for_user = blocks()
    name = user()
    first, second = for_user(name)
    call(first, "submit", {"prompt_id": "shared_one", "text": "Ask before deciding."})
    call(second, "save_draft", {"prompt_id": "question", "text": "What does a good day look like?"})
    call(for_user(user())[1], "submit", {"prompt_id": "question", "text": "someone else's words"})
    for block in for_user(name):  # any journal block shows the whole journal
        status, answer = call(block, "journal")
        assert status == 200
        # Sorted: storage may reorder blocks (the workbench writes the record with sorted keys).
        assert sorted(
            (e["block"], e["prompt_id"], e["draft"], [v["text"] for v in e["versions"]]) for e in answer["entries"]
        ) == sorted(
            [
                (first.content_id, "shared_one", None, ["Ask before deciding."]),
                (second.content_id, "question", "What does a good day look like?", []),
            ]
        )


def test_saves_to_two_blocks_at_once_both_keep_their_entries():
    """One learner, two requests at the same time (a second tab, or one unit's leave-time save while the
    next unit saves): each request read its state before either wrote, and these are the learner's
    first saves. Each block keeps its entries in its own Scope.user_state row, so neither is lost."""
    _, for_user = blocks()
    name = user()
    first, second = for_user(name)  # two requests, each with its own runtime and field data
    assert first._record() == {} and second._record() == {}  # both have read their (empty) state
    assert call(first, "save_draft", {"prompt_id": "private_one", "text": "The room was full."})[0] == 200
    assert call(second, "save_draft", {"prompt_id": "question", "text": "What helps at home?"})[0] == 200
    for block in for_user(name):
        entries = call(block, "journal")[1]["entries"]
        assert [(e["block"], e["prompt_id"], e["draft"]) for e in entries] == [
            (first.content_id, "private_one", "The room was full."),
            (second.content_id, "question", "What helps at home?"),
        ]


def test_an_instructor_state_reset_of_one_block_clears_its_entries_and_no_other():
    """Open edX's "Delete learner's state" (lms/djangoapps/instructor/enrollment.py, reset_student_attempts
    with delete_module) deletes the learner's StudentModule row of the block: its Scope.user_state."""
    _, for_user = blocks()
    name = user()
    first, second = for_user(name)
    call(first, "submit", {"prompt_id": "private_one", "text": "Ask the family first."})
    call(second, "submit", {"prompt_id": "question", "text": "What does a good day look like?"})
    reset = for_user(name)[0]
    for field in reset.fields.values():
        if field.scope == Scope.user_state:
            field.delete_from(reset)
    reset.save()
    assert call(for_user(name)[0], "state")[1]["entries"]["private_one"]["versions"] == []
    entries = call(for_user(name)[0], "journal")[1]["entries"]
    assert [(e["block"], e["prompt_id"]) for e in entries] == [(second.content_id, "question")]


def test_events_carry_counts_never_text_and_completion_follows_min_words(events):
    _, for_user = blocks()
    name = user()
    first, second = for_user(name)
    secret = "Mi hijo necesita apoyo extra"
    call(first, "submit", {"prompt_id": "private_one", "text": "too short"})
    call(first, "submit", {"prompt_id": "private_one", "text": secret})
    call(second, "submit", {"prompt_id": "question", "text": "How do mornings go at home?"})
    published = events()
    assert all(
        secret not in json.dumps(data) and "too short" not in json.dumps(data) and "mornings" not in json.dumps(data)
        for _, data in published
    )
    submitted = [data for name_, data in published if name_ == "p2p.journal.entry_submitted"]
    assert [(d["prompt_id"], d["words"], d["version"], d["met_min_words"]) for d in submitted] == [
        ("private_one", 2, 1, False),
        ("private_one", 5, 2, True),
        ("question", 6, 1, True),
    ]
    assert [d for n, d in published if n == "completion"] == [{"completion": 0.5}, {"completion": 1.0}]
    assert [d for n, d in published if n == "grade"] == [{"value": 2.0, "max_value": 2}]


def test_graded_mode_is_on_only_with_points():
    _, for_user = blocks()
    first, second = for_user(user())
    assert (first.has_score, second.has_score, second.max_score()) == (False, True, 2)


# ---------------------------------------------------------------- limits: 400 and nothing changed


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"",
        b"[1, 2]",
        json.dumps({"prompt_id": "private_one", "text": "x" * 10_001}).encode(),
        json.dumps({"prompt_id": "private_one", "text": "y" * 200_000}).encode(),
        json.dumps({"prompt_id": "missing", "text": "x"}).encode(),
        json.dumps({"prompt_id": "private_one", "text": None}).encode(),
        b'{"prompt_id": "private_one", "text": "half a character \\ud800"}',
    ],
    ids=["not-json", "empty", "list", "10001-chars", "huge-body", "unknown-prompt", "null-text", "lone-surrogate"],
)
@pytest.mark.parametrize("handler", ["save_draft", "submit"])
def test_malformed_or_oversized_requests_get_400_and_change_nothing(handler, body):
    _, for_user = blocks()
    name = user()
    call(for_user(name)[0], "save_draft", {"prompt_id": "private_one", "text": "what I had"})
    before = copy.deepcopy(for_user(name)[0].record)
    status, answer = call(for_user(name)[0], handler, body=body)
    assert status == 400 and answer["error"]
    assert for_user(name)[0].record == before


def test_exactly_the_limit_is_accepted():
    _, for_user = blocks()
    status, answer = call(for_user(user())[0], "save_draft", {"prompt_id": "private_one", "text": "é" * 10_000})
    assert status == 200 and answer["entry"]["chars"] == 10_000


def drafts_of(block):
    return {pid: e.get("draft") for pid, e in block._state(block._content())["entries"].items()}


def test_save_drafts_writes_every_prompt_in_one_request_and_refuses_a_bad_one_whole():
    _, for_user = blocks()
    name = user()
    status, answer = call(
        for_user(name)[0],
        "save_drafts",
        {
            "drafts": [
                {"prompt_id": "private_one", "text": "The room was full."},
                {"prompt_id": "shared_one", "text": "Ask first."},
            ]
        },
    )
    assert status == 200 and set(answer["entries"]) == {"private_one", "shared_one"}
    assert drafts_of(for_user(name)[0]) == {"private_one": "The room was full.", "shared_one": "Ask first."}
    before = copy.deepcopy(for_user(name)[0].record)
    status, answer = call(
        for_user(name)[0],
        "save_drafts",
        {
            "drafts": [
                {"prompt_id": "private_one", "text": "changed"},
                {"prompt_id": "shared_one", "text": "x" * 10_001},
            ]
        },
    )
    assert (status, answer) == (400, {"error": "an entry holds at most 10000 characters"})
    assert for_user(name)[0].record == before


def test_an_overtaken_save_of_the_same_page_never_replaces_newer_text():
    """The leave-time request (higher seq) may reach the server before the autosave it overtook."""
    _, for_user = blocks()
    name = user()
    newer = {
        "drafts": [
            {"prompt_id": "private_one", "text": "older words, then newer ones"},
            {"prompt_id": "shared_one", "text": "typed just before leaving"},
        ],
        "page": "tab1",
        "seq": 5,
    }
    assert call(for_user(name)[0], "save_drafts", newer)[0] == 200
    status, answer = call(
        for_user(name)[0],
        "save_drafts",
        {"drafts": [{"prompt_id": "private_one", "text": "older words"}], "page": "tab1", "seq": 4},
    )
    assert status == 200 and answer["entries"]["private_one"]["draft"] == "older words, then newer ones"
    assert drafts_of(for_user(name)[0]) == {
        "private_one": "older words, then newer ones",
        "shared_one": "typed just before leaving",
    }
    # Another page (a reload, another device) is not ordered against this one: its save applies.
    assert (
        call(
            for_user(name)[0],
            "save_drafts",
            {"drafts": [{"prompt_id": "private_one", "text": "from a new page"}], "page": "tab2", "seq": 1},
        )[0]
        == 200
    )
    assert drafts_of(for_user(name)[0])["private_one"] == "from a new page"
    # Requests without page and seq (other clients) are applied as they come.
    assert call(for_user(name)[0], "save_drafts", {"drafts": [{"prompt_id": "private_one", "text": "plain"}]})[0] == 200
    assert drafts_of(for_user(name)[0])["private_one"] == "plain"


def test_save_drafts_takes_every_prompt_full_of_characters_json_escapes():
    _, for_user = blocks()
    name = user()
    full = "\u0001" * 10_000  # six bytes each as JSON: two such entries are over one entry's request limit
    body = json.dumps(
        {"drafts": [{"prompt_id": "private_one", "text": full}, {"prompt_id": "shared_one", "text": full}]}
    )
    assert len(body) > journal_block.MAX_REQUEST_BYTES
    status, answer = call(for_user(name)[0], "save_drafts", body=body.encode())
    assert status == 200 and [e["chars"] for e in answer["entries"].values()] == [10_000, 10_000]


def test_handlers_want_post():
    _, for_user = blocks()
    assert call(for_user(user())[0], "state", method="GET")[0] == 405


# ---------------------------------------------------------------- privacy: the staff view


def submit_as_learners(for_user):
    names = [user(), user()]
    for n, name in enumerate(names):
        first = for_user(name)[0]
        call(first, "submit", {"prompt_id": "private_one", "text": f"PRIVATE worry number {n}"})
        call(first, "submit", {"prompt_id": "shared_one", "text": f"=shared plan number {n}"})
    return names


def test_staff_see_shared_prompts_only_with_usernames():
    _, for_user = blocks()
    names = submit_as_learners(for_user)
    staff = for_user(user("staff"))[0]
    status, answer = call(staff, "staff_entries")
    assert status == 200
    assert sorted((r["username"], r["prompt_id"], r["text"], r["words"]) for r in answer["rows"]) == [
        (names[0], "shared_one", "=shared plan number 0", 4),
        (names[1], "shared_one", "=shared plan number 1", 4),
    ]
    assert "PRIVATE" not in json.dumps(answer)


def test_a_staff_request_for_a_private_prompt_gets_nothing():
    _, for_user = blocks()
    submit_as_learners(for_user)
    staff = for_user(user("staff"))[0]
    for query, payload in (("?prompt_id=private_one", {}), ("", {"prompt_id": "private_one"})):
        for handler in ("staff_entries", "staff_csv"):
            status, answer = call(staff, handler, payload, query=query)
            assert status == 403 and "PRIVATE" not in json.dumps(answer), handler


def test_learners_cannot_use_the_staff_view():
    _, for_user = blocks()
    submit_as_learners(for_user)
    learner = for_user(user())[0]
    assert call(learner, "staff_entries")[0] == 403
    assert call(learner, "staff_csv", method="GET")[0] == 403


def test_staff_csv_export_has_shared_entries_and_defuses_formulas():
    _, for_user = blocks()
    names = submit_as_learners(for_user)
    status, text = call(for_user(user("staff"))[0], "staff_csv", method="GET")
    assert status == 200 and "PRIVATE" not in text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(journal_block.STAFF_CSV_COLUMNS)
    assert sorted((r[0], r[1], r[5]) for r in rows[1:]) == [
        (names[0], "shared_one", "'=shared plan number 0"),
        (names[1], "shared_one", "'=shared plan number 1"),
    ]


def test_text_no_file_can_hold_is_refused_so_the_staff_csv_keeps_working():
    """A lone surrogate (\\ud800) is valid JSON but not UTF-8 text: stored, it made the CSV export fail for staff."""
    _, for_user = blocks()
    names = submit_as_learners(for_user)
    status, _answer = call(for_user(names[0])[0], "submit", body=b'{"prompt_id": "shared_one", "text": "plan \\udc00"}')
    assert status == 400
    status, text = call(for_user(user("staff"))[0], "staff_csv", method="GET")
    assert status == 200 and "'=shared plan number 0" in text


def test_a_prompt_made_private_later_disappears_from_the_staff_view():
    ids, for_user = blocks()
    submit_as_learners(for_user)
    staff = for_user(user("staff"))[0]
    staff.definition = staff.definition.replace('shared_with_staff="true"', 'shared_with_staff="false"')
    assert call(staff, "staff_entries")[1] == {"rows": []}


# ---------------------------------------------------------------- escaping (server-rendered view)

XSS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=2">',
    '"><svg onload="window.__xss=3">',
    '<a href="javascript:window.__xss=4">link</a>',
    "</script><script>window.__xss=5</script>",
    "<svg><script>window.__xss=6</script></svg>",
    "'-alert(7)-'",
    '<iframe srcdoc="<script>parent.__xss=8</script>">',
]


def init_args(html):
    """The init data the runtime embeds in the page (what the script will receive)."""
    found = re.search(r'<script type="json/xblock-args" class="xblock_json_init_args">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def test_learner_and_author_text_are_escaped_in_the_rendered_view():
    xml = (
        '<reflection_journal url_name="xss" display_name="&lt;script&gt;window.__xss=9&lt;/script&gt;">'
        '<guidance>&lt;img src=x onerror="window.__xss=10"&gt;</guidance>'
        '<prompt id="p">&lt;svg onload="window.__xss=11"&gt;</prompt></reflection_journal>'
    )
    _, for_user = blocks(xml)
    name = user()
    call(for_user(name)[0], "submit", {"prompt_id": "p", "text": "\n".join(XSS)})
    call(for_user(name)[0], "save_draft", {"prompt_id": "p", "text": XSS[4]})
    fragment = for_user(name)[0].render("student_view")
    html = fragment.body_html()
    embedded = init_args(html)["json"]  # the runtime writes it inside <script> with plain json.dumps
    assert "<" not in embedded and json.loads(embedded)["state"]["entries"]["p"]["draft"] == XSS[4]
    for needle in ["<script>window", "<img src=x", "<svg", "</script><script>", "<iframe", 'onerror="window']:
        assert needle not in html, needle
    assert "&lt;script&gt;window.__xss=9&lt;/script&gt;" in html


def test_the_interface_speaks_spanish():
    from django.utils import translation

    _, for_user = blocks()
    with translation.override("es-419"):
        fragment = for_user(user())[0].render("student_view")
    html = fragment.body_html()
    assert "Enviar entrada" in html and "Privada: solo usted puede leer esta entrada." in html and 'lang="es"' in html
    data = json.loads(init_args(html)["json"])
    assert data["lang"] == "es" and data["i18n"]["Draft saved."] == "Borrador guardado."
    # The prompts stay in the author's English: marked so a Spanish screen reader switches voice.
    assert re.search(r'<label class="p2p-journal__question" for="[^"]+" lang="en">What worried you', html)
    assert 'lang="en">First pause</h3>' in html and '<span lang="en">Listening</span>' in html


def test_a_journal_written_in_spanish_is_marked_so_and_round_trips():
    xml = '<reflection_journal url_name="r2" lang="es-MX"><prompt id="p">¿Qué notó?</prompt></reflection_journal>'
    _, for_user = blocks(xml)
    block = for_user(user())[0]
    assert 'lang="es-MX">¿Qué notó?</label>' in block.render("student_view").body_html()
    call(block, "submit", {"prompt_id": "p", "text": "Que la familia habló poco."})
    assert call(block, "journal")[1]["entries"][0]["lang"] == "es-MX"
    node = etree.Element("x")
    block.add_xml_to_node(node)
    assert node.get("lang") == "es-MX" and model.parse(node, "export.xml") == (block.model(), [])


def test_workbench_lists_and_serves_the_block():
    assert "reflection_journal.0" in get_scenarios()
    page = Client().get("/scenario/reflection_journal.0/?student=" + user())
    assert page.status_code == 200 and b"p2p-journal" in page.content


def test_the_block_loads_course_attributes_and_its_export_round_trips():
    xml = (
        '<reflection_journal url_name="r1" audience="facilitator" min_words="3">'
        '<prompt id="p" shared_with_staff="true">Question?</prompt></reflection_journal>'
    )
    _, for_user = blocks(xml)
    block = for_user(user())[0]
    assert block.model().min_words == 3 and block._content()["id"] == block.content_id
    node = etree.Element("x")
    block.add_xml_to_node(node)
    assert model.parse(node, "export.xml") == (block.model(), [])


def test_invalid_olx_fails_to_load_with_located_problems():
    with pytest.raises(ValueError, match=r':1: <reflection_journal> has no <prompt> — add <prompt id="\.\.\.">'):
        blocks("<reflection_journal/>")
