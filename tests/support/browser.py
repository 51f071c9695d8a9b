"""Browser test fixtures: Debian's Chromium driven by Playwright, local HTTP servers, axe-core.

Chromium is launched by path (P2P_CHROMIUM overrides /usr/bin/chromium); Playwright never
downloads a browser. Pages are served on 127.0.0.1: under file:// a SCO frame cannot reach its
LMS parent.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
AXE_SCRIPT = NODE_MODULES / "axe-core" / "axe.min.js"
# The background-networking flags keep Chromium from calling out (the test machines have no
# network); /dev/shm is small in many CI containers, and a renderer that runs out of it crashes.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str:
    path = os.environ.get("P2P_CHROMIUM", "/usr/bin/chromium")
    found = shutil.which(path)
    if not found:
        raise RuntimeError(
            f"Chromium not found at {path}: install Debian's chromium "
            "(`make test` does) or set P2P_CHROMIUM to its path"
        )
    return found


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def context(browser):
    ctx = browser.new_context()
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    """A fresh page that fails the test on any uncaught script error."""
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    assert not errors, f"script errors in the page: {errors}"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class StaticServer:
    """Serves a folder on 127.0.0.1 on a free port, in a thread."""

    def __init__(self, folder: Path):
        handler = functools.partial(_QuietHandler, directory=str(folder))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def static_server():
    """Factory: static_server(folder) -> StaticServer with .url; all are closed after the test."""
    servers: list[StaticServer] = []

    def start(folder) -> StaticServer:
        server = StaticServer(Path(folder))
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


@pytest.fixture(scope="session")
def workbench_server():
    """The xblock-sdk workbench (Django) served on 127.0.0.1 in a thread; yields its base URL."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    class QuietRequestHandler(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    httpd = ThreadedWSGIServer(("127.0.0.1", 0), QuietRequestHandler, allow_reuse_address=True)
    httpd.set_app(StaticFilesHandler(get_wsgi_application()))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def axe_violations(page, context_selector: str | None = None) -> list[dict]:
    """Run axe-core (WCAG 2.0/2.1 A and AA rules) on the page; returns the violations, empty when clean."""
    # Evaluated through the browser's debugging protocol, not as a <script> tag, so a page whose
    # Content-Security-Policy allows only its own files (the SCORM player) can be checked too.
    page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    return page.evaluate(
        """async (selector) => {
            const target = selector ? document.querySelector(selector) : document;
            const result = await axe.run(target, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
            return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
        }""",
        context_selector,
    )
