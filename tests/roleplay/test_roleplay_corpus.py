"""A corpus of broken scenarios: each is refused with its file, line and a message saying what to fix."""

from pathlib import Path

import pytest
from lxml import etree

from xblocks.roleplay import model

BROKEN = Path(__file__).parent / "data" / "broken"

# file -> (line, message) of the problem the file was written to show; other problems may follow
# from it (an unknown next scene also leaves the ending unreachable), and are allowed.
EXPECTED = {
    "unknown_next.xml": (4, "choice 'go' leads to unknown scene 'middle'"),
    "unreachable_scene.xml": (6, "scene 'orphan' cannot be reached from the start scene 'start'"),
    "scene_without_choices.xml": (7, "scene 'stuck' has no choices and is not an ending"),
    "no_way_to_an_ending.xml": (7, "no ending can be reached from scene 'circle-a'"),
    "duplicate_scene_id.xml": (6, "duplicate scene or ending id 'start'"),
    "duplicate_choice_id.xml": (5, "duplicate choice id 'go'"),
    "unknown_dimension.xml": (4, "choice 'go' gives points to unknown dimension 'equity'"),
    "unknown_persona.xml": (6, "speaker 'perz' is not a persona"),
    "unknown_interpreter.xml": (5, "translation by 'reyes' is not a persona"),
    "empty_choice_text.xml": (5, "text of choice 'go' is empty"),
    "missing_feedback.xml": (4, "choice 'go' has no <feedback>"),
    "bad_points.xml": (5, "points item 'respect:two' is not dimension:number"),
    "unknown_start.xml": (1, 'start="begin" names no scene'),
    "not_well_formed.xml": (4, "the XML is not well-formed: xmlParseEntityRef: no name"),
    "misspelled_element.xml": (4, "unexpected <choise> inside <scene>"),
    "portrait_without_alt.xml": (3, "persona 'perez' has a portrait without portrait_alt"),
    "ending_without_debrief.xml": (6, "ending 'end' has no <debrief>"),
    "dimension_never_scored.xml": (3, "no route earns points for dimension 'advocacy'"),
    "bad_keep.xml": (1, 'keep="average" is not allowed'),
    "choices_in_an_ending.xml": (8, "unexpected <choice> inside <ending>"),
    "wrong_root.xml": (1, "expected <scenario_roleplay>, found <scenario>"),
    "loose_text.xml": (4, "<choice> has loose text"),
    "unknown_variable.xml": (27, "choice 'thank' if=\"trusted >= 2\": unknown variable 'trusted' (at character 1)"),
    "bad_condition.xml": (24, "choice 'call-again' if=\"not interpreter and\": the condition ends too early"),
    "bad_effect.xml": (12, "choice 'son' set=\"trust--\": 'trust--' is not an effect"),
    "condition_never_holds.xml": (27, "choice 'thank': if=\"trust >= 5\" never holds on any route"),
    "ending_never_reached.xml": (34, "ending 'partner' is never reached: the conditions on the way to it never hold"),
    "no_choice_offered.xml": (16, "in scene 'meeting', when interpreter is false and trust is 0, no choice is offered"),
    "tiers_incoherent.xml": (
        34,
        "a route into 'partner' (tier best) can score 3 while a route into 'poor' (tier poor) can score 5",
    ),
}


def test_the_corpus_is_complete():
    assert sorted(p.name for p in BROKEN.glob("*.xml")) == sorted(EXPECTED)
    assert len(EXPECTED) >= 10


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_scenario_is_refused_where_it_is_broken(name):
    path = BROKEN / name
    source = f"scenario_roleplay/{name}"
    scenario, problems = model.parse_text(path.read_text(encoding="utf-8"), source)
    assert scenario is None
    line, message = EXPECTED[name]
    matching = [p for p in problems if p.message.startswith(message)]
    assert matching, f"{name}: no problem starting {message!r} in {[str(p) for p in problems]}"
    problem = matching[0]
    assert (problem.file, problem.line) == (source, line)
    assert problem.fix, f"{name}: the problem does not say how to fix it"
    assert str(problem).startswith(f"{source}:{line}: {message}")


@pytest.mark.parametrize("name", sorted(set(EXPECTED) - {"not_well_formed.xml"}))
def test_parse_from_a_file_gives_the_same_lines(name):
    """The builder parses elements read from course files; lines must match the text parser's."""
    path = BROKEN / name
    _, from_text = model.parse_text(path.read_text(encoding="utf-8"), str(path))
    _, from_file = model.parse(etree.parse(str(path)).getroot(), str(path))
    assert from_file == from_text


def test_bad_attribute_values_are_each_reported():
    _, problems = model.parse_text((BROKEN / "bad_keep.xml").read_text(encoding="utf-8"), "bad_keep.xml")
    assert [p.message for p in problems] == [
        'keep="average" is not allowed',
        'max_attempts="two" is not a number of zero or more',
    ]


def test_a_variable_set_but_never_read_is_a_warning_not_a_refusal():
    text = (BROKEN.parent.parent.parent / "vectors" / "roleplay" / "scenarios" / "memory.xml").read_text(
        encoding="utf-8"
    )
    text = text.replace('<counter id="trust"', '<flag id="noted">Notes taken.</flag>\n  <counter id="trust"', 1)
    text = text.replace('set="trust-=1"', 'set="trust-=1 noted=true"', 1)
    scenario, problems = model.parse_text(text, "memory.xml")
    assert problems == []
    assert [(w.line, w.message) for w in scenario.warnings] == [(5, "flag 'noted' is set but no condition reads it")]
    assert scenario.warnings[0].fix
