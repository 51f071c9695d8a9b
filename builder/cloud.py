"""Publishing SCORM packages to SCORM Cloud (`p2p publish`) through Rustici's v2 SDK.

The flow for each run: check every package locally (a zip with imsmanifest.xml at its root), read
the credentials from the environment, ping SCORM Cloud once, then per package upload it as an
import job and poll the job until SCORM Cloud has read the course (or the timeout passes).

Credentials are read from the environment only, never from the command line, where they would
stay in shell history. Every failure is a `PublishError` whose text is one line: what failed and
how to fix it.
"""

from __future__ import annotations

import json
import re
import time
import unicodedata
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from xml.etree import ElementTree

import rustici_software_cloud_v2 as scorm_cloud
import urllib3
from rustici_software_cloud_v2.rest import ApiException

APP_ID_VARIABLE = "SCORM_CLOUD_APP_ID"
SECRET_KEY_VARIABLE = "SCORM_CLOUD_SECRET_KEY"
API_URL_VARIABLE = "SCORM_CLOUD_API_URL"
DEFAULT_API_URL = "https://cloud.scorm.com/api/v2"

VERSION_POLICIES = ("new", "replace")
COURSE_ID = re.compile(r"[A-Za-z0-9._-]+")  # the characters SCORM Cloud takes in a course id
REQUEST_TIMEOUT = (15, 120)  # seconds to connect, then to wait for an answer (imports run after it, as jobs)
FIRST_POLL_DELAY, LONGEST_POLL_DELAY = 0.5, 10.0  # import-job polling backs off between these


class PublishError(Exception):
    """Publishing failed; the message is one line saying what and how to fix it. Exit code 1."""

    exit_code = 1


class SetupError(PublishError):
    """A bad argument, package or environment, found before anything was sent. Exit code 2."""

    exit_code = 2


class ImportFailed(PublishError):
    """SCORM Cloud could not import one package; the other packages are still published."""


@dataclass(frozen=True)
class Package:
    path: Path
    course_id: str
    standard: str  # the manifest's <schemaversion>: "1.2", "2004 4th Edition"...
    title: str  # the title of the manifest's first organization
    size: int
    label: str  # how messages name it: its path, or the course it was built from


@dataclass(frozen=True)
class Credentials:
    app_id: str
    secret_key: str
    api_url: str


@dataclass(frozen=True)
class Published:
    course_id: str
    version: int
    title: str  # the title SCORM Cloud read from the package
    warnings: list[str]
    replaced: list[int]  # older versions deleted under --version-policy replace


def course_id_for(path: Path) -> str:
    """The package's file name without .zip, made a course id."""
    return course_id_from(Path(path).stem)


def course_id_from(text: str) -> str:
    """`text` with accents dropped and every run of other characters than SCORM Cloud takes made one '-'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_text).strip("-.")


def check_course_id(course_id: str) -> str:
    if not COURSE_ID.fullmatch(course_id):
        raise SetupError(
            f"--course-id {course_id!r}: SCORM Cloud course ids take only letters, digits, '-', '_'"
            f" and '.' — use for example {course_id_from(course_id) or 'my-course'!r}"
        )
    return course_id


def read_package(path: Path, course_id: str | None = None, label: str = "") -> Package:
    """Check that `path` is a SCORM zip (imsmanifest.xml at its root) and read what the manifest says."""
    path = Path(path)
    if not path.exists():
        raise SetupError(
            f"{path}: no such file — check the path, or build the package first (p2p build --target scorm2004)"
        )
    if path.is_dir():
        raise SetupError(f"{path}: is a folder — give the package files in it ({path / '*.zip'})")
    if not path.is_file() or not zipfile.is_zipfile(path):
        raise SetupError(
            f"{path}: not a zip file — give a SCORM package built by p2p build --target scorm12 or --target scorm2004"
        )
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if "imsmanifest.xml" not in names:
                nested = next((name for name in names if name.endswith("/imsmanifest.xml")), None)
                hint = (
                    f"it is at {nested}: zip the package's contents, not the folder that holds them"
                    if nested
                    else "rebuild it with p2p build --target scorm12 or --target scorm2004"
                )
                raise SetupError(f"{path}: not a SCORM package: no imsmanifest.xml at the root of the zip — {hint}")
            manifest = ElementTree.fromstring(archive.read("imsmanifest.xml"))
    except ElementTree.ParseError as error:
        raise SetupError(
            f"{path}: imsmanifest.xml:{error.position[0]}: not well-formed XML — rebuild the package (p2p build)"
        ) from None
    except (zipfile.BadZipFile, OSError) as error:
        raise SetupError(f"{path}: cannot read the zip ({error}) — rebuild or download the package again") from None
    course_id = check_course_id(course_id) if course_id else course_id_for(path)
    if not course_id:
        raise SetupError(f"{path}: no course id can be made from this file name — pass --course-id ID")
    organization = first(manifest, "organization")
    return Package(
        path,
        course_id,
        text_of(first(manifest, "schemaversion")),
        text_of(first(organization, "title", children_only=True)),
        path.stat().st_size,
        label or str(path),
    )


def first(
    parent: ElementTree.Element | None, local_name: str, children_only: bool = False
) -> ElementTree.Element | None:
    """The first element with this name in any namespace (SCORM 1.2 and 2004 use different ones), or None."""
    elements = [] if parent is None else (list(parent) if children_only else parent.iter())
    return next((e for e in elements if e.tag.rsplit("}", 1)[-1] == local_name), None)


def text_of(element: ElementTree.Element | None) -> str:
    return " ".join((element.text or "").split()) if element is not None else ""


def read_packages(paths: list[Path], course_id: str | None = None, labels: list[str] | None = None) -> list[Package]:
    """Check every package before anything is sent, so one bad file stops the run before any upload."""
    if course_id and len(paths) > 1:
        raise SetupError(
            f"--course-id names one course but {len(paths)} packages were given — publish them"
            " one at a time, or leave out --course-id (each package's file name is its id)"
        )
    packages = [read_package(path, course_id, label) for path, label in zip(paths, labels or [""] * len(paths))]
    seen: dict[str, str] = {}
    for package in packages:
        if package.course_id in seen:
            raise SetupError(
                f"{package.label} and {seen[package.course_id]} would both be course"
                f" {package.course_id!r} — rename one, or publish them separately with --course-id"
            )
        seen[package.course_id] = package.label
    return packages


def missing_credentials(environ: Mapping[str, str]) -> list[str]:
    return [name for name in (APP_ID_VARIABLE, SECRET_KEY_VARIABLE) if not environ.get(name, "").strip()]


def credentials_from(environ: Mapping[str, str], allow_http: bool = False) -> Credentials:
    missing = missing_credentials(environ)
    if missing:
        raise SetupError(
            f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set — export"
            " your SCORM Cloud application's id and secret key (SCORM Cloud: Apps/API) in the"
            " environment; they are never taken on the command line"
        )
    return Credentials(
        environ[APP_ID_VARIABLE].strip(), environ[SECRET_KEY_VARIABLE].strip(), api_url(environ, allow_http)
    )


def api_url(environ: Mapping[str, str], allow_http: bool = False) -> str:
    """The API URL; plain http is refused unless asked for (the secret key travels in every request)."""
    # The SDK joins host + "/path", so a trailing slash would request //path.
    url = (environ.get(API_URL_VARIABLE, "").strip() or DEFAULT_API_URL).rstrip("/")
    if not url.startswith(("https://", "http://")):
        raise SetupError(
            f"{API_URL_VARIABLE}={redacted(url)!r} is not an http(s) URL — unset it to use {DEFAULT_API_URL}"
        )
    if url.startswith("http://") and not allow_http:
        raise SetupError(
            f"{API_URL_VARIABLE}={redacted(url)!r} is plain http: the app id and secret key would cross the"
            " network unencrypted — use an https:// URL, or pass --allow-http for a server on this machine"
        )
    return url


def redacted(url: str) -> str:
    """A URL fit to print: user and password (https://user:secret@host) replaced by ***. The user
    information runs to the last @ before the path: a password may hold an @ of its own."""
    return re.sub(r"^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/?#]*@", r"\1***@", url)


def upload_query(package: Package) -> dict[str, str]:
    """The import request's query, as the SDK sends it (Python booleans go out as True/False)."""
    return {"courseId": package.course_id, "mayCreateNewVersion": "True"}


def dry_run_line(package: Package, policy: str, url: str) -> str:
    then = ", then delete its older versions" if policy == "replace" else ""
    return (
        f"{package.label}: would publish as course {package.course_id} ({package.size} bytes,"
        f' SCORM {package.standard or "version not stated"}, "{package.title}") —'
        f" POST {url}/courses/importJobs/upload?{urlencode(upload_query(package))}{then}"
    )


class ScormCloud:
    """One SCORM Cloud application, reached through the SDK with HTTP Basic authentication."""

    def __init__(self, credentials: Credentials, job_timeout: float = 300):
        configuration = scorm_cloud.Configuration()
        configuration.host = credentials.api_url
        configuration.username, configuration.password = credentials.app_id, credentials.secret_key
        for logger in configuration.logger.values():  # the SDK prints urllib3's retry warnings; errors say it once
            logger.removeHandler(configuration.logger_stream_handler)
        self.credentials = credentials
        self.courses = scorm_cloud.CourseApi(scorm_cloud.ApiClient(configuration))
        self.ping_api = scorm_cloud.PingApi(self.courses.api_client)
        self.job_timeout = job_timeout

    def ping(self) -> None:
        wrong_url = (
            f"no SCORM Cloud API at {redacted(self.credentials.api_url)} (HTTP 404) — fix {API_URL_VARIABLE},"
            f" or unset it to use {DEFAULT_API_URL}"
        )
        with self.answers("checking the credentials", not_found=wrong_url):
            answer = self.ping_api.ping_app_id(_request_timeout=REQUEST_TIMEOUT)
        if not answer.api_message:  # the SDK reads any JSON or page into an empty answer
            raise PublishError(
                f"the server at {redacted(self.credentials.api_url)} answered, but not as the SCORM Cloud v2 API"
                f" — fix {API_URL_VARIABLE}, or unset it to use {DEFAULT_API_URL}"
            )

    def publish(self, package: Package, policy: str) -> Published:
        older = self.versions_to_replace(package) if policy == "replace" else []
        with self.answers(f"uploading {package.label}"):
            job = self.courses.create_upload_and_import_course_job(
                package.course_id, may_create_new_version=True, file=str(package.path), _request_timeout=REQUEST_TIMEOUT
            )
        if not job.result:
            raise PublishError(f"SCORM Cloud gave no import job for {package.label} — try again later")
        status = self.wait_for(job.result, package)
        if status.status == "ERROR":
            raise ImportFailed(
                f"{package.label}: SCORM Cloud could not import it: {status.message or 'no reason given'}"
                " — fix the package (p2p validate, then p2p build) and publish again"
            )
        result = status.import_result
        course = result.course if result else None
        if course is None:
            raise ImportFailed(
                f"{package.label}: SCORM Cloud finished the import job but named no course — look for"
                f" course {package.course_id} in SCORM Cloud before publishing again"
            )
        replaced = []
        for version in older:
            if version != course.version:
                with self.answers(f"deleting version {version} of course {course.id}"):
                    self.courses.delete_course_version(course.id, version, _request_timeout=REQUEST_TIMEOUT)
                replaced.append(version)
        return Published(course.id, course.version, course.title or "", list(result.parser_warnings or []), replaced)

    def versions_to_replace(self, package: Package) -> list[int]:
        """The course's versions, refused if learners are registered on any (deleting them loses their records)."""
        with self.answers(f"listing the versions of course {package.course_id}"):
            try:
                versions = (
                    self.courses.get_course_versions(
                        package.course_id, include_registration_count=True, _request_timeout=REQUEST_TIMEOUT
                    ).courses
                    or []
                )
            except ApiException as error:
                if error.status == 404:  # a course not there yet has nothing to replace
                    return []
                raise
        taken = [v for v in versions if v.registration_count]
        if taken:
            counts = ", ".join(f"version {v.version}: {v.registration_count}" for v in taken)
            raise ImportFailed(
                f"{package.label}: course {package.course_id} has learner registrations ({counts}) that"
                " --version-policy replace would delete — publish with --version-policy new"
                " (learners keep their version), or remove those registrations in SCORM Cloud first"
            )
        return [v.version for v in versions]

    def wait_for(self, job_id: str, package: Package) -> Any:  # the SDK's import job status
        """Poll the import job, backing off, until it is COMPLETE or ERROR or `job_timeout` seconds passed."""
        deadline = time.monotonic() + self.job_timeout
        delay = FIRST_POLL_DELAY
        while True:
            with self.answers(f"checking the import of {package.label}"):
                status = self.courses.get_import_job_status(job_id, _request_timeout=REQUEST_TIMEOUT)
            remaining = deadline - time.monotonic()
            if status.status in ("COMPLETE", "ERROR"):
                return status
            if remaining <= 0:
                raise ImportFailed(
                    f"{package.label}: import job {job_id} still {str(status.status).lower()} after"
                    f" {self.job_timeout:g} s"
                    " — SCORM Cloud may still finish it: look for course"
                    f" {package.course_id} in SCORM Cloud, or publish again with a longer --timeout"
                )
            time.sleep(min(delay, remaining))
            delay = min(delay * 2, LONGEST_POLL_DELAY)

    @contextmanager
    def answers(self, doing: str, not_found: str = "") -> Iterator[None]:
        """Turn what the SDK raises into one line that says which setting or file to fix."""
        url = redacted(self.credentials.api_url)
        try:
            yield
        except ApiException as error:
            message = answer_message(error)
            if error.status == 0:  # the SDK's way of reporting a TLS failure
                raise PublishError(
                    f"cannot reach SCORM Cloud at {url} ({message}) while {doing} — check"
                    f" {API_URL_VARIABLE} and the machine's certificates"
                ) from None
            if error.status in (401, 403):
                raise PublishError(
                    f"SCORM Cloud refused application {self.credentials.app_id!r} with this secret key"
                    f" (HTTP {error.status}: {message}) while {doing} — set {SECRET_KEY_VARIABLE} to a"
                    f" secret key of that application, or correct {APP_ID_VARIABLE}"
                ) from None
            if error.status == 404 and not_found:
                raise PublishError(not_found) from None
            advice = "try again later" if error.status >= 500 else "check the package and the options"
            raise PublishError(
                f"SCORM Cloud answered HTTP {error.status} ({message}) while {doing} — {advice}"
            ) from None
        except urllib3.exceptions.HTTPError as error:
            raise PublishError(
                f"cannot reach SCORM Cloud at {url} ({network_reason(error)}) while {doing} —"
                f" check the network connection and {API_URL_VARIABLE}"
            ) from None


def answer_message(error: ApiException) -> str:
    """SCORM Cloud's own message from an error answer (JSON {"message": ...}), else the HTTP reason."""
    # Only the API's own "message" field: any other body (a proxy's error page, an echo of the
    # request) may hold the request's headers, the Basic credentials among them.
    body = error.body.decode("utf-8", "replace") if isinstance(error.body, bytes) else (error.body or "")
    try:
        message = json.loads(body).get("message", "")
    except (ValueError, AttributeError):
        message = ""
    if not isinstance(message, str):
        message = ""
    message = " ".join((message or error.reason or "no message").split())
    return message[:300]


def network_reason(error: urllib3.exceptions.HTTPError) -> str:
    reason = getattr(error, "reason", None) or error
    text = str(reason)
    errno_text = re.search(r"\[Errno -?\d+\] ([^)'\"]+)", text)
    if errno_text:
        return errno_text.group(1).strip().rstrip(".").lower()
    return " ".join(text.split())[:200]
