"""The scenario_roleplay XBlock: a branching role-play scored on the dimensions the author names.

The scenario is kept as its authored XML (`data`) and read with `model.py`; the learner's state
lives in separate user_state fields and every request goes through the same rules as the
offline script (`model.handle`), so the server never trusts a score sent by a browser.
"""

from __future__ import annotations

import functools
import re

from lxml import etree
from web_fragments.fragment import Fragment
from xblock.completable import CompletableXBlockMixin
from xblock.core import XBlock
from xblock.exceptions import JsonHandlerError
from xblock.fields import Integer, List, Scope, String

from xblocks.common import platform
from xblocks.common.i18n import gettext, script_catalogue
from xblocks.common.kind import BlockKind
from xblocks.common.rendering import XBLOCKS_DIR, environment, render, static_text

from . import model

SCRIPT = XBLOCKS_DIR / "roleplay" / "static" / "roleplay.js"
STUDIO_SCRIPT = XBLOCKS_DIR / "roleplay" / "static" / "roleplay-studio.js"
REPO_ROOT = XBLOCKS_DIR.parent
WORKBENCH_SCENARIOS = (
    ("Role-play: Alfredo's IEP meeting with Ms. Pérez", "cultural_competency/scenario_roleplay/ms_perez.xml"),
    ("Role-play: facilitating Lucía's IEP meeting", "facilitation/scenario_roleplay/fac_ortiz_meeting.xml"),
    (
        "Role-play: Ms. Haddad and Sami's speech-language services",
        "conflict_resolution/scenario_roleplay/cr_haddad_services.xml",
    ),
)
EDITOR_SOURCE = "scenario.xml"
MAX_XML_CHARS = 500_000  # a studio save larger than this is refused, not parsed


# A new component starts from this short, complete scenario, which the author then rewrites.
STARTER_SCENARIO = """<scenario_roleplay display_name="Role-play: a first phone call" start="call">
  <dimension id="communication" label="Communication">Two-way exchanges in which the family is heard.</dimension>
  <persona id="parent" name="Parent" role="The student's parent"/>
  <scene id="call" title="The first call">
    <line speaker="parent">Hello? Is everything all right at school?</line>
    <choice id="ask" next="heard" points="communication:2">
      <text>Say that nothing is wrong, and ask what they would like you to know about their child.</text>
      <feedback>An open question, asked when nothing is wrong, starts the relationship on the family's knowledge.</feedback>
    </choice>
    <choice id="tell" next="unheard" points="communication:-1">
      <text>Explain the school's rules for the year and hang up.</text>
      <feedback>Information went one way only.</feedback>
    </choice>
  </scene>
  <ending id="heard" title="A conversation">
    <debrief>The family was asked, and heard.</debrief>
  </ending>
  <ending id="unheard" title="A notice by phone">
    <debrief>Try asking before telling.</debrief>
  </ending>
</scenario_roleplay>"""


def _(text: str) -> str:
    """Marks a string for translation; the block translates it with `gettext(text, lang)`."""
    return text


@functools.lru_cache(maxsize=32)
def _parsed(xml: str) -> tuple[model.Scenario | None, tuple]:
    scenario, problems = model.parse_text(xml, EDITOR_SOURCE)
    return scenario, tuple(problems)


def _problem_lines(problems) -> list[dict]:
    return [{"line": p.line, "message": p.message, "fix": p.fix, "text": str(p)} for p in problems]


def _warning_lines(scenario) -> list[dict]:
    """What the validator warns of in a valid scenario (saved anyway), in the problems' shape."""
    return _problem_lines(scenario.warnings) if scenario is not None else []


@XBlock.wants("user")  # Open edX tells who is course staff only through this service
class ScenarioRoleplayBlock(CompletableXBlockMixin, XBlock):
    """A branching role-play: scenes, personas, choices with feedback and points, endings with a debrief."""

    block_kind = BlockKind(
        tag=model.TAG, model=model, folder=XBLOCKS_DIR / "roleplay", name="roleplay", global_name="P2PRoleplay"
    )

    has_score = True
    icon_class = "problem"
    display_name = String(
        display_name=_("Display name"),
        default=_("Role-play"),
        scope=Scope.settings,
        help=_("The name learners see in the course outline."),
    )
    data = String(
        display_name=_("Scenario"),
        default=STARTER_SCENARIO,
        scope=Scope.content,
        help=_("The scenario in the scenario_roleplay XML format."),
    )

    route = List(default=[], scope=Scope.user_state, help="Choice ids from the start scene to the current scene.")
    via = String(default=None, scope=Scope.user_state, help="The choice that led to the current scene.")
    attempts = Integer(default=0, scope=Scope.user_state, help="Endings reached.")
    best_score = List(default=None, scope=Scope.user_state, help="[earned, possible] of the best attempt.")
    last_score = List(default=None, scope=Scope.user_state, help="[earned, possible] of the last attempt.")
    first_score = List(default=None, scope=Scope.user_state, help="[earned, possible] of the first attempt.")

    # -- content -------------------------------------------------------------------------------

    @property
    def scenario(self) -> model.Scenario:
        scenario, problems = _parsed(self.data)
        if scenario is None:
            raise ValueError("\n".join(str(p) for p in problems))
        return scenario

    @property
    def weight(self) -> float:
        """The author's weight for this block's grade (the platform multiplies the score by it)."""
        scenario, _problems = _parsed(self.data)
        return scenario.weight if scenario else 1.0

    def max_score(self):
        scenario, _problems = _parsed(self.data)
        return model.view_content(scenario)["possible"] if scenario else None

    @classmethod
    def parse_xml(cls, node, runtime, keys):
        block = runtime.construct_xblock_from_class(cls, keys)
        node = platform.take_platform_attributes(block, _detached(node), model.ROOT_ATTRIBUTES)
        node.attrib.pop("url_name", None)
        xml = etree.tostring(node, encoding="unicode")
        scenario, problems = _parsed(xml)
        if scenario is None:
            raise ValueError("scenario_roleplay: the scenario is not valid:\n" + "\n".join(str(p) for p in problems))
        block.data = xml
        block.display_name = scenario.display_name
        return block

    def add_xml_to_node(self, node):
        source = etree.fromstring(self.data.encode("utf-8"))
        node.tag = model.TAG
        for name, value in source.attrib.items():
            node.set(name, value)
        node.set("display_name", self.display_name)
        node.text = source.text
        for child in source:
            node.append(child)
        platform.add_platform_attributes(self, node, model.ROOT_ATTRIBUTES)

    # -- learner state -------------------------------------------------------------------------

    def _field(self, name: str):
        """A learner field's stored value, or None when the store holds something of the wrong type
        (restore() then treats it as absent instead of the block failing to load)."""
        try:
            return getattr(self, name)
        except (TypeError, ValueError):
            return None

    def _state(self) -> dict:
        saved = {
            "r": self._field("route"),
            "v": self._field("via"),
            "n": self._field("attempts"),
            "b": self._field("best_score"),
            "l": self._field("last_score"),
            "f": self._field("first_score"),
        }
        return model.restore(saved, self.scenario)

    def _store(self, state: dict) -> None:
        self.route, self.via, self.attempts = state["r"], state["v"], state["n"]
        self.best_score, self.last_score, self.first_score = state["b"], state["l"], state["f"]

    def _request(self, name: str, payload) -> dict:
        scenario, problems = _parsed(self.data)
        if scenario is None:
            raise JsonHandlerError(
                409,
                "this role-play's scenario has problems, so nothing was changed: "
                + "; ".join(str(p) for p in problems[:3]),
            )
        before = self._state()
        try:
            after, response = model.handle(name, before, payload, scenario)
        except model.Refused as refusal:
            raise JsonHandlerError(400, str(refusal)) from None
        if name != "state":
            self._store(after)
        for event_type, event in model.tracking_events(name, before, after, payload, scenario, self._usage_name()):
            self.runtime.publish(self, event_type, event)
        if after["n"] > before["n"]:
            kept = model.kept_score(after, scenario)
            self.runtime.publish(self, "grade", {"value": kept[0], "max_value": kept[1]})
            self.emit_completion(1.0)  # custom completion: complete at an ending, not on view
        return response

    @XBlock.json_handler
    def state(self, data, suffix=""):
        """Read-only: the learner's view state."""
        return self._request("state", data)

    @XBlock.json_handler
    def choose(self, data, suffix=""):
        return self._request("choose", data)

    @XBlock.json_handler
    def back(self, data, suffix=""):
        return self._request("back", data)

    @XBlock.json_handler
    def restart(self, data, suffix=""):
        return self._request("restart", data)

    # -- views ---------------------------------------------------------------------------------

    def _usage_name(self) -> str:
        """The block's url_name: the SCORM package names the block (and its interactions) by it."""
        return str(getattr(self.scope_ids.usage_id, "block_id", None) or self.scope_ids.usage_id)

    def _block_id(self) -> str:
        raw = str(getattr(self.scope_ids.usage_id, "block_id", None) or self.scope_ids.usage_id)
        return "p2p-rp-" + re.sub(r"[^A-Za-z0-9_-]", "-", raw)

    def student_view(self, context=None):
        lang = platform.current_language()
        scenario, problems = _parsed(self.data)
        if scenario is None:
            # Content that no longer validates (edited outside Studio): say so instead of failing the page.
            html = render(
                "roleplay/templates/unavailable.html",
                lang,
                block_id=self._block_id(),
                problems=[str(p) for p in problems] if platform.user_is_staff(self) else [],
            )
            return Fragment(html)
        content = model.view_content(scenario)
        html = render(
            "roleplay/templates/student_view.html",
            lang,
            block_id=self._block_id(),
            content=content,
            asset_url=lambda name: f"/static/{name}",
        )
        fragment = Fragment(html)
        fragment.add_css(static_text("roleplay/static/roleplay.css"))
        fragment.add_javascript(static_text("common/static/p2p-store.js"))
        fragment.add_javascript(static_text("roleplay/static/roleplay.js"))
        state = model.view(self._state(), scenario)
        data = {"content": content, "state": state, "lang": lang, "i18n": script_catalogue(lang, SCRIPT)}
        # The runtime writes init data into a <script> element: pass it as JSON with no '<' in it,
        # so no scenario text can close that element.
        fragment.initialize_js("P2PRoleplayInit", {"json": str(environment(lang).filters["script_json"](data))})
        return fragment

    def studio_view(self, context=None):
        lang = platform.current_language()
        html = render(
            "roleplay/templates/studio_view.html",
            lang,
            block_id=self._block_id() + "-studio",
            xml=self.data,
            problems=_problem_lines(_parsed(self.data)[1]),
            warnings=_warning_lines(_parsed(self.data)[0]),
        )
        fragment = Fragment(html)
        fragment.add_css(static_text("roleplay/static/roleplay.css"))
        fragment.add_javascript(static_text("roleplay/static/roleplay-studio.js"))
        fragment.initialize_js("P2PRoleplayStudioInit", {"i18n": script_catalogue(lang, STUDIO_SCRIPT)})
        return fragment

    def _xml_from(self, data) -> str:
        xml = data.get("xml") if isinstance(data, dict) else None
        if not isinstance(xml, str):
            raise JsonHandlerError(400, 'send the scenario as {"xml": "..."}')
        if len(xml) > MAX_XML_CHARS:
            raise JsonHandlerError(400, f"the scenario is longer than {MAX_XML_CHARS} characters")
        try:
            xml.encode("utf-8")
        except UnicodeEncodeError as error:  # a lone surrogate: JSON can carry it, no XML file can
            raise JsonHandlerError(
                400, f"character {error.start + 1} of the scenario is half of a character; retype it"
            ) from None
        return xml

    @XBlock.json_handler
    def validate(self, data, suffix=""):
        """Live validation for the editor: the model's problems, nothing saved."""
        scenario, problems = _parsed(self._xml_from(data))
        return {
            "valid": scenario is not None,
            "problems": _problem_lines(problems),
            "warnings": _warning_lines(scenario),
        }

    @XBlock.json_handler
    def studio_submit(self, data, suffix=""):
        """Save the scenario, or refuse it whole with the model's messages."""
        xml = self._xml_from(data)
        scenario, problems = _parsed(xml)
        if scenario is None:
            lang = platform.current_language()
            raise JsonHandlerError(
                400, gettext(_("The scenario was not saved:"), lang) + "\n" + "\n".join(str(p) for p in problems)
            )
        self.data = xml
        self.display_name = scenario.display_name
        return {"saved": True, "display_name": scenario.display_name, "warnings": _warning_lines(scenario)}

    @staticmethod
    def workbench_scenarios():
        """The course role-plays (read from the course folders), in the order of WORKBENCH_SCENARIOS."""
        found = [(title, REPO_ROOT / "courses" / path) for title, path in WORKBENCH_SCENARIOS]
        return [(title, path.read_text(encoding="utf-8")) for title, path in found if path.exists()]


def _detached(node):
    """A copy of the element with its tail removed (the block keeps only its own markup)."""
    detached = etree.fromstring(etree.tostring(node))
    detached.tail = None
    return detached
