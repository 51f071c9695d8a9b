"""The problem subset: parsing and located checks, SCORM refusals, the report (the shared vectors run in
tests/test_rules_vectors.py and tests/rules.test.js)."""

from pathlib import Path

import pytest
from lxml import etree

from xblocks.problem import model

HERE = Path(__file__).resolve().parent
VECTORS = HERE.parent / "vectors" / "problem"


def parse(xml: str):
    return model.parse(etree.fromstring(xml.strip().encode()), "problem/q.xml")


def problems_of(xml: str) -> list[str]:
    parsed, problems = parse(xml)
    assert parsed is None
    return [str(p) for p in problems]


def content_of(name: str) -> dict:
    """A fixture problem's content as model.py gives it (tests/vectors/problem/problems/)."""
    path = VECTORS / "problems" / name
    parsed, problems = model.parse(etree.parse(str(path)).getroot(), path.name)
    assert problems == [], problems
    return model.view_content(parsed)


SINGLE = """
<problem display_name="q">
  <multiplechoiceresponse>
    <label>Question?</label>
    <choicegroup type="MultipleChoice">
      <choice correct="{a}">A</choice>
      <choice correct="{b}">B</choice>
    </choicegroup>
  </multiplechoiceresponse>
</problem>"""


def test_single_choice_without_a_correct_answer_is_located():
    assert problems_of(SINGLE.format(a="false", b="false")) == [
        'problem/q.xml:4: no choice is correct — mark the right choice with correct="true"'
    ]


def test_single_choice_with_two_correct_answers_is_located():
    (problem,) = problems_of(SINGLE.format(a="true", b="true"))
    assert problem.startswith("problem/q.xml:4: 2 choices are correct in a single-choice question — ")
    assert "<choiceresponse>" in problem


def test_unknown_response_type_and_missing_label_are_located():
    found = problems_of(
        """<problem>
  <fooresponse answer="1"/>
  <stringresponse answer="x"><textline/></stringresponse>
</problem>"""
    )
    assert found[0].startswith("problem/q.xml:2: <fooresponse> is not an Open edX response type — ")
    assert found[1].startswith("problem/q.xml:3: <stringresponse> has no <label> — ")


@pytest.mark.parametrize(
    ("xml", "expected"),
    [
        ('<problem max_attempts="0"><p/></problem>', 'max_attempts="0" is not a whole number of 1 or more'),
        ('<problem weight="heavy"><p/></problem>', 'weight="heavy" is not a number of 0 or more'),
        ('<problem showanswer="sometimes"><p/></problem>', 'showanswer="sometimes" is not an Open edX value'),
        (
            '<problem><choiceresponse partial_credit="most"><label>Q</label><checkboxgroup>'
            '<choice correct="true">a</choice><choice correct="false">b</choice></checkboxgroup>'
            "</choiceresponse></problem>",
            'partial_credit="most" is not one of false, edc, halves',
        ),
        (
            '<problem><choiceresponse><label>Q</label><checkboxgroup><choice correct="false">a</choice>'
            '<choice correct="false">b</choice></checkboxgroup></choiceresponse></problem>',
            "no choice is correct",
        ),
        (
            '<problem><optionresponse><label>Q</label><optioninput><option correct="True">a</option>'
            '<option correct="True">b</option></optioninput></optionresponse></problem>',
            "a dropdown needs exactly one correct option, found 2",
        ),
        (
            '<problem><numericalresponse answer="thirty"><label>Q</label><textline/></numericalresponse></problem>',
            '<numericalresponse> answer="thirty" is not a number',
        ),
        (
            '<problem><numericalresponse answer="3"><label>Q</label><responseparam type="tolerance" default="a lot"/>'
            "<textline/></numericalresponse></problem>",
            'tolerance "a lot" is not a number or a percentage',
        ),
        (
            '<problem><stringresponse answer="[0-9" type="regexp"><label>Q</label><textline/></stringresponse></problem>',
            "the regular expression '[0-9' is invalid",
        ),
        (
            '<problem><stringresponse answer="\\d+" type="regexp"><label>Q</label><textline/></stringresponse></problem>',
            "which browsers read differently",
        ),
        (
            '<problem><p onclick="x()">Hi</p><stringresponse answer="a"><label>Q</label></stringresponse></problem>',
            "runs script",
        ),
        ("<problem><p>No question</p></problem>", "the problem has no question"),
    ],
)
def test_bad_problems_are_located(xml, expected):
    found = problems_of(xml)
    assert any(expected in problem for problem in found), found
    assert all(problem.startswith("problem/q.xml:1: ") for problem in found)


def test_outside_the_subset_the_olx_target_keeps_it_and_scorm_refuses_it_with_the_line():
    xml = """<problem display_name="Graded by Python">
  <script type="loncapa/python">
def check(expect, ans): return ans == "4"
  </script>
  <customresponse cfn="check"><label>2 + 2?</label><textline/></customresponse>
</problem>"""
    parsed, problems = parse(xml)
    assert problems == []
    assert etree.tostring(model.serialize(parsed)) == etree.tostring(etree.fromstring(xml.encode()))
    refusal = model.scorm_refusal(parsed)
    assert refusal.startswith("a <script> (Python run by the server) is graded by Open edX's server")
    assert "(line 2)" in refusal
    assert [line for line, _, _ in parsed.scorm_refusals] == [2, 5]


@pytest.mark.parametrize(
    ("attribute", "refused"),
    [('rerandomize="always"', True), ('showanswer="past_due"', True), ('rerandomize="never"', False)],
)
def test_what_needs_open_edx_is_refused_for_scorm_only(attribute, refused):
    parsed, problems = parse(
        f'<problem {attribute}><stringresponse answer="a"><label>Q</label><textline/></stringresponse></problem>'
    )
    assert problems == []
    assert (model.scorm_refusal(parsed) is not None) == refused


def test_serialize_then_parse_gives_an_equal_model():
    path = VECTORS / "problems" / "dropdown_text.xml"
    parsed, _ = model.parse(etree.parse(str(path)).getroot(), path.name)
    again, problems = model.parse(model.serialize(parsed), path.name)
    assert problems == [] and again == parsed and again.content == parsed.content


def test_report_gives_one_interaction_per_question_and_the_raw_score():
    content = content_of("dropdown_text.xml")
    assert model.report(None, content, "b1") == {"completed": False, "score": None, "interactions": []}
    state, _ = model.apply("submit", None, {"answers": {"p1": "A refund", "p2": "iep"}}, content)
    report = model.report(state, content, "b1")
    # raw: one point a question; the course grader rescales it to the weight (4), as Open edX does
    assert report["completed"] and report["score"] == {"earned": 1.0, "possible": 2.0}
    assert model.max_score(content) == {"possible": 2, "weight": 4.0}
    assert [(i["id"], i["type"], i["result"]) for i in report["interactions"]] == [
        ("b1-p1", "fill-in", "incorrect"),
        ("b1-p2", "fill-in", "correct"),
    ]
    state, _ = model.apply("submit", None, {"answers": {"p1": ["choice_0"]}}, content_of("checkbox_edc.xml"))
    (choice,) = model.report(state, content_of("checkbox_edc.xml"), "b2")["interactions"]
    assert choice["type"] == "choice" and choice["response"] == ["choice_0"] and choice["result"] == "neutral"


def test_round_away_from_zero_is_not_bankers_rounding():
    assert model.round_away_from_zero(0.125, 2) == 0.13
    assert round(0.125, 2) == 0.12
    assert model.round_away_from_zero(2 / 3, 2) == 0.67
