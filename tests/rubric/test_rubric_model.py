"""The rubric's authoring format: validation of broken rubrics (file, line, message), the round trip,
the content the script gets, and the shared vectors run against model.py."""

import json
from pathlib import Path

import pytest
from lxml import etree

from xblocks.common.kind import kind
from xblocks.rubric import model

HERE = Path(__file__).resolve().parent
BROKEN = HERE / "data" / "broken"
VECTORS = HERE.parent / "vectors" / "rubric"
SCENARIOS = Path(model.__file__).resolve().parent / "templates" / "scenarios"

# file -> [(line, start of the message)], in the order parse reports them
EXPECTED_PROBLEMS = {
    "calibration_without_samples.xml": [
        (1, "a calibration rubric has no sample to rate"),
        (8, "min_adjacent '140' is not a percentage"),
    ],
    "duplicate_ids.xml": [(3, "level id 'developing' is used twice"), (7, "criterion id 'agenda' is used twice")],
    "key_missing_criterion.xml": [(13, "sample 'opening' has no expert rating for: neutrality")],
    "key_unknown_level.xml": [(13, "expert rating of 'agenda' in sample 'opening' names unknown level 'exemplary'")],
    "missing_descriptor.xml": [(8, "criterion 'family_voice' has no descriptor for level(s): proficient")],
    "no_mode.xml": [(1, "the rubric has no mode")],
    "one_level_and_stray.xml": [
        (1, "the rubric has 1 level(s)"),
        (2, "level 'proficient' points 'two' is not a whole number"),
        (6, "<sample> is only used in calibration mode"),
        (7, "<rubric-notes> is not allowed in <facilitation_rubric>"),
    ],
    "only_practice_samples.xml": [(13, "every sample is a practice sample, so nothing is graded")],
    "practice_not_true_or_false.xml": [(13, "<sample id='two'> has practice=\"maybe\"")],
    "pass_in_calibration.xml": [
        (8, "a calibration rubric passes on agreement, not on a <pass> rule"),
        (13, "a transcript <line> has no words"),
        (15, "expert rating of 'agenda' in sample 'opening' has no rationale"),
    ],
    "pass_unknown_criterion.xml": [(9, "the pass rule requires unknown criterion 'neutrality'")],
    "points_not_increasing.xml": [(4, "level 'proficient' has 3 points, not more than 'developing' (3)")],
    "script_in_sample.xml": [(12, "<script> is not allowed in a sample")],
    "trainer_without_pass.xml": [(1, "a trainer rubric has no <pass> rule")],
    "unknown_descriptor_level.xml": [(7, "criterion 'agenda' has a descriptor for unknown level 'expert'")],
    "unreachable_pass.xml": [(12, "min_total 6 cannot be reached: the highest possible total is 5")],
    "zero_weight.xml": [(4, "criterion 'agenda' weight '0' is not a positive number")],
}


def parse_file(path: Path):
    return model.parse(etree.parse(str(path)).getroot(), path.name)


def test_every_broken_rubric_has_an_expectation():
    assert sorted(p.name for p in BROKEN.glob("*.xml")) == sorted(EXPECTED_PROBLEMS)
    assert len(EXPECTED_PROBLEMS) >= 10


@pytest.mark.parametrize("name", sorted(EXPECTED_PROBLEMS))
def test_broken_rubric_is_refused_with_located_problems(name):
    rubric, problems = parse_file(BROKEN / name)
    assert rubric is None
    assert [(p.file, p.line) for p in problems] == [(name, line) for line, _m in EXPECTED_PROBLEMS[name]]
    for problem, (_line, message) in zip(problems, EXPECTED_PROBLEMS[name]):
        assert problem.message.startswith(message), problem
        assert problem.fix, f"{problem} says what is wrong but not how to fix it"
        assert str(problem).startswith(f"{name}:{problem.line}: ")


@pytest.mark.parametrize(
    "path", sorted(SCENARIOS.glob("*.xml")) + sorted((VECTORS / "rubrics").glob("*.xml")), ids=lambda p: p.name
)
def test_valid_rubrics_round_trip(path):
    rubric, problems = parse_file(path)
    assert problems == []
    again, problems = model.parse(etree.fromstring(etree.tostring(model.serialize(rubric))), "again")
    assert problems == [] and again == rubric


def test_the_entry_point_kind_finds_the_model():
    assert kind("facilitation_rubric").model is model
    assert model.TAG == "facilitation_rubric"


def test_html_sample_keeps_allowed_markup_and_content_hides_the_key_from_learners():
    rubric, _ = parse_file(VECTORS / "rubrics" / "two_samples.xml")
    content = model.view_content(rubric)
    warm = content["samples"][0]
    assert warm["kind"] == "html" and "<em>one hope</em>" in warm["html"]
    assert warm["key"]["agenda"] == {
        "level": "exemplary",
        "rationale": "The family built the agenda before the meeting.",
    }
    learner = model.learner_content(content)
    assert all("key" not in s for s in learner["samples"]) and "key" in content["samples"][0]
    assert json.loads(json.dumps(content)) == content  # JSON-safe
    assert model.static_files(rubric) == []


def test_html_sample_text_that_looks_like_markup_stays_text():
    """Escaped text before a sample's first element ("&lt;img onerror=...&gt;", "3 &lt; 5") was put into the
    page as markup, past the no-attributes rule, and made the rubric impossible to export."""
    source = (VECTORS / "rubrics" / "two_samples.xml").read_text(encoding="utf-8")
    source = source.replace("<html>", "<html>The note said &lt;img src=x onerror=alert(1)&gt; &amp; 3 &lt; 5. ", 1)
    rubric, problems = model.parse(etree.fromstring(source.encode("utf-8")), "two_samples.xml")
    assert problems == []
    html = rubric.samples[0].html
    assert html.startswith("The note said &lt;img src=x onerror=alert(1)&gt; &amp; 3 &lt; 5. ") and "<img" not in html
    again, problems = model.parse(etree.fromstring(etree.tostring(model.serialize(rubric))), "again")
    assert problems == [] and again == rubric


def test_the_authors_language_round_trips_and_a_bad_code_is_located():
    source = (SCENARIOS / "self_check.xml").read_text(encoding="utf-8")
    spanish = source.replace('mode="self"', 'mode="self" lang="es-MX"', 1)
    rubric, problems = model.parse(etree.fromstring(spanish.encode("utf-8")), "self_check.xml")
    assert problems == [] and rubric.lang == "es-MX" and model.view_content(rubric)["lang"] == "es-MX"
    again, problems = model.parse(etree.fromstring(etree.tostring(model.serialize(rubric))), "again")
    assert problems == [] and again == rubric
    english, _ = parse_file(SCENARIOS / "self_check.xml")
    assert english.lang == "en" and model.serialize(english).get("lang") is None
    _, problems = model.parse(
        etree.fromstring(source.replace('mode="self"', 'mode="self" lang="Spanish"', 1).encode("utf-8")),
        "self_check.xml",
    )
    assert [str(p) for p in problems] == [
        "self_check.xml:1: lang='Spanish' is not a language code — use a code such as en, es or es-MX"
    ]


def test_html_sample_text_after_an_authors_comment_is_kept():
    source = (VECTORS / "rubrics" / "two_samples.xml").read_text(encoding="utf-8")
    source = source.replace(
        "<html>", "<html>Before the meeting <!-- checked with the trainer --> the mother drafted the agenda. ", 1
    )
    rubric, problems = model.parse(etree.fromstring(source.encode("utf-8")), "two_samples.xml")
    assert problems == [] and rubric.samples[0].html.startswith(
        "Before the meeting  the mother drafted the agenda. <p>"
    )


def test_weights_and_totals_are_exact_in_hundredths():
    rubric, _ = parse_file(VECTORS / "rubrics" / "weighted_self.xml")
    content = model.view_content(rubric)
    assert [c["weight"] for c in content["criteria"]] == [1.5, 1, 0.1]
    assert content["max_total"] == 7.8 and content["pass"] == {
        "min_total": 5.3,
        "require": {"family_check": "proficient"},
    }


def test_only_trainer_mode_is_refused_for_scorm():
    for name, refused in (("self_check.xml", False), ("calibration.xml", False), ("certification.xml", True)):
        rubric, _ = parse_file(SCENARIOS / name)
        message = model.scorm_refusal(rubric)
        assert (message is not None) == refused
        if refused:
            assert "needs Open edX" in message and 'mode="self"' in message
