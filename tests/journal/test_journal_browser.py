"""reflection_journal in Chromium (the rules run in Node: tests/rules.test.js): the workbench (autosave,
reload, browser restart, course journal download, escaping, axe-core) and the offline store (SCORM)."""

import itertools
import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from lxml import etree
from support.browser import ROOT, axe_violations
from workbench.runtime import WorkbenchRuntime
from workbench.scenarios import get_scenarios

from xblocks.common.i18n import script_catalogue
from xblocks.common.rendering import render
from xblocks.journal import model

STORE_JS = ROOT / "xblocks" / "common" / "static" / "p2p-store.js"
JOURNAL_JS = ROOT / "xblocks" / "journal" / "static" / "journal.js"
JOURNAL_CSS = ROOT / "xblocks" / "journal" / "static" / "journal.css"
SCENARIO = "reflection_journal.0"
XSS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=2">',
    '"><svg onload="window.__xss=3">',
    '<a href="javascript:window.__xss=4">link</a>',
    "</textarea><script>window.__xss=5</script>",
    "<svg><script>window.__xss=6</script></svg>",
    '<iframe srcdoc="<script>parent.__xss=8</script>">',
]
_names = itertools.count()


def student(prefix="reader"):
    return f"{prefix}{next(_names)}{int(time.time() * 1000) % 100000}"


def wait_until(check, what, attempts=200):
    """Polls (a request that outlives the page has no callback to wait on); fails with `what`."""
    for _ in range(attempts):
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(what)


def journal_usage_ids():
    vertical = get_scenarios()[SCENARIO].usage_id
    return WorkbenchRuntime("author").get_block(vertical).children


def stored_draft(name, prompt_id):
    """The draft in the workbench's database (read in a thread: Playwright's event loop owns this one)."""

    def read():
        block = WorkbenchRuntime(name).get_block(journal_usage_ids()[0])
        return block._state(block._content())["entries"].get(prompt_id, {}).get("draft")

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(read).result()


def open_scenario(page, base, name):
    page.goto(f"{base}/scenario/{SCENARIO}/?student={name}")
    page.wait_for_selector(".p2p-journal__text:not([disabled])")


def textarea(page, prompt_id):
    return page.locator(f'[data-prompt-id="{prompt_id}"] .p2p-journal__text')


def status(page, prompt_id):
    return page.locator(f'[data-prompt-id="{prompt_id}"] .p2p-journal__status')


def block_violations(page, selector):
    """axe-core on one block of a workbench page. The workbench page itself has no <title> and jumps
    from <h1> to the blocks' <h3> (the LMS and the SCORM player put the unit's <h2> between), so the
    page-level rules are left to the offline page below, which is built like the player's."""
    page_rules = {
        "document-title",
        "heading-order",
        "landmark-one-main",
        "page-has-heading-one",
        "region",
        "html-has-lang",
    }
    return [v for v in axe_violations(page, selector) if v["id"] not in page_rules]


def assert_no_injection(page):
    assert page.evaluate("window.__xss") is None
    assert (
        page.locator(
            ".p2p-journal script, .p2p-journal img, .p2p-journal svg, .p2p-journal iframe, "
            ".p2p-journal [onerror], .p2p-journal a[href^='javascript']"
        ).count()
        == 0
    )


# ---------------------------------------------------------------- the workbench (Open edX runtime)


def test_draft_survives_reload_and_browser_restart(page, browser, workbench_server):
    name = student()
    open_scenario(page, workbench_server, name)
    textarea(page, "notice").fill("The family waited while we read our notes.")
    page.wait_for_function("""() => document.querySelector('[data-prompt-id="notice"] .p2p-journal__status')
                                  .textContent === 'Draft saved.'""")
    # the count is announced politely once typing pauses
    page.wait_for_function("""() => document.querySelector('[data-prompt-id="notice"] .p2p-journal__announce')
                                  .textContent === '8 of 15 words'""")
    assert page.locator('[data-prompt-id="notice"] .p2p-journal__announce').get_attribute("aria-live") == "polite"
    page.reload()
    page.wait_for_selector(".p2p-journal__text:not([disabled])")
    assert textarea(page, "notice").input_value() == "The family waited while we read our notes."
    assert "8 of 15 words" in page.locator('[data-prompt-id="notice"] .p2p-journal__count').text_content()
    restarted = browser.new_context()  # a new browser profile: nothing kept on the client side
    try:
        fresh = restarted.new_page()
        open_scenario(fresh, workbench_server, name)
        assert textarea(fresh, "notice").input_value() == "The family waited while we read our notes."
    finally:
        restarted.close()


def test_text_typed_just_before_leaving_is_saved(context, workbench_server):
    name = student()
    page = context.new_page()
    open_scenario(page, workbench_server, name)
    textarea(page, "try_next").click()
    page.keyboard.type("Call the family before the meeting.")
    page.close(run_before_unload=True)  # no pause for the autosave: only the leave-time save can keep it
    wait_until(
        lambda: stored_draft(name, "try_next") == "Call the family before the meeting.",
        "the draft typed before leaving never reached the server",
    )
    again = context.new_page()
    open_scenario(again, workbench_server, name)
    assert textarea(again, "try_next").input_value() == "Call the family before the meeting."


def stored_drafts(name):
    """({prompt id: draft}, {prompt id: [page, seq] of the request that wrote it}) in the database."""

    def read():
        block = WorkbenchRuntime(name).get_block(journal_usage_ids()[0])
        entries = block._state(block._content())["entries"]
        return {pid: e.get("draft") for pid, e in entries.items()}, block._record().get("sent")

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(read).result()


def test_every_prompt_typed_in_before_leaving_is_saved_in_one_request(browser, context, workbench_server):
    """Text in two prompts, one save held on its way and the other not yet due, then the page closes:
    one request carries both (separate ones would each rewrite the whole journal record)."""
    name = student()
    page = context.new_page()
    open_scenario(page, workbench_server, name)
    held, saves = [], []

    def hold_first_save(route):
        if not held:
            held.append(route)  # never answered: the autosave is still on its way when the page goes
        else:
            route.continue_()

    is_save = lambda url: "/save_draft" in url  # noqa: E731 (save_draft or save_drafts)
    context.route(is_save, hold_first_save)
    context.on("request", lambda r: saves.append(r.post_data_json) if is_save(r.url) else None)
    textarea(page, "notice").click()
    page.keyboard.type("The family spoke after the team had decided.")
    textarea(page, "try_next").click()  # leaving the first box saves it (the request held above)
    page.keyboard.type("Send the agenda home a week before.")
    for _ in range(100):  # Playwright dispatches the route callback only while it runs a call
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "leaving the first box did not save it"
    page.close(run_before_unload=True)  # before the second box's autosave is due
    want = {"notice": "The family spoke after the team had decided.", "try_next": "Send the agenda home a week before."}
    wait_until(lambda: stored_drafts(name)[0] == want, "a draft typed before leaving never reached the server")
    # The page closed before it could report the leave-time request; the server's marks show it:
    # one request (one page and seq) wrote both, numbered after the save it overtook.
    marks = stored_drafts(name)[1]
    assert marks["notice"] == marks["try_next"] == [saves[0]["page"], marks["notice"][1]], marks
    assert marks["notice"][1] > saves[0]["seq"] and [d["prompt_id"] for d in saves[0]["drafts"]] == ["notice"]
    context.unroute(is_save)
    fresh = browser.new_context()  # nothing kept on the client side: the drafts come from the server
    try:
        again = fresh.new_page()
        open_scenario(again, workbench_server, name)
        assert [textarea(again, pid).input_value() for pid in want] == list(want.values())
    finally:
        fresh.close()


def test_leaving_with_more_unsaved_text_than_a_leave_time_request_carries_asks_first(context, workbench_server):
    """Browsers send at most 64 KiB of keepalive bodies: rather than drop the drafts, the page asks."""
    page = context.new_page()
    open_scenario(page, workbench_server, student())
    page.route(lambda url: "/save_draft" in url, lambda route: None)  # saves never answer: both stay unsent
    for prompt_id in ("notice", "try_next"):
        textarea(page, prompt_id).fill("€" * 10_000)  # 30,000 bytes each as UTF-8
    textarea(page, "notice").focus()  # leaving the second box sends its save (held)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.close(run_before_unload=True)
    for _ in range(100):
        if dialogs or page.is_closed():
            break
        page.wait_for_timeout(50)
    assert dialogs == ["beforeunload"] and not page.is_closed()


def test_submit_edit_versions_and_the_downloaded_journal(page, workbench_server):
    name = student()
    open_scenario(page, workbench_server, name)
    entries = {
        "notice": "We asked the family to speak only after the team had finished.",
        "try_next": "Send the agenda home a week early, in Spanish and English.",
        "question": "What does a good morning look like for your son?",
    }
    for prompt_id, text in entries.items():
        textarea(page, prompt_id).fill(text)
        page.locator(f'[data-prompt-id="{prompt_id}"] .p2p-journal__submit').click()
        page.wait_for_function(f"""() => document.querySelector('[data-prompt-id="{prompt_id}"] .p2p-journal__status')
                                          .textContent.startsWith('Submitted.')""")
    edited = entries["notice"] + " Next time the parent speaks first."
    textarea(page, "notice").fill(edited)
    page.locator('[data-prompt-id="notice"] .p2p-journal__submit').click()
    page.wait_for_function("""() => document.querySelector('[data-prompt-id="notice"] .p2p-journal__status')
                                   .textContent.includes('Version 2')""")
    textarea(page, "question").fill("A draft I have not submitted.")
    page.reload()
    page.wait_for_selector(".p2p-journal__text:not([disabled])")
    versions = page.locator('[data-prompt-id="notice"] .p2p-journal__versions')
    assert versions.is_visible() and entries["notice"] in versions.text_content()

    page.locator(".p2p-journal__toggle").first.click()
    panel = page.locator(".p2p-journal__journal").first
    panel.wait_for(state="visible")
    for text in (edited, entries["try_next"], "A draft I have not submitted."):
        assert text in panel.text_content()

    with page.expect_download() as download_info:
        page.locator(".p2p-journal__download").last.click()
    document = Path(download_info.value.path()).read_text(encoding="utf-8")
    for text in (
        edited,
        entries["notice"],
        entries["try_next"],
        "A draft I have not submitted.",
        "Meaningful participation",
        "Curiosity",
        "Which habits of the team helped the family speak up, and which got in the way?",
    ):
        assert text in document, text
    for block in ("d0_u0", "d1_u0"):
        assert block_violations(page, f'[data-block-id$="{block}"]') == [], block


def test_learner_text_is_never_markup_in_any_view(context, workbench_server):
    name = student()
    page = context.new_page()
    open_scenario(page, workbench_server, name)
    corpus = "\n".join(XSS)
    for prompt_id in ("notice", "try_next"):
        textarea(page, prompt_id).fill(corpus)
        page.locator(f'[data-prompt-id="{prompt_id}"] .p2p-journal__submit').click()
        page.wait_for_function(f"""() => document.querySelector('[data-prompt-id="{prompt_id}"] .p2p-journal__status')
                                          .textContent.startsWith('Submitted.')""")
    textarea(page, "notice").fill(corpus + "\nedited")
    page.locator('[data-prompt-id="notice"] .p2p-journal__submit').click()
    page.wait_for_function("""() => document.querySelector('[data-prompt-id="notice"] .p2p-journal__status')
                                   .textContent.includes('Version 2')""")
    page.reload()
    page.wait_for_selector(".p2p-journal__text:not([disabled])")
    assert textarea(page, "try_next").input_value() == corpus
    page.locator('[data-prompt-id="notice"] .p2p-journal__versions summary').click()
    page.locator(".p2p-journal__toggle").first.click()
    page.locator(".p2p-journal__journal").first.wait_for(state="visible")
    assert_no_injection(page)

    with page.expect_download() as download_info:
        page.locator(".p2p-journal__download").first.click()
    document = Path(download_info.value.path()).read_text(encoding="utf-8")
    viewer = context.new_page()
    viewer.set_content(document)
    assert viewer.evaluate("window.__xss") is None
    assert viewer.locator("main script, main img, main svg, main iframe, main [onerror]").count() == 0
    assert corpus in viewer.locator("main").inner_text()

    staff = context.new_page()
    open_scenario(staff, workbench_server, student("staff"))
    staff.locator(".p2p-journal__staff-load").first.click()
    staff.locator(".p2p-journal__table").first.wait_for()
    assert corpus in staff.locator(".p2p-journal__table").first.inner_text()
    assert_no_injection(staff)
    assert block_violations(staff, ".p2p-journal") == []


def test_over_the_limit_is_shown_kept_and_not_saved(page, workbench_server):
    name = student()
    open_scenario(page, workbench_server, name)
    page.evaluate("""() => { const box = document.querySelector('[data-prompt-id="notice"] .p2p-journal__text');
                             box.value = 'w '.repeat(5001); box.dispatchEvent(new Event('input')); box.blur(); }""")
    count = page.locator('[data-prompt-id="notice"] .p2p-journal__count')
    assert "10002 of 10000 characters" in count.text_content()
    assert "remove 2 characters" in status(page, "notice").text_content()
    assert page.locator('[data-prompt-id="notice"] .p2p-journal__submit').is_disabled()
    assert textarea(page, "notice").input_value() == "w " * 5001
    assert stored_draft(name, "notice") is None
    textarea(page, "notice").click()  # a real gesture: Chromium asks before unload only after one
    with page.expect_event("dialog") as asked:
        page.close(run_before_unload=True)
    assert asked.value.type == "beforeunload"  # leaving with text that cannot be saved asks first
    asked.value.dismiss()


def test_a_lost_connection_is_said_and_the_save_retried(page, workbench_server):
    name = student()
    open_scenario(page, workbench_server, name)
    page.route("**/handler/**", lambda route: route.abort())
    textarea(page, "notice").fill("Written while the network was down.")
    textarea(page, "notice").blur()
    page.wait_for_function("""() => document.querySelector('[data-prompt-id="notice"] .p2p-journal__status')
                                   .textContent.includes('connection was lost')""")
    assert textarea(page, "notice").input_value() == "Written while the network was down."
    page.unroute("**/handler/**")
    page.wait_for_function(
        """() => document.querySelector('[data-prompt-id="notice"] .p2p-journal__status')
                                   .textContent === 'Draft saved.'""",
        timeout=20000,
    )
    assert stored_draft(name, "notice") == "Written while the network was down."


# ---------------------------------------------------------------- offline (the SCORM runtime's store)


def offline_page(tmp_path, capacity, lang="en"):
    """Two journal blocks mounted with P2PStore.offline on one page, sharing a document of `capacity` characters."""
    journals = [
        model.parse(etree.fromstring(xml), "t.xml")[0]
        for xml in (
            b'<reflection_journal url_name="one" section="Empathy" min_words="3"><prompt id="a">First question?</prompt></reflection_journal>',
            # pointer-form OLX: the definition has no url_name, the player knows the block as "two"
            b'<reflection_journal section="Curiosity"><prompt id="b" shared_with_staff="true">Second question?</prompt></reflection_journal>',
        )
    ]
    contents = [model.view_content(j) for j in journals]
    block_ids = ["one", "two"]
    frames = "".join(
        render("journal/templates/student_view.html", lang, block_id=block_id, content=c, asset_url=lambda n: n)
        for block_id, c in zip(block_ids, contents)
    )
    (tmp_path / "store.js").write_text(STORE_JS.read_text())
    (tmp_path / "journal.js").write_text(JOURNAL_JS.read_text())
    (tmp_path / "journal.css").write_text(JOURNAL_CSS.read_text())
    (tmp_path / "index.html").write_text(
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>Offline journal</title>'
        '<link rel="stylesheet" href="journal.css"><script src="store.js"></script><script src="journal.js"></script>'
        f"</head><body><main><h1>Course</h1><h2>Unit</h2>{frames}</main><script>"
        f"const contents = {json.dumps(contents)}; const ids = {json.dumps(block_ids)}; const capacity = {capacity};"
        f'const lang = "{lang}"; const i18n = {json.dumps(script_catalogue(lang, JOURNAL_JS))};'
        """
        window.doc = {};
        contents.forEach((content, n) => {
          const id = ids[n];
          const slot = {load: () => window.doc[id] || null,
            save: (state) => {
              const next = Object.assign({}, window.doc, {[id]: state});
              if (JSON.stringify(next).length > capacity) return {ok: false, message: 'full'};
              window.doc = next; return {ok: true};
            }};
          const store = P2PStore.offline(P2PJournal.rules, content, slot);
          store.call('state', {}).then((state) => P2PJournal.mount(document.getElementById(id), store,
              {content, state, i18n, lang}));
        });
        </script></body></html>"""
    )


def test_offline_journal_collects_every_block_and_reports(page, static_server, tmp_path):
    offline_page(tmp_path, 4096)
    page.goto(static_server(tmp_path).url + "/index.html")
    page.wait_for_selector("#two .p2p-journal__text:not([disabled])")
    textarea(page, "a").fill("Listening first changes the meeting.")
    page.locator('[data-prompt-id="a"] .p2p-journal__submit').click()
    page.wait_for_function("() => window.doc.one && window.doc.one.entries.a.versions")
    textarea(page, "b").fill("An unsent thought")
    page.locator('[data-prompt-id="b"] .p2p-journal__text').blur()
    page.wait_for_function("() => window.doc.two && window.doc.two.entries.b.draft === 'An unsent thought'")
    assert page.evaluate("P2PJournal.collect().map(e => [e.block, e.prompt_id])") == [["one", "a"], ["two", "b"]]
    report = page.evaluate(
        "[P2PJournal.rules.report(window.doc.one, contents[0], 'one'),"
        " P2PJournal.rules.report(window.doc.two, contents[1], 'two')]"
    )
    assert report == [
        {
            "completed": True,
            "score": None,
            "interactions": [
                {
                    "id": "one-a",
                    "type": "long-fill-in",
                    "description": "First question?",
                    "response": "private entry, 5 words",
                    "result": "neutral",
                }
            ],
        },
        {"completed": False, "score": None, "interactions": []},
    ]
    from_document = page.evaluate(
        "P2PJournal.collect([{id: 'one', content: contents[0], state: window.doc.one},"
        " {id: 'two', content: contents[1], state: window.doc.two}])"
    )
    assert [(e["block"], e["draft"]) for e in from_document] == [("one", None), ("two", "An unsent thought")]
    drawn = page.evaluate("P2PJournal.renderJournal(P2PJournal.collect()).innerText")
    assert "Listening first changes the meeting." in drawn and "An unsent thought" in drawn
    with page.expect_download() as download_info:
        page.locator("#one .p2p-journal__download").click()
    document = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert "Listening first changes the meeting." in document and "An unsent thought" in document
    assert axe_violations(page) == []


def test_a_full_lms_keeps_the_text_and_offers_the_journal(page, static_server, tmp_path):
    offline_page(tmp_path, 400)
    page.goto(static_server(tmp_path).url + "/index.html")
    page.wait_for_selector("#one .p2p-journal__text:not([disabled])")
    textarea(page, "a").fill("Short and saved.")
    textarea(page, "a").blur()
    page.wait_for_function("() => window.doc.one && window.doc.one.entries.a.draft === 'Short and saved.'")
    assert not page.locator('[data-prompt-id="a"] .p2p-journal__rescue').is_visible()  # only once needed
    long_text = "This reflection is longer than the space the learning platform keeps for the course. " * 5
    textarea(page, "a").fill(long_text)
    textarea(page, "a").blur()
    page.wait_for_function("""() => document.querySelector('[data-prompt-id="a"] .p2p-journal__status')
                                   .textContent.includes('no room left')""")
    assert textarea(page, "a").input_value() == long_text  # nothing lost on screen
    assert page.evaluate("window.doc.one.entries.a.draft") == "Short and saved."  # the document is unchanged
    rescue = page.locator('[data-prompt-id="a"] .p2p-journal__rescue')
    assert rescue.is_visible()
    page.locator('[data-prompt-id="a"] .p2p-journal__submit').click()
    page.wait_for_function("""() => document.querySelector('[data-prompt-id="a"] .p2p-journal__status')
                                   .textContent.includes('no room left')""")
    assert textarea(page, "a").input_value() == long_text
    with page.expect_download() as download_info:
        rescue.click()
    assert long_text.strip() in Path(download_info.value.path()).read_text(encoding="utf-8")


def test_the_offline_journal_in_spanish(page, static_server, tmp_path):
    offline_page(tmp_path, 64000, lang="es")
    page.goto(static_server(tmp_path).url + "/index.html")
    page.wait_for_selector("#two .p2p-journal__text:not([disabled])")
    textarea(page, "a").fill("Escuchar primero cambia la reunión.")
    assert (
        page.locator('[data-prompt-id="a"] .p2p-journal__count').text_content()
        == "5 de 3 palabras · 35 de 10000 caracteres"
    )
    page.locator('[data-prompt-id="a"] .p2p-journal__submit').click()
    status(page, "a").filter(has_text="Enviado. La versión 1 queda guardada en su diario.").wait_for()
    assert "Privada: solo usted puede leer esta entrada." in page.locator("#one").inner_text()
    with page.expect_download() as download_info:
        page.locator("#one .p2p-journal__download").click()
    document = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert '<html lang="es">' in document and "Mi diario de reflexión" in document
    assert '<h3 lang="en">' in document  # the prompts keep the language they were written in
    assert axe_violations(page) == []


def test_everything_works_from_the_keyboard(page, static_server, tmp_path):
    offline_page(tmp_path, 64000)
    page.goto(static_server(tmp_path).url + "/index.html")
    page.wait_for_selector("#two .p2p-journal__text:not([disabled])")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "one-a-text"
    page.keyboard.type("Typed with the keyboard only.")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "p2p-journal__submit"
    page.keyboard.press("Enter")
    status(page, "a").filter(has_text="Submitted.").wait_for()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "p2p-journal__toggle"
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.id === 'one-journal'")  # focus moves to the journal
    assert "Typed with the keyboard only." in page.locator("#one-journal").inner_text()
    assert page.locator("#one .p2p-journal__toggle").get_attribute("aria-expanded") == "true"
