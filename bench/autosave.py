"""Issue 15, goal 5: score-sheet autosave latency with many judges at once.

Creates a throw-away PostgreSQL database (``contest_h6_autosave``), generates a technical
edition (``bench/generate.py``: ``--entries`` accepted entries, ten judges per field — 60
judges —, three assigned judges per entry), opens its judging window now, gives every judge a
password and turns one sheet of each into a draft. It then starts the service as
``public_pages.py`` does (gunicorn ``--workers 2 --worker-class gthread --threads 4`` by
default, ``--no-control-socket``, production configuration on PostgreSQL and Redis,
``TRUSTED_PROXIES=1``) and runs ``--judges`` virtual judges (one thread each, their own client
address, so the per-address login throttle behaves as in production). Each logs in through the
login form (its CSRF token), opens its sheet (the page's CSRF token and the sheet's version)
and autosaves it as the page's script does: a form-encoded ``POST …/autosave`` with
``X-CSRFToken`` and ``Accept: application/json``, new points and comment each time, the version
from the previous answer. A new connection per request (sync workers close it anyway).

Two phases, alternated for ``--rounds`` rounds of ``--seconds`` each:

* **paced**: each judge saves every 1–2 s (uniform), the issue's "50 judges saving";
* **flat out**: each judge saves again as soon as the previous answer is in.

Per phase: client-side latency (p50 / p95 / p99 / max, all requests of the phase), requests per
second, failures (any status but 200), and from the app's ``/metrics`` the mean time inside
the app and CPU per autosave. The database is dropped at the end (``--keep`` keeps it).

    .venv/bin/python bench/autosave.py [--judges 50] [--rounds 3] [--seconds 30]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections import defaultdict
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

from common import (
    PASSWORD,
    ROOT,
    drop_database,
    fresh_database,
    git_state,
    machine_load,
    make_app,
)

VENV_BIN = ROOT / ".venv" / "bin"
TOKEN = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"')
VERSION = re.compile(rb'name="version"[^>]*value="(\d+)"')


def build(app, entries: int) -> dict:
    """The edition, its judging window open now, one draft sheet per judge, passwords."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from bench.generate import create_edition, generate
    from contest.accounts.passwords import hash_password
    from contest.extensions import db
    from contest.timeutil import utcnow

    with app.app_context():
        upgrade()
        edition_id, round_id = create_edition("bench-autosave")
        generate(edition_id, round_id, entries, analyze=True)
        now = utcnow()
        db.session.execute(
            text("UPDATE editions SET judging_starts_at = :a, judging_ends_at = :b WHERE id = :e"),
            {"a": now - timedelta(days=1), "b": now + timedelta(days=30), "e": edition_id},
        )
        db.session.execute(
            text("UPDATE users SET password_hash = :h WHERE email LIKE 'gen-judge-%'"),
            {"h": hash_password(PASSWORD)},
        )
        # One sheet per judge (its first), back to a draft.
        rows = db.session.execute(
            text(
                "SELECT DISTINCT ON (s.judge_id) s.id, s.entry_id, s.round_id, u.email "
                "FROM judging_score_sheets s JOIN users u ON u.id = s.judge_id "
                "WHERE s.round_id = :r ORDER BY s.judge_id, s.id"
            ),
            {"r": round_id},
        ).all()
        db.session.execute(
            text(
                "UPDATE judging_score_sheets SET status = 'draft', submitted_at = NULL "
                "WHERE id = ANY(:ids)"
            ),
            {"ids": [r.id for r in rows]},
        )
        criteria = db.session.execute(
            text("SELECT id, max_points FROM criteria WHERE edition_id = :e ORDER BY id"),
            {"e": edition_id},
        ).all()
        db.session.commit()
        db.session.execute(text("ANALYZE judging_score_sheets"))
        db.session.commit()
        sheets = [
            {"email": r.email, "path": f"/judge/entries/{r.entry_id}/sheet/{r.round_id}"}
            for r in rows
        ]
        db.session.remove()
    return {"sheets": sheets, "criteria": [(c.id, int(c.max_points)) for c in criteria]}


class Judge:
    """One judge's browser: cookies, a client address, the sheet's token and version."""

    def __init__(self, n: int, port: int, sheet: dict, criteria):
        self.n, self.port, self.sheet, self.criteria = n, port, sheet, criteria
        self.address = f"10.6.{n // 250}.{n % 250 + 1}"
        self.cookies: dict[str, str] = {}
        self.token = self.version = ""
        self.rng = random.Random(n)

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
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
        return response.status, data

    def start(self) -> None:
        """Log in through the form and open the sheet."""
        _status, html = self.request("GET", "/login")
        form = {"csrf_token": TOKEN.search(html).group(1).decode(),
                "email": self.sheet["email"], "password": PASSWORD}  # fmt: skip
        status, _ = self.request("POST", "/login", urlencode(form).encode(),
                                 {"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
        if status != 302:
            raise RuntimeError(f"judge {self.n}: login answered {status}")
        status, html = self.request("GET", self.sheet["path"])
        if status != 200:
            raise RuntimeError(f"judge {self.n}: sheet page answered {status}")
        self.token = TOKEN.search(html).group(1).decode()
        self.version = VERSION.search(html).group(1).decode()

    def autosave(self) -> tuple[float, int]:
        """One autosave; (seconds, status)."""
        data = {"csrf_token": self.token, "version": self.version,
                "comment": f"Nhận xét {self.rng.random():.6f}"}  # fmt: skip
        for cid, top in self.criteria:
            data[f"c{cid}"] = str(self.rng.randint(0, top))
        started = time.perf_counter()
        try:
            status, body = self.request(
                "POST", self.sheet["path"] + "/autosave", urlencode(data).encode(),
                {"Content-Type": "application/x-www-form-urlencoded",
                 "Accept": "application/json", "X-CSRFToken": self.token},
            )  # fmt: skip
        except OSError:
            return time.perf_counter() - started, 0
        elapsed = time.perf_counter() - started
        if status in (200, 409):
            self.version = str(json.loads(body)["version"])
        return elapsed, status


def run_phase(judges: list[Judge], seconds: float, paced: bool) -> dict:
    """Every judge autosaves until the end of the phase; all latencies and statuses."""
    stop_at = time.monotonic() + seconds
    times: list[float] = []
    statuses: dict[int, int] = defaultdict(int)
    lock = threading.Lock()

    def loop(judge: Judge) -> None:
        if paced:  # spread the first saves over the first interval
            time.sleep(judge.rng.uniform(0, 2))
        while time.monotonic() < stop_at:
            elapsed, status = judge.autosave()
            with lock:
                times.append(elapsed)
                statuses[status] += 1
            if paced:
                time.sleep(max(0.0, judge.rng.uniform(1, 2) - elapsed))

    threads = [threading.Thread(target=loop, args=(j,), daemon=True) for j in judges]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    times.sort()

    def pct(q: float) -> float:
        return times[min(len(times) - 1, int(q * len(times)))] * 1000 if times else 0.0

    return {
        "n": len(times), "rps": len(times) / wall, "p50": pct(0.50), "p95": pct(0.95),
        "p99": pct(0.99), "max": (times[-1] * 1000 if times else 0.0),
        "failed": sum(n for s, n in statuses.items() if s != 200), "statuses": dict(statuses),
    }  # fmt: skip


def server_side(port: int) -> tuple[float, float, float]:
    """(count, seconds, CPU seconds) of ``judge.autosave`` so far, from ``/metrics``."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as r:  # noqa: S310
        text = r.read().decode()
    count = seconds = cpu = 0.0
    for line in text.splitlines():
        if 'endpoint="judge.autosave"' not in line:
            continue
        name, value = line.rsplit(" ", 1)
        if name.startswith("contest_http_request_duration_seconds_count"):
            count += float(value)
        elif name.startswith("contest_http_request_duration_seconds_sum"):
            seconds += float(value)
        elif name.startswith("contest_http_request_cpu_seconds_total"):
            cpu += float(value)
    return count, seconds, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=300)
    parser.add_argument("--judges", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=2)
    # The production setting (README, docs/ops/contest-web.service) on this 2-core machine;
    # ``--worker-class sync --threads 1`` for sync workers (gunicorn turns sync into gthread
    # when --threads is above 1).
    parser.add_argument("--worker-class", default="gthread")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--db", default="contest_h6_autosave")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/6")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    url = fresh_database(args.db)
    server = None
    try:
        world = build(make_app(url), args.entries)
        if args.judges > len(world["sheets"]):
            raise SystemExit(f"only {len(world['sheets'])} judges: raise --entries")
        port = 8631
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench-secret-key",
               "REDIS_URL": args.redis, "CELERY_QUEUE": f"bench-autosave-{os.getpid()}",
               "CONTEST_CONFIG": "production", "SESSION_COOKIE_SECURE": "0",
               "TRUSTED_PROXIES": "1", "PYTHONPATH": str(ROOT)}  # fmt: skip
        cmd = [str(VENV_BIN / "gunicorn"), "-w", str(args.workers), "-k", args.worker_class,
               "--threads", str(args.threads), "-b", f"127.0.0.1:{port}",
               "--no-control-socket", "--log-level", "warning", "contest:create_app()"]  # fmt: skip
        server = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2)  # noqa: S310
                break
            except OSError:
                time.sleep(0.3)
        judges = [Judge(n, port, world["sheets"][n], world["criteria"])
                  for n in range(args.judges)]  # fmt: skip
        for judge in judges:
            judge.start()
        run_phase(judges[:4], 3, paced=False)  # warm-up: workers, connections
        print(f"# {time.strftime('%Y-%m-%d %H:%M')} commit {git_state()}; {args.judges} judges, "
              f"gunicorn -w {args.workers} -k {args.worker_class} --threads {args.threads}; "
              f"{machine_load()}")  # fmt: skip
        results: dict[str, list[dict]] = {"paced (every 1–2 s)": [], "flat out": []}
        for _ in range(args.rounds):
            for name, paced in (("paced (every 1–2 s)", True), ("flat out", False)):
                time.sleep(1.5)  # let every worker's metrics reach Redis
                before = server_side(port)
                figures = run_phase(judges, args.seconds, paced)
                time.sleep(1.5)
                after = server_side(port)
                count = max(1.0, after[0] - before[0])
                figures["app_ms"] = (after[1] - before[1]) / count * 1000
                figures["cpu_ms"] = (after[2] - before[2]) / count * 1000
                figures["load"] = os.getloadavg()[0]
                results[name].append(figures)
        print("| phase | saves | req/s | p50 | p95 | p99 (rounds) | max | failed | in app | CPU |")
        print("|---|---:|---:|---:|---:|---|---:|---:|---:|---:|")
        for name, rounds in results.items():

            def med(key, rounds=rounds):
                return statistics.median(r[key] for r in rounds)

            each = " / ".join(f"{r['p99']:.0f}" for r in rounds)
            print(f"| {name} | {sum(r['n'] for r in rounds)} | {med('rps'):.0f} | "
                  f"{med('p50'):.0f} ms | {med('p95'):.0f} ms | **{med('p99'):.0f} ms** ({each}) | "
                  f"{max(r['max'] for r in rounds):.0f} ms | {sum(r['failed'] for r in rounds)} | "
                  f"{med('app_ms'):.1f} ms | {med('cpu_ms'):.1f} ms |")  # fmt: skip
        for name, rounds in results.items():
            statuses: dict = defaultdict(int)
            for r in rounds:
                for status, n in r["statuses"].items():
                    statuses[status] += n
            loads = " / ".join(f"{r['load']:.1f}" for r in rounds)
            print(f"# {name}: statuses {dict(statuses)}; load after each round {loads}")
        print(f"# after: {machine_load()}")
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
        if not args.keep:
            drop_database(args.db)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    raise SystemExit(main())
