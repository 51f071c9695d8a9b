"""What every block's rules share: the one way a rule turns a request down.

Models raise `Refused`; the XBlock base answers it as `{"error": message}` with its status and changes
nothing, and the offline store (p2p-store.js) rejects the call the same way.
"""

from __future__ import annotations

from collections.abc import Callable


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
