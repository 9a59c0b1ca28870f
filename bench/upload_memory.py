"""Memory while a large attachment streams in: a real server, a real 300 MB upload.

Starts gunicorn (one sync worker, 127.0.0.1) on a throw-away SQLite database and upload
folder, seeds an open edition, an entrant and a draft entry, logs in through the login form,
then uploads a ``--mb`` MB video (an MP4 header followed by filler) twice:

* ``stream``    — ``PUT /entries/<id>/attachments/video``, the file as the raw body (what
                  static/js/uploads.js does);
* ``multipart`` — ``POST`` of a multipart form (the no-JavaScript path; Werkzeug's form parser
                  spools the file to a temporary file first, then the app copies it).

While each upload runs, a thread samples the worker's resident memory (VmRSS in
/proc/<pid>/status) every 20 ms; the kernel's high-water mark (VmHWM) is reset before each
upload (``/proc/<pid>/clear_refs``) and read after it, so no short peak between samples is
missed. Prints RSS before / peak during / after for each path and exits non-zero if the peak
grew by more than ``--max-growth-mb`` (memory must stay flat, not grow with the upload).

    .venv/bin/python bench/upload_memory.py            # 300 MB
    .venv/bin/python bench/upload_memory.py --mb 50
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHUNK = 1024 * 1024
PASSWORD = "bench-password-123"
EMAIL = "bench@example.vn"


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed(env: dict) -> int:
    """Migrate the throw-away database and create an entrant with a draft; return its id."""
    os.environ.update(env)
    from flask_migrate import upgrade

    from contest import create_app
    from contest.accounts.models import Role, User, UserRole
    from contest.accounts.passwords import hash_password
    from contest.areas.models import Area, AreaLevel
    from contest.contests import operations as editions
    from contest.entries import operations
    from contest.extensions import db
    from contest.timeutil import utcnow

    app = create_app(config_name="development")
    with app.app_context():
        upgrade()
        area = Area(name="Yên Sơn", level=str(AreaLevel.DISTRICT))
        user = User(email=EMAIL, full_name="Người đo", password_hash=hash_password(PASSWORD))
        user.roles.append(UserRole(role=str(Role.ENTRANT)))
        db.session.add_all([area, user])
        db.session.commit()
        edition = editions.create_from_template(
            "youth",
            "bench",
            "Đo bộ nhớ",
            utcnow() + timedelta(days=10),
            user,
            opens_at=utcnow() - timedelta(days=1),
        )
        db.session.commit()
        entry = operations.create_draft(
            edition,
            user,
            {"title": "Video thử", "field_id": edition.field_by_code("HT").id, "area_id": area.id},
        )
        db.session.commit()
        return entry.id


class Client:
    """A tiny HTTP client with a cookie jar (enough for the login form and uploads)."""

    def __init__(self, port: int):
        self.port, self.cookies = port, {}

    def request(self, method, path, body=None, headers=None):
        """One request; returns (status, headers, body)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        self._keep(response)
        conn.close()
        return response.status, response, data

    def _keep(self, response):
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]

    def csrf(self, path: str) -> str:
        """The CSRF token of a page."""
        _status, _response, html = self.request("GET", path)
        match = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', html)
        return match.group(1).decode()

    def stream_upload(self, method, path, headers, parts):
        """Send a body made of ``parts`` (bytes or ('filler', n)) chunk by chunk."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        conn.putrequest(method, path)
        headers = dict(headers)
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for key, value in headers.items():
            conn.putheader(key, value)
        conn.endheaders()
        filler = b"\0" * CHUNK
        for part in parts:
            if isinstance(part, bytes):
                conn.send(part)
                continue
            remaining = part[1]
            while remaining:
                n = min(CHUNK, remaining)
                conn.send(filler[:n])
                remaining -= n
        response = conn.getresponse()
        data = response.read()
        conn.close()
        return response.status, data


def status_kb(pid: int, field: str) -> int:
    """A memory figure of ``pid`` from /proc/<pid>/status, in kB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def reset_peak(pid: int) -> bool:
    """Reset the kernel's peak-RSS mark (VmHWM) of ``pid``; False when not permitted."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


class Sampler(threading.Thread):
    """Samples VmRSS of ``pid`` every 20 ms until stopped."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.samples, self.running = pid, [], True

    def run(self):
        while self.running:
            self.samples.append(status_kb(self.pid, "VmRSS"))
            time.sleep(0.02)


def worker_pid(master: int) -> int:
    """The pid of gunicorn's (only) worker."""
    for _ in range(100):
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise RuntimeError("no gunicorn worker")


def video_head() -> bytes:
    """The start of an MP4 file (an ftyp box): what the content check looks for."""
    return b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00isommp42"


def measure(name, client, pid, entry_id, size, token):
    """Upload ``size`` bytes by ``name`` ('stream' or 'multipart'); return the figures."""
    head = video_head()
    url = f"/entries/{entry_id}/attachments/video"
    if name == "stream":
        method, path = "PUT", url + "?name=video-thu.mp4"
        headers = {
            "Content-Type": "application/octet-stream",
            "Content-Length": str(size),
            "X-CSRFToken": token,
            "Accept": "application/json",
        }
        parts = [head, ("filler", size - len(head))]
    else:
        boundary = uuid.uuid4().hex
        before = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
            f'{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="video-thu.mp4"\r\nContent-Type: video/mp4\r\n\r\n'
        ).encode()
        after = f"\r\n--{boundary}--\r\n".encode()
        method, path = "POST", url
        headers = {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(len(before) + size + len(after)),
            "Accept": "application/json",
        }
        parts = [before, head, ("filler", size - len(head)), after]
    time.sleep(0.5)
    baseline = status_kb(pid, "VmRSS")
    exact = reset_peak(pid)
    sampler = Sampler(pid)
    sampler.start()
    started = time.perf_counter()
    status, body = client.stream_upload(method, path, headers, parts)
    elapsed = time.perf_counter() - started
    sampler.running = False
    sampler.join()
    peak_hwm = status_kb(pid, "VmHWM") if exact else None
    time.sleep(0.5)
    after_rss = status_kb(pid, "VmRSS")
    if status != 201:
        raise RuntimeError(f"{name}: HTTP {status}: {body[:300]!r}")
    peak = max([*sampler.samples, peak_hwm or 0])
    return {
        "path": name,
        "mb": size / CHUNK,
        "seconds": elapsed,
        "before": baseline / 1024,
        "peak": peak / 1024,
        "after": after_rss / 1024,
        "growth": (peak - baseline) / 1024,
        "samples": len(sampler.samples),
        "exact": exact,
    }


def main() -> int:
    """Run the benchmark; print the table; exit 1 if memory grew with the upload."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=300, help="upload size in MB (default 300)")
    parser.add_argument("--max-growth-mb", type=float, default=40.0)
    args = parser.parse_args()
    size = args.mb * CHUNK

    workdir = Path(tempfile.mkdtemp(prefix="contest-bench-"))
    env = {
        "CONTEST_CONFIG": "development",
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "UPLOAD_DIR": str(workdir / "uploads"),
        "SECRET_KEY": "bench-" + uuid.uuid4().hex,
        "MAIL_BACKEND": "memory",
        "ATTACHMENT_VIDEO_MAX_MB": str(max(500, args.mb + 1)),
        "MAX_CONTENT_LENGTH": str((max(500, args.mb + 1) + 10) * CHUNK),
        "TMPDIR": str(workdir),  # Werkzeug's multipart spool files land here
    }
    entry_id = seed(env)
    port = free_port()
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "--workers=1",
            f"--bind=127.0.0.1:{port}",
            "--timeout=600",
            "--no-control-socket",
            "contest:create_app()",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        client = Client(port)
        for _ in range(100):
            try:
                client.request("GET", "/login")
                break
            except OSError:
                time.sleep(0.1)
        pid = worker_pid(server.pid)
        token = client.csrf("/login")
        status, _r, _b = client.request(
            "POST",
            "/login",
            body=f"email={EMAIL}&password={PASSWORD}&csrf_token={token}".encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert status == 302, status
        token = client.csrf("/")
        # Warm up both paths (imports, first-request work) with small uploads.
        for name in ("stream", "multipart"):
            measure(name, client, pid, entry_id, 2 * CHUNK, token)
        started_rss = status_kb(pid, "VmRSS") / 1024
        rows = [measure(n, client, pid, entry_id, size, token) for n in ("stream", "multipart")]
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"gunicorn, 1 sync worker, pid {pid}; worker RSS after warm-up {started_rss:.1f} MB")
    print(
        f"{'path':<10} {'MB':>6} {'s':>6} {'MB/s':>7} {'before':>8} {'peak':>8} "
        f"{'after':>8} {'growth':>7} {'samples':>8}"
    )
    for row in rows:
        print(
            f"{row['path']:<10} {row['mb']:>6.0f} {row['seconds']:>6.2f} "
            f"{row['mb'] / row['seconds']:>7.0f} {row['before']:>7.1f}M {row['peak']:>7.1f}M "
            f"{row['after']:>7.1f}M {row['growth']:>+6.1f}M {row['samples']:>8}"
        )
    exact = all(r["exact"] for r in rows)
    print(
        "peak = max(sampled VmRSS" + (", kernel VmHWM reset before the upload)" if exact else ")")
    )
    worst = max(r["growth"] for r in rows)
    if worst > args.max_growth_mb:
        print(f"FAIL: memory grew by {worst:.1f} MB during a {args.mb} MB upload")
        return 1
    print(f"OK: memory stayed flat (largest growth {worst:.1f} MB for {args.mb} MB uploads)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
