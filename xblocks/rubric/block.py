"""The facilitation_rubric XBlock (Open edX and the xblock-sdk workbench).

Self and calibration modes run the rules of `model.py` (twin of `P2PRubric.rules` in rubric.js).
Trainer mode is server-only: candidates request certification through edx-submissions, trainers
(course staff) assess them, and the score is set on the candidate's submission, so the grade lands
on the candidate, the way staff-graded blocks such as edx-sga do it.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree
from web_fragments.fragment import Fragment
from webob import Response
from xblock.core import XBlock
from xblock.exceptions import JsonHandlerError
from xblock.fields import Dict, Integer, List, Scope, String

from xblocks.common.handlers import csv_response, json_body, json_response, utc_now
from xblocks.common.i18n import gettext, script_catalogue
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

SCRIPT = XBLOCKS_DIR / "rubric" / "static" / "rubric.js"
STUDIO_SCRIPT = XBLOCKS_DIR / "rubric" / "static" / "rubric-studio.js"
EDITOR_SOURCE = "rubric (Studio editor)"
SCENARIOS = Path(__file__).resolve().parent / "templates" / "scenarios"
MAX_REQUEST_BYTES = 100_000  # every note at its limit, as escaped JSON, fits with room to spare


def _(text: str) -> str:
    """An interface string in the current user's language (English when no language is active)."""
    return gettext(text, current_language())


def _error(message: str, status: int) -> Response:
    return json_response({"error": message}, status)


def _grade_points(total, max_total) -> tuple[int, int]:
    """Whole points for edx-submissions (it stores integers): hundredths when a weight has decimals."""
    total_h, max_h = round(total * 100), round(max_total * 100)
    if total_h % 100 == 0 and max_h % 100 == 0:
        return total_h // 100, max_h // 100
    return total_h, max_h


@XBlock.wants("user")
class FacilitationRubricBlock(XBlock):
    """A rubric for facilitated IEP meetings: self-assessment, rater calibration, trainer certification."""

    block_kind = BlockKind(
        tag=model.TAG,
        model=model,
        folder=XBLOCKS_DIR / "rubric",
        name="rubric",
        global_name="P2PRubric",
        scorm_refusal=model.scorm_refusal,
    )

    display_name = String(display_name=_("Display name"), default="Facilitation rubric", scope=Scope.settings)
    definition = String(
        default="",
        scope=Scope.content,
        help=_("The rubric's OLX: levels, criteria, pass rule, samples (see docs/rubric.md)."),
    )

    # Learner state in self and calibration modes, the model's {r, n, s, a} (self) or {r, a, f, p} (calibration).
    ratings = Dict(default={}, scope=Scope.user_state)
    notes = Dict(default={}, scope=Scope.user_state)
    submitted = Integer(default=0, scope=Scope.user_state)
    attempts = Integer(default=0, scope=Scope.user_state)
    first_ratings = Dict(default={}, scope=Scope.user_state)  # calibration: what is graded, never replaced
    submitted_samples = List(default=[], scope=Scope.user_state)  # calibration: shown with the key now

    # Trainer mode: every assessment ever made, shared by all users of this block so trainers and
    # candidates read the same record: {candidate student id: [assessment, ...]} (append-only).
    certification_records = Dict(default={}, scope=Scope.user_state_summary)

    has_score = True
    has_custom_completion = True
    icon_class = "problem"

    # ------------------------------------------------------------ OLX

    @classmethod
    def parse_xml(cls, node, runtime, keys):
        source = node.getroottree().docinfo.URL or model.TAG
        block = runtime.construct_xblock_from_class(cls, keys)
        rubric, problems = model.parse(take_platform_attributes(block, node, model.ROOT_ATTRIBUTES), source)
        if problems:
            raise ValueError("\n".join(str(p) for p in problems))
        block._set_rubric(rubric)
        return block

    def _set_rubric(self, rubric: model.Rubric) -> None:
        # The runtime owns url_name (it names the block in the course); the definition keeps the rest.
        self.display_name = rubric.display_name
        self.definition = etree.tostring(model.serialize(dataclasses.replace(rubric, url_name="")), encoding="unicode")

    def add_xml_to_node(self, node):
        element = model.serialize(self.model())
        node.tag = element.tag
        node.attrib.update(element.attrib)
        for child in element:
            node.append(child)
        add_platform_attributes(self, node, model.ROOT_ATTRIBUTES)

    def model(self) -> model.Rubric:
        # A block added in Studio starts from the self-check example, ready to edit.
        definition = self.definition or (SCENARIOS / "self_check.xml").read_text(encoding="utf-8")
        rubric, problems = model.parse(etree.fromstring(definition.encode("utf-8")), model.TAG)
        if problems:  # parse_xml refused it already; reaching here means the stored field was edited by hand
            raise ValueError("\n".join(str(p) for p in problems))
        return dataclasses.replace(rubric, url_name="", display_name=self.display_name or rubric.display_name)

    def max_score(self):
        return model.max_score(self._content())

    # ------------------------------------------------------------ identity and state

    def _block_id(self) -> str:
        return re.sub(r"[^A-Za-z0-9_-]", "_", str(self.scope_ids.usage_id))

    def _content(self) -> dict:
        content = model.view_content(self.model())
        content["id"] = content["id"] or self._block_id()
        return content

    def _student_item(self, student_id: str) -> dict:
        return student_item(self, student_id, model.TAG)

    def _state(self, content: dict) -> dict:
        saved = {"r": self.ratings, "n": self.notes, "s": self.submitted, "a": self.attempts}
        if self.first_ratings or self.submitted_samples:
            saved.update(f=self.first_ratings, p=self.submitted_samples)
        return model.restore(saved, content)

    def _store(self, state: dict) -> None:
        self.ratings, self.attempts = state["r"], state["a"]
        if "f" in state:  # calibration
            self.first_ratings, self.submitted_samples, self.submitted = state["f"], state["p"], 0
        else:
            self.notes, self.submitted = state["n"], state["s"]

    # ------------------------------------------------------------ view

    def student_view(self, context=None):
        lang = current_language()
        content = self._content()
        block_id = self._block_id()
        html = render(
            "rubric/templates/student_view.html",
            lang,
            block_id=block_id,
            content=model.learner_content(content),
            asset_url=lambda name: name,
        )
        fragment = Fragment(html)
        fragment.add_css(static_text("rubric/static/rubric.css"))
        fragment.add_javascript(static_text("common/static/p2p-store.js"))
        fragment.add_javascript(static_text("rubric/static/rubric.js"))
        data = {
            "content": model.learner_content(content),
            "state": self._view_state(content),
            "i18n": script_catalogue(lang, SCRIPT),
            "lang": lang,
        }
        if content["mode"] == "trainer" and user_is_staff(self):
            data["csv_url"] = self.runtime.handler_url(self, "certification_csv")
        # Init args go into a <script> element as plain JSON, where learner text holding "</script>"
        # would end the element; this string has no "<" at all.
        fragment.initialize_js("P2PRubricInit", {"json": str(environment(lang).filters["script_json"](data))})
        return fragment

    def _view_state(self, content: dict) -> dict:
        if content["mode"] == "trainer":
            return self._trainer_state(content)
        return model.view(self._state(content), content)

    # ------------------------------------------------------------ requests

    @staticmethod
    def _payload(request):
        """(payload, None) or (None, error response) for a JSON POST."""
        if request.method != "POST":
            return None, _error("use POST", 405)
        if len(request.body) > MAX_REQUEST_BYTES:
            return None, _error(_("The request is too large."), 400)
        try:
            return json_body(request.body), None
        except ValueError:
            return None, _error(_("The request is not JSON."), 400)

    def _run(self, request, handler: str) -> Response:
        payload, refusal = self._payload(request)
        if refusal:
            return refusal
        content = self._content()
        if content["mode"] == "trainer" and handler == "state":
            return json_response(self._trainer_state(content))
        state = self._state(content)
        try:
            new_state, response = model.apply(handler, state, payload, content)
        except model.Refused as refused:
            return _error(refused.text(_), refused.status)
        if new_state != state:
            self._store(new_state)
        if handler == "submit":
            self._publish_result(response)
        return json_response(response)

    def _publish_result(self, response: dict) -> None:
        if response["mode"] == "calibration":
            # Only the first submission of each graded sample counts; practice leaves the grade as it was.
            if response["grade"] is None:
                return
            earned, possible = response["grade"]["exact"], response["grade"]["ratings"]
        else:
            earned, possible = response["result"]["total"], response["result"]["max_total"]
        self.runtime.publish(self, "grade", {"value": earned, "max_value": possible})
        self.runtime.publish(self, "completion", {"completion": 1.0})

    @XBlock.handler
    def state(self, request, suffix=""):
        return self._run(request, "state")

    @XBlock.handler
    def save_draft(self, request, suffix=""):
        return self._run(request, "save_draft")

    @XBlock.handler
    def submit(self, request, suffix=""):
        return self._run(request, "submit")

    @XBlock.handler
    def revise(self, request, suffix=""):
        return self._run(request, "revise")

    # ------------------------------------------------------------ trainer mode: candidates

    def _records(self, student_id: str) -> list[dict]:
        return list(self.certification_records.get(student_id) or [])

    def _candidate_view(self, student_id: str, content: dict) -> dict:
        from submissions import api as submissions

        latest = next(iter(submissions.get_submissions(self._student_item(student_id), limit=1)), None)
        records = self._records(student_id)
        request = None
        if latest is not None:
            answer = latest["answer"] if isinstance(latest["answer"], dict) else {}
            request = {
                "submission": str(latest["uuid"]),
                "notes": answer.get("notes", ""),
                "recording_url": answer.get("recording_url", ""),
                "candidate": answer.get("candidate", ""),
                "requested_at": _iso(latest["submitted_at"]),
            }
        assessed = request is not None and any(r["submission"] == request["submission"] for r in records)
        score = submissions.get_score(self._student_item(student_id)) if latest is not None else None
        return {
            "candidate_id": student_id,
            "request": request,
            "status": "none" if request is None else "assessed" if assessed else "waiting",
            "assessments": records,
            "score": None if not score else {"earned": score["points_earned"], "possible": score["points_possible"]},
        }

    def _trainer_state(self, content: dict) -> dict:
        if user_is_staff(self):
            return {"mode": "trainer", "role": "trainer"}
        return {"mode": "trainer", "role": "candidate", **self._candidate_view(anonymous_user_id(self), content)}

    def _trainer_mode_refusal(self, content: dict) -> Response | None:
        if content["mode"] != "trainer":
            return _error(_("Certification requests belong to trainer-mode rubrics."), 400)
        return None

    @XBlock.handler
    def request_certification(self, request, suffix=""):
        """A candidate asks to be certified, with evidence notes and an optional recording link."""
        from submissions import api as submissions

        payload, refusal = self._payload(request)
        content = self._content()
        refusal = refusal or self._trainer_mode_refusal(content)
        if refusal:
            return refusal
        if user_is_staff(self):
            return _error(_("Trainers assess candidates; a trainer account cannot request certification here."), 403)
        student_id = anonymous_user_id(self)
        if self._candidate_view(student_id, content)["status"] == "waiting":
            return _error(_("Your request is waiting for a trainer; you can send a new one after it is assessed."), 409)
        try:
            evidence = model.checked_request(payload)
        except model.Refused as refused:
            return _error(refused.text(_), refused.status)
        submissions.create_submission(self._student_item(student_id), {**evidence, "candidate": username(self)})
        return json_response(self._trainer_state(content))

    # ------------------------------------------------------------ trainer mode: trainers

    def _staff_refusal(self, content: dict) -> Response | None:
        refusal = self._trainer_mode_refusal(content)
        if refusal:
            return refusal
        if not user_is_staff(self):
            return _error(_("Only trainers (course staff) can see and assess candidates."), 403)
        return None

    def _queue(self, content: dict) -> list[dict]:
        from submissions import api as submissions

        candidates = []
        for submission in submissions.get_all_submissions(
            course_key(self), str(self.scope_ids.usage_id), model.TAG, read_replica=False
        ):
            candidates.append(self._candidate_view(submission["student_id"], content))
        order = {"waiting": 0, "assessed": 1}
        return sorted(candidates, key=lambda c: (order.get(c["status"], 2), c["request"]["requested_at"]))

    @XBlock.handler
    def queue(self, request, suffix=""):
        payload, refusal = self._payload(request)
        content = self._content()
        refusal = refusal or self._staff_refusal(content)
        if refusal:
            return refusal
        return json_response({"candidates": self._queue(content)})

    @XBlock.handler
    def assess(self, request, suffix=""):
        """A trainer's assessment of one candidate's latest request: levels and feedback per criterion.
        It is added to the candidate's records (never replacing one) and scored on their submission."""
        from submissions import api as submissions

        payload, refusal = self._payload(request)
        content = self._content()
        refusal = refusal or self._staff_refusal(content)
        if refusal:
            return refusal
        payload = payload if isinstance(payload, dict) else {}
        candidate_id = payload.get("candidate_id")
        if not isinstance(candidate_id, str) or not candidate_id:
            return _error(_("Choose a candidate to assess."), 400)
        candidate = self._candidate_view(candidate_id, content)
        if candidate["request"] is None:
            return _error(_("This person has not requested certification."), 400)
        if payload.get("submission") != candidate["request"]["submission"]:
            return _error(_("The candidate sent a newer request; reload the queue and assess that one."), 409)
        if candidate_id == anonymous_user_id(self):
            return _error(_("You cannot assess your own request."), 403)
        try:
            assessment = model.checked_assessment(payload, content)
        except model.Refused as refused:
            return _error(refused.text(_), refused.status)
        result = assessment["result"]
        record = {
            "submission": candidate["request"]["submission"],
            "candidate": candidate["request"]["candidate"],
            "trainer": username(self),
            "date": utc_now(),
            "levels": assessment["levels"],
            "feedback": assessment["feedback"],
            "total": result["total"],
            "max_total": result["max_total"],
            "passed": result["passed"],
            "criteria": result["criteria"],
        }
        records = dict(self.certification_records)
        records[candidate_id] = self._records(candidate_id) + [record]
        self.certification_records = records  # reassign: a Dict field saves only when set
        earned, possible = _grade_points(result["total"], result["max_total"])
        submissions.set_score(candidate["request"]["submission"], earned, possible)
        return json_response({"candidate": self._candidate_view(candidate_id, content)})

    def _csv_rows(self, content: dict):
        labels = {level["id"]: level["label"] for level in content["levels"]}
        records = [r for rs in self.certification_records.values() for r in rs]
        for record in sorted(records, key=lambda r: (r["date"], r["candidate"])):
            yield (
                [record["candidate"], record["trainer"], record["date"]]
                + [labels.get(record["levels"].get(c["id"]), "") for c in content["criteria"]]
                + [record["total"], record["max_total"], _("yes") if record["passed"] else _("no")]
            )

    @XBlock.handler
    def certification_csv(self, request, suffix=""):
        """Every assessment of every candidate, one row each, for the trainers' records."""
        content = self._content()
        refusal = self._staff_refusal(content)
        if refusal:
            return refusal
        header = (
            [_("candidate"), _("trainer"), _("date")]
            + [c["label"] for c in content["criteria"]]
            + [_("total"), _("possible"), _("passed")]
        )
        return csv_response(header, self._csv_rows(content), f"{content['id']}-certifications.csv")

    # ------------------------------------------------------------ Studio

    def studio_view(self, context=None):
        lang = current_language()
        olx = etree.tostring(model.serialize(self.model()), encoding="unicode", pretty_print=True)
        html = render("rubric/templates/studio_view.html", lang, block_id=self._block_id() + "-studio", olx=olx)
        fragment = Fragment(html)
        fragment.add_css(static_text("rubric/static/rubric.css"))
        fragment.add_javascript(static_text("common/static/p2p-store.js"))
        fragment.add_javascript(static_text("rubric/static/rubric-studio.js"))
        fragment.initialize_js("P2PRubricStudioInit", {"i18n": script_catalogue(lang, STUDIO_SCRIPT)})
        return fragment

    @XBlock.json_handler
    def studio_submit(self, data, suffix=""):
        """Save edited OLX, or refuse it whole: the first line says so, each further line is a problem."""
        olx = data.get("olx") if isinstance(data, dict) else None
        if not isinstance(olx, str) or len(olx) > MAX_REQUEST_BYTES:
            raise JsonHandlerError(400, _("Send the rubric as OLX text."))
        try:
            element = etree.fromstring(olx.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
        except UnicodeEncodeError as error:  # a lone surrogate: JSON can carry it, no XML file can
            line = olx[: error.start].count("\n") + 1
            problems = [
                f"{EDITOR_SOURCE}:{line}: " + _("half of a character (a lone surrogate)") + " — " + _("retype it")
            ]
        except etree.XMLSyntaxError as error:
            problems = [f"{EDITOR_SOURCE}:{error.lineno}: {error.msg} — " + _("check that every tag is closed")]
        else:
            rubric, found = model.parse(element, EDITOR_SOURCE)
            problems = [str(p) for p in found]
        if problems:
            raise JsonHandlerError(400, "\n".join([_("The rubric was not saved:")] + problems))
        self._set_rubric(rubric)
        return {"saved": True, "display_name": rubric.display_name}

    @staticmethod
    def workbench_scenarios():
        return [
            (title, (SCENARIOS / name).read_text(encoding="utf-8"))
            for title, name in (
                ("Facilitation rubric: self-check", "self_check.xml"),
                ("Facilitation rubric: calibration", "calibration.xml"),
                ("Facilitation rubric: certification", "certification.xml"),
            )
        ]


def _iso(value) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value)
