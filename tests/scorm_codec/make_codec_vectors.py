"""Writes data/codec_vectors.json: documents and their encodings by the current codec, in Chromium,
and data/codec_vector_large.json: the SHA-256 of a large state's encoding (the lighter model).

Run it only when the encoding changes on purpose, together with a new P2PStateCodec.VERSION
(states saved by the old version must stay readable):  python tests/scorm_codec/make_codec_vectors.py
"""

import hashlib
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


def large_state() -> dict:
    """A state past 24 KB of JSON, which the codec codes with its lighter model."""
    return state_with_journal((journal_corpus() + "\n\n") * 3)


def main() -> None:
    from playwright.sync_api import sync_playwright
    from support.browser import CHROMIUM_ARGS, chromium_path

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        codec = CodecPage(browser.new_page())
        vectors = [{"doc": doc, "encoded": codec.encode(doc)} for doc in DOCS]
        large = codec.encode(large_state())
        browser.close()
    out = Path(__file__).parent / "data" / "codec_vectors.json"
    out.write_text(json.dumps(vectors, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}: {len(vectors)} vectors")
    out = Path(__file__).parent / "data" / "codec_vector_large.json"
    out.write_text(
        json.dumps(
            {
                "doc": "large_state() in make_codec_vectors.py",
                "length": len(large),
                "sha256": hashlib.sha256(large.encode("ascii")).hexdigest(),
            },
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {out.relative_to(ROOT)}: {len(large)} characters")


if __name__ == "__main__":
    main()
