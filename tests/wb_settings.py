"""Settings for tests: the xblock-sdk workbench, plus edx-submissions, with a throwaway database.

The database is a file (not :memory:) so that a workbench server running in a thread of the
test process (browser tests) sees the same data as the test itself.
"""

import os
import tempfile

from workbench.settings import *  # noqa: F403
from workbench.settings import INSTALLED_APPS

_DB_DIR = os.environ.setdefault("P2P_TEST_DB_DIR", tempfile.mkdtemp(prefix="p2p-wb-"))
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.path.join(_DB_DIR, "workbench.db")}}
LOGGING = {"version": 1, "disable_existing_loggers": False}
INSTALLED_APPS = list(INSTALLED_APPS) + ["submissions"]
# Only our blocks in the workbench index.
os.environ.setdefault("EXCLUDE_SAMPLE_XBLOCKS", "yes")
