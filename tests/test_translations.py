"""Every interface string has a Spanish translation: in scripts (t("...")), templates and Python (_("..."))."""

import re

import pytest
from support.browser import ROOT

from xblocks.common.i18n import catalogue, script_msgids

_UNDERSCORE_CALL = re.compile(r'\b_\(\s*"((?:[^"\\]|\\.)*)"\s*[,)]|\b_\(\s*\'((?:[^\'\\]|\\.)*)\'\s*[,)]')


def _sources(patterns):
    found = []
    for pattern in patterns:
        found += [p for p in ROOT.glob(pattern) if ".venv" not in p.parts and "node_modules" not in p.parts]
    return sorted(found)


SCRIPTS = _sources(["xblocks/*/static/*.js", "builder/player/static/*.js"])
MARKED_SOURCES = _sources(
    ["xblocks/*/templates/*.html", "builder/player/templates/*.html", "xblocks/**/*.py", "builder/**/*.py"]
)


def _marked_strings(path):
    text = path.read_text(encoding="utf-8")
    return {double or single for double, single in _UNDERSCORE_CALL.findall(text)}


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_script_strings_have_spanish(script):
    missing = [m for m in script_msgids(str(script)) if m not in catalogue("es")]
    assert not missing, f"{script.relative_to(ROOT)}: add Spanish for {missing} to xblocks/translations/es/LC_MESSAGES/"


@pytest.mark.parametrize("source", MARKED_SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_marked_strings_have_spanish(source):
    missing = sorted(m for m in _marked_strings(source) if m not in catalogue("es"))
    assert not missing, f"{source.relative_to(ROOT)}: add Spanish for {missing} to xblocks/translations/es/LC_MESSAGES/"


def test_the_checks_see_a_missing_translation(tmp_path):
    probe = tmp_path / "probe.js"
    probe.write_text('el.textContent = t("A sentence nobody translated, on purpose");')
    assert [m for m in script_msgids(str(probe)) if m not in catalogue("es")] == [
        "A sentence nobody translated, on purpose"
    ]
