"""What the blocks' handlers share: JSON answers, CSV cells safe for spreadsheets, timestamps."""
from __future__ import annotations

import json
from datetime import datetime, timezone

from webob import Response


def json_response(body, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json", charset="utf8")


def csv_cell(value) -> str:
    """Text a spreadsheet will not run as a formula (learner text and names can start with '=', '+', '-', '@')."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
