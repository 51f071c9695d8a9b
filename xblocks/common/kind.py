"""What a block kind is, in one descriptor: the builder, the player and the XBlock base read it here.

A block is registered once, as an `xblock.v1` entry point (pyproject.toml) naming its XBlock class;
the class carries its `BlockKind` as `block_kind`. Nothing else lists the blocks: the builder finds a
tag's model, template, script, style and script global through `kind(tag)`.

A block's model module offers the same small interface (docs/architecture.md):

    TAG: str
    parse(element, source) -> (model or None, [Problem])   # parse + validate, all problems located
    serialize(model) -> lxml element                       # parse(serialize(m)) == m
    view_content(model) -> dict                            # JSON-safe content the block script needs
    static_files(model) -> [str]                           # course static files the block refers to
    rules_content(model) -> content                        # what the rules below read
    restore(saved, content) -> state                       # a saved state made valid for this content
    apply(handler, state, payload, content, ctx) -> (state, response)   # raises rules.Refused
    report(state, content, block_id) -> {completed, score, interactions}  # what an LMS records

The script's `rules` (P2PStore.rules) has the same restore, apply and report; the shared vectors
(tests/vectors/README.md) hold the two equal. ctx is rules.Context: {"now": ...}.
"""

from __future__ import annotations

import contextlib
import functools
import io
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from importlib.metadata import EntryPoints, entry_points
from pathlib import Path
from types import ModuleType
from typing import Any

ENTRY_POINT_GROUP = "xblock.v1"


@dataclass(frozen=True)
class BlockKind:
    """One block kind: everything a runtime needs to show it, that is not the content itself."""

    tag: str  # the OLX tag and the entry point's name
    model: ModuleType  # the block's model module (lxml only, no XBlock import)
    folder: Path  # the block's package folder, holding templates/ and static/
    name: str  # short name: static/<name>.js, static/<name>.css, translations/<lang>/LC_MESSAGES/<name>.po
    global_name: str  # the script's global (window.P2PRoleplay); the Open edX initializer is <global>Init
    # Why a SCORM package cannot play a model (a message for the author), or None when it can.
    scorm_refusal: Callable[[Any], str | None] | None = None
    # Open edX renders this kind with its own block (problems): no XBlock of ours, the OLX export keeps
    # the author's form, and only the builder and the offline player use the descriptor (ADR 0003).
    rendered_by_platform: bool = False
    # Scripts in static/ that only the Open edX view loads, after `script`: the interface of modes a
    # SCORM package refuses (the rubric's trainer mode), so packages do not carry them.
    lms_only_scripts: tuple[str, ...] = ()

    @property
    def template(self) -> str:
        """The student view's template name for `xblocks.common.rendering.render`."""
        return template_name(self.folder / "templates" / "student_view.html")

    @property
    def script(self) -> Path:
        return self.folder / "static" / f"{self.name}.js"

    @property
    def lms_scripts(self) -> tuple[Path, ...]:
        """Every script the Open edX view loads, in order: `script`, then the Open edX-only ones."""
        return (self.script, *(self.folder / "static" / name for name in self.lms_only_scripts))

    @property
    def style(self) -> Path:
        return self.folder / "static" / f"{self.name}.css"

    @property
    def i18n_domain(self) -> str:
        """The catalogue file (`<domain>.po`) that holds this block's interface strings."""
        return self.name

    def refuses_scorm(self, model: Any) -> str | None:
        return self.scorm_refusal(model) if self.scorm_refusal else None


def template_name(path: Path) -> str:
    """A template's name for the shared Jinja environment: relative to xblocks/ for our blocks,
    the absolute path for a block installed from another package."""
    from .rendering import XBLOCKS_DIR

    try:
        return path.relative_to(XBLOCKS_DIR).as_posix()
    except ValueError:
        return path.resolve().as_posix()


# Kinds Open edX itself renders, which therefore have no xblock.v1 entry point of ours: the tag and
# the module holding their `block_kind`. Registering them here keeps them out of the LMS's XBlocks.
PLATFORM_KINDS = {"problem": "xblocks.problem"}


def _platform_kind(tag: str) -> BlockKind | None:
    module = PLATFORM_KINDS.get(tag)
    return _kind_of(import_module(module)) if module else None


def _kind_of(loaded: object) -> BlockKind | None:
    found = getattr(loaded, "block_kind", None)
    return found if isinstance(found, BlockKind) else None


def _entry_points() -> EntryPoints:
    return entry_points(group=ENTRY_POINT_GROUP)


@functools.cache
def kind(tag: str) -> BlockKind | None:
    """The kind registered for an OLX tag, or None when the tag is not a block of ours (a built-in
    component, or an XBlock without a descriptor). An import error of the block itself propagates."""
    if tag in PLATFORM_KINDS:
        return _platform_kind(tag)
    for point in _entry_points():
        if point.name == tag:
            found = _kind_of(point.load())
            if found is not None and found.tag != tag:
                raise ValueError(f"entry point {tag} = {point.value} carries the kind of <{found.tag}>")
            return found
    return None


def known(tag: str) -> BlockKind:
    """The kind of a tag the caller already knows is a block of ours (LookupError otherwise)."""
    found = kind(tag)
    if found is None:
        raise LookupError(f"<{tag}> is not an installed block kind")
    return found


@functools.cache
def _all_kinds() -> tuple[BlockKind, ...]:
    found = []
    for point in _entry_points():
        try:
            with contextlib.redirect_stdout(io.StringIO()):  # some XBlocks print warnings on import
                loaded = point.load()
        except Exception:  # another package's XBlock that cannot load here is not ours to judge
            continue
        block_kind = _kind_of(loaded)
        if block_kind is not None and block_kind.tag == point.name:
            found.append(block_kind)
    return tuple(sorted(found, key=lambda k: k.tag))


def block_kinds() -> dict[str, BlockKind]:
    """Every installed XBlock kind of ours, by tag (kinds the platform renders, such as problem, are
    found with kind(tag) but are not XBlocks)."""
    return {k.tag: k for k in _all_kinds()}


def block_tags() -> list[str]:
    return sorted(block_kinds())


def clear_cache() -> None:
    """Forget what was discovered (after a package is installed or an entry point added)."""
    kind.cache_clear()
    _all_kinds.cache_clear()
