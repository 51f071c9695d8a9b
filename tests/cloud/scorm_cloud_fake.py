"""A local stand-in for the part of the SCORM Cloud v2 API that `p2p publish` calls, on 127.0.0.1.

It speaks HTTP to the real SDK: Basic authentication on every call, import jobs that answer
RUNNING for a few polls and then COMPLETE (or ERROR), course versions with registration counts,
and error answers (401, 404, 500) with a JSON {"message": ...} body. Every request is recorded
(method, path, query, headers, uploaded file bytes) so tests assert what was actually sent.
"""

from __future__ import annotations

import base64
import io
import itertools
import json
import re
import threading
import zipfile
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

APP_ID, SECRET_KEY = "P2PTESTAPP", "s3cret-key"


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    files: dict[str, bytes] = field(default_factory=dict)  # multipart part name -> bytes


@dataclass
class Job:
    course_id: str
    may_create_new_version: bool
    package: bytes
    polls_left: int
    status: str = "RUNNING"
    result: dict | None = None
    message: str = ""


class FakeScormCloud:
    """Server state and behaviour; tests set `running_polls`, `import_error`, `parser_warnings`, `forced_status`,
    `fail`."""

    def __init__(self):
        self.received: list[Received] = []
        self.courses: dict[str, list[dict]] = {}  # course id -> its versions, oldest first
        self.jobs: dict[str, Job] = {}
        self.running_polls = 1  # polls answered RUNNING before a job finishes
        self.import_error = ""  # when set, jobs end in ERROR with this message
        self.parser_warnings: list[str] = []
        self.forced_status = ""  # when set, import jobs answer this status instead of their own
        self.fail: dict[str, tuple[int, str]] = {}  # route name -> (status, message) answered instead
        self.job_ids = (f"job-{n}" for n in itertools.count(1))
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self.handler_class())
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/api/v2"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    def add_course(self, course_id: str, title: str, registrations: list[int]) -> None:
        """A course already on the server, one version per entry of `registrations`."""
        self.courses[course_id] = [
            {"id": course_id, "title": title, "version": version, "registrationCount": count}
            for version, count in enumerate(registrations)
        ]

    def routes(self):
        """(method, pattern, route name, handler) for every call the fake answers."""
        return [
            ("GET", r"/api/v2/ping", "ping", self.ping),
            ("POST", r"/api/v2/courses/importJobs/upload", "upload", self.upload),
            ("GET", r"/api/v2/courses/importJobs/(?P<job_id>[^/]+)", "job", self.job_status),
            ("GET", r"/api/v2/courses/(?P<course_id>[^/]+)/versions", "versions", self.versions),
            ("DELETE", r"/api/v2/courses/(?P<course_id>[^/]+)/versions/(?P<version>\d+)", "delete", self.delete),
        ]

    def answer(self, request: Received) -> tuple[int, dict | None]:
        expected = "Basic " + base64.b64encode(f"{APP_ID}:{SECRET_KEY}".encode()).decode()
        if request.headers.get("Authorization") != expected:
            return 401, {"message": "The credentials provided are not valid for this application"}
        for method, pattern, name, handler in self.routes():
            match = re.fullmatch(pattern, request.path)
            if match and method == request.method:
                if name in self.fail:
                    status, message = self.fail[name]
                    return status, {"message": message}
                with self.lock:
                    return handler(request, **match.groupdict())
        return 404, {"message": f"No such resource: {request.method} {request.path}"}

    def ping(self, request):
        return 200, {"apiMessage": "pong", "currentTime": "2026-01-05T09:00:00.000Z"}

    def upload(self, request):
        course_id = request.query.get("courseId", [""])[0]
        if not re.fullmatch(r"[A-Za-z0-9._-]+", course_id) or "file" not in request.files:
            return 400, {"message": "courseId and a file part are required"}
        may_create = request.query.get("mayCreateNewVersion", ["false"])[0].lower() == "true"
        job_id = next(self.job_ids)
        self.jobs[job_id] = Job(course_id, may_create, request.files["file"], self.running_polls)
        return 200, {"result": job_id}

    def job_status(self, request, job_id):
        job = self.jobs.get(job_id)
        if job is None:
            return 404, {"message": f"Import job {job_id} not found"}
        if job.status == "RUNNING":
            if job.polls_left > 0:
                job.polls_left -= 1
            else:
                self.finish(job)
        body = {"jobId": job_id, "status": self.forced_status or job.status}
        if job.message:
            body["message"] = job.message
        if job.result:
            body["importResult"] = job.result
        return 200, body

    def finish(self, job: Job) -> None:
        """What SCORM Cloud does with the package: read its manifest, store a new course or version."""
        versions = self.courses.get(job.course_id, [])
        title, problem = manifest_title(job.package)
        problem = self.import_error or problem
        if not problem and versions and not job.may_create_new_version:
            problem = f"Course {job.course_id} already exists"
        if problem:
            job.status, job.message = "ERROR", problem
            return
        course = {
            "id": job.course_id,
            "title": title,
            "version": versions[-1]["version"] + 1 if versions else 0,
            "registrationCount": 0,
        }
        self.courses[job.course_id] = [*versions, course]
        job.status = "COMPLETE"
        job.result = {
            "webPathToCourse": f"courses/{job.course_id}/{course['version']}",
            "parserWarnings": list(self.parser_warnings),
            "courseLanguages": [],
            "course": course,
        }

    def versions(self, request, course_id):
        if course_id not in self.courses:
            return 404, {"message": f"Course {course_id} not found"}
        return 200, {"courses": self.courses[course_id]}

    def delete(self, request, course_id, version):
        versions = self.courses.get(course_id, [])
        kept = [v for v in versions if v["version"] != int(version)]
        if len(kept) == len(versions):
            return 404, {"message": f"Course {course_id} has no version {version}"}
        self.courses[course_id] = kept
        return 204, None

    def handler_class(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def handle_one(self):
                url = urlsplit(self.path)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                request = Received(
                    self.command,
                    url.path,
                    parse_qs(url.query),
                    dict(self.headers.items()),
                    multipart_files(self.headers.get("Content-Type", ""), body),
                )
                fake.received.append(request)
                status, document = fake.answer(request)
                payload = json.dumps(document).encode() if document is not None else b""
                self.send_response(status)
                if document is not None:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_DELETE = handle_one

            def log_message(self, *args):
                pass

        return Handler


def multipart_files(content_type: str, body: bytes) -> dict[str, bytes]:
    """The file parts of a multipart/form-data body, by part name."""
    if not content_type.startswith("multipart/form-data"):
        return {}
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    return {
        part.get_param("name", header="content-disposition"): part.get_payload(decode=True)
        for part in message.iter_parts()
        if part.get_filename() is not None
    }


def manifest_title(package: bytes) -> tuple[str, str]:
    """(the first organization title, "") or ("", why the package cannot be imported)."""
    try:
        with zipfile.ZipFile(io.BytesIO(package)) as archive:
            root = ElementTree.fromstring(archive.read("imsmanifest.xml"))
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError) as error:
        return "", f"The package could not be read: {error}"

    def named(elements, name):
        return [e for e in elements if e.tag.rsplit("}", 1)[-1] == name]

    organizations = named(root.iter(), "organization")
    titles = named(organizations[0], "title") if organizations else []
    return (titles[0].text or "").strip() if titles else "", ""
