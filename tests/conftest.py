"""Shared test set-up: the xblock-sdk workbench (Django) and the browser fixtures."""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wb_settings")
# Playwright's sync API leaves an event loop on the main thread; Django then refuses database
# calls from that thread unless told the tests know what they are doing.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django

django.setup()

from django.core.management import call_command  # noqa: E402

call_command("migrate", run_syncdb=True, verbosity=0)  # the workbench ships no migrations

from support.browser import *  # noqa: E402, F403  (fixtures: browser, page, static_server, workbench_server)
