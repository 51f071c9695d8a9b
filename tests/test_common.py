"""The shared pieces: located problems, language choice, escaping, and the store contract in a browser."""
import json
from pathlib import Path

from lxml import etree

from support.browser import ROOT
from xblocks.common.i18n import normalize_language
from xblocks.common.problems import Problem, located
from xblocks.common.rendering import environment

STORE_JS = ROOT / "xblocks" / "common" / "static" / "p2p-store.js"


def test_problem_reads_file_line_message_fix():
    assert str(Problem("a/b.xml", 3, "unknown scene 'x'", "use one of: a, b")) == \
        "a/b.xml:3: unknown scene 'x' — use one of: a, b"
    assert str(Problem("policy.json", None, "not JSON")) == "policy.json: not JSON"


def test_located_takes_the_element_source_line():
    root = etree.fromstring(b"<a>\n\n<b/></a>")
    assert located("f.xml", root[0], "bad").line == 3


def test_language_codes_normalize_to_supported():
    assert [normalize_language(c) for c in ("es-419", "es_MX", "EN", "fr", None)] == ["es", "es", "en", "en", "en"]


def test_templates_escape_and_fail_on_missing_variables():
    env = environment("en")
    assert env.from_string("{{ x }}").render(x="<script>") == "&lt;script&gt;"
    assert env.from_string("{{ x|script_json }}").render(x={"a": "</script>"}) == '{"a":"\\u003c/script\\u003e"}'
    try:
        env.from_string("{{ missing }}").render()
    except Exception as error:  # jinja2.UndefinedError
        assert "missing" in str(error)
    else:
        raise AssertionError("a missing variable must be an error")


def test_offline_store_refuses_and_keeps_state_when_save_fails(page, static_server, tmp_path):
    (tmp_path / "store.js").write_text(STORE_JS.read_text())
    (tmp_path / "index.html").write_text('<!doctype html><html lang="en"><title>t</title><script src="store.js"></script>')
    server = static_server(tmp_path)
    page.goto(server.url + "/index.html")
    result = page.evaluate("""async () => {
        const rules = {
          restore: (saved, content) => saved || {count: 0},
          handlers: {
            add: (state, payload) => {
              if (typeof payload.n !== 'number') throw P2PStore.refuse('n must be a number');
              state.count += payload.n; return {state, response: {count: state.count}};
            }
          }
        };
        let saved = null, allow = true;
        const slot = {load: () => saved, save: (s) => allow ? (saved = s, {ok: true}) : {ok: false, message: 'full'}};
        const store = P2PStore.offline(rules, {}, slot);
        const out = [];
        out.push(await store.call('add', {n: 2}));
        out.push(await store.call('add', {n: 'x'}).catch(e => e));
        allow = false;
        out.push(await store.call('add', {n: 5}).catch(e => e));
        out.push(store.state());
        return out;
    }""")
    assert result == [{"count": 2}, {"status": 400, "message": "n must be a number"},
                      {"status": 507, "message": "full"}, {"count": 2}]
