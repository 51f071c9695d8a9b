"""What the blocks' handlers share: JSON answers, CSV cells safe for spreadsheets, timestamps."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime

from webob import Response

from .i18n import _


def json_response(body, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json", charset="utf8")


# A request body is at most this deep: json.loads recurses once per level, so 10 KB of '[' would
# otherwise raise RecursionError (a 500) before any rule could refuse it. Our payloads are 3 deep.
MAX_JSON_DEPTH = 20
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_JSON_BRACKET = re.compile(rb"[\[\]{}]")


def _no_constant(name):
    raise ValueError(f"{name} is not a JSON value")


def _depth(raw: bytes) -> int:
    """How deeply arrays and objects nest in JSON text (brackets inside strings do not count)."""
    depth = deepest = 0
    for bracket in _JSON_BRACKET.findall(_JSON_STRING.sub(b"", raw)):
        depth += 1 if bracket in b"[{" else -1
        deepest = max(deepest, depth)
    return deepest


def json_body(raw: bytes, max_bytes: int | None = None, max_depth: int = MAX_JSON_DEPTH):
    """The JSON a request body holds ({} when empty). ValueError, with an English msgid for the sender, when
    it is longer than `max_bytes`, nests deeper than `max_depth`, is not JSON, or holds text that
    cannot be written as UTF-8 (a lone surrogate such as \\ud800): stored, such text would later
    break every export that holds it (the staff CSV), so it is refused at the door."""
    if max_bytes is not None and len(raw) > max_bytes:
        raise ValueError(_("The request is too large."))
    if _depth(raw) > max_depth:
        raise ValueError(_("The request nests too deeply."))
    try:
        payload = json.loads(raw.decode("utf-8") or "{}", parse_constant=_no_constant)
    except ValueError:
        raise ValueError(_("The request is not JSON.")) from None
    try:
        json.dumps(payload, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(_("The request holds half of a character (a lone surrogate); retype it.")) from None
    return payload


def csv_cell(value) -> str:
    """Text a spreadsheet will not run as a formula (learner text and names can start with '=', '+', '-', '@')."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_response(header, rows, filename: str) -> Response:
    """A CSV download: the header, then every row with each cell made safe for spreadsheets."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
    response = Response(out.getvalue(), content_type="text/csv", charset="utf8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
