"""Interface strings in English and Spanish.

The catalogues are gettext `.po` files under `xblocks/translations/<lang>/LC_MESSAGES/`, one per
part (roleplay.po, journal.po, rubric.po, player.po, ...) so that parts never edit the same file.
They are read with Babel at first use; no compile step, so a fresh clone works as it is.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from pathlib import Path

from babel.messages.pofile import read_po
from babel.support import Translations

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
DEFAULT_LANGUAGE = "en"
SUPPORTED_LANGUAGES = ("en", "es")


def _(text: str) -> str:
    """Marks an interface string (tests/test_translations.py finds it); it is translated where it is
    shown, with `gettext(text, lang)` in the user's language, never at import time."""
    return text


def normalize_language(code: str | None) -> str:
    """'es-419', 'es_MX', 'ES' -> 'es'; anything unsupported -> 'en'."""
    base = (code or "").replace("_", "-").split("-")[0].lower()
    return base if base in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE


@functools.cache
def catalogue(lang: str) -> dict[str, str]:
    """msgid -> translated text for a language (empty for English, whose msgids are the text)."""
    lang = normalize_language(lang)
    folder = TRANSLATIONS_DIR / lang / "LC_MESSAGES"
    strings: dict[str, str] = {}
    for po_file in sorted(folder.glob("*.po")):
        with po_file.open("rb") as handle:
            for message in read_po(handle, locale=lang):
                # Singular messages only (a plural one's id and string are tuples; no catalogue has one).
                if (
                    message.id
                    and message.string
                    and not message.fuzzy
                    and isinstance(message.id, str)
                    and isinstance(message.string, str)
                ):
                    strings[message.id] = message.string
    return strings


class _CatalogueTranslations(Translations):
    """A gettext translations object backed by `catalogue()` (what Jinja's i18n extension wants)."""

    def __init__(self, lang: str):
        super().__init__()
        self._strings = catalogue(lang)

    def gettext(self, message: str) -> str:
        return self._strings.get(message, message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:  # gettext's names: singular, plural
        return self.gettext(msgid1 if n == 1 else msgid2)

    ugettext = gettext
    ungettext = ngettext


@functools.cache
def translations(lang: str) -> Translations:
    return _CatalogueTranslations(normalize_language(lang))


def gettext(text: str, lang: str) -> str:
    return catalogue(lang).get(text, text)


def js_catalogue(lang: str, msgids: Iterable[str]) -> dict[str, str]:
    """The translations a script needs, keyed by English text (the script falls back to the key)."""
    strings = catalogue(lang)
    return {msgid: strings[msgid] for msgid in msgids if msgid in strings}


# Scripts mark interface strings as t("English text") (a double-quoted literal, nothing else),
# so the strings a script needs can be read off the script itself.
_SCRIPT_STRING = re.compile(r'\bt\("((?:[^"\\]|\\.)*)"')


@functools.cache
def script_msgids(script_path: str) -> tuple[str, ...]:
    text = Path(script_path).read_text(encoding="utf-8")
    return tuple(sorted({json.loads(f'"{raw}"') for raw in _SCRIPT_STRING.findall(text)}))


def script_catalogue(lang: str, *script_paths: str | Path) -> dict[str, str]:
    """The translations the given scripts need, for `data.i18n` (English -> {} : keys are the text)."""
    msgids = [m for path in script_paths for m in script_msgids(str(path))]
    return js_catalogue(lang, msgids)
