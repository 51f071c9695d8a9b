"""The reflection_journal XBlock (Open edX and the xblock-sdk workbench).

The rules live in `model.py` (twin of `P2PJournal.rules` in journal.js); the shared base (`P2PBlock`)
stores, parses, exports, renders and edits the content; this file keeps the learner's journal, answers
the journal's handlers, publishes completion, grade and tracking events, and serves the staff view.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from xblock.fields import Dict, Scope, String

from xblocks.common import platform
from xblocks.common.base import P2PBlock, _, json_handler, rule_handler
from xblocks.common.handlers import csv_response
from xblocks.common.kind import BlockKind
from xblocks.common.platform import anonymous_user_id, course_key, student_item, username
from xblocks.common.rendering import XBLOCKS_DIR
from xblocks.common.rules import Refused

from . import model

SUBMISSION_MAX_CHARS = 100 * 1024  # edx-submissions' Submission.MAXSIZE: json.dumps of an answer
MAX_REQUEST_BYTES = 100_000  # a full 10,000-character entry as escaped JSON fits with room to spare
STAFF_CSV_COLUMNS = ("username", "prompt_id", "prompt", "words", "submitted_at", "text")
ONLY_STAFF = _("Only course staff can read shared entries.")

# A journal added in Studio starts from this, which the author then rewrites.
STARTER_JOURNAL = """<reflection_journal display_name="Pause and reflect">
  <prompt id="reflection">What stood out for you here, and what will you try with the families you work with?</prompt>
</reflection_journal>"""


class ReflectionJournalBlock(P2PBlock):
    """Private reflection prompts with autosave, versions and a whole-course journal."""

    block_kind = BlockKind(
        tag=model.TAG, model=model, folder=XBLOCKS_DIR / "journal", name="journal", global_name="P2PJournal"
    )
    content_field = "definition"
    model_attributes = model.BLOCK_ATTRIBUTES + model.COURSE_ATTRIBUTES
    editor_source = "journal (Studio editor)"
    starter = STARTER_JOURNAL
    studio_label = _("Journal (OLX)")
    studio_help = _(
        "The prompts, with optional guidance, a section, a minimum of words and points. It is saved only when it has no problems."
    )
    not_saved = _("The journal was not saved:")
    max_request_bytes = MAX_REQUEST_BYTES

    display_name = String(display_name=_("Display name"), default=model.DEFAULT_DISPLAY_NAME, scope=Scope.settings)
    # The authored OLX (without url_name: the runtime names the block); see docs/journal.md.
    definition = String(default="", scope=Scope.content)

    # The learner's journal in this block, {"content": content snapshot, "state": model state, "sent":
    # marks}: Scope.user_state is one row per learner per block (Open edX's StudentModule), so saves to
    # different blocks never touch the same row and an instructor's state reset clears this block's
    # entries. The whole-course journal reads every journal block's row of this learner in the course
    # (platform.course_user_states; docs/decisions/0006-journal-state-per-block.md). The snapshot keeps
    # the journal readable when a block is not on the page or a prompt is gone.
    record = Dict(default={}, scope=Scope.user_state)

    has_custom_completion = True

    @property
    def has_score(self):
        return bool(self.points)

    @property
    def points(self) -> int:
        found = self.parsed().model
        return found.points if found else 0

    def max_score(self):
        return self.points or None

    def model(self) -> model.Journal:
        return self.content_model()

    # ------------------------------------------------------------ state

    def _content(self) -> dict:
        return self.view_content(self.content_model())

    def _record(self) -> dict:
        return self.record or {}

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
        marks = {pid: mark for pid, mark in dict(record.get("sent") or {}, **(sent or {})).items() if pid in current}
        self.record = dict(  # reassign: a Dict field saves only when set
            {"content": snapshot, "state": {"entries": entries}}, **({"sent": marks} if marks else {})
        )

    def _course_journal(self) -> list[dict]:
        """Every journal block's entries of this learner in this course, in course order where the
        runtime knows it (this block's own record as this request sees it)."""
        records = platform.course_user_states(self, "record")
        records[str(self.scope_ids.usage_id)] = self._record()
        items = []
        for record in records.values():
            if not isinstance(record, dict):
                continue
            content = record.get("content")
            if isinstance(content, dict) and content.get("prompts"):
                items += model.journal_entries(model.restore(record.get("state"), content), content)
        return items

    # ------------------------------------------------------------ view

    def view_data(self, found, content: dict) -> dict:
        return {
            "state": model.view_state(self._state(content), content),
            "staff": self.is_staff() and any(p["shared_with_staff"] for p in content["prompts"]),
        }

    # ------------------------------------------------------------ learner handlers

    def run_rule(self, handler: str, payload) -> dict:
        content = self._content()
        state = self._state(content)
        sent = None
        if handler == "save_drafts":
            payload, sent = self._newer_drafts(payload, content)
        if sent is not None and not payload["drafts"]:
            new_state, response = state, {}  # every draft asked about was overtaken already
        else:
            new_state, response = model.apply(handler, state, payload, content, self.rule_context())
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
        if handler == "submit":
            self._share_with_staff(new_state, state, response["prompt_id"], content)  # may refuse: nothing kept
        if new_state != state or sent:
            self._store(new_state, content, sent)
        if handler == "submit":
            self._after_submit(new_state, response, content)  # events only once everything is written
        return response

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

    state = rule_handler("state")
    save_draft = rule_handler("save_draft")
    # A leave-time save carries every prompt's draft.
    save_drafts = rule_handler(
        "save_drafts", max_bytes=lambda block: MAX_REQUEST_BYTES * max(1, len(block._content()["prompts"]))
    )
    submit = rule_handler("submit")
    journal = rule_handler("journal")

    def _after_submit(self, new_state: dict, response: dict, content: dict) -> None:
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
            self.publish("completion", {"completion": model.completion(new_state, content)})
        if response["score"]:
            self.publish("grade", {"value": response["score"]["earned"], "max_value": response["score"]["possible"]})

    # ------------------------------------------------------------ staff view (shared prompts only)

    def _share_item(self, student_id: str, prompt_id: str) -> dict:
        """Where a learner's shares of one prompt are kept in edx-submissions: a student item per prompt
        (item id `<usage id>#<prompt id>`), so the latest submission of each learner per item is that
        prompt's latest shared version and get_all_submissions lists it."""
        item = student_item(self, student_id, model.TAG)
        return dict(item, item_id=f"{item['item_id']}#{prompt_id}")

    def _share_with_staff(self, new_state: dict, old_state: dict, prompt_id: str, content: dict) -> None:
        """Hand what staff may read of the submitted prompt (model.staff_share: its latest version written
        while the prompt was shared, nothing private) to edx-submissions, where staff read it; each share
        is new submissions, in parts each within edx-submissions' answer limit, all or none written. Runs
        before the state is stored and any event is published: a failed share keeps and publishes nothing."""
        shared = model.staff_share(new_state, content).get(prompt_id)
        if shared is None or shared == model.staff_share(old_state, content).get(prompt_id) or self.in_preview:
            return
        from django.db import transaction
        from submissions import api as submissions

        item = self._share_item(anonymous_user_id(self), prompt_id)
        try:
            with transaction.atomic():
                now = datetime.now(UTC)  # one time for every part: the latest submission is the last part
                for answer in share_parts(username(self), prompt_id, shared):
                    submissions.create_submission(item, answer, submitted_at=now)
        except (submissions.SubmissionRequestError, submissions.SubmissionInternalError):
            raise Refused(_("The entry could not be shared with staff, so it was not saved; try again."), 409) from None

    def _shared_rows(self, content: dict) -> list[dict]:
        from submissions import api as submissions

        rows = []
        for prompt in content["prompts"]:
            if not prompt["shared_with_staff"]:  # a prompt made private later is never shown again
                continue
            item_id = self._share_item("", prompt["id"])["item_id"]
            for latest in submissions.get_all_submissions(course_key(self), item_id, model.TAG, read_replica=False):
                answer = self._whole_share(latest, prompt["id"])
                if answer is not None:
                    rows.append(
                        {
                            "username": answer["username"],
                            "prompt_id": prompt["id"],
                            "prompt": prompt["text"],
                            "words": model.word_count(answer["text"]),
                            "submitted_at": answer["at"],
                            "text": answer["text"],
                        }
                    )
        return sorted(rows, key=lambda r: (r["prompt_id"], r["username"]))

    def _whole_share(self, latest: dict, prompt_id: str) -> dict | None:
        """A learner's latest share of a prompt, its parts joined (the latest submission is its last part)."""
        from submissions import api as submissions

        answer = latest["answer"] if isinstance(latest["answer"], dict) else {}
        parts = answer.get("parts")
        if not isinstance(parts, int) or parts < 1 or answer.get("part") != parts:
            return None
        item = self._share_item(latest["student_id"], prompt_id)
        found = [latest] if parts == 1 else submissions.get_submissions(item, limit=parts)
        pieces = [
            s["answer"] for s in found if isinstance(s["answer"], dict) and s["answer"].get("share") == answer["share"]
        ]
        if sorted(p.get("part") for p in pieces) != list(range(1, parts + 1)):
            return None
        text = "".join(p["text"] for p in sorted(pieces, key=lambda p: p["part"]))
        return {"username": str(answer.get("username", "")), "at": str(answer.get("at", "")), "text": text}

    def _shared_prompt(self, payload, request, content: dict) -> str | None:
        """The shared prompt a staff request names, in the query string or the JSON body (None: all)."""
        prompt_id = request.GET.get("prompt_id") or (payload.get("prompt_id") if isinstance(payload, dict) else None)
        if prompt_id is None:
            return None
        prompt = next((p for p in content["prompts"] if p["id"] == prompt_id), None)
        if prompt is None or not prompt["shared_with_staff"]:
            raise Refused(_("This prompt is private: its entries are for the learner alone."), 403)
        return prompt_id

    @json_handler(requires="staff", refusal=ONLY_STAFF, methods=("GET", "POST"))
    def staff_entries(self, payload, request):
        content = self._content()
        prompt_id = self._shared_prompt(payload, request, content)
        return {"rows": [r for r in self._shared_rows(content) if prompt_id is None or r["prompt_id"] == prompt_id]}

    @json_handler(requires="staff", refusal=ONLY_STAFF, methods=("GET", "POST"))
    def staff_csv(self, payload, request):
        content = self._content()
        self._shared_prompt(payload, request, content)
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


def share_parts(user: str, prompt_id: str, shared: dict, limit: int = SUBMISSION_MAX_CHARS) -> list[dict]:
    """One share as edx-submissions answers, each within `limit` as edx-submissions measures it (json.dumps,
    so escaped): a full entry of characters JSON escapes (12 characters for an emoji) needs two."""
    share = uuid.uuid4().hex
    base = {"username": user, "prompt_id": prompt_id, "at": shared["at"], "share": share, "part": 0, "parts": 0}
    room = limit - len(json.dumps(dict(base, text=""))) - 10  # part and parts grow by a few digits
    chunks, current, size = [], [], 0
    for char in shared["text"]:
        width = len(json.dumps(char)) - 2
        if size + width > room:
            chunks.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    chunks.append("".join(current))
    return [dict(base, part=n, parts=len(chunks), text=chunk) for n, chunk in enumerate(chunks, start=1)]
