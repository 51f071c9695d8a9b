"""The scenario_roleplay XBlock (built out in the following commits)."""
from xblock.core import XBlock


class ScenarioRoleplayBlock(XBlock):
    """A branching role-play scored on partnership dimensions."""
