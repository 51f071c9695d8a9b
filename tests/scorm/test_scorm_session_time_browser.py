"""session_time as each standard writes it, computed by the package's runtime in Chromium:
SCORM 1.2 CMITimespan HHHH:MM:SS.SS (seconds 00-59, at most 9999 hours), SCORM 2004 an ISO 8601
duration. Rounding to hundredths must carry into the minute, never write 60 seconds."""

import re

import pytest

from builder.player.package import PLAYER_STATIC

CMI_TIMESPAN = re.compile(r"^\d{4}:[0-5]\d:[0-5]\d\.\d\d$")
ISO_DURATION = re.compile(r"^PT\d+H[0-5]?\dM[0-5]?\d\.\d\dS$")

CASES = [  # milliseconds, SCORM 1.2, SCORM 2004
    (0, "0000:00:00.00", "PT0H0M0.00S"),
    (61_000, "0000:01:01.00", "PT0H1M1.00S"),
    (59_999, "0000:01:00.00", "PT0H1M0.00S"),
    (3_599_996, "0001:00:00.00", "PT1H0M0.00S"),
    (5_025_456, "0001:23:45.46", "PT1H23M45.46S"),
    (10_000 * 3_600_000, "9999:59:59.99", "PT10000H0M0.00S"),
]


@pytest.fixture
def session_time(page):
    page.set_content("<!DOCTYPE html><title>runtime</title>")
    page.add_script_tag(path=str(PLAYER_STATIC / "scorm-runtime.js"))
    return lambda version, ms: page.evaluate("([v, ms]) => P2PScorm.sessionTime(v, ms)", [version, ms])


@pytest.mark.parametrize("ms,scorm12,scorm2004", CASES)
def test_session_time_formats(session_time, ms, scorm12, scorm2004):
    assert session_time("scorm12", ms) == scorm12
    assert session_time("scorm2004", ms) == scorm2004
    assert CMI_TIMESPAN.match(scorm12)
    assert ISO_DURATION.match(scorm2004)
