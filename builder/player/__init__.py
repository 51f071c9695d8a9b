"""The generic offline player: a course played from a package, with no server of ours.

- `package.py` — pages, the bundled script and stylesheet, the static files a package needs
  (`build_player`), and the `Runtime` an adapter supplies;
- `blocks.py` — our blocks in the player: what it cannot play, one block rendered;
- `html.py` — author HTML checked for offline play, its static references made local;
- `templates/sco.html` — the page; `static/` — the shell (`player.js`, `player.css`), the state
  codec, the course state every adapter keeps (`course-state.js`) and the run-time adapters
  (`scorm-runtime.js`).

A run-time adapter (SCORM 1.2 and 2004 today) adds only its binding to the LMS (a script and the
page data it reads) and its manifest: see `builder/targets/scorm.py` and docs/architecture.md.
"""

from builder.player.package import Page, PlayerFiles, Runtime, build_player, pages_of

__all__ = ["Page", "PlayerFiles", "Runtime", "build_player", "pages_of"]
