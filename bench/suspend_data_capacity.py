"""How much journal text fits in SCORM `cmi.suspend_data` with the player's state codec.

Runs `builder/player/static/state-codec.js` in headless Chromium (Debian's chromium, or
$P2P_CHROMIUM) and prints, next to a full course's other state (role-play routes, rubric ratings
and notes, bookmarks, interaction signatures, journal timestamps):

- the characters of ordinary English journal text that fit in SCORM 1.2's 4,096 characters and in
  SCORM 2004's 64,000, for the codec and for plain deflate + base64;
- bits per journal character; encode and decode times; the codec's size, raw and gzip.

    python -m bench.suspend_data_capacity
"""

from __future__ import annotations

import base64
import copy
import gzip
import json
import os
import statistics
import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CODEC = ROOT / "builder" / "player" / "static" / "state-codec.js"
DATA = ROOT / "tests" / "scorm_codec" / "data"
SCORM12_CAPACITY = 4096
SCORM2004_CAPACITY = 64000


def journal_corpus() -> str:
    """Ordinary English journal entries, one per paragraph (written for the tests, not the prior)."""
    return (DATA / "journal_corpus.txt").read_text(encoding="utf-8").strip()


def other_state() -> dict:
    """A full course's state in the player's document shape, with every journal text empty."""
    return json.loads((DATA / "other_state.json").read_text(encoding="utf-8"))


def journal_slots(doc: dict) -> list[dict]:
    """The fixture's journal entries, in document order: the places journal text goes."""
    slots = []
    for block in doc["b"].values():
        for entry in block.get("entries", {}).values():
            slots.append(entry["versions"][0] if entry.get("versions") else entry)
    return slots


def state_with_journal(text: str, base: dict | None = None) -> dict:
    """The other state with `text` written into its journal entries, paragraph by paragraph,
    spread over the entries in turn (as a learner answers prompt after prompt)."""
    doc = copy.deepcopy(base if base is not None else other_state())
    slots = journal_slots(doc)
    paragraphs = [p for p in text.split("\n\n") if p] if text else []
    for index, paragraph in enumerate(paragraphs):
        slot = slots[index % len(slots)]
        key = "text" if "text" in slot else "draft"
        slot[key] = f"{slot[key]}\n\n{paragraph}" if slot[key] else paragraph
    return doc


def journal_chars(doc: dict) -> int:
    """Characters of journal text the state holds (paragraph breaks inside an entry included)."""
    return sum(len(slot.get("text") or slot.get("draft") or "") for slot in journal_slots(doc))


def state_holding(chars: int) -> dict:
    """The state holding at least `chars` characters of journal text (a prefix of the corpus)."""
    corpus = journal_corpus()
    length = chars
    while journal_chars(state_with_journal(corpus[:length])) < chars:
        length += 1
    return state_with_journal(corpus[:length])


def js_length(text: str) -> int:
    """Length in JavaScript string units (UTF-16), which is what an LMS counts."""
    return len(text.encode("utf-16-le")) // 2


def deflate_base64(doc: dict) -> str:
    """The baseline: JSON, raw deflate at level 9, base64."""
    raw = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return base64.b64encode(packer.compress(raw) + packer.flush()).decode("ascii")


def largest_fit(corpus: str, capacity: int, encoded_length) -> int:
    """The most journal characters (from a prefix of the corpus) whose state encodes within
    capacity; all the corpus's when all of it fits."""
    low, high = 0, len(corpus)
    if encoded_length(state_with_journal(corpus)) <= capacity:
        return journal_chars(state_with_journal(corpus))
    while low < high:
        middle = (low + high + 1) // 2
        if encoded_length(state_with_journal(corpus[:middle])) <= capacity:
            low = middle
        else:
            high = middle - 1
    return journal_chars(state_with_journal(corpus[:low]))


class CodecPage:
    """The codec loaded in a blank Chromium page."""

    def __init__(self, page):
        self.page = page
        page.set_content("<!doctype html><html lang='en'><title>codec</title></html>")
        page.add_script_tag(content=CODEC.read_text(encoding="utf-8"))

    def encode(self, doc) -> str:
        return self.page.evaluate("doc => P2PStateCodec.encode(doc)", doc)

    def encoded_length(self, doc) -> int:
        return self.page.evaluate("doc => P2PStateCodec.encode(doc).length", doc)

    def decode(self, text: str):
        return self.page.evaluate("text => P2PStateCodec.decode(text)", text)

    def timings(self, doc, runs: int = 7) -> dict:
        """Milliseconds measured inside the page: the first encode (it primes the model and
        warms up the engine), then the median and the fastest of `runs` encodes and decodes."""
        first, encode_ms, decode_ms = self.page.evaluate(
            """([doc, runs]) => {
                const encodeMs = [], decodeMs = [];
                let t = performance.now(), text = P2PStateCodec.encode(doc);
                const first = performance.now() - t;
                for (let i = 0; i < runs; i++) {
                    t = performance.now();
                    text = P2PStateCodec.encode(doc);
                    encodeMs.push(performance.now() - t);
                    t = performance.now();
                    P2PStateCodec.decode(text);
                    decodeMs.push(performance.now() - t);
                }
                return [first, encodeMs, decodeMs];
            }""",
            [doc, runs],
        )
        return {
            "first": first,
            "encode": (statistics.median(encode_ms), min(encode_ms)),
            "decode": (statistics.median(decode_ms), min(decode_ms)),
        }


def tiled_state(json_chars: int) -> dict:
    """A state whose JSON is about `json_chars` long: the corpus repeated into the journal.
    For timing only: repeated text compresses better than new text, so no size is read off it."""
    corpus = journal_corpus()
    base_length = len(json.dumps(other_state(), separators=(",", ":"), ensure_ascii=False))
    text = (corpus + "\n\n") * (json_chars // len(corpus) + 1)
    doc = state_with_journal(text[: max(0, json_chars - base_length)])
    while len(json.dumps(doc, separators=(",", ":"), ensure_ascii=False)) > json_chars:
        text = text[: len(text) - 200]
        doc = state_with_journal(text[: max(0, json_chars - base_length)])
    return doc


def measure(page) -> dict:
    codec = CodecPage(page)
    corpus = journal_corpus()
    empty = state_with_journal("")
    figures: dict = {"corpus_chars": journal_chars(state_with_journal(corpus))}
    figures["other_state_json"] = len(json.dumps(empty, separators=(",", ":"), ensure_ascii=False))
    figures["other_state_codec"] = codec.encoded_length(empty)
    figures["other_state_deflate"] = len(deflate_base64(empty))

    full = codec.encode(state_with_journal(corpus))
    if codec.decode(full) != state_with_journal(corpus):
        raise SystemExit("the codec did not give back the state it encoded")
    figures["full_corpus_codec"] = js_length(full)
    half_doc = state_with_journal(corpus[: len(corpus) // 2])
    half = codec.encoded_length(half_doc)
    figures["marginal_chars_per_output_char"] = (figures["corpus_chars"] - journal_chars(half_doc)) / (len(full) - half)
    figures["bits_per_char"] = (len(full) - figures["other_state_codec"]) * 6.409 / figures["corpus_chars"]

    whole_corpus = figures["corpus_chars"]
    for name, encoded_length in (("codec", codec.encoded_length), ("deflate", lambda doc: len(deflate_base64(doc)))):
        for capacity in (SCORM12_CAPACITY, SCORM2004_CAPACITY):
            fit = largest_fit(corpus, capacity, encoded_length)
            if fit < whole_corpus:
                figures[f"{name}_{capacity}"] = (fit, False)
            else:  # the corpus ran out: extend at the rate of its second half
                whole, half = state_with_journal(corpus), state_with_journal(corpus[: len(corpus) // 2])
                used, half_used = encoded_length(whole), encoded_length(half)
                rate = (journal_chars(whole) - journal_chars(half)) / (used - half_used)
                figures[f"{name}_{capacity}"] = (int(journal_chars(whole) + (capacity - used) * rate), True)

    # What the runtime's interaction signatures (doc.i: random hashes) cost in journal text.
    lean = other_state()
    lean["i"] = {}
    figures["lean_other_codec"] = codec.encoded_length(state_with_journal("", lean))
    figures["lean_4096"] = largest_fit(corpus, SCORM12_CAPACITY, lambda doc: codec.encoded_length({**doc, "i": {}}))

    at_capacity = state_holding(figures["codec_4096"][0])
    figures["json_4096"] = len(json.dumps(at_capacity, separators=(",", ":"), ensure_ascii=False))
    figures["time_4096"] = CodecPage(page.context.new_page()).timings(at_capacity)
    big = tiled_state(64000)
    figures["big_json"] = len(json.dumps(big, separators=(",", ":"), ensure_ascii=False))
    figures["big_encoded"] = codec.encoded_length(big)
    figures["time_64000"] = codec.timings(big, runs=5)
    figures["load"] = os.getloadavg()[0]
    source = CODEC.read_bytes()
    figures["codec_raw"] = len(source)
    figures["codec_gzip"] = len(gzip.compress(source, 9, mtime=0))
    return figures


def report(figures: dict) -> str:
    def timing(t):
        return (
            f"encode {t['encode'][0]:.1f} / {t['encode'][1]:.1f} ms, decode {t['decode'][0]:.1f} / "
            f"{t['decode'][1]:.1f} ms; first encode in a fresh page {t['first']:.1f} ms"
        )

    def fit(key):
        chars, estimated = figures[key]
        return f"{chars:,}" + (" (estimated: the corpus ran out; extended at its marginal rate)" if estimated else "")

    lines = [
        f"journal corpus: {figures['corpus_chars']:,} characters of English journal text",
        f"other state: {figures['other_state_json']:,} characters of JSON -> "
        f"{figures['other_state_codec']:,} with the codec, {figures['other_state_deflate']:,} with deflate+base64",
        "",
        "journal characters that fit next to the other state:",
        f"  SCORM 1.2  (4,096):  codec {fit('codec_4096')}",
        f"                       deflate+base64 {fit('deflate_4096')}",
        f"  SCORM 2004 (64,000): codec {fit('codec_64000')}",
        f"                       deflate+base64 {fit('deflate_64000')}",
        f"  without the interaction signatures (doc.i) the other state takes {figures['lean_other_codec']:,} "
        f"and {figures['lean_4096']:,} journal characters fit in 4,096",
        "",
        f"codec: {figures['bits_per_char']:.2f} bits ({figures['bits_per_char'] / 8:.3f} bytes) per journal "
        "character over the whole corpus "
        f"({figures['full_corpus_codec']:,} suspend_data characters for corpus + other state); "
        f"{figures['marginal_chars_per_output_char']:.2f} journal characters per suspend_data character "
        "over the corpus's second half",
        f"times in Chromium, median / fastest (machine load average {figures['load']:.1f}):",
        f"  state at the 4,096 limit ({figures['json_4096']:,} characters of JSON): " + timing(figures["time_4096"]),
        f"  {figures['big_json']:,}-character state (-> {figures['big_encoded']:,}; journal repeated, "
        "for time only): " + timing(figures["time_64000"]),
        f"codec script: {figures['codec_raw']:,} bytes, {figures['codec_gzip']:,} bytes gzip (prior included)",
    ]
    return "\n".join(lines)


def main() -> int:
    sys.path.insert(0, str(ROOT / "tests"))
    from playwright.sync_api import sync_playwright
    from support.browser import CHROMIUM_ARGS, chromium_path

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            figures = measure(browser.new_context().new_page())
        finally:
            browser.close()
    print(report(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
