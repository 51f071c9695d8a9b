"""Dependency audit: pip-audit over the Python packages `make test` installed, npm audit over
node_modules. Fails (exit 1) on a known vulnerability that has a fixed version; lists the ones
without a fix. Run by `make audit`, which CI runs before the tests.

An audit needs its vulnerability service (PyPI's JSON API for pip-audit, the npm registry's
advisory endpoint for npm audit). Where that service cannot be reached, the audit says so on a line
of its own — `AUDIT NOT RUN: ...` — and does not fail: a machine without that network is not a
vulnerability. Set P2P_AUDIT_REQUIRED=1 to make an audit that could not run fail too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
AUDIT_VENV = ROOT / ".venv-audit"
PIP_AUDIT = "pip-audit>=2.7"


def pip_audit_verdict(report: dict) -> tuple[str, list[str]]:
    """pip-audit's JSON (`-f json`) -> ("fail" | "pass" | "not run", lines to print)."""
    dependencies = report.get("dependencies") or []
    audited = [d for d in dependencies if "skip_reason" not in d]
    if dependencies and not audited:
        reason = dependencies[0]["skip_reason"]
        return "not run", [f"no package could be looked up ({len(dependencies)} skipped, e.g. {reason})"]
    lines, fixable = [], False
    for dependency in audited:
        for vuln in dependency.get("vulns") or []:
            fixes = vuln.get("fix_versions") or []
            fixable = fixable or bool(fixes)
            fix = f"fixed in {', '.join(fixes)}" if fixes else "no fixed version yet"
            lines.append(f"{dependency['name']} {dependency['version']}: {vuln['id']} ({fix})")
    skipped = [d["name"] for d in dependencies if "skip_reason" in d]
    if skipped:
        lines.append(f"not audited (not on PyPI): {', '.join(skipped)}")
    lines.append(f"{len(audited)} packages audited")
    return ("fail" if fixable else "pass"), lines


def npm_audit_verdict(report: dict) -> tuple[str, list[str]]:
    """npm audit's JSON (`--json`, npm 7+) -> ("fail" | "pass" | "not run", lines to print)."""
    if "error" in report or "vulnerabilities" not in report:
        error = report.get("error") or {}
        what = report.get("message") or error.get("summary") or error.get("code") or "no audit report"
        return "not run", [f"the advisory service answered: {what}"]
    lines, fixable = [], False
    for name, vuln in sorted(report["vulnerabilities"].items()):
        fix = vuln.get("fixAvailable")
        fixable = fixable or bool(fix)
        how = (
            f"fixed in {fix['name']} {fix['version']}"
            if isinstance(fix, dict)
            else ("fix available (npm audit fix)" if fix else "no fix yet")
        )
        lines.append(f"{name} {vuln.get('range', '')}: {vuln.get('severity', '?')} ({how})")
    total = (report.get("metadata") or {}).get("dependencies", {})
    lines.append(f"{total.get('total', '?') if isinstance(total, dict) else total} packages audited")
    return ("fail" if fixable else "pass"), lines


def installed_requirements(venv: Path) -> str:
    """Every package `venv` holds as pinned requirements, pip and setuptools included (`--all`):
    the installer that fetches and unpacks every other package is audited too. Our own editable
    package is left out (it is not on PyPI)."""
    return subprocess.run(
        [venv / "bin" / "pip", "freeze", "--all", "--exclude-editable", "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def run_pip_audit() -> tuple[str, list[str]]:
    if not (VENV / "bin" / "pip").exists():
        return "not run", [f"{VENV} is not installed (run make test first)"]
    if not (AUDIT_VENV / "bin" / "pip-audit").exists():
        made = subprocess.run(
            f"{sys.executable} -m venv --upgrade-deps {AUDIT_VENV} && {AUDIT_VENV}/bin/pip install --quiet '{PIP_AUDIT}'",
            shell=True,
            capture_output=True,
            text=True,
        )
        if made.returncode:
            return "not run", [f"pip-audit could not be installed: {made.stderr.strip().splitlines()[-1:]}"]
    frozen = installed_requirements(VENV)
    with tempfile.TemporaryDirectory() as scratch:
        requirements = Path(scratch) / "requirements.txt"
        requirements.write_text(frozen)
        done = subprocess.run(
            [AUDIT_VENV / "bin" / "pip-audit", "--disable-pip", "--no-deps", "--progress-spinner", "off"]
            + ["-r", requirements, "-f", "json"],
            capture_output=True,
            text=True,
        )
    try:
        return pip_audit_verdict(json.loads(done.stdout))
    except ValueError:
        return "not run", [f"pip-audit gave no report: {done.stderr.strip().splitlines()[-1:]}"]


def run_npm_audit() -> tuple[str, list[str]]:
    done = subprocess.run(["npm", "audit", "--json"], cwd=ROOT, capture_output=True, text=True)
    try:
        return npm_audit_verdict(json.loads(done.stdout))
    except ValueError:
        return "not run", [f"npm audit gave no report: {done.stderr.strip().splitlines()[-1:]}"]


def main() -> int:
    required = os.environ.get("P2P_AUDIT_REQUIRED") == "1"
    failed = False
    for name, run in (("pip-audit", run_pip_audit), ("npm audit", run_npm_audit)):
        verdict, lines = run()
        if verdict == "not run":
            print(f"AUDIT NOT RUN: {name} could not look anything up (below: why); this is not a pass")
            failed = failed or required
        else:
            print(
                f"{name}: {'FAILED — known vulnerabilities with a fix' if verdict == 'fail' else 'no known vulnerability with a fix'}"
            )
            failed = failed or verdict == "fail"
        for line in lines:
            print(f"  {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
