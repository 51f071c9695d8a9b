"""The rubric in Chromium (the rules run in Node: tests/rules.test.js): the offline store and the SCORM report, and the
block in the workbench: the grid by keyboard and by mouse, the calibration comparison, certification,
the phone layout, and axe-core."""

import re
import shutil
from pathlib import Path

import pytest
from lxml import etree
from support.browser import ROOT, axe_violations

from xblocks.rubric import model

VECTORS = ROOT / "tests" / "vectors" / "rubric"
STORE_JS = ROOT / "xblocks" / "common" / "static" / "p2p-store.js"
RUBRIC_JS = ROOT / "xblocks" / "rubric" / "static" / "rubric.js"
SCENARIOS = ROOT / "xblocks" / "rubric" / "templates" / "scenarios"
_counter = iter(range(10**6))


def content_of(path: Path) -> dict:
    rubric, problems = model.parse(etree.parse(str(path)).getroot(), path.name)
    assert problems == []
    return model.view_content(rubric)


@pytest.fixture
def rules_page(page, static_server, tmp_path):
    shutil.copy(STORE_JS, tmp_path / "p2p-store.js")
    shutil.copy(RUBRIC_JS, tmp_path / "rubric.js")
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="en"><title>rules</title>'
        '<script src="p2p-store.js"></script><script src="rubric.js"></script>'
    )
    page.goto(static_server(tmp_path).url + "/index.html")
    return page


def test_report_and_compact_offline_state(rules_page):
    self_content = content_of(VECTORS / "rubrics" / "weighted_self.xml")
    calibration = content_of(VECTORS / "rubrics" / "two_samples.xml")
    result = rules_page.evaluate(
        """async ([selfContent, calibration]) => {
        let saved = null;
        const slot = {load: () => saved, save: (s) => { saved = s; return {ok: true}; }};
        const store = P2PStore.offline(P2PRubric.rules, selfContent, slot);
        const empty = P2PRubric.rules.report(P2PRubric.rules.restore(null, selfContent), selfContent);
        await store.call('submit', {ratings: {summary: 'proficient', family_check: 'proficient', parking_lot: 'developing'},
                                    notes: {summary: 'Owners and dates went on the chart.'}});
        const selfReport = P2PRubric.rules.report(P2PRubric.rules.restore(saved, selfContent), selfContent);
        const savedText = JSON.stringify(saved);
        let calSaved = null;
        const calStore = P2PStore.offline(P2PRubric.rules, calibration,
            {load: () => calSaved, save: (s) => { calSaved = s; return {ok: true}; }});
        await calStore.call('submit', {ratings: {
            warm_start: {agenda: 'proficient', family_voice: 'proficient', neutrality: 'proficient'},
            rushed_start: {agenda: 'emerging', family_voice: 'developing', neutrality: 'developing'}}});
        const calReport = P2PRubric.rules.report(P2PRubric.rules.restore(calSaved, calibration), calibration, 'unit3-b1');
        return {empty, selfReport, savedText, calReport};
    }""",
        [self_content, calibration],
    )
    assert result["empty"] == {"completed": False, "score": None, "passed": None, "interactions": []}
    assert result["savedText"] == (
        '{"r":{"summary":"proficient","family_check":"proficient","parking_lot":"developing"},'
        '"n":{"summary":"Owners and dates went on the chart."},"s":1,"a":1}'
    )
    report = result["selfReport"]
    assert report["completed"] is True and report["passed"] is True
    assert report["score"] == {"earned": 7.6, "possible": 7.8}
    assert [(i["id"], i["type"], i["response"], i["result"], i["weighting"]) for i in report["interactions"]] == [
        ("weighted_self-summary", "likert", "proficient", "neutral", 1.5),
        ("weighted_self-family_check", "likert", "proficient", "neutral", 1),
        ("weighted_self-parking_lot", "likert", "developing", "neutral", 0.1),
    ]
    cal = result["calReport"]
    assert cal["score"] == {"earned": 4, "possible": 6} and cal["passed"] is True
    assert [(i["id"], i["result"]) for i in cal["interactions"]][:3] == [
        ("unit3-b1-warm_start-agenda", "incorrect"),
        ("unit3-b1-warm_start-family_voice", "correct"),
        ("unit3-b1-warm_start-neutrality", "correct"),
    ]
    assert cal["interactions"][0]["description"] == "A warm start: Agenda"


def test_offline_calibration_farming_does_not_raise_the_reported_score(rules_page):
    """The SCORM side of the farming path: the score the player reports stays the first submission's."""
    content = content_of(VECTORS / "rubrics" / "practice_then_graded.xml")
    result = rules_page.evaluate(
        """async (content) => {
        let saved = null;
        const store = P2PStore.offline(P2PRubric.rules, content, {load: () => saved, save: (s) => { saved = s; return {ok: true}; }});
        const report = () => P2PRubric.rules.report(P2PRubric.rules.restore(saved, content), content, 'b');
        await store.call('submit', {ratings: {first_practice: {agenda: 'proficient', family_voice: 'proficient'},
                                              second_practice: {agenda: 'developing', family_voice: 'emerging'}}});
        const afterPractice = report();
        await store.call('submit', {ratings: {held_back: {agenda: 'emerging', family_voice: 'emerging'}}});
        const first = report();
        await store.call('revise', {});
        const key = {};
        content.samples.forEach((s) => { key[s.id] = {}; Object.keys(s.key).forEach((c) => { key[s.id][c] = s.key[c].level; }); });
        const again = await store.call('submit', {ratings: key});
        return {afterPractice, first, again, farmed: report()};
    }""",
        content,
    )
    assert result["afterPractice"]["completed"] is False and result["afterPractice"]["score"] is None
    assert result["first"]["score"] == {"earned": 0, "possible": 2} and result["first"]["completed"] is True
    assert result["again"]["result"]["exact"] == 6 and result["again"]["grade"]["exact"] == 0
    assert result["farmed"]["score"] == {"earned": 0, "possible": 2}
    assert [(i["id"], i["response"], i["result"]) for i in result["farmed"]["interactions"]][-2:] == [
        ("b-held_back-agenda", "emerging", "incorrect"),
        ("b-held_back-family_voice", "emerging", "incorrect"),
    ]


def test_trainer_handlers_refuse_offline(rules_page):
    content = content_of(SCENARIOS / "certification.xml")
    refusal = rules_page.evaluate(
        """(content) => {
        const store = P2PStore.offline(P2PRubric.rules, content, {load: () => null, save: () => ({ok: true})});
        return store.call('request_certification', {notes: 'x'}).then(() => 'accepted', (e) => e);
    }""",
        content,
    )
    assert refusal == {"status": 400, "message": "Certification needs the Open edX course; it cannot run here."}


# ------------------------------------------------------------------ the block in the workbench


def scenario_url(base: str, index: int, student: str) -> str:
    return f"{base}/scenario/facilitation_rubric.{index}/?student={student}"


def student(prefix="learner") -> str:
    return f"{prefix}b{next(_counter)}"


def option(fieldset, level_id):
    """The label of one level in a criterion's radio group (clicking it is clicking the descriptor)."""
    return fieldset.locator(f'label:has(input[value="{level_id}"])')


def open_block(page, url):
    page.goto(url)
    page.wait_for_selector(".p2p-rubric")
    return page.locator(".p2p-rubric")


def test_self_check_by_keyboard_then_results_persist(page, workbench_server):
    who = student()
    block = open_block(page, scenario_url(workbench_server, 0, who))
    assert axe_violations(page, ".p2p-rubric") == []
    first = block.locator("fieldset").first.locator("input[type=radio]").first
    first.focus()
    # Arrow keys move within one criterion's radio group; Tab moves to the next group.
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # agenda: Proficient
    assert block.locator("fieldset").nth(0).locator("input:checked").get_attribute("value") == "proficient"
    page.keyboard.press("Tab")  # the evidence notes of the same criterion
    page.keyboard.type("Ms. Lin added her son's reading at home to the agenda.")
    for steps in (3, 2, 1):  # family_voice exemplary, student_focus proficient, neutrality developing
        page.keyboard.press("Tab")  # into the next criterion's radio group: its first option
        page.keyboard.press("Space")
        for _ in range(steps):
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Tab")  # to that criterion's notes
    # The last criterion was left unrated: submitting says which one and puts focus on it.
    block.locator(".p2p-rubric__submit").focus()
    page.keyboard.press("Enter")
    alert = block.locator(".p2p-rubric__alert")
    assert "Summary and next steps" in alert.inner_text()
    assert page.evaluate("document.activeElement.name").endswith("-next_steps")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # next_steps: proficient
    block.locator(".p2p-rubric__submit").focus()
    page.keyboard.press("Enter")
    results = block.locator(".p2p-rubric__results")
    results.wait_for(state="visible")
    assert page.evaluate("document.activeElement.classList.contains('p2p-rubric__results')")
    # 3 + 4 × 1.5 + 3 + 2 + 3 = 17 of 22, family participation above the required level
    assert "Total: 17 out of 22." in results.inner_text()
    assert "This meets the pass rule." in results.inner_text()
    assert "Submitted." in block.locator(".p2p-rubric__status").inner_text()
    feedback = block.locator("fieldset").nth(1).locator(".p2p-rubric__feedback")
    assert "Exemplary, 4 points × 1.5 = 6." in feedback.inner_text()
    assert "Meets the required level (Proficient)." in feedback.inner_text()
    assert axe_violations(page, ".p2p-rubric") == []

    block = open_block(page, scenario_url(workbench_server, 0, who))
    block.locator(".p2p-rubric__results").wait_for(state="visible")
    assert block.locator("textarea").first.input_value() == "Ms. Lin added her son's reading at home to the agenda."
    assert block.locator("input[type=radio]:checked").count() == 5
    assert block.locator("input[type=radio]").first.is_disabled()


def test_self_check_by_mouse_draft_survives_reload_and_revise(page, workbench_server):
    who = student()
    block = open_block(page, scenario_url(workbench_server, 0, who))
    block.locator("fieldset").nth(0).get_by_text("The family helped build the agenda ahead of time").click()
    block.locator("fieldset").nth(3).get_by_text("The facilitator argued for one side's position").click()
    page.wait_for_load_state("networkidle")
    block = open_block(page, scenario_url(workbench_server, 0, who))
    checked = block.locator("input[type=radio]:checked")
    assert [checked.nth(i).get_attribute("value") for i in range(checked.count())] == ["exemplary", "emerging"]
    for index in (1, 2, 4):
        option(block.locator("fieldset").nth(index), "emerging").click()
    block.locator(".p2p-rubric__submit").click()
    block.locator(".p2p-rubric__results").wait_for(state="visible")
    text = block.locator(".p2p-rubric__results").inner_text()
    assert "Total: 8.5 out of 22." in text and "This does not meet the pass rule yet." in text
    assert "Below the required level (Proficient)." in block.locator("fieldset").nth(1).inner_text()
    block.locator(".p2p-rubric__revise").click()
    page.wait_for_function(
        "!document.querySelector('.p2p-rubric__results') || document.querySelector('.p2p-rubric__results').hidden"
    )
    assert block.locator("input[type=radio]:checked").count() == 5  # a self-assessment keeps its ratings
    assert not block.locator("input[type=radio]").first.is_disabled()


def test_phone_layout_has_no_sideways_scrolling(browser, workbench_server):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        for index in (0, 1, 2):
            open_block(page, scenario_url(workbench_server, index, student()))
            # The workbench's own page is wider than a phone; what matters is that the block fits
            # the screen and nothing inside it sticks out (which would force sideways scrolling).
            widths = page.evaluate("""() => {
                const block = document.querySelector('.p2p-rubric');
                const box = block.getBoundingClientRect();
                const right = Math.max(...[...block.querySelectorAll('*')].filter(e => e.getClientRects().length)
                                        .map(e => e.getBoundingClientRect().right));
                return {blockRight: box.right, innerRight: right, scroll: block.scrollWidth, client: block.clientWidth,
                        viewport: window.innerWidth};
            }""")
            assert widths["blockRight"] <= widths["viewport"], widths
            assert widths["innerRight"] <= widths["blockRight"] + 0.5, widths
            assert widths["scroll"] <= widths["client"], widths
        # options stack: one per row on a phone
        page.goto(scenario_url(workbench_server, 0, student()))
        page.wait_for_selector(".p2p-rubric__option")
        tops = page.evaluate(
            "[...document.querySelectorAll('fieldset')[0].querySelectorAll('.p2p-rubric__option')]"
            ".map(o => Math.round(o.getBoundingClientRect().top))"
        )
        assert len(set(tops)) == 4
    finally:
        context.close()


def test_calibration_comparison_and_agreement(page, workbench_server):
    block = open_block(page, scenario_url(workbench_server, 1, student()))
    choices = {
        "annual_review": {"agenda": "exemplary", "family_voice": "proficient", "neutrality": "exemplary"},
        "transition_meeting": {"agenda": "developing", "family_voice": "developing", "neutrality": "emerging"},
    }
    for sample, ratings in choices.items():
        for criterion, level in ratings.items():
            group = block.locator(f'fieldset[data-sample="{sample}"][data-criterion="{criterion}"]')
            option(group, level).click()
    block.locator(".p2p-rubric__submit").click()
    results = block.locator(".p2p-rubric__results")
    results.wait_for(state="visible")
    items = results.locator(".p2p-rubric__compare-item")
    assert items.count() == 6
    first = items.nth(0)
    assert first.locator(".p2p-rubric__mine .p2p-rubric__pair-value").inner_text() == "Exemplary"
    assert first.locator(".p2p-rubric__expert .p2p-rubric__pair-value").inner_text() == "Exemplary"
    assert first.locator(".p2p-rubric__match").inner_text() == "Exact match"
    third = items.nth(2)
    assert third.locator(".p2p-rubric__match").inner_text() == "One level apart"
    assert "did not endorse the psychologist's proposal" in third.inner_text()
    # The author's words keep their language inside the interface's sentences (a screen reader switches voice).
    assert third.locator('.p2p-rubric__rationale span[lang="en"]').inner_text().startswith("The facilitator did not")
    assert third.locator(".p2p-rubric__rationale").inner_text().startswith("Expert's reason: The facilitator")
    assert first.locator(".p2p-rubric__expert .p2p-rubric__pair-value").get_attribute("lang") == "en"
    text = results.inner_text()
    assert "Exact agreement: 4 of 6 ratings (66%)." in text
    assert "Within one level: 6 of 6 ratings (100%)." in text
    assert "Family participation: 1 of 2 exact, 2 of 2 within one level." in text
    assert "You met the calibration standard." in text
    # side by side on a wide screen: the two ratings share a row
    tops = page.evaluate(
        "[...document.querySelectorAll('.p2p-rubric__pair')[0].children]"
        ".map(p => Math.round(p.getBoundingClientRect().top))"
    )
    assert len(set(tops)) == 1
    in_grid = block.locator('fieldset[data-sample="annual_review"][data-criterion="neutrality"] .p2p-rubric__feedback')
    assert in_grid.inner_text() == "Expert rating: Proficient. One level apart."
    assert axe_violations(page, ".p2p-rubric") == []
    block.locator(".p2p-rubric__revise").click()
    page.wait_for_function("document.querySelectorAll('.p2p-rubric input[type=radio]:checked').length === 0")


def test_certification_request_assessment_and_feedback_in_the_browser(page, workbench_server):
    candidate, trainer = student("cand"), student("staff")
    block = open_block(page, scenario_url(workbench_server, 2, candidate))
    assert "You have not requested certification yet." in block.locator(".p2p-rubric__candidate-status").inner_text()
    assert axe_violations(page, ".p2p-rubric") == []
    block.locator(".p2p-rubric__evidence").fill("I facilitated a transition IEP meeting with a Spanish interpreter.")
    block.locator(".p2p-rubric__recording").fill("javascript:alert(1)")
    block.get_by_role("button", name="Request certification").click()
    assert "http or https" in block.locator(".p2p-rubric__alert").inner_text()
    block.locator(".p2p-rubric__recording").fill("https://video.example.org/transition-17")
    block.get_by_role("button", name="Request certification").click()
    page.wait_for_function("document.querySelector('.p2p-rubric__candidate-status').textContent.includes('waiting')")
    assert block.locator(".p2p-rubric__request").is_hidden()

    block = open_block(page, scenario_url(workbench_server, 2, trainer))
    button = block.locator(f'.p2p-rubric__candidate-button[data-candidate="{candidate}"]')
    button.wait_for()
    assert "waiting since" in button.inner_text()
    assert "/certification_csv" in block.locator(".p2p-rubric__csv").get_attribute("href")
    button.click()
    form = block.locator(".p2p-rubric__assess")
    form.wait_for(state="visible")
    assert page.evaluate("document.activeElement.classList.contains('p2p-rubric__assess-title')")
    assert "Spanish interpreter" in form.locator(".p2p-rubric__evidence-view").inner_text()
    link = form.locator(".p2p-rubric__evidence-view a")
    assert link.get_attribute("href") == "https://video.example.org/transition-17"
    assert link.get_attribute("rel") == "noopener noreferrer"
    for index, level in enumerate(("proficient", "exemplary", "proficient", "proficient")):
        option(form.locator("fieldset").nth(index), level).click()
    form.locator("textarea").nth(3).fill("Read the summary back with the interpreter before closing.")
    assert axe_violations(page, ".p2p-rubric") == []
    form.get_by_role("button", name="Record assessment").click()
    status = block.locator(".p2p-rubric__status")
    page.wait_for_function("document.querySelector('.p2p-rubric__status').textContent.includes('Assessment recorded')")
    # 3 + 4 × 2 + 3 + 3 = 17 of 20, every required criterion at proficient
    assert f"Assessment recorded for {candidate}: certified, 17 out of 20." == status.inner_text()
    page.wait_for_function("document.querySelector('.p2p-rubric__assess').hidden")
    assert "assessed 1 time(s)" in block.locator(f'[data-candidate="{candidate}"]').inner_text()
    csv_text = page.evaluate("fetch(document.querySelector('.p2p-rubric__csv').href).then(r => r.text())")
    assert re.search(
        rf"^{candidate},{trainer},.*,Proficient,Exemplary,Proficient,Proficient,17,20,yes\r?$", csv_text, re.M
    )

    block = open_block(page, scenario_url(workbench_server, 2, candidate))
    history = block.locator(".p2p-rubric__candidate .p2p-rubric__history")
    history.locator(".p2p-rubric__record").wait_for()
    assert "Certified: 17 out of 20." in history.inner_text()
    assert "Feedback: Read the summary back with the interpreter before closing." in history.inner_text()
    assert "Your grade: 17 out of 20." in block.locator(".p2p-rubric__candidate-status").inner_text()
    assert axe_violations(page, ".p2p-rubric") == []


def offline_page(page, static_server, tmp_path: Path, content: dict, lang: str):
    """The template rendered in `lang`, the script mounted on the offline store (what the SCORM
    player does), state kept in localStorage through the slot; the page opened and ready."""
    from xblocks.common.i18n import script_catalogue
    from xblocks.common.rendering import environment, render

    block = render(
        "rubric/templates/student_view.html", lang, block_id="u1-b1", content=content, asset_url=lambda name: name
    )
    as_json = environment(lang).filters["script_json"]
    shutil.copy(STORE_JS, tmp_path / "p2p-store.js")
    shutil.copy(RUBRIC_JS, tmp_path / "rubric.js")
    shutil.copy(ROOT / "xblocks" / "rubric" / "static" / "rubric.css", tmp_path / "rubric.css")
    (tmp_path / "index.html").write_text(
        f"""<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{content["title"]}</title>
<link rel="stylesheet" href="rubric.css"></head><body><main><div id="host">{block}</div></main>
<script type="application/json" id="content">{as_json(content)}</script>
<script type="application/json" id="i18n">{as_json(script_catalogue(lang, RUBRIC_JS))}</script>
<script src="p2p-store.js"></script><script src="rubric.js"></script>
<script>
  const content = JSON.parse(document.getElementById('content').textContent);
  const i18n = JSON.parse(document.getElementById('i18n').textContent);
  const slot = {{load: () => JSON.parse(localStorage.getItem('rubric') || 'null'),
                save: (s) => {{ localStorage.setItem('rubric', JSON.stringify(s)); return {{ok: true}}; }}}};
  const store = P2PStore.offline(P2PRubric.rules, content, slot);
  store.call('state', {{}}).then((state) => {{
    P2PRubric.mount(document.getElementById('host'), store, {{content, state, i18n, lang: '{lang}'}});
    document.body.setAttribute('data-ready', 'true');
  }});
</script></body></html>""",
        encoding="utf-8",
    )
    page.goto(static_server(tmp_path).url + "/index.html")
    page.wait_for_selector("body[data-ready]")


def test_mounted_offline_in_spanish_as_a_scorm_player_does(page, static_server, tmp_path):
    """The template rendered in Spanish, the script mounted on the offline store (what the SCORM
    player does), state kept across a reload through the slot."""
    offline_page(page, static_server, tmp_path, content_of(SCENARIOS / "self_check.xml"), "es")
    rubric = page.locator(".p2p-rubric")
    assert rubric.get_attribute("lang") == "es"
    assert "Para aprobar: un total de al menos 17 de 22." in rubric.inner_text()
    for index, level in enumerate(("proficient", "exemplary", "proficient", "developing")):
        option(rubric.locator("fieldset").nth(index), level).click()
    rubric.locator("textarea").nth(1).fill("La intérprete leyó el resumen en voz alta a la familia.")
    rubric.get_by_role("button", name="Enviar calificaciones").click()
    assert (
        rubric.locator(".p2p-rubric__alert").inner_text()
        == "Califique cada criterio antes de enviar. Falta: Summary and next steps."
    )
    option(rubric.locator("fieldset").nth(4), "proficient").click()
    rubric.get_by_role("button", name="Enviar calificaciones").click()
    rubric.locator(".p2p-rubric__results").wait_for(state="visible")
    text = rubric.locator(".p2p-rubric__results").inner_text()
    assert "Sus resultados" in text and "Total: 17 de 22." in text and "Esto cumple la regla de aprobación." in text
    assert axe_violations(page, ".p2p-rubric") == []
    saved = page.evaluate("JSON.parse(localStorage.getItem('rubric'))")
    assert saved["s"] == 1 and saved["n"] == {"family_voice": "La intérprete leyó el resumen en voz alta a la familia."}
    page.reload()
    page.wait_for_selector("body[data-ready]")
    assert page.locator(".p2p-rubric__results").is_visible()
    assert (
        page.locator(".p2p-rubric textarea").nth(1).input_value()
        == "La intérprete leyó el resumen en voz alta a la familia."
    )


def test_course_calibration_offline_practice_then_the_held_back_graded_sample(page, static_server, tmp_path):
    """The facilitation course's calibration as a SCORM learner meets it: two practice samples, the
    graded one held back until they are submitted, its key only after its first submission, and
    rating again for practice that leaves the grade alone."""
    content = content_of(ROOT / "courses" / "facilitation" / "facilitation_rubric" / "fac_calibration.xml")
    practice = [s["id"] for s in content["samples"] if s["practice"]]
    graded = [s["id"] for s in content["samples"] if not s["practice"]]
    assert len(practice) == 2 and graded == ["daniel_annual_review"]
    offline_page(page, static_server, tmp_path, content, "en")
    rubric = page.locator(".p2p-rubric")
    held = rubric.locator('section[data-sample="daniel_annual_review"]')
    assert held.is_hidden() and rubric.locator(".p2p-rubric__held").is_visible()
    assert "Practice sample:" in rubric.locator(f'section[data-sample="{practice[0]}"]').inner_text()
    assert axe_violations(page, ".p2p-rubric") == []

    def rate(sample_id, level_of):
        for criterion in content["criteria"]:
            group = rubric.locator(f'fieldset[data-sample="{sample_id}"][data-criterion="{criterion["id"]}"]')
            option(group, level_of(criterion["id"])).click()

    keys = {s["id"]: {c: v["level"] for c, v in s["key"].items()} for s in content["samples"]}
    for sample_id in practice:
        rate(sample_id, keys[sample_id].get)
    rubric.get_by_role("button", name="Submit ratings").click()
    results = rubric.locator(".p2p-rubric__results")
    results.wait_for(state="visible")
    assert "Practice results: they do not count toward your grade." in results.inner_text()
    assert results.locator(".p2p-rubric__compare-item").count() == 16  # the two practice samples only
    assert held.is_visible() and rubric.locator(".p2p-rubric__held").is_hidden()
    assert rubric.locator(f'fieldset[data-sample="{practice[0]}"] input').first.is_disabled()
    assert not held.locator("fieldset input").first.is_disabled()
    assert "expert" not in held.inner_text().lower().replace("the expert's ratings are shown after that", "")

    rate("daniel_annual_review", lambda criterion: "beginning")
    rubric.get_by_role("button", name="Submit ratings").click()
    grade = rubric.locator(".p2p-rubric__grade")
    grade.wait_for()
    # The key rates one criterion (closing) at beginning: 1 of 8 exact on the first submission.
    first_grade = grade.inner_text()
    assert first_grade.startswith("Your grade comes from your first ratings of the graded sample(s): 1 of 8 exact")
    again = rubric.get_by_role("button", name="Rate again for practice")
    assert again.is_visible() and rubric.get_by_role("button", name="Submit ratings").is_hidden()
    assert axe_violations(page, ".p2p-rubric") == []

    again.click()
    page.wait_for_function("document.querySelectorAll('.p2p-rubric input[type=radio]:checked').length === 0")
    for sample_id in practice + graded:
        rate(sample_id, keys[sample_id].get)
    rubric.get_by_role("button", name="Submit ratings").click()
    page.wait_for_function("document.querySelectorAll('.p2p-rubric__match-exact').length === 24")
    assert grade.inner_text() == first_grade  # the key copied on a second try: the grade stays
    page.reload()
    page.wait_for_selector("body[data-ready]")
    assert page.locator(".p2p-rubric__grade").inner_text() == first_grade


def test_studio_editor_lists_located_problems(page, workbench_server):
    """Only a refused save here: the workbench scenarios are shared by the other browser tests."""
    page.goto(f"{workbench_server}/scenario/facilitation_rubric.1/studio_view/?student=staff_author")
    editor = page.locator(".p2p-rubric-studio")
    editor.wait_for()
    assert axe_violations(page, ".p2p-rubric-studio") == []
    olx = editor.locator("textarea")
    assert '<sample id="annual_review"' in olx.input_value()
    olx.fill(olx.input_value().replace('min_adjacent="100"', 'min_adjacent="120"'))
    editor.get_by_role("button", name="Save").click()
    editor.locator("[data-role=list] li").first.wait_for()
    assert editor.locator("[data-role=status]").inner_text() == "The rubric was not saved:"
    problem = editor.locator("[data-role=list] li").first.inner_text()
    assert re.match(r"rubric \(Studio editor\):\d+: min_adjacent '120' is not a percentage", problem)
    assert olx.get_attribute("aria-invalid") == "true"
    assert axe_violations(page, ".p2p-rubric-studio") == []
