"""The shared pieces: located problems, language choice, escaping, and the store contract in a browser."""

import json

import pytest
from lxml import etree
from support.browser import ROOT

from xblocks.common.i18n import normalize_language
from xblocks.common.problems import Problem, located
from xblocks.common.rendering import environment

STORE_JS = ROOT / "xblocks" / "common" / "static" / "p2p-store.js"


def test_problem_reads_file_line_message_fix():
    assert (
        str(Problem("a/b.xml", 3, "unknown scene 'x'", "use one of: a, b"))
        == "a/b.xml:3: unknown scene 'x' — use one of: a, b"
    )
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
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="en"><title>t</title><script src="store.js"></script>'
    )
    server = static_server(tmp_path)
    page.goto(server.url + "/index.html")
    result = page.evaluate("""async () => {
        const rules = P2PStore.rules((saved, content) => saved || {count: 0}, {
          add: (state, payload) => {
            if (typeof payload.n !== 'number') throw P2PStore.refuse('n must be a number');
            state.count += payload.n; return {state, response: {count: state.count}};
          }
        }, (state) => ({completed: false, score: null, interactions: []}));
        let saved = null, allow = true;
        const slot = {load: () => saved, save: (s) => allow ? (saved = s, {ok: true}) : {ok: false, message: 'full'}};
        const store = P2PStore.offline(rules, {}, slot);
        const out = [];
        out.push(await store.call('add', {n: 2}));
        out.push(await store.call('add', {n: 'x'}).catch(e => e));
        allow = false;
        out.push(await store.call('add', {n: 5}).catch(e => e));
        out.push(store.state());
        out.push(await store.call('remove', {}).catch(e => e));
        return out;
    }""")
    assert result == [
        {"count": 2},
        {"status": 400, "message": "n must be a number"},
        {"status": 507, "message": "full"},
        {"count": 2},
        {"status": 404, "message": "unknown handler remove"},
    ]


# -- OLX attributes Open edX writes on every block --------------------------------------------


def _open_edx_like_runtime():
    """The workbench runtime with fields Open edX mixes into every block: hidden from learners,
    group access, and the release date, named like the role-play's start scene."""
    from support.workbench import RecordingRuntime
    from xblock.core import XBlockMixin
    from xblock.fields import Boolean, Date, Dict, Scope
    from xblock.runtime import Mixologist

    class OpenEdxFields(XBlockMixin):
        visible_to_staff_only = Boolean(default=False, scope=Scope.settings)
        group_access = Dict(default={}, scope=Scope.settings)
        start = Date(default=None, scope=Scope.settings)

    runtime = RecordingRuntime("staff_author")
    runtime.mixologist = Mixologist([OpenEdxFields])
    return runtime


def _block_olx(tag: str) -> str:
    from xblocks.rubric.block import FacilitationRubricBlock

    if tag == "scenario_roleplay":
        return (ROOT / "courses" / "cultural_competency" / "scenario_roleplay" / "ms_perez.xml").read_text("utf-8")
    if tag == "facilitation_rubric":
        return FacilitationRubricBlock.workbench_scenarios()[0][1]
    return '<reflection_journal url_name="r1" min_words="3"><prompt id="p">Question?</prompt></reflection_journal>'


@pytest.mark.parametrize("tag", ["scenario_roleplay", "reflection_journal", "facilitation_rubric"])
def test_platform_attributes_load_and_export_with_the_block(tag):
    """A block an author hid from learners (or gave group access) imports, keeps those settings and
    exports them again; the block's own attributes stay the block's."""
    root = etree.fromstring(_block_olx(tag).encode("utf-8"))
    root.set("visible_to_staff_only", "true")
    root.set("group_access", '{"50": [1]}')
    runtime = _open_edx_like_runtime()
    block = runtime.get_block(runtime.parse_xml_string(etree.tostring(root, encoding="unicode")))
    assert block.visible_to_staff_only is True and block.group_access == {"50": [1]}
    assert block.start is None  # the role-play's start="..." is its first scene, not a release date
    exported = etree.Element("x")
    block.add_xml_to_node(exported)
    assert exported.get("visible_to_staff_only") == "true" and json.loads(exported.get("group_access")) == {"50": [1]}
    again = runtime.get_block(runtime.parse_xml_string(etree.tostring(exported, encoding="unicode")))
    assert again.visible_to_staff_only is True
    assert {k: v for k, v in exported.attrib.items() if k != "url_name"} == {
        k: v for k, v in _exported(again).attrib.items() if k != "url_name"
    }


def _exported(block):
    node = etree.Element("x")
    block.add_xml_to_node(node)
    return node


def test_staff_convention_is_the_workbench_only():
    """A learner whose username merely starts with 'staff' is not staff outside the workbench."""
    from types import SimpleNamespace

    from xblock.reference.user_service import XBlockUser

    from xblocks.common.platform import user_is_staff

    def block_for(opt_attrs):
        user = XBlockUser(is_current_user=True)
        user.opt_attrs.update(opt_attrs)
        service = SimpleNamespace(get_current_user=lambda: user)
        runtime = SimpleNamespace(service=lambda block, name: service if name == "user" else None)
        return SimpleNamespace(runtime=runtime, scope_ids=SimpleNamespace(user_id="x"))

    assert user_is_staff(block_for({"xblock-workbench.user_id": "staff1"}))
    assert not user_is_staff(block_for({"xblock-workbench.user_id": "learner1"}))
    assert not user_is_staff(block_for({"edx-platform.username": "stafford"}))
    assert not user_is_staff(block_for({"edx-platform.username": "staffer", "edx-platform.user_is_staff": False}))
    assert user_is_staff(block_for({"edx-platform.username": "ana", "edx-platform.user_is_staff": True}))
