"""The reflection_journal XBlock (Open edX and the xblock-sdk workbench).

The rules live in `model.py` (twin of `P2PJournal.rules` in journal.js); this file stores state,
answers the JSON handlers, publishes completion, grade and tracking events, and serves the staff view.
"""

from __future__ import annotations

import re

from web_fragments.fragment import Fragment
from webob import Response
from xblock.core import XBlock
from xblock.fields import Boolean, Dict, Integer, List, Scope, String

from xblocks.common.handlers import csv_response, json_body, json_response, utc_now
from xblocks.common.i18n import script_catalogue
from xblocks.common.kind import BlockKind
from xblocks.common.platform import (
    add_platform_attributes,
    anonymous_user_id,
    course_key,
    current_language,
    student_item,
    take_platform_attributes,
    user_is_staff,
    username,
)
from xblocks.common.rendering import XBLOCKS_DIR, environment, render, static_text

from . import model

SCRIPT = XBLOCKS_DIR / "journal" / "static" / "journal.js"
MAX_REQUEST_BYTES = 100_000  # a full 10,000-character entry as escaped JSON fits with room to spare
STAFF_CSV_COLUMNS = ("username", "prompt_id", "prompt", "words", "submitted_at", "text")


def _(text: str) -> str:
    """Marks strings for translation (display names and help are shown in Studio)."""
    return text


@XBlock.wants("user")
class ReflectionJournalBlock(XBlock):
    """Private reflection prompts with autosave, versions and a whole-course journal."""

    block_kind = BlockKind(
        tag=model.TAG, model=model, folder=XBLOCKS_DIR / "journal", name="journal", global_name="P2PJournal"
    )

    display_name = String(display_name=_("Display name"), default=model.DEFAULT_DISPLAY_NAME, scope=Scope.settings)
    section = String(
        display_name=_("Journal section"),
        default="",
        scope=Scope.content,
        help=_("The heading this block's entries appear under in the learner's journal."),
    )
    guidance = String(default="", scope=Scope.content)
    min_words = Integer(display_name=_("Minimum words"), default=0, scope=Scope.content)
    points = Integer(
        display_name=_("Points"),
        default=0,
        scope=Scope.settings,
        help=_("0: not graded. Otherwise the points for complete entries."),
    )
    shared_with_staff = Boolean(default=False, scope=Scope.content)
    prompts = List(
        default=[
            {
                "id": "reflection",
                "shared_with_staff": False,
                "text": "What stood out for you here, and what will you try with the families you work with?",
            }
        ],
        scope=Scope.content,
    )
    url_name = String(default="", scope=Scope.content)
    lang = String(default="en", scope=Scope.content)  # the language of the prompts, not of the interface

    # Scope.preferences is one value per learner shared by every block of this type, so any
    # journal block can show the learner's whole journal (user_state is visible only to its own
    # block; user_info would mix in every other block type). Keyed by course, then block:
    #   {course: {usage id: {"content": content snapshot, "state": model state}}}
    # The snapshot keeps the journal readable when a block is not on the page or a prompt is gone.
    journals = Dict(default={}, scope=Scope.preferences)

    has_custom_completion = True

    @property
    def has_score(self):
        return bool(self.points)

    def max_score(self):
        return self.points or None

    # ------------------------------------------------------------ OLX

    @classmethod
    def parse_xml(cls, node, runtime, keys):
        source = node.getroottree().docinfo.URL or model.TAG
        block = runtime.construct_xblock_from_class(cls, keys)
        own = take_platform_attributes(block, node, model.BLOCK_ATTRIBUTES + model.COURSE_ATTRIBUTES)
        journal, problems = model.parse(own, source)
        if problems:
            raise ValueError("\n".join(str(p) for p in problems))
        block._set_model(journal)
        return block

    def add_xml_to_node(self, node):
        element = model.serialize(self.model())
        node.tag = element.tag
        node.attrib.update(element.attrib)
        node.text = element.text
        for child in element:
            node.append(child)
        add_platform_attributes(self, node, model.BLOCK_ATTRIBUTES + model.COURSE_ATTRIBUTES)

    def _set_model(self, journal: model.Journal):
        self.display_name = journal.display_name
        self.section = journal.section
        self.guidance = journal.guidance
        self.min_words = journal.min_words
        self.points = journal.points
        self.shared_with_staff = journal.shared_with_staff
        self.url_name = journal.url_name
        self.lang = journal.lang
        self.prompts = [{"id": p.id, "text": p.text, "shared_with_staff": p.shared_with_staff} for p in journal.prompts]

    def model(self) -> model.Journal:
        return model.Journal(
            tuple(model.Prompt(p["id"], p["text"], bool(p["shared_with_staff"])) for p in self.prompts),
            self.display_name,
            self.section,
            self.guidance,
            self.min_words,
            self.points,
            self.shared_with_staff,
            self.url_name,
            self.lang or "en",
        )

    # ------------------------------------------------------------ identity and state

    def _block_id(self) -> str:
        return re.sub(r"[^A-Za-z0-9_-]", "_", str(self.scope_ids.usage_id))

    def _content(self) -> dict:
        content = model.view_content(self.model())
        # Open edX usage keys carry the url_name as block_id; the workbench's ids are only unique.
        content["id"] = content["id"] or str(getattr(self.scope_ids.usage_id, "block_id", "") or self._block_id())
        return content

    def _record(self) -> dict:
        return (self.journals.get(course_key(self)) or {}).get(str(self.scope_ids.usage_id)) or {}

    def _state(self, content: dict) -> dict:
        return model.restore(self._record().get("state"), content)

    def _store(self, state: dict, content: dict, sent: dict | None = None) -> None:
        """Write this block's state back; entries of prompts the author removed are kept, not dropped.
        `sent` marks prompts whose draft came from a page's numbered request: {prompt id: [page, seq]}."""
        record = self._record()
        old_entries = (record.get("state") or {}).get("entries") or {}
        current = {p["id"] for p in content["prompts"]}
        kept_prompts = [
            p
            for p in (record.get("content") or {}).get("prompts", [])
            if p["id"] not in current and p["id"] in old_entries
        ]
        entries = dict(state["entries"], **{pid: e for pid, e in old_entries.items() if pid not in current})
        snapshot = dict(content, prompts=content["prompts"] + kept_prompts)
        journals = dict(self.journals)
        course = dict(journals.get(course_key(self)) or {})
        marks = {pid: mark for pid, mark in dict(record.get("sent") or {}, **(sent or {})).items() if pid in current}
        course[str(self.scope_ids.usage_id)] = dict(
            {"content": snapshot, "state": {"entries": entries}}, **({"sent": marks} if marks else {})
        )
        journals[course_key(self)] = course
        self.journals = journals  # reassign: a Dict field saves only when set

    def _course_journal(self) -> list[dict]:
        items = []
        for record in (self.journals.get(course_key(self)) or {}).values():
            content = record.get("content")
            if isinstance(content, dict) and content.get("prompts"):
                items += model.journal_entries(model.restore(record.get("state"), content), content)
        return items

    # ------------------------------------------------------------ views

    def student_view(self, context=None):
        lang = current_language()
        content = self._content()
        block_id = self._block_id()
        html = render(
            "journal/templates/student_view.html", lang, block_id=block_id, content=content, asset_url=lambda name: name
        )
        fragment = Fragment(html)
        fragment.add_css(static_text("journal/static/journal.css"))
        fragment.add_javascript(static_text("common/static/p2p-store.js"))
        fragment.add_javascript(static_text("journal/static/journal.js"))
        data = {
            "content": content,
            "state": model.view_state(self._state(content), content),
            "i18n": script_catalogue(lang, SCRIPT),
            "lang": lang,
            "staff": user_is_staff(self) and any(p["shared_with_staff"] for p in content["prompts"]),
        }
        # The runtime writes init args into a <script> element with plain json.dumps, where learner
        # text containing "</script>" would end the element; this string has no "<" at all.
        fragment.initialize_js("P2PJournalInit", {"json": str(environment(lang).filters["script_json"](data))})
        return fragment

    # ------------------------------------------------------------ learner handlers

    def _run(self, request, handler: str) -> Response:
        if request.method != "POST":
            return json_response({"error": "use POST"}, 405)
        if len(request.body) > MAX_REQUEST_BYTES * (len(self.prompts) if handler == "save_drafts" else 1):
            return json_response({"error": "request too large"}, 400)
        try:
            payload = json_body(request.body)
        except ValueError:
            return json_response({"error": "the request is not JSON"}, 400)
        content = self._content()
        state = self._state(content)
        sent = None
        try:
            if handler == "save_drafts":
                payload, sent = self._newer_drafts(payload, content)
            if sent is not None and not payload["drafts"]:
                new_state, response = state, {}  # every draft asked about was overtaken already
            else:
                new_state, response = model.apply(handler, state, payload, content, utc_now())
        except model.Refused as refused:
            return json_response({"error": refused.message}, refused.status)
        if sent is not None:
            # Answer every prompt asked about, also those whose save was overtaken by a newer one.
            response = {
                "entries": {
                    item["prompt_id"]: model.entry_view(new_state["entries"].get(item["prompt_id"]), content)
                    for item in sent["asked"]
                }
            }
            sent = sent["marks"]
        if handler == "journal":
            response = {"entries": self._course_journal()}
        if new_state != state or sent:
            self._store(new_state, content, sent)
        if handler == "submit":
            self._after_submit(new_state, state, response, content)
        return json_response(response)

    @XBlock.handler
    def state(self, request, suffix=""):
        return self._run(request, "state")

    @XBlock.handler
    def save_draft(self, request, suffix=""):
        return self._run(request, "save_draft")

    def _newer_drafts(self, payload, content: dict):
        """The page's leave-time save and an autosave it overtook may arrive in either order: a draft
        older (lower seq, same page) than the one stored is left out, so older text never wins."""
        model.checked_drafts_payload(payload, content)  # refuses a bad request whole, before anything
        page, seq = payload.get("page"), payload.get("seq", 0)
        if page is None:
            return payload, {"asked": payload["drafts"], "marks": {}}
        stored = self._record().get("sent") or {}
        newer = [
            item
            for item in payload["drafts"]
            if not (
                isinstance(stored.get(item["prompt_id"]), list)
                and stored[item["prompt_id"]][0] == page
                and stored[item["prompt_id"]][1] > seq
            )
        ]
        marks = {item["prompt_id"]: [page, seq] for item in newer}
        return dict(payload, drafts=newer), {"asked": payload["drafts"], "marks": marks}

    @XBlock.handler
    def save_drafts(self, request, suffix=""):
        return self._run(request, "save_drafts")

    @XBlock.handler
    def submit(self, request, suffix=""):
        return self._run(request, "submit")

    @XBlock.handler
    def journal(self, request, suffix=""):
        return self._run(request, "journal")

    def _after_submit(self, new_state: dict, old_state: dict, response: dict, content: dict) -> None:
        prompt = next(p for p in content["prompts"] if p["id"] == response["prompt_id"])
        versions = response["entry"]["versions"]
        # Tracking events carry counts, never text.
        self.runtime.publish(
            self,
            "p2p.journal.entry_submitted",
            {
                "prompt_id": prompt["id"],
                "words": versions[-1]["words"],
                "chars": len(versions[-1]["text"]),
                "version": len(versions),
                "met_min_words": response["met_min_words"],
                "shared_with_staff": prompt["shared_with_staff"],
            },
        )
        if response["met_min_words"]:
            self.runtime.publish(self, "completion", {"completion": model.completion(new_state, content)})
        if response["score"]:
            self.runtime.publish(
                self, "grade", {"value": response["score"]["earned"], "max_value": response["score"]["possible"]}
            )
        if prompt["shared_with_staff"] and new_state != old_state:
            self._share_with_staff(new_state, content)

    # ------------------------------------------------------------ staff view (shared prompts only)

    def _student_item(self, student_id: str) -> dict:
        return student_item(self, student_id, model.TAG)

    def _share_with_staff(self, state: dict, content: dict) -> None:
        """Hand what staff may read (model.staff_share: versions written while their prompt was shared,
        nothing private) to edx-submissions, where staff read them; every share is a new submission."""
        from submissions import api as submissions

        shared = model.staff_share(state, content)
        submissions.create_submission(
            self._student_item(anonymous_user_id(self)), {"username": username(self), "entries": shared}
        )

    def _shared_rows(self, content: dict) -> list[dict]:
        from submissions import api as submissions

        shared = {p["id"]: p for p in content["prompts"] if p["shared_with_staff"]}
        rows = []
        for submission in submissions.get_all_submissions(
            course_key(self), str(self.scope_ids.usage_id), model.TAG, read_replica=False
        ):
            answer = submission["answer"] if isinstance(submission["answer"], dict) else {}
            for prompt_id, entry in (answer.get("entries") or {}).items():
                if prompt_id in shared:  # a prompt made private later is never shown again
                    rows.append(
                        {
                            "username": answer.get("username", ""),
                            "prompt_id": prompt_id,
                            "prompt": shared[prompt_id]["text"],
                            "words": model.word_count(entry["text"]),
                            "submitted_at": entry["at"],
                            "text": entry["text"],
                        }
                    )
        return sorted(rows, key=lambda r: (r["prompt_id"], r["username"]))

    @staticmethod
    def _requested_prompt(request):
        """The prompt a staff request names, in the query string or a JSON body (None: all shared)."""
        if "prompt_id" in request.GET:
            return request.GET["prompt_id"]
        try:
            body = json_body(request.body) if len(request.body) <= MAX_REQUEST_BYTES else {}
        except ValueError:
            body = {}
        return body.get("prompt_id") if isinstance(body, dict) else None

    def _staff_refusal(self, request, content: dict) -> Response | None:
        if not user_is_staff(self):
            return json_response({"error": "only course staff can read shared entries"}, 403)
        prompt_id = self._requested_prompt(request)
        if prompt_id is not None:
            prompt = next((p for p in content["prompts"] if p["id"] == prompt_id), None)
            if prompt is None or not prompt["shared_with_staff"]:
                return json_response({"error": "this prompt is private: its entries are for the learner alone"}, 403)
        return None

    @XBlock.handler
    def staff_entries(self, request, suffix=""):
        content = self._content()
        refusal = self._staff_refusal(request, content)
        if refusal:
            return refusal
        prompt_id = self._requested_prompt(request)
        rows = [r for r in self._shared_rows(content) if prompt_id is None or r["prompt_id"] == prompt_id]
        return json_response({"rows": rows})

    @XBlock.handler
    def staff_csv(self, request, suffix=""):
        content = self._content()
        refusal = self._staff_refusal(request, content)
        if refusal:
            return refusal
        rows = ([row[column] for column in STAFF_CSV_COLUMNS] for row in self._shared_rows(content))
        return csv_response(STAFF_CSV_COLUMNS, rows, f"{content['id']}-shared-entries.csv")

    @staticmethod
    def workbench_scenarios():
        return [
            (
                "Reflection journal",
                """<vertical_demo>
  <reflection_journal url_name="participation" display_name="Pause and reflect"
      section="Meaningful participation" min_words="15">
    <guidance>Think of one IEP meeting you took part in this year.</guidance>
    <prompt id="notice">Which habits of the team helped the family speak up, and which got in the way?</prompt>
    <prompt id="try_next" shared_with_staff="true">Name one thing you will do differently before the next meeting.</prompt>
  </reflection_journal>
  <reflection_journal url_name="curiosity" display_name="Reflect on curiosity" section="Curiosity" points="2">
    <prompt id="question">What question could you ask a parent to understand their hopes for their child?</prompt>
  </reflection_journal>
</vertical_demo>""",
            ),
        ]
