"""problem.js's rules on the shared vectors, in Node's own test runner (no browser needed)."""

import shutil
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed (make test installs it with npm)")
def test_the_script_rules_pass_the_shared_vectors():
    run = subprocess.run(
        ["node", "--test", str(HERE / "problem_rules.test.js")], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "# fail 0" in run.stdout
