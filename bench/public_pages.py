"""Issue 15, goals 1 and 6: public results and edition pages against a one-query ceiling,
side by side in one run.

Creates a throw-away PostgreSQL database (``contest_h6_pubbench``), generates a technical
edition of ``--entries`` accepted entries (3 sheets each), compiles and publishes it, then
starts two gunicorn servers with the same settings (by default the production setting on this
2-core machine: ``--workers 2 --worker-class gthread --threads 4``, ``--no-control-socket``):
the service (``contest:create_app()``, ``REDIS_URL`` set to Redis db 13 so the page cache is
shared by the workers) and ``ceiling_app.py`` (one SELECT per request on the same database). It
then runs ``wrk -t2 -c16`` for ``--seconds`` on each of the three URLs — the ceiling, the
results page, the edition page — in interleaved rounds, and prints the medians, p99 and each
page's share of the ceiling. ``--results-day`` adds one ``wrk -t2 -c500`` run of
``--day-seconds`` (60) on the results page, then the same on the ceiling for comparison
(errors, wrk's timeouts, p99). Visitors are anonymous (results-day traffic); wrk sends no
cookie, so every request is a new visitor.

    .venv/bin/python bench/public_pages.py [--entries 300] [--rounds 3] [--seconds 8]
        [--results-day] [--workers 2] [--worker-class gthread|sync] [--threads 4]
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from common import (
    ROOT,
    build_edition,
    drop_database,
    fresh_database,
    git_state,
    machine_load,
    make_app,
)

VENV_BIN = ROOT / ".venv" / "bin"
BENCH = Path(__file__).resolve().parent


def start(app: str, port: int, env: dict, cwd: Path, settings: list[str]) -> subprocess.Popen:
    cmd = [str(VENV_BIN / "gunicorn"), *settings, "-b", f"127.0.0.1:{port}",
           "--no-control-socket", "--log-level", "warning", app]  # fmt: skip
    return subprocess.Popen(cmd, cwd=cwd, env=env, start_new_session=True)


def wait_up(url: str, timeout: float = 30) -> None:
    end = time.time() + timeout
    while time.time() < end:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - http://127.0.0.1
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=20)


def wrk(url: str, seconds: int, connections: int = 16) -> dict:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    factor = {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    timeouts = re.search(r"timeout (\d+)", socket_errors.group(1)) if socket_errors else None
    return {
        "rps": rps,
        "p99_ms": float(p99.group(1)) * factor,
        "non2xx": int(errors.group(1)) if errors else 0,
        "socket": socket_errors.group(1) if socket_errors else "",
        "timeouts": int(timeouts.group(1)) if timeouts else 0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--db", default="contest_h6_pubbench")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--results-day", action="store_true")
    parser.add_argument("--day-seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    # The production setting (README, docs/ops/contest-web.service) on this 2-core machine;
    # ``--worker-class sync --threads 1`` for sync workers (gunicorn turns sync into gthread
    # when --threads is above 1).
    parser.add_argument("--worker-class", default="gthread")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    url = fresh_database(args.db)
    servers = []
    try:
        built = build_edition(make_app(url), args.entries)
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench-secret-key",
               "REDIS_URL": args.redis, "CONTEST_CONFIG": "production",
               "SESSION_COOKIE_SECURE": "0", "PYTHONPATH": str(ROOT)}  # fmt: skip
        settings = [
            "-w",
            str(args.workers),
            "-k",
            args.worker_class,
            "--threads",
            str(args.threads),
        ]
        servers.append(start("contest:create_app()", 8611, env, ROOT, settings))
        servers.append(start("ceiling_app:app", 8612, env, BENCH, settings))
        slug = built["slug"]
        urls = {
            "ceiling (one SELECT)": "http://127.0.0.1:8612/",
            "results page": f"http://127.0.0.1:8611/results/{slug}",
            "edition page": f"http://127.0.0.1:8611/editions/{slug}",
        }
        for target in urls.values():
            wait_up(target)
            wrk(target, 2)  # warm-up: workers, caches, connections
        print(f"# {time.strftime('%Y-%m-%d %H:%M')} commit {git_state()}; {args.entries} entries, "
              f"{built.get('winners')} winners; gunicorn {' '.join(settings)}; "
              f"{machine_load()}")  # fmt: skip
        runs: dict[str, list[dict]] = {name: [] for name in urls}
        for _ in range(args.rounds):
            for name, target in urls.items():
                runs[name].append(wrk(target, args.seconds))
        ceiling = statistics.median(r["rps"] for r in runs["ceiling (one SELECT)"])
        print("| page | req/s (median) | rounds | p99 (median) | share of the ceiling | non-2xx |")
        print("|---|---:|---|---:|---:|---:|")
        for name, results in runs.items():
            rps = statistics.median(r["rps"] for r in results)
            p99 = statistics.median(r["p99_ms"] for r in results)
            each = " / ".join(f"{r['rps']:.0f}" for r in results)
            print(f"| {name} | {rps:.0f} | {each} | {p99:.1f} ms | {rps / ceiling:.0%} | "
                  f"{sum(r['non2xx'] for r in results)} |")  # fmt: skip
        if args.results_day:
            for name in ("results page", "ceiling (one SELECT)"):
                day = wrk(urls[name], args.day_seconds, connections=500)
                print(f"# results day, wrk -t2 -c500 {args.day_seconds}s on the {name}: "
                      f"{day['rps']:.0f} req/s, p99 {day['p99_ms']:.0f} ms, non-2xx "
                      f"{day['non2xx']}, timeouts {day['timeouts']}, socket errors: "
                      f"{day['socket'] or 'none'}; {machine_load()}")  # fmt: skip
        print(f"# after: {machine_load()}")
    finally:
        for server in servers:
            stop(server)
        if not args.keep:
            drop_database(args.db)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(BENCH))
    raise SystemExit(main())
