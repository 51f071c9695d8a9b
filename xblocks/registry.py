"""OLX tag -> the block's model module, so the builder parses a block exactly as the XBlock does.

Every model module offers the same small interface:

    TAG: str
    parse(element, source) -> (model or None, [Problem])   # parse + validate, all problems located
    serialize(model) -> lxml element                       # parse(serialize(m)) == m
    view_content(model) -> dict                            # JSON-safe content the block script needs
    static_files(model) -> [str]                           # course static files the block refers to
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

BLOCK_MODEL_MODULES = {
    "scenario_roleplay": "xblocks.roleplay.model",
    "reflection_journal": "xblocks.journal.model",
    "facilitation_rubric": "xblocks.rubric.model",
}


def block_tags() -> list[str]:
    return sorted(BLOCK_MODEL_MODULES)


def model_module(tag: str) -> ModuleType | None:
    """The model module for a custom block tag, or None if the tag is not one of ours."""
    name = BLOCK_MODEL_MODULES.get(tag)
    return import_module(name) if name else None
