"""What every block's rules share: the one way a rule turns a request down, and what a rule is told.

Every block's model offers the same three rules (docs/architecture.md, "The rules contract"):

    restore(saved, content) -> state                                  # any saved value made valid
    apply(handler, state, payload, content, ctx) -> (state, response)  # raises Refused
    report(state, content, block_id) -> {completed, score, interactions}

and its script's `rules` the same three with the same arguments. Models raise `Refused`; the XBlock base
answers it as `{"error": message}` with its status and changes nothing, and the offline store
(p2p-store.js) rejects the call the same way. `ctx` is what a rule may need from the runtime rather than
from the learner: {"now": "2026-11-24T10:00:00Z"}, the time it stamps (a vector fixes it).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypedDict


class Context(TypedDict, total=False):
    """What a rule may be told by its runtime, beside the learner's state and payload."""

    now: str  # the time a rule records, "2026-11-24T10:00:00Z" (the XBlock's clock; a vector fixes it)


class Refused(Exception):
    """A request the rules turn down; nothing changes. `status` is the HTTP status a handler answers
    (4xx); `message` is English text, translated when it is shown; `detail` (an id) is kept as it is."""

    def __init__(self, message: str, status: int = 400, detail: str = ""):
        super().__init__(message)
        self.message, self.status, self.detail = message, status, detail

    @property
    def msgid(self) -> str:
        return self.message

    def text(self, translate: Callable[[str], str] = lambda msgid: msgid) -> str:
        """The message in a language (`translate` maps an English msgid) with the detail after it."""
        return translate(self.message) + (f" ({self.detail})" if self.detail else "")


def now(ctx: Context | None) -> str:
    """The time a rule records: the context's `now` when the caller gives one, else the current UTC
    time to the second (the form both languages write)."""
    given = (ctx or {}).get("now")
    return given if given else datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
