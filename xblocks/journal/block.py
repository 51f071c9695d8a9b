"""The reflection_journal XBlock (Open edX and the xblock-sdk workbench)."""
from xblock.core import XBlock


class ReflectionJournalBlock(XBlock):
    """Private reflection prompts with autosave, versions and a whole-course journal."""
