"""Writes data/codec_vectors.json: documents and their encodings by the current codec, in Chromium.

Run it only when the encoding changes on purpose, together with a new P2PStateCodec.VERSION
(states saved by the old version must stay readable):  python tests/scorm_codec/make_codec_vectors.py
"""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from bench.suspend_data_capacity import CodecPage, journal_corpus, state_with_journal  # noqa: E402

DOCS = [
    None,
    "",
    {"v": 1, "b": {}, "u": [], "i": {}},
    "¿Qué le preocupa más a la familia? Ñandú, pingüino, acción 😀 👩🏽‍🏫 家长",
    [1, -2.5, True, False, None, {"nested": ["a\nb", "\t"]}],
    state_with_journal(journal_corpus()[:1500]),
]


def main() -> None:
    from playwright.sync_api import sync_playwright
    from support.browser import CHROMIUM_ARGS, chromium_path

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        codec = CodecPage(browser.new_page())
        vectors = [{"doc": doc, "encoded": codec.encode(doc)} for doc in DOCS]
        browser.close()
    out = Path(__file__).parent / "data" / "codec_vectors.json"
    out.write_text(json.dumps(vectors, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}: {len(vectors)} vectors")


if __name__ == "__main__":
    main()
