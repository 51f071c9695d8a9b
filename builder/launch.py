"""The `p2p` command's entry point: a clear message when the builder's dependencies are missing.

An LMS installs the blocks only (`pip install p2p-courseware`); authors install the builder with
`pip install 'p2p-courseware[builder]'` (docs/decisions/0004-two-install-shapes.md). The console
script exists in both installs, so it says what to install instead of showing a traceback.
"""

from __future__ import annotations

import sys

# Top-level modules the builder imports that only the `builder` extra installs -> their distribution.
BUILDER_ONLY = {
    "click": "click",
    "rjsmin": "rjsmin",
    "rcssmin": "rcssmin",
    "rustici_software_cloud_v2": "rustici-software-cloud-v2",
    "urllib3": "urllib3",
}
INSTALL_HINT = "pip install 'p2p-courseware[builder]'"


def main() -> None:
    try:
        from builder.cli import main as cli
    except ModuleNotFoundError as error:
        module = (error.name or "").split(".")[0]
        if module not in BUILDER_ONLY:
            raise
        sys.stderr.write(
            f"p2p: the builder is not installed here ({BUILDER_ONLY[module]} is missing: this install has the"
            f" XBlocks only) — install it with: {INSTALL_HINT}\n"
        )
        sys.exit(2)
    cli()
