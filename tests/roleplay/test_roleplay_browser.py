"""scenario_roleplay in Chromium (the rules run in Node: tests/rules.test.js): the offline store
(as a SCORM package mounts the block), and the Ms. Pérez scenario played in the xblock-sdk
workbench by mouse and by keyboard alone, with focus, announcements and axe-core checked."""

import itertools
import json
import shutil
import time

import pytest
from roleplay_support import (
    COURSE_SCENARIOS,
    ENDING_ROUTES,
    MS_PEREZ,
    POSSIBLE,
    load_scenario,
)
from support.browser import ROOT, axe_violations

from xblocks.common.i18n import script_catalogue
from xblocks.common.rendering import render
from xblocks.roleplay import model

STORE_JS = ROOT / "xblocks" / "common" / "static" / "p2p-store.js"
ROLEPLAY_JS = ROOT / "xblocks" / "roleplay" / "static" / "roleplay.js"
ROLEPLAY_CSS = ROOT / "xblocks" / "roleplay" / "static" / "roleplay.css"
SCENARIO = "scenario_roleplay.0"
_names = itertools.count()


def learner(prefix):
    return f"{prefix}{next(_names)}x{int(time.time() * 1000) % 1000000}"


@pytest.fixture
def offline_site(tmp_path, static_server):
    """A page built like the SCORM player's: the block's template, its script and an offline store."""
    scenario = load_scenario(MS_PEREZ)
    content = model.view_content(scenario)
    for path in (STORE_JS, ROLEPLAY_JS, ROLEPLAY_CSS):
        shutil.copy(path, tmp_path / path.name)
    for lang in ("en", "es"):
        block = render(
            "roleplay/templates/student_view.html",
            lang,
            block_id="perez",
            content=content,
            asset_url=lambda name: f"static/{name}",
        )
        (tmp_path / f"index-{lang}.html").write_text(
            f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>Unit 3: Partnering with Ms. Pérez</title>
<link rel="stylesheet" href="roleplay.css"></head>
<body><main><h1>Cultural competency</h1><h2>Partnering with Ms. Pérez</h2>
<div id="unit">{block}</div></main>
<script src="p2p-store.js"></script><script src="roleplay.js"></script>
<script>
  window.saved = [];
  window.slotFull = false;
  var slot = {{
    load: function () {{ return window.initialSave || null; }},
    save: function (state) {{
      if (window.slotFull) {{ return {{ok: false, message: "suspend_data is full"}}; }}
      window.saved.push(JSON.stringify(state)); return {{ok: true}};
    }}
  }};
  var content = {json.dumps(content)};
  window.store = P2PStore.offline(P2PRoleplay.rules, content, slot);
  P2PRoleplay.mount(document.querySelector(".p2p-roleplay"), window.store,
    {{content: content, state: P2PRoleplay.rules.apply("state", window.store.state(), {{}}, content).response,
      i18n: {json.dumps(script_catalogue(lang, ROLEPLAY_JS))}, lang: "{lang}"}});
</script></body></html>""",
            encoding="utf-8",
        )
    return static_server(tmp_path).url, scenario


def _wait_for_scene(page, scenario, scene_id):
    title = scenario.scene(scene_id).title
    page.wait_for_function(
        """(title) => { const a = document.activeElement;
            return a && a.classList.contains('p2p-rp-scene-title') && a.textContent.includes(title); }""",
        arg=title,
    )


def _wait_for_announcement(page, text):
    page.wait_for_function(
        "(text) => document.querySelector('[data-role=status]').textContent.includes(text)", arg=text
    )


def test_offline_store_plays_and_keeps_compact_ids(page, offline_site):
    url, scenario = offline_site
    page.goto(url + "/index-en.html")
    page.wait_for_selector('button[data-choice="conf-double-slot"]')
    page.click('button[data-choice="conf-double-slot"]')
    _wait_for_scene(page, scenario, "first-contact")
    _wait_for_announcement(page, scenario.choice("conf-double-slot").feedback)
    saved = json.loads(page.evaluate("window.saved[window.saved.length - 1]"))
    assert saved == {"r": ["conf-double-slot"], "v": None, "n": 0, "b": None, "l": None, "f": None}
    # Spanish words are marked as Spanish, with the interpreter's English beside them.
    spanish = page.locator('.p2p-rp-transcript q[lang="es"]')
    assert spanish.count() == 2
    assert "Mr. Reyes, interpreting:" in page.locator(".p2p-rp-translation").first.inner_text()
    assert axe_violations(page) == []


def test_offline_store_refused_save_changes_nothing(page, offline_site):
    url, scenario = offline_site
    page.goto(url + "/index-en.html")
    page.wait_for_selector('button[data-choice="conf-double-slot"]')
    page.evaluate("window.slotFull = true")
    page.click('button[data-choice="conf-double-slot"]')
    _wait_for_announcement(page, "Your progress could not be saved, so nothing changed.")
    assert page.evaluate("window.store.state()")["r"] == []
    assert page.locator('button[data-choice="conf-double-slot"]').count() == 1  # still the first scene


def test_offline_resume_after_republish(page, offline_site):
    """A saved state naming a choice that no longer exists resumes at the last scene still reachable."""
    url, scenario = offline_site
    page.add_init_script(
        'window.initialSave = {"r": ["conf-double-slot", "listen-and-record", "removed-choice"],'
        ' "v": "removed-choice", "n": 1, "b": [20, 34], "l": [20, 34], "d": ["from", "an older version"]};'
    )
    page.goto(url + "/index-en.html")
    page.wait_for_selector('button[data-choice="learn-her-context"]')
    assert page.evaluate("window.store.state()") == {
        "r": ["conf-double-slot", "listen-and-record"],
        "v": None,
        "n": 1,
        "b": [20, 34],
        "l": [20, 34],
        "f": [20, 34],  # saved before the first score was kept: one attempt, so its score
    }


# -- the workbench -----------------------------------------------------------------------------


def _block_violations(page):
    """axe-core on the block in the workbench page. The workbench page jumps from <h1> to the
    block's <h3> and has no landmarks (Open edX and the SCORM player put the unit's heading and
    <main> around blocks), so page-level rules are checked on the offline page above instead."""
    page_rules = {
        "document-title",
        "heading-order",
        "landmark-one-main",
        "page-has-heading-one",
        "region",
        "html-has-lang",
    }
    return [v for v in axe_violations(page, ".p2p-roleplay") if v["id"] not in page_rules]


def _open(page, base, name):
    page.goto(f"{base}/scenario/{SCENARIO}/?student={name}")
    page.wait_for_selector(".p2p-rp-scene-title")


def test_play_by_mouse_to_the_best_ending(page, workbench_server):
    scenario = load_scenario(MS_PEREZ)
    name = learner("mouse")
    _open(page, workbench_server, name)
    assert _block_violations(page) == []
    route = [
        "conf-double-slot",
        "listen-and-record",
        "learn-her-context",
        "call-about-results",
        "ask-time-and-transport",
        "team-solution",
        "invite-support",
        "open-with-scores",
    ]
    for choice in route:
        page.click(f'button[data-choice="{choice}"]')
        _wait_for_scene(page, scenario, scenario.choice(choice).next)
        _wait_for_announcement(page, scenario.choice(choice).feedback)
        if choice == "conf-double-slot":
            assert page.locator(".p2p-rp-points").inner_text() == "Points: Equity +2, Communication +1, Commitment +1"
    assert page.locator(".p2p-rp-points").inner_text() == "Points: Respect \u22122"
    # Ms. Pérez goes quiet; beginning again loops back to the opening without changing the score.
    page.click('button[data-choice="begin-again"]')
    _wait_for_scene(page, scenario, "meeting-opening")
    assert "the choices in between no longer count" in page.locator(".p2p-rp-points").inner_text()
    for choice in ["open-with-strengths", "empathize-aim-high", "plan-her-priority", "ask-what-helps"]:
        page.click(f'button[data-choice="{choice}"]')
        _wait_for_scene(page, scenario, scenario.choice(choice).next)
    assert _block_violations(page) == []
    page.click('button[data-choice="act-on-feedback"]')
    _wait_for_scene(page, scenario, "ending-trusted-partner")
    _wait_for_announcement(page, "The conversation has ended.")
    debrief = page.locator(".p2p-rp-debrief")
    assert "This route earned 35 of 35 points (100%)." in debrief.inner_text()
    rows = page.locator(".p2p-rp-chart tbody tr")
    assert rows.count() == 5
    assert [c.strip() for c in rows.nth(0).locator("th, td").all_inner_texts()] == ["Equity", "7", "7", "100%"]
    assert (
        page.locator(".p2p-rp-bar-fill").evaluate_all("bars => bars.map(b => b.style.width)") == ["100%"] * 5
    )  # the best route is at its best on every dimension
    assert "Your recorded score (first attempt; replays are practice): 35 of 35." in debrief.inner_text()
    page.click("text=Your route, step by step")
    steps = page.locator(".p2p-rp-review li").all_inner_texts()
    assert len(steps) == 12 and steps[0].startswith("September: conference sign-ups: Book a double slot")
    assert steps[-1].endswith("(Points: Equity +1, Commitment +2)")
    assert _block_violations(page) == []
    # The server kept it: a reload shows the same ending.
    _open(page, workbench_server, name)
    assert "A trusted partner" in page.locator(".p2p-rp-scene-title").inner_text()
    page.click("text=Replay the conversation")
    _wait_for_scene(page, scenario, "fall-conferences")


def _focused(page):
    return page.evaluate("""() => { const a = document.activeElement;
        return {tag: a.tagName, choice: a.getAttribute('data-choice'), text: a.textContent}; }""")


def _tab_to(page, predicate, limit=20):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if predicate(_focused(page)):
            return
    raise AssertionError(f"keyboard focus never reached the control; last: {_focused(page)}")


def test_play_by_keyboard_alone(page, workbench_server):
    scenario = load_scenario(MS_PEREZ)
    _open(page, workbench_server, learner("keys"))
    page.locator("body").focus()
    steps = [
        "conf-alfredo-interprets",
        "back",
        "conf-double-slot",
        "quick-update",
        "call-about-results",
        "send-standard-invite",
        "own-the-barrier",
        "send-standard-invite",
        "hold-without-her",
    ]
    expected_scene = {"back": "fall-conferences"}
    for number, step in enumerate(steps):
        if step == "back":
            _tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "Step back")
            page.keyboard.press("Enter")
            _wait_for_scene(page, scenario, expected_scene["back"])
            _wait_for_announcement(page, "You stepped back one scene.")
            continue
        _tab_to(page, lambda f, step=step: f["choice"] == step)
        page.keyboard.press("Enter" if number % 2 else " ")
        _wait_for_scene(page, scenario, scenario.choice(step).next)
        _wait_for_announcement(page, scenario.choice(step).feedback)
        assert _focused(page)["tag"] == "H4"
    assert "A plan without her" in page.locator(".p2p-rp-scene-title").inner_text()
    assert "This route earned 0 of 35 points (0%)." in page.locator(".p2p-rp-debrief").inner_text()
    _tab_to(page, lambda f: f["text"] == "Replay the conversation")
    page.keyboard.press("Enter")
    _wait_for_scene(page, scenario, "fall-conferences")
    _wait_for_announcement(page, "The conversation starts again.")
    assert _block_violations(page) == []


def test_reduced_motion_and_no_color_only_meaning(browser, workbench_server):
    context = browser.new_context(reduced_motion="reduce")
    page = context.new_page()
    try:
        _open(page, workbench_server, learner("calm"))
        # The third ending, by the route that misses every chance.
        for choice in [
            "conf-alfredo-interprets",
            "finish-on-time",
            "mail-the-report",
            "cite-the-timeline",
            "ask-time-and-transport",
            "phone-from-work",
            "send-the-agenda",
            "open-with-scores",
            "keep-going",
            "reassure-routine",
            "defer-her-priority",
            "sign-and-close",
        ]:
            page.click(f'button[data-choice="{choice}"]')
        page.wait_for_selector(".p2p-rp-chart")
        assert "A signature, and silence" in page.locator(".p2p-rp-scene-title").inner_text()
        transition = page.evaluate("getComputedStyle(document.querySelector('.p2p-rp-bar-fill')).transitionDuration")
        assert transition == "0s"
        # Each bar's share is also written as text beside it.
        assert page.locator(".p2p-rp-share").count() == 5
        assert page.locator(".p2p-rp-bar[aria-hidden=true]").count() == 5
    finally:
        context.close()


def test_studio_editor_validates_live_and_refuses_invalid_saves(page, workbench_server):
    page.goto(f"{workbench_server}/scenario/{SCENARIO}/studio_view/?student=staff-author")
    editor = page.locator("[data-role=xml]")
    original = editor.input_value()
    # The author's text, comments kept ('>' in a condition comes back as the XML escape '&gt;').
    assert original.strip() == MS_PEREZ.read_text(encoding="utf-8").strip().replace(">=", "&gt;=")
    assert page.locator("[data-role=summary]").inner_text() == "No problems found."
    broken = original.replace('next="first-contact"', 'next="first-kontakt"', 1)
    line = broken[: broken.index("first-kontakt")].count("\n") + 1
    editor.fill(broken)
    page.wait_for_function(
        "() => document.querySelector('[data-role=summary]').textContent.startsWith('Problems found:')"
    )
    problems = page.locator("[data-role=list] li").all_inner_texts()
    assert any(
        p.startswith(f"scenario.xml:{line}: choice 'conf-double-slot' leads to unknown scene 'first-kontakt'")
        for p in problems
    )
    assert editor.get_attribute("aria-invalid") == "true"
    page.click("[data-role=save]")
    page.wait_for_function("() => document.querySelector('[data-role=status]').textContent.includes('was not saved')")
    assert [v for v in axe_violations(page, ".p2p-roleplay-studio")] == []
    editor.fill(original)
    page.wait_for_function("() => document.querySelector('[data-role=summary]').textContent === 'No problems found.'")
    # Nothing was saved: the learners' scenario is unchanged.
    page.goto(f"{workbench_server}/scenario/{SCENARIO}/studio_view/?student=staff-author")
    assert page.locator("[data-role=xml]").input_value() == original


def test_author_text_never_becomes_markup(page, static_server, tmp_path):
    from test_roleplay_xblock import HOSTILE

    scenario, problems = model.parse_text(HOSTILE, "hostile.xml")
    assert problems == []
    content = model.view_content(scenario)
    for path in (STORE_JS, ROLEPLAY_JS):
        shutil.copy(path, tmp_path / path.name)
    block = render("roleplay/templates/student_view.html", "en", block_id="h", content=content, asset_url=str)
    content_json = json.dumps(content).replace("<", "\\u003c")
    (tmp_path / "hostile.html").write_text(
        f"""<!doctype html><html lang="en"><title>x</title><body>{block}
<script src="p2p-store.js"></script><script src="roleplay.js"></script><script>
var content = {content_json};
var store = P2PStore.offline(P2PRoleplay.rules, content, {{load: function () {{ return null; }},
  save: function () {{ return {{ok: true}}; }}}});
P2PRoleplay.mount(document.querySelector(".p2p-roleplay"), store,
  {{content: content, state: P2PRoleplay.rules.apply("state", store.state(), {{}}, content).response, i18n: {{}}, lang: "en"}});
</script></body></html>""",
        encoding="utf-8",
    )
    page.goto(static_server(tmp_path).url + "/hostile.html")
    page.click('button[data-choice="c"]')
    page.wait_for_selector(".p2p-rp-debrief")
    assert page.evaluate("window.__xss") is None
    assert (
        page.locator(
            ".p2p-roleplay script, .p2p-roleplay img, .p2p-roleplay svg, .p2p-roleplay iframe, "
            ".p2p-roleplay [onerror], .p2p-roleplay [onmouseover]"
        ).count()
        == 0
    )
    assert "<iframe srcdoc" in page.locator(".p2p-rp-debrief").inner_text()


def test_a_stale_tab_is_refused_and_catches_up(context, workbench_server):
    scenario = load_scenario(MS_PEREZ)
    name = learner("tabs")
    first, second = context.new_page(), context.new_page()
    for tab in (first, second):
        _open(tab, workbench_server, name)
    first.click('button[data-choice="conf-double-slot"]')
    _wait_for_scene(first, scenario, "first-contact")
    second.click('button[data-choice="conf-english-notice"]')  # no longer offered: the server refuses it
    _wait_for_announcement(
        second, "That step could not be taken. (choice 'conf-english-notice' is not offered in scene 'first-contact')"
    )
    _wait_for_scene(second, scenario, "first-contact")
    assert second.locator('button[data-choice="listen-and-record"]').count() == 1


def test_offline_page_in_spanish(page, offline_site):
    url, scenario = offline_site
    page.goto(url + "/index-es.html")
    page.wait_for_selector('button[data-choice="conf-double-slot"]')
    assert page.locator(".p2p-rp-ask").inner_text() == "¿Qué hace usted?"
    page.click('button[data-choice="conf-double-slot"]')
    _wait_for_scene(page, scenario, "first-contact")
    _wait_for_announcement(page, "Comentario: " + scenario.choice("conf-double-slot").feedback)
    assert page.locator("text=Retroceder un paso").count() == 1
    assert "Mr. Reyes, interpretando:" in page.locator(".p2p-rp-translation").first.inner_text()
    # The interface is Spanish, the authored content keeps its own language mark.
    assert page.locator('.p2p-rp-scene-title span[lang="en"]').inner_text() == "A first real conversation"
    assert axe_violations(page) == []


def test_phone_width_and_forced_colors(browser, offline_site):
    url, scenario = offline_site
    context = browser.new_context(viewport={"width": 320, "height": 640}, forced_colors="active")
    page = context.new_page()
    try:
        page.add_init_script(
            'window.initialSave = {"r": ["conf-double-slot", "quick-update", "call-about-results",'
            ' "send-standard-invite"], "v": null, "n": 0, "b": null, "l": null};'
        )
        page.goto(url + "/index-en.html")
        page.click('button[data-choice="hold-without-her"]')
        page.wait_for_selector(".p2p-rp-chart")
        # Nothing wider than the phone's screen, and the bars still drawn in high-contrast mode.
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        colors = page.evaluate("""() => { const fill = document.querySelectorAll('.p2p-rp-bar-fill')[2];
            return [getComputedStyle(fill).backgroundColor, getComputedStyle(fill.parentElement).backgroundColor]; }""")
        assert colors[0] != colors[1], f"the bar's fill is invisible against its track: {colors}"
    finally:
        context.close()


@pytest.mark.parametrize("number, name", enumerate(["ms_perez", "fac_ortiz_meeting", "cr_haddad_services"]))
def test_every_ending_in_the_workbench(page, workbench_server, number, name):
    """The three course role-plays, as the workbench serves them (scenario_roleplay.0, .1 and .2), played by
    mouse to every ending, with Replay between them; the debrief shows the route's score."""
    scenario = load_scenario(COURSE_SCENARIOS[name])
    page.goto(f"{workbench_server}/scenario/scenario_roleplay.{number}/?student={learner('endings')}")
    page.wait_for_selector(".p2p-rp-scene-title")
    for count, (ending, (route, earned)) in enumerate(ENDING_ROUTES[name].items()):
        if count:
            page.click("button:has-text('Replay the conversation')")
            page.wait_for_selector(f"button[data-choice='{route.split()[0]}']")
        for choice in route.split():
            page.click(f"button[data-choice='{choice}']")
        page.wait_for_selector(".p2p-rp-chart")
        assert page.locator(".p2p-rp-scene-title").inner_text().endswith(scenario.scene(ending).title)
        overall = page.locator(".p2p-rp-overall").inner_text()
        assert f"{earned} of {POSSIBLE[name]}" in overall, overall


def test_studio_editor_shows_warnings_as_the_author_types(page, workbench_server):
    page.goto(f"{workbench_server}/scenario/{SCENARIO}/studio_view/?student=staff-author")
    editor = page.locator("[data-role=xml]")
    original = editor.input_value()
    assert page.locator("[data-role=warnings-list] li").count() == 0
    with_flag = original.replace("<persona ", '<flag id="noted"/>\n  <persona ', 1)
    line = with_flag[: with_flag.index('<flag id="noted"/>')].count("\n") + 1
    editor.fill(with_flag)
    page.wait_for_function(
        "() => document.querySelector('[data-role=warnings-summary]').textContent.startsWith('Warnings')"
    )
    assert page.locator("[data-role=summary]").inner_text() == "No problems found."
    assert page.locator("[data-role=warnings-list] li").all_inner_texts() == [
        f"scenario.xml:{line}: flag 'noted' is never used — remove it"
    ]
    assert editor.get_attribute("aria-invalid") == "false"
    assert axe_violations(page, ".p2p-roleplay-studio") == []
    editor.fill(original)
    page.wait_for_function("() => document.querySelector('[data-role=warnings-summary]').textContent === ''")
    assert page.locator("[data-role=warnings-list] li").count() == 0
