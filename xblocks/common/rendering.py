"""One Jinja environment per language for every template of the blocks and the SCORM player.

StrictUndefined: a missing variable is an error, never an empty string. Autoescape is on for
everything, so learner text is escaped wherever a template shows it.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .i18n import normalize_language, translations

XBLOCKS_DIR = Path(__file__).resolve().parent.parent
BUILDER_DIR = XBLOCKS_DIR.parent / "builder"


def _template_dirs() -> list[str]:
    """Each block's templates/ folder (templates are named '<block>/<file>') and the player's."""
    return [str(XBLOCKS_DIR), str(BUILDER_DIR / "player")]


class _InstalledBlockLoader(jinja2.BaseLoader):
    """Templates of blocks installed from other packages, named by absolute path (`kind.template_name`)."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        path = Path(template)
        if not path.is_absolute() or not path.is_file():
            raise jinja2.TemplateNotFound(template)
        mtime = path.stat().st_mtime
        return path.read_text(encoding="utf-8"), str(path), lambda: path.stat().st_mtime == mtime


def _json_for_script(value: object) -> Markup:
    """JSON safe to place inside <script> (no '</' or '<!--' can end or confuse the element)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


@functools.cache
def environment(lang: str = "en") -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(_template_dirs()), _InstalledBlockLoader()]),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]  # the i18n extension adds it
    env.filters["script_json"] = _json_for_script
    env.globals["lang"] = normalize_language(lang)
    return env


def render(template: str, lang: str = "en", **context: Any) -> str:
    """Render e.g. 'roleplay/templates/student_view.html' in a language."""
    return environment(normalize_language(lang)).get_template(template).render(**context)


def static_text(relative: str) -> str:
    """The text of a static asset under xblocks/ (e.g. 'roleplay/static/roleplay.js')."""
    return (XBLOCKS_DIR / relative).read_text(encoding="utf-8")
