"""The facilitation_rubric XBlock (Open edX runtime)."""
from __future__ import annotations

from xblock.core import XBlock
from xblock.fields import Scope, String


class FacilitationRubricBlock(XBlock):
    """A rubric for facilitated IEP meetings: self-assessment, calibration, trainer certification."""

    display_name = String(default="Facilitation rubric", scope=Scope.settings)
