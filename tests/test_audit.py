"""The dependency audit's verdicts (.ci/audit.py): fail on a known vulnerability with a fix, pass
without one, and 'not run' — never a pass, never a failure — when the service answered nothing.
The reports have the shapes pip-audit (-f json) and npm audit (--json, npm 7+) print."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("audit", Path(__file__).resolve().parents[1] / ".ci" / "audit.py")
audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)


def test_pip_audit_fails_on_a_vulnerability_with_a_fix_and_names_it():
    verdict, lines = audit.pip_audit_verdict(
        {
            "dependencies": [
                {
                    "name": "jinja2",
                    "version": "3.1.2",
                    "vulns": [{"id": "GHSA-h5c8-rqwp-cp95", "fix_versions": ["3.1.3"]}],
                },
                {"name": "lxml", "version": "6.0.0", "vulns": []},
            ],
            "fixes": [],
        }
    )
    assert verdict == "fail"
    assert lines[0] == "jinja2 3.1.2: GHSA-h5c8-rqwp-cp95 (fixed in 3.1.3)" and lines[-1] == "2 packages audited"


def test_pip_audit_passes_a_vulnerability_without_a_fix_but_lists_it():
    verdict, lines = audit.pip_audit_verdict(
        {"dependencies": [{"name": "x", "version": "1", "vulns": [{"id": "PYSEC-1", "fix_versions": []}]}]}
    )
    assert verdict == "pass" and lines[0] == "x 1: PYSEC-1 (no fixed version yet)"


def test_pip_audit_that_looked_nothing_up_did_not_run():
    # What it prints where PyPI's vulnerability API cannot be reached: every package skipped.
    skipped = {
        "name": "appdirs",
        "skip_reason": "Dependency not found on PyPI and could not be audited: appdirs (1.4.4)",
    }
    verdict, lines = audit.pip_audit_verdict({"dependencies": [skipped, dict(skipped, name="arrow")], "fixes": []})
    assert verdict == "not run" and "2 skipped" in lines[0]
    # ... while a few packages that are not on PyPI do not hide the others' audit.
    verdict, lines = audit.pip_audit_verdict({"dependencies": [skipped, {"name": "lxml", "version": "6", "vulns": []}]})
    assert verdict == "pass" and "not audited (not on PyPI): appdirs" in lines


def test_npm_audit_fails_on_a_fixable_vulnerability():
    report = {
        "auditReportVersion": 2,
        "vulnerabilities": {
            "semver": {"name": "semver", "severity": "moderate", "range": "<5.7.2", "fixAvailable": True},
            "tar": {
                "name": "tar",
                "severity": "high",
                "range": "<6.2.1",
                "fixAvailable": {"name": "tar", "version": "6.2.1"},
            },
            "ip": {"name": "ip", "severity": "high", "range": "*", "fixAvailable": False},
        },
        "metadata": {"dependencies": {"prod": 3, "dev": 40, "total": 43}},
    }
    verdict, lines = audit.npm_audit_verdict(report)
    assert verdict == "fail"
    assert lines == [
        "ip *: high (no fix yet)",
        "semver <5.7.2: moderate (fix available (npm audit fix))",
        "tar <6.2.1: high (fixed in tar 6.2.1)",
        "43 packages audited",
    ]
    del report["vulnerabilities"]["semver"], report["vulnerabilities"]["tar"]
    assert audit.npm_audit_verdict(report)[0] == "pass"


def test_npm_audit_whose_service_refused_did_not_run():
    # What npm 10 prints where the advisory endpoint is not reachable.
    report = {
        "message": "405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk",
        "statusCode": 405,
        "error": {"summary": "", "detail": ""},
    }
    verdict, lines = audit.npm_audit_verdict(report)
    assert verdict == "not run" and "405 Method Not Allowed" in lines[0]


def test_the_installers_are_audited_too():
    """pip and setuptools fetch and unpack every other package; `pip freeze` leaves them out unless
    asked (`--all`), so a venv's bundled pip with a known, fixed vulnerability went unaudited."""
    names = {line.split("==")[0].lower() for line in audit.installed_requirements(ROOT / ".venv").splitlines()}
    assert "pip" in names and "nh3" in names
    assert "p2p-courseware" not in names and "p2p_courseware" not in names  # ours is not on PyPI
