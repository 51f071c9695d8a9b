"""What the blocks' handlers share: JSON answers, CSV cells safe for spreadsheets, timestamps."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from webob import Response


def json_response(body, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json", charset="utf8")


def _no_constant(name):
    raise ValueError(f"{name} is not a JSON value")


def json_body(raw: bytes):
    """The JSON a request body holds ({} when empty). ValueError when it is not JSON, or when its text
    cannot be written as UTF-8 (a lone surrogate such as \\ud800): stored, such text would later break
    every export that holds it (the staff CSV), so it is refused at the door."""
    payload = json.loads(raw.decode("utf-8") or "{}", parse_constant=_no_constant)
    json.dumps(payload, ensure_ascii=False).encode("utf-8")  # UnicodeEncodeError is a ValueError
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
