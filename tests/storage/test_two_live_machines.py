"""The deployment of the README's "Several machines", with real processes: two gunicorn web
servers and two Celery workers, each on a "machine" of its own (a folder with its own code
folder, instance folder and ``UPLOAD_DIR``), sharing PostgreSQL, Redis (one queue) and the
bucket of the S3-compatible test server, in the production configuration with one
``SECRET_KEY``. An entrant's upload through web-1 is downloaded, the same bytes, through web-2;
a summary report started through web-2 is made by one of the workers and downloaded through
web-1; no file ever lands on a machine's disk.

Each machine's code folder links to this checkout's ``contest`` package, ``config.py`` and
``worker.py``: Flask puts the instance folder next to the code, so every process gets its own,
as on a machine with a checkout of its own. The test's own app (migrated by the fixtures)
writes the people, the edition and the draft entry, committed before the servers start.

Needs PostgreSQL, Redis and moto: skipped locally without them, failed under CI.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import func, select

from contest.entries.models import Attachment
from contest.extensions import db
from contest.jobs.models import Job, JobStatus
from contest.reports import report
from contest.storage import get_storage
from tests.attachments.conftest import pdf_bytes
from tests.factories import PASSWORD
from tests.jobs.helpers import wait_until_finished
from tests.jobs.processes import ROOT, CeleryWorker, _stop
from tests.services import need, port_free, postgres_url, redis_url
from tests.storage.conftest import local_files, object_names, s3_settings

pytestmark = [pytest.mark.worker, pytest.mark.postgres, pytest.mark.slow]

try:
    import requests  # moto's own dependency: there whenever the S3 test server is
except ImportError:  # pragma: no cover - need() below says what is missing
    requests = None

START_TIMEOUT = 60.0  # four processes importing the app at once on a busy CI machine
JOB_TIMEOUT = 40.0
NAME = "Bản thuyết minh – máy web-1.pdf"
CSRF = re.compile(r'name="csrf_token"[^>]*\bvalue="([^"]+)"')
RUN_SUCCEEDED = re.compile(r"Task jobs\.run\[[^]]+\] succeeded")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Machine:
    """One machine's folders: ``code`` (links to this checkout), the instance folder Flask
    makes next to it, and ``UPLOAD_DIR`` (with S3, only a spool for uploads being checked)."""

    name: str
    folder: Path
    code: Path = field(init=False)
    uploads: Path = field(init=False)

    def __post_init__(self):
        self.code = self.folder / "code"
        self.uploads = self.folder / "uploads"
        self.code.mkdir(parents=True)
        for item in ("contest", "config.py", "worker.py"):
            (self.code / item).symlink_to(ROOT / item)

    @property
    def instance(self) -> Path:
        return self.code / "instance"

    def files(self) -> list[Path]:
        """Every file the machine wrote: its spool and its instance folder."""
        return local_files(self.uploads) + local_files(self.instance)


class WebServer:
    """``python -m gunicorn 'contest:create_app()'`` on a loopback port, run from the
    machine's code folder, with the deployment's environment and the machine's UPLOAD_DIR."""

    def __init__(self, machine: Machine, env: dict):
        self.machine = machine
        self.port = port_free()
        self.log_path = machine.folder / "gunicorn.log"
        self.env = {**os.environ, **env, "UPLOAD_DIR": str(machine.uploads)}
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def start(self) -> None:
        log = open(self.log_path, "ab")  # noqa: SIM115 - the child keeps it open
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--no-control-socket",
                "-w",
                "1",
                "-b",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "120",
                "contest:create_app()",
            ],
            cwd=self.machine.code,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()

    def wait_ready(self, deadline: float) -> None:
        """Wait until the login page answers."""
        while True:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"{self.machine.name} exited:\n{self.log[-3000:]}")
            try:
                if requests.get(self.url + "/login", timeout=2).status_code == 200:
                    return
            except requests.RequestException:  # not listening yet, or still booting
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.machine.name} did not answer:\n{self.log[-3000:]}")
            time.sleep(0.1)

    def stop(self) -> None:
        _stop(self.process)
        self.process = None


@dataclass
class Deployment:
    webs: list[WebServer]
    workers: list[CeleryWorker]
    machines: list[Machine]

    def runs(self, expected: int, timeout: float = 5.0) -> dict[str, int]:
        """``{machine: jobs run}`` from the workers' logs, once they add up to ``expected`` (a
        worker writes its "succeeded" line just after the job's result is committed)."""
        deadline = time.monotonic() + timeout
        while True:
            counts = {
                w.log_path.parent.name: len(RUN_SUCCEEDED.findall(w.log)) for w in self.workers
            }
            if sum(counts.values()) >= expected or time.monotonic() > deadline:
                return counts
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop every process: all are told at once, then each is waited for."""
        processes = [*self.webs, *self.workers]
        for process in processes:
            if process.process is not None and process.process.poll() is None:
                process.process.terminate()
        for process in processes:
            process.stop()

    def logs(self) -> str:
        """Every process's last lines (for failure messages)."""
        parts = [f"--- {w.machine.name}\n{w.log[-2000:]}" for w in self.webs]
        parts += [f"--- {w.queue} {w.log_path}\n{w.log[-2000:]}" for w in self.workers]
        return "\n".join(parts)


@pytest.fixture()
def deployment(app, s3_server, tmp_path, entry):
    """web-1, web-2, worker-1 and worker-2 running on the test database, the test Redis (a
    queue of this test) and the test app's bucket prefix; every process stopped afterwards."""
    import redis

    need(postgres_url() is not None, "PostgreSQL (TEST_DATABASE_URL)")
    need(requests is not None, "requests (an HTTP client; moto depends on it)")
    broker = redis_url()
    need(broker is not None, "Redis")
    db.session.commit()  # the fixtures' people, edition and entry: visible to the servers
    queue = f"contest-machines-{uuid.uuid4().hex[:12]}"
    database = app.config["SQLALCHEMY_DATABASE_URI"]
    shared = {
        "CONTEST_CONFIG": "production",
        "SECRET_KEY": uuid.uuid4().hex + uuid.uuid4().hex,
        "DATABASE_URL": database,
        "REDIS_URL": broker,
        "CELERY_QUEUE": queue,
        "SESSION_COOKIE_SECURE": "false",  # plain HTTP on the loopback, no TLS proxy in front
        "MAIL_BACKEND": "file",  # into the machine's instance folder, if anything is sent
        "PYTHONUNBUFFERED": "1",
        **{k: str(v) for k, v in s3_settings(s3_server, prefix=app.config["S3_PREFIX"]).items()},
    }
    machines = {
        name: Machine(name, tmp_path / name) for name in ("web-1", "web-2", "worker-1", "worker-2")
    }
    webs = [WebServer(machines[name], shared) for name in ("web-1", "web-2")]
    workers: list[CeleryWorker] = []
    for name in ("worker-1", "worker-2"):
        machine = machines[name]
        env = {**shared, "UPLOAD_DIR": str(machine.uploads)}
        worker = CeleryWorker(machine.folder, broker, queue, database, env)
        worker.cwd = machine.code
        worker.extra_args = ("-n", f"{name}@%h")  # the last -n wins: one name per machine
        workers.append(worker)
    running = Deployment(webs, workers, list(machines.values()))
    try:
        for process in [*webs, *workers]:
            process.start()
        deadline = time.monotonic() + START_TIMEOUT
        for web in webs:
            web.wait_ready(deadline)
        for worker in workers:
            worker.wait_ready(timeout=max(1.0, deadline - time.monotonic()))
        yield running
    finally:
        running.stop()
        client = redis.Redis.from_url(broker, socket_connect_timeout=1)
        client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
        client.close()


def csrf_token(html: str) -> str:
    found = CSRF.search(html)
    assert found, html[:500]
    return found.group(1)


def log_in(session, web: WebServer, email: str) -> None:
    """Log in through the web server's login form (its CSRF token included)."""
    token = csrf_token(session.get(web.url + "/login", timeout=30).text)
    response = session.post(
        web.url + "/login",
        data={"csrf_token": token, "email": email, "password": PASSWORD},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, response.text[:500]


def test_two_web_processes_and_two_workers_share_database_redis_and_bucket(
    deployment, s3_server, app, edition, entry, people
):
    web1, web2 = deployment.webs
    prefix = app.config["S3_PREFIX"] + "/"
    slug = edition.slug

    # 1. The entrant logs in and uploads through web-1. One browser behind a load balancer:
    # its cookie (same host, any port) goes to both web servers.
    browser = requests.Session()
    log_in(browser, web1, people["owner"].email)
    token = csrf_token(browser.get(f"{web1.url}/my/entries/{entry.id}/files", timeout=30).text)
    data = pdf_bytes("Tai len qua may web-1")
    response = browser.post(
        f"{web1.url}/entries/{entry.id}/attachments/description",
        files={"file": (NAME, data, "application/pdf")},
        headers={"Accept": "application/json", "X-CSRFToken": token},
        timeout=30,
    )
    assert response.status_code == 201, response.text[:500] + deployment.logs()
    attachment_id = response.json()["attachments"][0]["id"]

    # ... web-2 serves it: the same session, the same bytes.
    download = browser.get(
        f"{web2.url}/attachments/{attachment_id}", allow_redirects=False, timeout=30
    )
    assert download.status_code == 200, download.text[:300]
    assert sha256(download.content) == sha256(data)
    assert "attachment;" in download.headers["Content-Disposition"]

    # An organizer, logged in through web-2, gets it there too.
    organizer = requests.Session()
    log_in(organizer, web2, people["organizer"].email)
    download = organizer.get(
        f"{web2.url}/attachments/{attachment_id}", allow_redirects=False, timeout=30
    )
    assert download.status_code == 200 and sha256(download.content) == sha256(data)

    # 2. The organizer starts the summary report through web-2; a worker makes the PDF.
    page = f"{web2.url}/organizer/statistics/{slug}"
    token = csrf_token(organizer.get(page, timeout=30).text)
    started = organizer.post(
        f"{page}/report", data={"csrf_token": token}, allow_redirects=False, timeout=30
    )
    assert started.status_code == 302, started.text[:500]
    job_id = int(re.search(r"/jobs/(\d+)", started.headers["Location"]).group(1))
    job = wait_until_finished(job_id, timeout=JOB_TIMEOUT, what=deployment.logs)
    assert job.status == JobStatus.SUCCEEDED, f"{job.error}\n{deployment.logs()}"
    assert job.kind == report.KIND
    key = job.result["key"]
    # Every job (this one the only one) ran in a worker process, not in web-2 nor here.
    jobs = db.session.scalar(select(func.count(Job.id)))
    db.session.remove()
    runs = deployment.runs(expected=jobs)
    assert sum(runs.values()) == jobs, f"{runs}\n{deployment.logs()}"

    # ... and web-1 serves the PDF the worker stored.
    pdf = organizer.get(
        f"{web1.url}/organizer/statistics/{slug}/report/{job_id}.pdf",
        allow_redirects=False,
        timeout=30,
    )
    assert pdf.status_code == 200, pdf.text[:300]
    assert pdf.content.startswith(b"%PDF")
    assert sha256(pdf.content) == job.result["sha256"]

    # Both files are objects of the bucket; no machine kept either on its disk.
    objects = "\n".join(object_names(s3_server, prefix))
    assert key in objects
    attachment = db.session.get(Attachment, attachment_id)
    assert attachment.storage_key in objects
    with get_storage().open(attachment.storage_key) as stream:  # the test app, same bucket
        assert sha256(stream.read()) == sha256(data)
    assert deployment.machines[0].uploads.is_dir()  # web-1 spooled the upload in its own
    for machine in deployment.machines:
        assert machine.instance.is_dir(), machine.name  # each process made its own
        assert local_files(machine.uploads) == [], machine.name
        written = {sha256(p.read_bytes()) for p in machine.files()}
        assert not written & {sha256(data), job.result["sha256"]}, machine.name
