"""The suspend_data state codec (builder/player/static/state-codec.js) in Chromium.

Round trips over many kinds of JSON, the LMS-safe alphabet, determinism against written
vectors, loud failure on damaged input, and the SCORM 1.2 capacity target: at least 8,000
characters of English journal text next to a full course's other state in 4,096 characters.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(Path(__file__).parent)]

from make_codec_vectors import large_state  # noqa: E402

from bench.suspend_data_capacity import (  # noqa: E402
    CODEC,
    SCORM12_CAPACITY,
    journal_chars,
    journal_corpus,
    state_holding,
    state_with_journal,
)

DATA = Path(__file__).parent / "data"
UNSAFE = set(" \"'\\&<>%+`")


@pytest.fixture
def codec(page, static_server, tmp_path):
    """A page that loads the codec as a classic script, as the player does."""
    shutil.copy(CODEC, tmp_path / "state-codec.js")
    (tmp_path / "index.html").write_text(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>codec</title>"
        "<script src='state-codec.js'></script></head><body></body></html>",
        encoding="utf-8",
    )
    server = static_server(tmp_path)
    page.goto(f"{server.url}/index.html")
    assert page.evaluate("typeof P2PStateCodec") == "object"
    return page


def round_trip_failures(page, docs) -> list:
    """Docs that do not come back equal (compared as JSON text inside the page)."""
    return page.evaluate(
        """docs => docs.filter(doc => {
            const back = P2PStateCodec.decode(P2PStateCodec.encode(doc));
            return JSON.stringify(back) !== JSON.stringify(doc);
        })""",
        docs,
    )


SAMPLES = [
    None,
    True,
    False,
    0,
    -1,
    3.25,
    -1.5e300,
    2**53,
    "",
    [],
    {},
    [[]],
    {"": ""},
    "plain ASCII text, with punctuation: (a) [b] {c} ~!@#$%^&*_+=|;:'\",.<>/?`",
    "¿Cómo está la señora Pérez? Acción, corazón, pingüino, Ñandú; «comillas» y diálogo.",
    "Emoji: 😀 👩🏽‍🏫 👨‍👩‍👧 🇲🇽 ❤️ — and a lone 🙂 at the end 🙂",
    "中文：家长参与个别化教育计划会议。日本語のテキスト。한국어 문장입니다.",
    "\n",
    "\r\n",
    "\n\n\n",
    "\t tab \u0000 nul \u001f unit \u007f del \u2028 \u2029",
    "\ufeffBOM and \uffff and \U0010ffff",
    {"v": 1, "b": {"journal": {"entries": {"p1": {"draft": "Línea uno\nLínea dos"}}}}},
    [1, "two", None, {"three": [3.0, -0.5, 1e-7]}],
]


def test_round_trip_of_every_kind_of_value(codec):
    assert round_trip_failures(codec, SAMPLES) == []


def test_round_trip_of_strings_javascript_can_hold_but_utf8_cannot(codec):
    """Lone surrogates (possible in a JavaScript string) survive through JSON escapes."""
    failures = codec.evaluate(
        """() => {
            const docs = ['\\ud800', 'a\\udc00b', '\\udbff\\ud800x', {k: 'x\\ud83d'}, ['\\ude00']];
            return docs.filter(doc => JSON.stringify(P2PStateCodec.decode(P2PStateCodec.encode(doc)))
                                      !== JSON.stringify(doc)).length;
        }"""
    )
    assert failures == 0


def test_round_trip_of_random_json(codec):
    """Seeded random documents: nested objects and arrays, any UTF-16 code unit in strings."""
    result = codec.evaluate(
        """() => {
            let seed = 12345;
            const rand = n => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed % n; };
            const string = () => {
                let s = '';
                const n = rand(40);
                for (let i = 0; i < n; i++) {
                    const kind = rand(4);
                    s += String.fromCharCode(kind === 0 ? rand(0x10000) : kind === 1 ? 32 + rand(95)
                                             : kind === 2 ? 0xc0 + rand(0x100) : 0x4e00 + rand(0x5000));
                }
                return s;
            };
            const value = depth => {
                const kind = rand(depth > 3 ? 4 : 6);
                if (kind === 0) return string();
                if (kind === 1) return rand(2) ? rand(1000000) - 500000 : (rand(1 << 30) - (1 << 29)) / 1024;
                if (kind === 2) return [true, false, null][rand(3)];
                if (kind === 3) return string();
                if (kind === 4) return Array.from({length: rand(6)}, () => value(depth + 1));
                const o = {};
                for (let i = rand(6); i > 0; i--) o[string()] = value(depth + 1);
                return o;
            };
            let failed = 0, count = 0;
            for (let i = 0; i < 300; i++) {
                const doc = value(0);
                count++;
                if (JSON.stringify(P2PStateCodec.decode(P2PStateCodec.encode(doc))) !== JSON.stringify(doc)) failed++;
            }
            return {failed, count};
        }"""
    )
    assert result == {"failed": 0, "count": 300}


def test_round_trip_of_long_texts(codec):
    corpus = journal_corpus()
    docs = [corpus, state_with_journal(corpus), corpus * 3, "x" * 50000, ("ab" * 997 + "\n") * 30]
    assert round_trip_failures(codec, docs) == []


def test_written_in_the_lms_safe_alphabet_after_the_version(codec):
    alphabet, version = codec.evaluate("[P2PStateCodec.ALPHABET, P2PStateCodec.VERSION]")
    assert len(alphabet) == 85 and len(set(alphabet)) == 85
    assert all(33 <= ord(ch) <= 126 for ch in alphabet)
    assert not UNSAFE & set(alphabet)
    assert len(version) == 1 and version in alphabet
    outputs = codec.evaluate(
        "docs => docs.map(d => P2PStateCodec.encode(d))", SAMPLES + [state_with_journal(journal_corpus())]
    )
    for text in outputs:
        assert text[0] == version
        assert set(text) <= set(alphabet), set(text) - set(alphabet)


def test_same_document_same_text_in_every_page(codec, context):
    """Deterministic, and equal to the written vectors: a change to the model or the prior that
    would make saved states unreadable fails here (it needs a new VERSION instead)."""
    vectors = json.loads((DATA / "codec_vectors.json").read_text(encoding="utf-8"))
    docs = [vector["doc"] for vector in vectors]
    first = codec.evaluate("docs => docs.map(d => P2PStateCodec.encode(d))", docs)
    again = codec.evaluate("docs => docs.map(d => P2PStateCodec.encode(d))", docs)
    other = context.new_page()
    other.goto(codec.url)
    fresh = other.evaluate("docs => docs.map(d => P2PStateCodec.encode(d))", docs)
    assert first == again == fresh == [vector["encoded"] for vector in vectors]
    decoded = codec.evaluate("texts => texts.map(t => P2PStateCodec.decode(t))", first)
    assert decoded == docs
    pinned = json.loads((DATA / "codec_vector_large.json").read_text(encoding="utf-8"))
    large = codec.evaluate("doc => P2PStateCodec.encode(doc)", large_state())
    assert (len(large), hashlib.sha256(large.encode("ascii")).hexdigest()) == (pinned["length"], pinned["sha256"])


def test_damaged_text_throws_instead_of_returning_something_else(codec):
    result = codec.evaluate(
        """() => {
            const good = P2PStateCodec.encode({v: 1, l: 'unit_3', b: {j: {text: 'We met the family on Tuesday.'}}});
            const bad = [];
            for (let i = 0; i < good.length; i++) {
                for (const ch of ['!', '~', 'A', 'z', '0']) {
                    if (good[i] !== ch) bad.push(good.slice(0, i) + ch + good.slice(i + 1));
                }
                bad.push(good.slice(0, i) + good.slice(i + 1));           // a character lost
                bad.push(good.slice(0, i) + good[i] + good.slice(i));     // a character doubled
            }
            bad.push('', 'A', 'AA', good + '!', good + '!!!!!', good.slice(0, -5), 'B' + good.slice(1),
                     good.replace(/.$/, ' '), good + '"', '{"v":1}', good.toLowerCase());
            const accepted = [];
            let errors = 0;
            for (const text of bad.filter(t => t !== good)) {
                try { P2PStateCodec.decode(text); accepted.push(text); }
                catch (e) { if (e instanceof Error && /P2PStateCodec/.test(e.message)) errors++; }
            }
            return {accepted, errors, total: bad.filter(t => t !== good).length,
                    good: P2PStateCodec.decode(good).l};
        }"""
    )
    assert result["good"] == "unit_3"
    assert result["accepted"] == []
    assert result["errors"] == result["total"]


def test_refuses_what_is_not_json(codec):
    messages = codec.evaluate(
        """() => [undefined, () => 1, Symbol('s')].map(v => {
            try { P2PStateCodec.encode(v); return 'accepted'; } catch (e) { return e.constructor.name; }
        })"""
    )
    assert messages == ["TypeError", "TypeError", "TypeError"]
    assert (
        codec.evaluate("""() => { try { P2PStateCodec.decode(42); return 'accepted'; }
                                   catch (e) { return 'thrown'; } }""")
        == "thrown"
    )


def test_8000_characters_of_journal_fit_in_scorm12_next_to_a_full_course(codec):
    """The issue's capacity target, a size (not a time): the journal text is a corpus written for
    the tests, distinct from the codec's prior; the other state is a full course in the player's
    document shape (routes, ratings, notes, bookmarks, interaction signatures, timestamps)."""
    doc = state_holding(8000)
    assert journal_chars(doc) >= 8000
    encoded = codec.evaluate("doc => P2PStateCodec.encode(doc)", doc)
    assert len(encoded) <= SCORM12_CAPACITY, f"{len(encoded)} characters"
    assert codec.evaluate("doc => P2PStateCodec.encode(doc).length", doc) == len(encoded)  # UTF-16 units
    assert codec.evaluate("text => P2PStateCodec.decode(text)", encoded) == doc


def test_the_measured_corpus_is_not_the_prior():
    """The capacity figure is honest only if the journal corpus is not in the codec's prior."""
    source = CODEC.read_text(encoding="utf-8")
    prose = re.sub(r'"\s*\+\s*"', "", source)  # the prior's strings, joined across lines
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", journal_corpus()) if len(s) > 30]
    assert len(sentences) > 50
    shared = [s for s in sentences if s[:40] in prose]
    assert shared == []


def test_a_state_decodes_in_another_page_whatever_ran_before(codec, context):
    """The model keeps tables between calls: whatever a page encoded before, a state must come
    out the same as in a fresh page and decode there, for small states and for the lighter model
    that large states (past 24 KB) use."""
    corpus = journal_corpus()
    small = [
        corpus[:4000],
        corpus[100:5000] + ".",
        "ab" * 3000,
        [corpus[:3000], 10**15, "ok"],
        {"a": corpus[:3000], "b": {"a": 1}},
        state_with_journal(corpus[:500]),
    ]
    large = state_with_journal((corpus + "\n\n") * 3)
    after_others = codec.evaluate(
        """([small, large]) => small.map(s => { P2PStateCodec.encode(s); return P2PStateCodec.encode(large); })""",
        [small, large],
    )
    fresh = context.new_page()
    fresh.goto(codec.url)
    assert fresh.evaluate("large => P2PStateCodec.encode(large)", large) == after_others[0]
    assert set(after_others) == {after_others[0]}
    assert fresh.evaluate("text => P2PStateCodec.decode(text)", after_others[0]) == large
    other = context.new_page()
    other.goto(codec.url)
    written = other.evaluate("docs => docs.map(d => P2PStateCodec.encode(d))", small)
    assert codec.evaluate("texts => texts.map(t => P2PStateCodec.decode(t))", written) == small
