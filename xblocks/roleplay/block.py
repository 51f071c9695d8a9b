"""The scenario_roleplay XBlock: a branching role-play scored on the dimensions the author names.

The scenario is kept as its authored XML and read with `model.py` (the shared base, `P2PBlock`, stores,
parses, exports, renders and edits it); the learner's state lives in separate user_state fields and
every request goes through the same rules as the offline script (`model.apply`), so the server never
trusts a score sent by a browser.
"""

from __future__ import annotations

from xblock.completable import CompletableXBlockMixin
from xblock.fields import Integer, List, Scope, String

from xblocks.common.base import P2PBlock, _, rule_handler
from xblocks.common.kind import BlockKind
from xblocks.common.rendering import XBLOCKS_DIR

from . import model

REPO_ROOT = XBLOCKS_DIR.parent
WORKBENCH_SCENARIOS = (
    ("Role-play: Alfredo's IEP meeting with Ms. Pérez", "cultural_competency/scenario_roleplay/ms_perez.xml"),
    ("Role-play: facilitating Lucía's IEP meeting", "facilitation/scenario_roleplay/fac_ortiz_meeting.xml"),
    (
        "Role-play: Ms. Haddad and Sami's speech-language services",
        "conflict_resolution/scenario_roleplay/cr_haddad_services.xml",
    ),
)


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


class ScenarioRoleplayBlock(CompletableXBlockMixin, P2PBlock):
    """A branching role-play: scenes, personas, choices with feedback and points, endings with a debrief."""

    block_kind = BlockKind(
        tag=model.TAG, model=model, folder=XBLOCKS_DIR / "roleplay", name="roleplay", global_name="P2PRoleplay"
    )
    content_field = "data"
    model_attributes = model.ROOT_ATTRIBUTES
    editor_source = "scenario.xml"
    starter = STARTER_SCENARIO
    studio_label = _("Scenario (XML)")
    studio_help = _("Edit the scenario below. It is checked as you type; it can only be saved when it has no problems.")
    not_saved = _("The scenario was not saved:")
    warnings_label = _("Warnings (the scenario can still be saved):")
    unavailable = _("This role-play cannot be shown because its scenario has problems. Please tell the course team.")

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
        scenario = self.parsed().model
        if scenario is None:
            raise ValueError("\n".join(str(p) for p in self.parsed().problems))
        return scenario

    @property
    def weight(self) -> float:
        """The author's weight for this block's grade (the platform multiplies the score by it)."""
        scenario = self.parsed().model
        return scenario.weight if scenario else 1.0

    def max_score(self):
        scenario = self.parsed().model
        return model.view_content(scenario)["possible"] if scenario else None

    # -- learner state -------------------------------------------------------------------------

    def _field(self, name: str):
        """A learner field's stored value, or None when the store holds something of the wrong type
        (restore() then treats it as absent instead of the block failing to load)."""
        try:
            return getattr(self, name)
        except (TypeError, ValueError):
            return None

    def _state(self, scenario: model.Scenario) -> dict:
        saved = {name: self._field(field) for name, field in STATE_FIELDS.items()}
        return model.restore(saved, scenario)

    def _store(self, state: dict) -> None:
        for name, field in STATE_FIELDS.items():
            setattr(self, field, state[name])

    def _usage_name(self) -> str:
        """The block's url_name: the SCORM package names the block (and its interactions) by it."""
        return str(getattr(self.scope_ids.usage_id, "block_id", None) or self.scope_ids.usage_id)

    def view_data(self, scenario, content: dict) -> dict:
        return {"state": model.view(self._state(scenario), scenario)}

    def run_rule(self, name: str, payload) -> dict:
        scenario = self.content_model()
        before = self._state(scenario)
        after, response = model.apply(name, before, payload, scenario, self.rule_context())
        if name != "state":
            self._store(after)
        for event_type, event in model.tracking_events(name, before, after, payload, scenario, self._usage_name()):
            self.runtime.publish(self, event_type, event)
        if after["n"] > before["n"]:
            kept = model.kept_score(after, scenario)
            self.publish("grade", {"value": kept[0], "max_value": kept[1]})
            self.publish("completion", {"completion": 1.0})  # custom completion: at an ending, not on view
        return response

    state = rule_handler("state")  # read-only: the learner's view state
    choose = rule_handler("choose")
    back = rule_handler("back")
    restart = rule_handler("restart")

    @staticmethod
    def workbench_scenarios():
        """The course role-plays (read from the course folders), in the order of WORKBENCH_SCENARIOS."""
        found = [(title, REPO_ROOT / "courses" / path) for title, path in WORKBENCH_SCENARIOS]
        return [(title, path.read_text(encoding="utf-8")) for title, path in found if path.exists()]


# The model's compact state keys and the user_state fields that keep them.
STATE_FIELDS = {"r": "route", "v": "via", "n": "attempts", "b": "best_score", "l": "last_score", "f": "first_score"}
