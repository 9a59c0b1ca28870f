"""The last day before a deadline (issue 19 point 4): entrants, judges and visitors at once.

Starts what a deployment runs — gunicorn (``--web-workers`` sync workers) on a throw-away
PostgreSQL database, a real Celery worker (prefork) on Redis — seeds the demo province
(without its published past editions) and then, for ``--duration`` seconds:

* ``--entrants`` entrants, arriving spread over the first 60 % of the run, each register
  through the form, confirm the e-mailed link, log in, create an entry, give it 2 authors and
  a mentor, upload ``--files`` files of ``--min-mb``–``--max-mb`` MB (a PDF description, a
  PNG photo, a PDF unit confirmation, … — streamed as the page's script does) and submit;
* ``--judges`` judges each keep a score sheet of the technical edition open and autosave it
  every 2–5 s (the page's script), reloading the sheet page now and then;
* ``--visitors`` visitors read public pages (home, editions, an edition, results) with 1–3 s
  between pages.

Each virtual person has its own client address (``X-Forwarded-For``, ``TRUSTED_PROXIES=1``,
as behind nginx), so the per-address throttles see what production sees. At the end every
entrant's submission is checked: the entry is submitted and each stored file's SHA-256 (in the
database and on disk) matches what was sent. Printed: throughput, p50/p95/p99 per action,
errors, lost submissions, gunicorn worker timeouts, CPU by process group, PostgreSQL
connections and disk writes — what saturates first.

    .venv/bin/python bench/deadline_rush.py --duration 120 --entrants 60 --judges 10 \\
        --visitors 40 --min-mb 2 --max-mb 5 --database contest_bench_rush

The issue's full run is ``--duration 600 --entrants 300 --judges 50 --visitors 200
--min-mb 2 --max-mb 20``. Each run creates its own database ``<--database>_<date and time>``
and drops it at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zlib
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VENV_BIN = Path(sys.executable).parent
PASSWORD = "Rush-password-2026"
PAGE_ACTIONS = {"register", "confirm", "login", "create_entry", "authors", "details",
                "submit", "sheet_page", "autosave", "public_page"}  # fmt: skip


# --- Files ------------------------------------------------------------------------------------

MARK = b"RUSHMARK-00000000000000000000000"  # replaced by a same-length marker per upload


def make_pdf(size: int) -> bytes:
    """A well-formed one-page PDF of about ``size`` bytes (a big incompressible stream)."""
    payload = MARK + os.urandom(max(0, size - 600))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length 44 >>\nstream\nBT /F1 12 Tf 72 720 Td (Thuyet minh) Tj ET\nendstream",
        b"<< /Length %d >>\nstream\n" % len(payload) + payload + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")


def make_png(size: int) -> bytes:
    """A noise PNG of about ``size`` bytes (3 bytes a pixel), with a marker text chunk."""
    from io import BytesIO

    from PIL import Image

    side = max(64, int((size / 3) ** 0.5))
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    out = BytesIO()
    image.save(out, "PNG", compress_level=1)
    raw = out.getvalue()
    head = 8 + 25  # signature + IHDR chunk
    return raw[:head] + _png_chunk(b"tEXt", b"rush\0" + MARK) + raw[head:]


def personalise(template: bytes, who: str) -> bytes:
    """``template`` with its marker replaced (same length: PDF offsets stay right; PNG
    chunk CRC recomputed)."""
    marker = f"RUSHMARK-{who}".encode()[: len(MARK)].ljust(len(MARK), b"-")
    if template.startswith(b"\x89PNG"):
        head = 8 + 25
        chunk = _png_chunk(b"tEXt", b"rush\0" + marker)
        return template[:head] + chunk + template[head + len(chunk) :]
    return template.replace(MARK, marker, 1)


# --- HTTP -------------------------------------------------------------------------------------


class Recorder:
    """Durations and outcomes per action (thread-safe)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.times = defaultdict(list)
        self.errors = defaultdict(lambda: defaultdict(int))
        self.bytes_up = 0

    def add(self, action: str, seconds: float, ok: bool, detail: str = "") -> None:
        with self.lock:
            self.times[action].append(seconds)
            if not ok:
                self.errors[action][detail] += 1


class Client:
    """One person's browser: a cookie jar, a client address, keep-alive off (like most
    phones behind carrier NAT, every request pays its connection)."""

    def __init__(self, port: int, address: str, recorder: Recorder):
        self.port, self.address, self.rec = port, address, recorder
        self.cookies: dict[str, str] = {}

    def request(self, method, path, body=None, headers=None, timeout=300):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        headers = {"X-Forwarded-For": self.address, **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.headers, data

    def timed(self, action, method, path, *, expect=(200,), **kwargs):
        """A request recorded under ``action``; returns (status, headers, body) or None."""
        started = time.perf_counter()
        try:
            status, headers, data = self.request(method, path, **kwargs)
        except Exception as exc:  # a refused or reset connection, a timeout
            self.rec.add(action, time.perf_counter() - started, False, type(exc).__name__)
            return None
        ok = status in expect
        self.rec.add(action, time.perf_counter() - started, ok, str(status))
        return (status, headers, data) if ok else None

    def form(self, path: str) -> tuple[str, dict]:
        """GET a page; its CSRF token and the values of its hidden inputs."""
        status, _h, html = self.request("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path}: {status}")
        token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', html)
        version = re.search(rb'name="version"[^>]*value="(\d+)"', html)
        return (token.group(1).decode() if token else ""), {
            "version": version.group(1).decode() if version else ""
        }

    def post_form(self, action, path, data, expect=(302,)):
        body = urlencode(data).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return self.timed(action, "POST", path, body=body, headers=headers, expect=expect)


# --- The people -------------------------------------------------------------------------------


def entrant(n, world, port, rec, templates, stop_at, outcome):
    """One entrant's whole journey; records what was sent in ``outcome``."""
    rng = random.Random(n)
    client = Client(port, f"10.1.{n // 250}.{n % 250 + 1}", rec)
    email = f"rush{n}-{world['run']}@example.vn"
    think = lambda: time.sleep(rng.uniform(0.2, 1.0))  # noqa: E731
    try:
        token, _ = client.form("/register")
        if not client.post_form("register", "/register", {
            "csrf_token": token, "full_name": f"Thí sinh {n}", "email": email,
            "password": PASSWORD, "confirm": PASSWORD, "phone": "",
            "unit_name": "Trường THCS Thử tải", "area": world["area_id"],
        }):  # fmt: skip
            return
        link = world["confirm"](email)
        if link is None or not client.timed("confirm", "GET", link, expect=(302,)):
            return
        think()
        token, _ = client.form("/login")
        if not client.post_form(
            "login", "/login", {"csrf_token": token, "email": email, "password": PASSWORD}
        ):
            return
        think()
        path = f"/my/entries/new/{world['youth']}"
        token, _ = client.form(path)
        got = client.post_form("create_entry", path, {
            "csrf_token": token, "title": f"Sản phẩm thử tải {n}", "field_id": world["field_id"],
            "summary": "Giải pháp đo thử khi sát hạn nộp.", "area_id": world["area_id"],
            "unit_name": "Trường THCS Thử tải", "go": "next",
        })  # fmt: skip
        if not got:
            return
        entry_id = int(re.search(r"/my/entries/(\d+)/", got[1]["Location"]).group(1))
        outcome["entry_id"] = entry_id
        think()
        token, hidden = client.form(f"/my/entries/{entry_id}/authors")
        data = {"csrf_token": token, "version": hidden["version"], "representative": "0",
                "go": "next"}  # fmt: skip
        for i, (name, born) in enumerate((("Nguyễn Văn An", "2012-05-04"),
                                          ("Trần Thị Bình", "2013-09-12"))):  # fmt: skip
            data |= {f"authors-{i}-full_name": f"{name} {n}",
                     f"authors-{i}-date_of_birth": born, f"authors-{i}-gender": "F",
                     f"authors-{i}-phone": f"0912 345 {n % 1000:03d}"}  # fmt: skip
        if not client.post_form("authors", f"/my/entries/{entry_id}/authors", data):
            return
        token, hidden = client.form(f"/my/entries/{entry_id}/details")
        if not client.post_form("details", f"/my/entries/{entry_id}/details", {
            "csrf_token": token, "version": hidden["version"], "mentor_name": "Cô Hà",
            "go": "next",
        }):  # fmt: skip
            return
        token, _ = client.form(f"/my/entries/{entry_id}/files")
        sent = {}
        for i in range(world["files"]):
            kind, template = (
                templates[i % len(templates)][0],
                rng.choice(templates[i % len(templates)][1]),
            )
            body = personalise(template, f"{n}-{i}-{world['run']}")
            name = f"tep-{i}.{'png' if kind == 'photos' else 'pdf'}"
            started = time.perf_counter()
            got = client.timed(
                "upload", "PUT", f"/entries/{entry_id}/attachments/{kind}?name={name}",
                body=body, expect=(201,), headers={
                    "Content-Type": "application/octet-stream", "Accept": "application/json",
                    "X-CSRFToken": token,
                },
            )  # fmt: skip
            if got:
                with rec.lock:
                    rec.bytes_up += len(body)
                stored = json.loads(got[2])["attachments"][0]
                sent[stored["id"]] = hashlib.sha256(body).hexdigest()
            else:
                outcome["upload_failed"] = outcome.get("upload_failed", 0) + 1
            del started
            think()
        outcome["sent"] = sent
        token, hidden = client.form(f"/my/entries/{entry_id}/review")
        got = client.post_form("submit", f"/my/entries/{entry_id}/submit", {
            "csrf_token": token, "version": hidden["version"],
        })  # fmt: skip
        if got and "/receipt" in got[1]["Location"]:
            outcome["submitted"] = True
            client.timed("receipt", "GET", got[1]["Location"])
    except Exception as exc:  # a page that did not come: counted, the run goes on
        rec.add("journey", 0.0, False, f"{type(exc).__name__}: {exc}"[:120])


def judge(n, world, port, rec, stop_at):
    """Keep one score sheet open and autosave it every 2–5 s."""
    rng = random.Random(1000 + n)
    target = world["sheets"][n % len(world["sheets"])]
    client = Client(port, f"10.2.0.{n + 1}", rec)
    try:
        token, _ = client.form("/login")
        if not client.post_form("login", "/login", {
            "csrf_token": token, "email": target["email"], "password": world["password"],
        }):  # fmt: skip
            return
        path = f"/judge/entries/{target['entry_id']}/sheet/{target['round_id']}"
        version = None
        while time.monotonic() < stop_at:
            if version is None or rng.random() < 0.1:
                got = client.timed("sheet_page", "GET", path)
                if got is None:
                    time.sleep(2)
                    continue
                html = got[2]
                token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
                token = token.decode()
                found = re.search(rb'name="version"[^>]*value="(\d+)"', html)
                version = found.group(1).decode() if found else "1"
            data = {"csrf_token": token, "version": version, "comment": f"Nhận xét {rng.random()}"}
            for cid, top in target["criteria"]:
                data[f"c{cid}"] = str(rng.randint(0, top))
            got = client.timed(
                "autosave", "POST", f"{path}/autosave", body=urlencode(data).encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded",
                         "Accept": "application/json", "X-CSRFToken": token},
            )  # fmt: skip
            version = str(json.loads(got[2])["version"]) if got else None
            time.sleep(rng.uniform(2, 5))
    except Exception as exc:
        rec.add("journey", 0.0, False, f"judge {type(exc).__name__}: {exc}"[:120])


def visitor(n, world, port, rec, stop_at):
    """Read public pages until the end."""
    rng = random.Random(2000 + n)
    client = Client(port, f"10.3.{n // 250}.{n % 250 + 1}", rec)
    pages = ["/", "/editions/", f"/editions/{world['youth']}", f"/editions/{world['technical']}",
             "/results/"]  # fmt: skip
    while time.monotonic() < stop_at:
        client.timed("public_page", "GET", rng.choice(pages))
        time.sleep(rng.uniform(1, 3))


# --- Sampling what saturates ------------------------------------------------------------------


def _cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, IndexError):
        return 0


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                found.append(int(child))
                found.extend(_children(int(child)))
    except OSError:
        pass
    return found


def _postgres_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() in {"postgres", "postmaster"}:
                    pids.append(int(entry.name))
            except OSError:
                pass
    return pids


class Sampler(threading.Thread):
    """Every second: CPU of gunicorn, the worker, PostgreSQL (all of it: the machine is
    shared) and this client; machine CPU; connections to the bench database; disk writes."""

    def __init__(self, groups: dict[str, int], database: str, admin_url: str):
        super().__init__(daemon=True)
        self.groups, self.database, self.admin_url = groups, database, admin_url
        self.samples = []
        self.running = True

    def _machine(self):
        parts = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
        values = list(map(int, parts))
        return sum(values), values[3] + values[4]  # total, idle + iowait

    def _written(self):
        total = 0
        for line in Path("/proc/diskstats").read_text().splitlines():
            fields = line.split()
            if re.fullmatch(r"(sd[a-z]|vd[a-z]|nvme\d+n\d+)", fields[2]):
                total += int(fields[9])
        return total * 512

    def run(self):
        import psycopg

        conn = psycopg.connect(self.admin_url, autocommit=True)
        hz = os.sysconf("SC_CLK_TCK")
        last = None
        while self.running:
            pids = {name: [pid, *_children(pid)] for name, pid in self.groups.items()}
            pids["postgres"] = _postgres_pids()
            ticks = {name: sum(_cpu_ticks(p) for p in group) for name, group in pids.items()}
            machine, written, now = self._machine(), self._written(), time.monotonic()
            connections = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (self.database,)
            ).fetchone()[0]
            if last is not None:
                dt = now - last["now"]
                sample = {
                    name: 100 * (ticks[name] - last["ticks"].get(name, ticks[name])) / hz / dt
                    for name in ticks
                }
                busy = (machine[0] - last["machine"][0]) - (machine[1] - last["machine"][1])
                sample["machine_busy_pct"] = 100 * busy / max(1, machine[0] - last["machine"][0])
                sample["pg_connections"] = connections
                sample["disk_write_mb_s"] = (written - last["written"]) / dt / 1e6
                self.samples.append(sample)
            last = {"ticks": ticks, "machine": machine, "written": written, "now": now}
            time.sleep(1)
        conn.close()


# --- Run --------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed(env: dict) -> dict:
    """Migrate, seed the demo province without its published past editions; return what the
    people need (slugs, an area, a field, the judges' open sheets)."""
    os.environ.update(env)
    from flask_migrate import upgrade
    from sqlalchemy import select

    from contest import create_app
    from contest.accounts.demo import seed_users
    from contest.accounts.models import User
    from contest.areas.demo import seed_areas
    from contest.areas.models import Area
    from contest.contests.demo import TECHNICAL_SLUG, YOUTH_SLUG, seed_editions
    from contest.contests.operations import get_edition
    from contest.entries.demo import seed_entries
    from contest.extensions import db
    from contest.jobs.operations import commit
    from contest.judging.demo import DEMO_JUDGES, seed_judging
    from contest.judging.models import Assignment, ScoreSheet

    app = create_app()
    with app.app_context():
        upgrade()
        seed_areas()
        seed_users(PASSWORD)
        seed_editions()
        seed_entries()
        seed_judging()
        commit()
        youth, technical = get_edition(YOUTH_SLUG), get_edition(TECHNICAL_SLUG)
        area = db.session.scalars(select(Area).where(Area.parent_id.is_not(None))).first()
        sheets = []
        for email in DEMO_JUDGES:
            judge = db.session.scalars(select(User).where(User.email == email)).one()
            done = set(db.session.scalars(select(ScoreSheet.entry_id).where(
                ScoreSheet.judge_id == judge.id)))  # fmt: skip
            for assignment in db.session.scalars(select(Assignment).where(
                Assignment.judge_id == judge.id, Assignment.edition_id == technical.id,
            )):  # fmt: skip
                if assignment.entry_id in done:
                    continue
                sheets.append({
                    "email": email, "entry_id": assignment.entry_id,
                    "round_id": assignment.round_id,
                    "criteria": [(c.id, int(c.max_points)) for c in technical.active_criteria],
                })  # fmt: skip
        # Spread the virtual judges over the judges' sheets (one sheet each where possible).
        sheets.sort(key=lambda s: (s["entry_id"], s["email"]))
        return {
            "youth": YOUTH_SLUG, "technical": TECHNICAL_SLUG, "area_id": area.id,
            "field_id": youth.field_by_code("HT").id, "sheets": sheets, "password": PASSWORD,
        }  # fmt: skip


def confirm_link_maker(app):
    """``email → /confirm/<token>``: the link of the confirmation e-mail (built as the mail
    is, with the app's secret key), or None for an unknown address."""
    from sqlalchemy import select

    from contest.accounts.models import User
    from contest.accounts.tokens import confirmation_token
    from contest.extensions import db

    def link(email: str):
        with app.app_context():
            user = db.session.scalars(select(User).where(User.email == email)).first()
            token = confirmation_token(user) if user else None
            db.session.remove()
        return f"/confirm/{token}" if token else None

    return link


def percentile(values, q):
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def check_submissions(app, outcomes, upload_dir: Path) -> dict:
    """Every submitted entry: status submitted, and each file sent is stored intact."""
    from sqlalchemy import select

    from contest.entries.models import Attachment, Entry
    from contest.extensions import db

    report = {"submitted": 0, "files_checked": 0, "lost": [], "mismatched": []}
    with app.app_context():
        for n, outcome in outcomes.items():
            if not outcome.get("submitted"):
                continue
            report["submitted"] += 1
            entry = db.session.get(Entry, outcome["entry_id"])
            if entry is None or entry.status != "submitted":
                report["lost"].append(n)
                continue
            stored = {
                a.id: a for a in db.session.scalars(
                    select(Attachment).where(Attachment.entry_id == entry.id))
            }  # fmt: skip
            for attachment_id, sha in outcome.get("sent", {}).items():
                report["files_checked"] += 1
                attachment = stored.get(attachment_id)
                path = upload_dir / attachment.storage_key if attachment else None
                if attachment is None or not path.is_file():
                    report["lost"].append(f"{n}/{attachment_id}")
                elif attachment.sha256 != sha or _sha(path) != sha:
                    report["mismatched"].append(f"{n}/{attachment_id}")
        db.session.remove()
    return report


def server_side(exposition: bytes) -> dict:
    """Per endpoint, from the app's own /metrics: requests, mean time inside the app and mean
    CPU time per request (what a page costs, apart from the wait for a free worker)."""
    found: dict[str, dict] = defaultdict(lambda: {"n": 0.0, "seconds": 0.0, "cpu": 0.0})
    pattern = re.compile(
        r"^contest_http_request_(duration_seconds_sum|duration_seconds_count|cpu_seconds_total)"
        r'\{endpoint="([^"]+)",method="([^"]+)",status="([^"]+)"\} (\S+)$'
    )
    for line in exposition.decode().splitlines():
        match = pattern.match(line)
        if match is None:
            continue
        kind, endpoint, method, _status, value = match.groups()
        key = f"{method} {endpoint}"
        part = {"duration_seconds_sum": "seconds", "duration_seconds_count": "n",
                "cpu_seconds_total": "cpu"}[kind]  # fmt: skip
        found[key][part] += float(value)
    return {
        key: {"n": int(v["n"]), "app_ms": 1000 * v["seconds"] / v["n"],
              "cpu_ms": 1000 * v["cpu"] / v["n"]}
        for key, v in sorted(found.items()) if v["n"]
    }  # fmt: skip


def _sha(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def drop_database(admin_url: str, name: str) -> None:
    """Drop the run's database; give up after 30 s (a DROP waits for every backend of the
    server to answer a barrier: one stuck elsewhere on a shared server blocks it)."""
    import psycopg

    try:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute("SET statement_timeout = '30s'")
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except psycopg.Error as exc:
        print(f"database {name} not dropped ({exc.__class__.__name__}): drop it later")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=120)
    parser.add_argument("--entrants", type=int, default=60)
    parser.add_argument("--judges", type=int, default=10)
    parser.add_argument("--visitors", type=int, default=40)
    parser.add_argument("--files", type=int, default=3)
    parser.add_argument("--min-mb", type=float, default=2)
    parser.add_argument("--max-mb", type=float, default=5)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--worker-concurrency", type=int, default=2)
    parser.add_argument("--timeout", type=int, default=120, help="gunicorn --timeout")
    parser.add_argument(
        "--database", default="contest_bench_rush", help="prefix of the run's own database"
    )
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/10")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    import psycopg

    admin_url = f"{args.pg}/postgres"
    # A new database for each run (named after the run), dropped at the end.
    args.database = f"{args.database}_{time.strftime('%Y%m%d%H%M%S')}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{args.database}"')
    folder = Path(tempfile.mkdtemp(prefix="deadline-rush-"))
    queue = f"rush-{uuid.uuid4().hex[:8]}"
    env = {
        "CONTEST_CONFIG": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": f"{args.pg}/{args.database}",
        "REDIS_URL": args.redis_url,
        "CELERY_QUEUE": queue,
        "UPLOAD_DIR": str(folder / "uploads"),
        "MAIL_BACKEND": "memory",
        "TRUSTED_PROXIES": "1",
        "SESSION_COOKIE_SECURE": "0",
        "PUBLIC_BASE_URL": "http://127.0.0.1",
    }
    print(f"seeding {args.database} …", flush=True)
    world = seed(env)
    world["run"] = queue[-8:]
    world["files"] = args.files
    from contest import create_app

    app = create_app()
    world["confirm"] = confirm_link_maker(app)

    print("making files …", flush=True)
    low, high = int(args.min_mb * 1e6), int(args.max_mb * 1e6)
    sizes = [low + (high - low) * i // 3 for i in range(4)]
    pdfs = [make_pdf(s) for s in sizes]
    pngs = [make_png(s) for s in sizes]
    kinds = [("description", pdfs), ("photos", pngs), ("unit_confirmation", pdfs)]

    port = free_port()
    full_env = {**os.environ, **env, "PYTHONUNBUFFERED": "1"}
    web_log = open(folder / "gunicorn.log", "wb")  # noqa: SIM115 - closed at the end
    web = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "-w", str(args.web_workers), "-b", f"127.0.0.1:{port}",
         "--timeout", str(args.timeout), "--no-control-socket", "contest:create_app()"],
        cwd=ROOT, env=full_env, stdout=web_log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    worker_log = open(folder / "worker.log", "wb")  # noqa: SIM115
    worker = subprocess.Popen(
        [str(VENV_BIN / "celery"), "-A", "worker", "worker", "-Q", queue, "-n",
         f"{queue}@%h", f"--concurrency={args.worker_concurrency}", "--loglevel=info",
         "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=full_env, stdout=worker_log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        for _ in range(200):
            try:
                if Client(port, "127.0.0.1", Recorder()).request("GET", "/healthz")[0] in (
                    200,
                    503,
                ):
                    break
            except OSError:
                time.sleep(0.1)
        for _ in range(300):
            if b" ready." in (folder / "worker.log").read_bytes():
                break
            time.sleep(0.1)

        rec = Recorder()
        sampler = Sampler({"gunicorn": web.pid, "celery": worker.pid, "bench": os.getpid()},
                          args.database, admin_url)  # fmt: skip
        sampler.start()
        started = time.monotonic()
        stop_at = started + args.duration
        outcomes = {n: {} for n in range(args.entrants)}
        threads = []
        for n in range(args.judges):
            threads.append(threading.Thread(target=judge, args=(n, world, port, rec, stop_at)))
        for n in range(args.visitors):
            threads.append(threading.Thread(target=visitor, args=(n, world, port, rec, stop_at)))
        for thread in threads:
            thread.daemon = True
            thread.start()
        arrivals = sorted(random.Random(7).uniform(0, 0.6 * args.duration)
                          for _ in range(args.entrants))  # fmt: skip
        entrant_threads = []
        for n, at in enumerate(arrivals):
            time.sleep(max(0.0, started + at - time.monotonic()))
            thread = threading.Thread(
                target=entrant,
                args=(n, world, port, rec, kinds, stop_at, outcomes[n]),
                daemon=True,
            )
            thread.start()
            entrant_threads.append(thread)
        for thread in threads:
            thread.join(timeout=max(1.0, stop_at - time.monotonic() + 30))
        for thread in entrant_threads:  # late entrants finish their journey
            thread.join(timeout=300)
        elapsed = time.monotonic() - started
        sampler.running = False
        sampler.join(timeout=5)
        time.sleep(3)  # the worker's last jobs (receipt e-mails, thumbnails)
        server = server_side(Client(port, "127.0.0.1", Recorder()).request("GET", "/metrics")[2])
        submissions = check_submissions(app, outcomes, folder / "uploads")
    finally:
        for process in (web, worker):
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(process.pid, signal.SIGKILL)
        web_log.close()
        worker_log.close()

    timeouts = (folder / "gunicorn.log").read_bytes().count(b"WORKER TIMEOUT")
    worker_errors = (folder / "worker.log").read_bytes().count(b"ERROR/")
    rows = []
    total = 0
    for action, times in sorted(rec.times.items()):
        total += len(times)
        errors = sum(rec.errors[action].values())
        rows.append({
            "action": action, "count": len(times), "errors": errors,
            "per_s": len(times) / elapsed, "p50": percentile(times, 50),
            "p95": percentile(times, 95), "p99": percentile(times, 99), "max": max(times),
            "error_kinds": dict(rec.errors[action]),
        })  # fmt: skip
    cpu = {}
    for key in ("gunicorn", "celery", "postgres", "bench", "machine_busy_pct", "pg_connections",
                "disk_write_mb_s"):  # fmt: skip
        values = [s[key] for s in sampler.samples if key in s]
        if values:
            cpu[key] = {"mean": statistics.fmean(values), "max": max(values)}
    figures = {
        "settings": vars(args) | {"json": str(args.json) if args.json else None},
        "elapsed_s": elapsed, "requests": total, "requests_per_s": total / elapsed,
        "uploaded_mb": rec.bytes_up / 1e6, "actions": rows, "resources": cpu,
        "submissions": submissions, "entrants_submitted": submissions["submitted"],
        "server_side": server,
        "gunicorn_worker_timeouts": timeouts, "celery_error_lines": worker_errors,
        "log_folder": str(folder),
    }  # fmt: skip
    print(f"\n{elapsed:.0f} s, {total} requests ({total / elapsed:.1f}/s), "
          f"{rec.bytes_up / 1e6:.0f} MB uploaded")  # fmt: skip
    print(f"{'action':<13}{'n':>6}{'err':>5}{'/s':>7}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}")
    for r in rows:
        print(f"{r['action']:<13}{r['count']:>6}{r['errors']:>5}{r['per_s']:>7.2f}"
              f"{r['p50']:>8.3f}{r['p95']:>8.3f}{r['p99']:>8.3f}{r['max']:>8.3f}"
              f"  {r['error_kinds'] or ''}")  # fmt: skip
    print("inside the app, per endpoint (from /metrics): n, mean ms, mean CPU ms")
    cpu_total = 0.0
    for key, v in server.items():
        if key.endswith("ops.metrics"):
            continue
        cpu_total += v["n"] * v["cpu_ms"] / 1000
        print(f"  {key:<44}{v['n']:>6}{v['app_ms']:>9.1f}{v['cpu_ms']:>9.1f}")
    print(f"  app CPU for all requests: {cpu_total:.1f} s = {cpu_total / elapsed:.2f} cores")
    print("resources (mean / max):")
    for key, value in cpu.items():
        print(f"  {key:<18} {value['mean']:8.1f} {value['max']:8.1f}")
    print(f"entrants submitted: {submissions['submitted']}/{args.entrants}; files checked: "
          f"{submissions['files_checked']}; lost: {submissions['lost']}; "
          f"mismatched: {submissions['mismatched']}")  # fmt: skip
    print(f"gunicorn worker timeouts: {timeouts}; celery ERROR lines: {worker_errors}")
    print(f"logs: {folder}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False))
    shutil.rmtree(folder / "uploads", ignore_errors=True)
    drop_database(admin_url, args.database)
    import redis

    conn = redis.Redis.from_url(args.redis_url)
    for pattern in (f"contest:{queue}:*", f"_kombu.binding*{queue}", queue):
        for key in conn.scan_iter(match=pattern):
            conn.delete(key)
    slow = [r["action"] for r in rows if r["action"] in PAGE_ACTIONS and r["p99"] >= 2.0]
    lost = submissions["lost"] or submissions["mismatched"]
    return 1 if (lost or timeouts or slow) else 0


if __name__ == "__main__":
    sys.exit(main())
