"""`p2p publish` as a user runs it: the real SCORM Cloud SDK talking HTTP to a local stand-in of the
SCORM Cloud v2 API; the tests check what the server received and what the user read."""

import base64
import shutil
import socket
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from scorm_cloud_fake import APP_ID, SECRET_KEY, FakeScormCloud

from builder import cloud
from builder.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SAMPLE_COURSE, BROKEN = FIXTURES / "sample_course", FIXTURES / "broken"
AUTHORIZATION = "Basic " + base64.b64encode(f"{APP_ID}:{SECRET_KEY}".encode()).decode()
MANIFEST = """<?xml version="1.0"?>
<manifest xmlns="http://www.imsglobal.org/xsd/imscp_rootv1p1p2" identifier="m1">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion>
    <lom xmlns="http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"><general><title><langstring>Metadata title</langstring>
    </title></general></lom></metadata>
  <organizations default="o"><organization identifier="o"><title>{title}</title></organization></organizations>
  <resources/>
</manifest>"""


def scorm_zip(path: Path, title: str = "Listening First", manifest_at: str = "imsmanifest.xml") -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(manifest_at, MANIFEST.format(title=title))
        archive.writestr("index.html", f"<h1>{title}</h1>")
    return path


@pytest.fixture
def fake():
    with FakeScormCloud() as server:
        yield server


@pytest.fixture
def env(fake, monkeypatch):
    monkeypatch.setenv("SCORM_CLOUD_APP_ID", APP_ID)
    monkeypatch.setenv("SCORM_CLOUD_SECRET_KEY", SECRET_KEY)
    monkeypatch.setenv("SCORM_CLOUD_API_URL", fake.url + "/")  # the trailing slash users copy from docs
    monkeypatch.setattr(cloud, "FIRST_POLL_DELAY", 0.05)
    return fake


def run(*args):
    # The fake SCORM Cloud is a plain-http server on this machine: what --allow-http is for.
    result = CliRunner().invoke(main, ["publish", "--allow-http", *map(str, args)], catch_exceptions=False)
    assert "Traceback" not in result.output and SECRET_KEY not in result.output
    return result.exit_code, result.stdout, result.stderr


def calls(fake):
    return [(r.method, r.path) for r in fake.received]


def test_publish_uploads_each_package_and_prints_one_line_each(env, tmp_path):
    first = scorm_zip(tmp_path / "listening-scorm12.zip", "Listening First")
    second = scorm_zip(tmp_path / "Family Nights (v2).zip", "Family Nights")
    code, out, err = run(first, second)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f'{first}: course listening-scorm12 version 0 "Listening First" — no parser warnings',
        f'{second}: course Family-Nights-v2 version 0 "Family Nights" — no parser warnings',
    ]
    assert calls(env) == [
        ("GET", "/api/v2/ping"),
        ("POST", "/api/v2/courses/importJobs/upload"),
        ("GET", "/api/v2/courses/importJobs/job-1"),
        ("GET", "/api/v2/courses/importJobs/job-1"),
        ("POST", "/api/v2/courses/importJobs/upload"),
        ("GET", "/api/v2/courses/importJobs/job-2"),
        ("GET", "/api/v2/courses/importJobs/job-2"),
    ]
    assert all(r.headers["Authorization"] == AUTHORIZATION for r in env.received)
    uploads = [r for r in env.received if r.method == "POST"]
    assert [r.query for r in uploads] == [
        {"courseId": ["listening-scorm12"], "mayCreateNewVersion": ["True"]},
        {"courseId": ["Family-Nights-v2"], "mayCreateNewVersion": ["True"]},
    ]
    assert uploads[0].files == {"file": first.read_bytes()}
    assert uploads[1].files == {"file": second.read_bytes()}


def test_publishing_again_makes_a_new_version_and_shows_parser_warnings(env, tmp_path):
    package = scorm_zip(tmp_path / "listening.zip")
    assert run(package)[0] == 0
    env.parser_warnings = ["Item 'i1' has no launchable resource", "Title is long"]
    code, out, _ = run(package)
    assert code == 0
    assert out == (
        f'{package}: course listening version 1 "Listening First" — 2 parser warnings:'
        " Item 'i1' has no launchable resource; Title is long\n"
    )
    assert [v["version"] for v in env.courses["listening"]] == [0, 1]


def test_course_id_option_and_its_checks(env, tmp_path):
    package = scorm_zip(tmp_path / "listening.zip")
    code, out, _ = run(package, "--course-id", "P2P.CR101_2026")
    assert code == 0 and "course P2P.CR101_2026 version 0" in out
    assert env.received[1].query["courseId"] == ["P2P.CR101_2026"]

    env.received.clear()
    code, _, err = run(package, "--course-id", "CR 101/2026")
    assert code == 2
    assert err == (
        "p2p: --course-id 'CR 101/2026': SCORM Cloud course ids take only letters, digits, '-', '_'"
        " and '.' — use for example 'CR-101-2026'\n"
    )
    code, _, err = run(package, scorm_zip(tmp_path / "other.zip"), "--course-id", "CR101")
    assert code == 2 and "--course-id names one course but 2 packages were given" in err
    assert env.received == []


def test_import_error_prints_scorm_clouds_message_and_the_other_packages_still_publish(env, tmp_path):
    broken = scorm_zip(tmp_path / "broken.zip")
    env.import_error = "Organization 'o' has no items"
    code, out, err = run(broken)
    assert code == 1 and out == ""
    assert err.splitlines() == [
        f"p2p: {broken}: SCORM Cloud could not import it: Organization 'o' has no items — fix the package"
        " (p2p validate, then p2p build) and publish again",
        "p2p: 1 of 1 package not published — see above",
    ]
    assert "broken" not in env.courses


def test_a_wrong_secret_key_is_one_line_naming_the_variable_and_nothing_is_uploaded(env, tmp_path, monkeypatch):
    monkeypatch.setenv("SCORM_CLOUD_SECRET_KEY", "wrong-key")
    code, out, err = run(scorm_zip(tmp_path / "listening.zip"))
    assert (code, out) == (1, "")
    assert err == (
        f"p2p: SCORM Cloud refused application '{APP_ID}' with this secret key (HTTP 401: The credentials"
        " provided are not valid for this application) while checking the credentials — set"
        " SCORM_CLOUD_SECRET_KEY to a secret key of"
        " that application, or correct SCORM_CLOUD_APP_ID\n"
    )
    assert calls(env) == [("GET", "/api/v2/ping")]
    assert (
        env.received[0].headers["Authorization"] == "Basic " + base64.b64encode(f"{APP_ID}:wrong-key".encode()).decode()
    )


@pytest.mark.parametrize(
    "unset, named",
    [
        (["SCORM_CLOUD_APP_ID"], "SCORM_CLOUD_APP_ID is not set"),
        (["SCORM_CLOUD_APP_ID", "SCORM_CLOUD_SECRET_KEY"], "SCORM_CLOUD_APP_ID and SCORM_CLOUD_SECRET_KEY are not set"),
    ],
)
def test_missing_credentials_are_a_usage_error(env, tmp_path, monkeypatch, unset, named):
    for name in unset:
        monkeypatch.delenv(name)
    code, _, err = run(scorm_zip(tmp_path / "listening.zip"))
    assert code == 2
    assert err.startswith(f"p2p: {named} — export your SCORM Cloud application's id and secret key")
    assert err.count("\n") == 1 and env.received == []


def test_files_that_are_not_scorm_packages_stop_the_run_before_anything_is_sent(env, tmp_path):
    good = scorm_zip(tmp_path / "good.zip")
    text = tmp_path / "notes.zip"
    text.write_text("not a zip")
    folder_zip = scorm_zip(tmp_path / "zipped-folder.zip", manifest_at="listening/imsmanifest.xml")
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(damaged, "w") as archive:
        archive.writestr("imsmanifest.xml", "<manifest>\n  <organizations>\n</manifest>")
    cases = [
        (
            tmp_path / "missing.zip",
            f"{tmp_path / 'missing.zip'}: no such file — check the path, or build the"
            " package first (p2p build --target scorm2004)",
        ),
        (tmp_path, f"{tmp_path}: is a folder — give the package files in it ({tmp_path / '*.zip'})"),
        (
            text,
            f"{text}: not a zip file — give a SCORM package built by p2p build --target scorm12 or --target scorm2004",
        ),
        (
            folder_zip,
            f"{folder_zip}: not a SCORM package: no imsmanifest.xml at the root of the zip — it is at"
            " listening/imsmanifest.xml: zip the package's contents, not the folder that holds them",
        ),
        (damaged, f"{damaged}: imsmanifest.xml:3: not well-formed XML — rebuild the package (p2p build)"),
    ]
    for path, message in cases:
        code, out, err = run(good, path)
        assert (code, out, err) == (2, "", f"p2p: {message}\n")
    assert env.received == []


def test_connection_refused_is_one_line_naming_the_url(env, tmp_path, monkeypatch):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("SCORM_CLOUD_API_URL", f"http://127.0.0.1:{port}/api/v2")
    code, out, err = run(scorm_zip(tmp_path / "listening.zip"))
    assert (code, out) == (1, "")
    assert err == (
        f"p2p: cannot reach SCORM Cloud at http://127.0.0.1:{port}/api/v2 (connection refused) while"
        " checking the credentials — check the network connection and SCORM_CLOUD_API_URL\n"
    )


def test_a_wrong_api_url_is_named(env, tmp_path, monkeypatch):
    monkeypatch.setenv("SCORM_CLOUD_API_URL", env.url.replace("/api/v2", "/api/v1"))
    code, _, err = run(scorm_zip(tmp_path / "listening.zip"))
    assert code == 1
    assert err == (
        f"p2p: no SCORM Cloud API at {env.url.replace('/api/v2', '/api/v1')} (HTTP 404) — fix"
        " SCORM_CLOUD_API_URL, or unset it to use https://cloud.scorm.com/api/v2\n"
    )
    monkeypatch.setenv("SCORM_CLOUD_API_URL", "cloud.scorm.com/api/v2")
    code, _, err = run(scorm_zip(tmp_path / "listening.zip"))
    assert code == 2 and "SCORM_CLOUD_API_URL='cloud.scorm.com/api/v2' is not an http(s) URL" in err


def test_server_error_on_upload_stops_with_its_message(env, tmp_path):
    env.fail["upload"] = (500, "Internal server error, reference 7f3a")
    package = scorm_zip(tmp_path / "listening.zip")
    code, out, err = run(package)
    assert (code, out) == (1, "")
    assert err == (
        f"p2p: SCORM Cloud answered HTTP 500 (Internal server error, reference 7f3a) while uploading"
        f" {package} — try again later\n"
    )


def test_an_import_still_running_at_the_timeout_fails_and_says_where_to_look(env, tmp_path):
    env.running_polls = 10**6
    package = scorm_zip(tmp_path / "listening.zip")
    code, _, err = run(package, "--timeout", "1")
    assert code == 1
    assert err.splitlines()[0] == (
        f"p2p: {package}: import job job-1 still running after 1 s — SCORM Cloud may still"
        " finish it: look for course listening in SCORM Cloud, or publish again with a"
        " longer --timeout"
    )
    polls = [path for method, path in calls(env) if path.endswith("/job-1")]
    # Backing off (waits of 0.05, 0.1, 0.2, 0.4 s...) bounds the polls in one second, however fast the machine.
    assert 2 <= len(polls) <= 7


def test_replace_deletes_older_versions_after_the_new_one_is_imported(env, tmp_path):
    env.add_course("listening", "Listening (draft)", registrations=[0, 0])
    package = scorm_zip(tmp_path / "listening.zip")
    code, out, _ = run(package, "--version-policy", "replace")
    assert code == 0
    assert (
        out == f'{package}: course listening version 2 "Listening First" — no parser warnings; replaced version 0, 1\n'
    )
    assert [v["version"] for v in env.courses["listening"]] == [2]
    assert calls(env)[1] == ("GET", "/api/v2/courses/listening/versions")
    assert env.received[1].query == {"includeRegistrationCount": ["True"]}
    assert calls(env)[-2:] == [
        ("DELETE", "/api/v2/courses/listening/versions/0"),
        ("DELETE", "/api/v2/courses/listening/versions/1"),
    ]


def test_replace_refuses_to_delete_learners_registrations_and_uploads_nothing(env, tmp_path):
    env.add_course("listening", "Listening", registrations=[0, 3])
    package = scorm_zip(tmp_path / "listening.zip")
    code, out, err = run(package, "--version-policy", "replace")
    assert (code, out) == (1, "")
    assert err.splitlines()[0] == (
        f"p2p: {package}: course listening has learner registrations (version 1: 3) that"
        " --version-policy replace would delete — publish with --version-policy new"
        " (learners keep their version), or remove those registrations in SCORM Cloud first"
    )
    assert [m for m, _ in calls(env)] == ["GET", "GET"]  # ping, versions; no upload, no delete
    assert [v["version"] for v in env.courses["listening"]] == [0, 1]


def test_replace_of_a_new_course_is_a_plain_import(env, tmp_path):
    code, out, _ = run(scorm_zip(tmp_path / "listening.zip"), "--version-policy", "replace")
    assert code == 0 and "version 0" in out and "replaced" not in out


def test_dry_run_needs_no_credentials_and_sends_nothing(env, tmp_path, monkeypatch):
    monkeypatch.delenv("SCORM_CLOUD_SECRET_KEY")
    package = scorm_zip(tmp_path / "listening.zip")
    code, out, err = run(package, "--dry-run", "--version-policy", "replace")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f'{package}: would publish as course listening ({package.stat().st_size} bytes, SCORM 1.2, "Listening First")'
        f" — POST {env.url}/courses/importJobs/upload?courseId=listening&mayCreateNewVersion=True, then delete its"
        " older versions",
        f"Dry run: nothing sent to {env.url} (SCORM_CLOUD_SECRET_KEY not set: a real publish would stop there).",
    ]
    assert env.received == []


def test_publish_a_course_builds_it_and_uploads_exactly_what_p2p_build_makes(env, tmp_path):
    code, out, err = run("--course", SAMPLE_COURSE, "--target", "scorm12")
    assert (code, err) == (0, "")
    assert out == (
        f"sample_course-scorm12.zip (built from {SAMPLE_COURSE}): course sample_course-scorm12 version 0"
        ' "Before the Meeting: Reaching Out to Families" — no parser warnings\n'
    )
    built = CliRunner().invoke(main, ["build", str(SAMPLE_COURSE), "--target", "scorm12", "--out", str(tmp_path)])
    assert built.exit_code == 0
    upload = next(r for r in env.received if r.method == "POST")
    assert upload.files["file"] == (tmp_path / "sample_course-scorm12.zip").read_bytes()


def test_usage_errors(env, tmp_path):
    package = scorm_zip(tmp_path / "listening.zip")
    for args in [(), (package, "--course", SAMPLE_COURSE)]:
        code, _, err = run(*args)
        assert code == 2
        assert err == (
            "p2p: give PACKAGE.zip files or --course NAME, not both and not neither — e.g. p2p publish"
            " dist/facilitation-facilitator-scorm2004.zip\n"
        )
    code, _, err = run("--course", "no_such_course", "--courses", tmp_path)
    assert code == 2 and "course folder 'no_such_course' not found" in err
    (tmp_path / "other").mkdir()
    code, _, err = run(package, scorm_zip(tmp_path / "other" / "listening.zip"))
    assert code == 2 and "would both be course 'listening'" in err
    assert env.received == []


def test_course_ids_come_from_file_names():
    assert (
        cloud.course_id_for(Path("dist/facilitation-foundations-scorm2004.zip")) == "facilitation-foundations-scorm2004"
    )
    assert cloud.course_id_for(Path("Cultural Competency (v2).zip")) == "Cultural-Competency-v2"
    assert cloud.course_id_for(Path("Competencia cultural: Módulo 2.zip")) == "Competencia-cultural-Modulo-2"
    assert cloud.api_url({}) == "https://cloud.scorm.com/api/v2"
    assert (
        cloud.api_url({"SCORM_CLOUD_API_URL": "https://cloud.scorm.com/api/v2//"}) == "https://cloud.scorm.com/api/v2"
    )


def test_a_course_with_problems_is_reported_and_nothing_is_sent(env, tmp_path):
    course = tmp_path / "weights"
    shutil.copytree(BROKEN / "_base", course)
    shutil.copytree(BROKEN / "grading_weights", course, dirs_exist_ok=True)
    code, out, err = run("--course", course)
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"{course}/policies/run1/grading_policy.json:2: GRADER weights add up to 0.8, not 1"
        " — change the weights so they add up to 1",
        "p2p: 1 problem in the course — fix them (p2p validate) and publish again; nothing was sent to SCORM Cloud",
    ]
    assert env.received == []


def test_a_job_in_a_state_it_does_not_know_is_waited_for_until_the_timeout(env, tmp_path):
    env.forced_status = "QUEUED"
    package = scorm_zip(tmp_path / "listening.zip")
    code, _, err = run(package, "--timeout", "1")
    assert code == 1
    assert err.startswith(f"p2p: {package}: import job job-1 still queued after 1 s — SCORM Cloud may still finish it")


def test_a_server_that_is_not_the_scorm_cloud_api_is_named(env, tmp_path):
    env.fail["ping"] = (200, "Welcome to our intranet")
    code, _, err = run(scorm_zip(tmp_path / "listening.zip"))
    assert code == 1
    assert err == (
        f"p2p: the server at {env.url} answered, but not as the SCORM Cloud v2 API — fix"
        " SCORM_CLOUD_API_URL, or unset it to use https://cloud.scorm.com/api/v2\n"
    )
    assert calls(env) == [("GET", "/api/v2/ping")]


def test_plain_http_api_url_is_refused_without_allow_http(env, tmp_path):
    result = CliRunner().invoke(main, ["publish", str(scorm_zip(tmp_path / "listening.zip"))], catch_exceptions=False)
    assert result.exit_code == 2 and result.stdout == ""
    assert "is plain http: the app id and secret key would cross the network unencrypted" in result.stderr
    assert "--allow-http" in result.stderr
    assert calls(env) == []  # nothing was sent


def test_credentials_in_the_api_url_are_never_printed(env, tmp_path, monkeypatch):
    monkeypatch.setenv("SCORM_CLOUD_API_URL", env.url.replace("http://", "http://admin:hunter2@"))
    result = CliRunner().invoke(
        main, ["publish", "--dry-run", "--allow-http", str(scorm_zip(tmp_path / "listening.zip"))]
    )
    assert "hunter2" not in result.output and "admin" not in result.output
    assert "http://***@127.0.0.1" in result.output
    monkeypatch.setenv("SCORM_CLOUD_API_URL", "ftp://admin:hunter2@example.org/api")
    result = CliRunner().invoke(main, ["publish", str(scorm_zip(tmp_path / "listening.zip"))])
    assert result.exit_code == 2 and "hunter2" not in result.output and "ftp://***@example.org" in result.output
    # A password with an @ of its own (not percent-encoded, as people type it) is hidden whole.
    monkeypatch.setenv("SCORM_CLOUD_API_URL", env.url.replace("http://", "http://admin:hun@ter2@"))
    result = CliRunner().invoke(
        main, ["publish", "--dry-run", "--allow-http", str(scorm_zip(tmp_path / "listening.zip"))]
    )
    assert "ter2" not in result.output and "hun" not in result.output
    assert "http://***@127.0.0.1" in result.output
    assert cloud.redacted("https://host/api/a@b") == "https://host/api/a@b"  # an @ in the path is not a user


def test_an_error_answer_that_is_not_the_apis_json_is_not_echoed():
    from rustici_software_cloud_v2.rest import ApiException

    echoed = ApiException(status=400, reason="Bad Request")
    echoed.body = b"<html>Authorization: Basic YWRtaW46aHVudGVyMg==</html>"
    assert cloud.answer_message(echoed) == "Bad Request"
    api = ApiException(status=400, reason="Bad Request")
    api.body = b'{"message": "Course id is invalid"}'
    assert cloud.answer_message(api) == "Course id is invalid"
