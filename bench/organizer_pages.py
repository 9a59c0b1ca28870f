"""Issue 15, goal 2 and 3: the organizer pages and exports at national scale.

Creates a throw-away PostgreSQL database (``contest_h6_orgbench`` by default), generates a
technical edition with 5,000 accepted entries and 15,000 submitted sheets (60,000 scores,
three assigned judges per entry, ten judges per field's panel; ``bench/generate.py``, then
ANALYZE), compiles it through its job and publishes it, then times every organizer page and
export through the app (Flask's test client: server time, no network) logged in as an
organizer: a warm-up request, then the median of ``--rounds`` requests. For each it prints
the server time, the response size and the SQL statements counted with a
``before_cursor_execute`` listener. The database is dropped at the end (``--keep`` keeps it).

    .venv/bin/python bench/organizer_pages.py [--entries 5000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import time

from common import (
    ORGANIZER,
    PASSWORD,
    build_edition,
    drop_database,
    fresh_database,
    git_state,
    machine_load,
    make_app,
)


def pages(slug: str) -> dict[str, str]:
    return {
        "assignment (page 1 of 50 rows)": f"/organizer/judging/{slug}/assignment",
        "assignment, lacking judges": f"/organizer/judging/{slug}/assignment?lacking=1",
        "conflicts": f"/organizer/judging/{slug}/conflicts",
        "results review (page 1 of 100 rows)": f"/organizer/results/{slug}",
        "results review, DISCREPANCY": f"/organizer/results/{slug}?flag=DISCREPANCY",
        "publication": f"/organizer/publication/{slug}",
        "intake list": "/organizer/entries/?status=all",
        "entries XLSX": "/organizer/entries/export.xlsx?status=all",
        "score-sheets XLSX": f"/organizer/judging/{slug}/export.xlsx",
        "judging progress": f"/organizer/judging/{slug}/progress",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--db", default="contest_h6_orgbench")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    url = fresh_database(args.db)
    try:
        app = make_app(url)
        built = build_edition(app, args.entries)
        print(
            f"# {args.entries} entries generated; build {built['build_s']:.1f} s "
            f"(compile job {built['compile_s']:.1f} s), winners {built.get('winners')}"
        )
        from sqlalchemy import event

        from contest.extensions import db

        client = app.test_client()
        with app.app_context():
            client.post("/login", data={"email": ORGANIZER, "password": PASSWORD})
            statements: list[str] = []

            def count(conn, cursor, statement, *rest):
                statements.append(statement)

            print(f"# {time.strftime('%Y-%m-%d %H:%M')} commit {git_state()}, {machine_load()}")
            print("| page | median server time | min | size | SQL statements |")
            print("|---|---:|---:|---:|---:|")
            for name, path in pages(built["slug"]).items():
                response = client.get(path)  # warm-up (and the publication preview's cache)
                assert response.status_code == 200, (path, response.status_code)
                times = []
                for _ in range(args.rounds):
                    statements.clear()
                    event.listen(db.engine, "before_cursor_execute", count)
                    started = time.perf_counter()
                    response = client.get(path)
                    body = response.get_data()
                    times.append(time.perf_counter() - started)
                    event.remove(db.engine, "before_cursor_execute", count)
                size = len(body)
                median = statistics.median(times) * 1000
                print(
                    f"| {name} | {median:.0f} ms | {min(times) * 1000:.0f} ms | "
                    f"{size / 1024:.0f} KB | {len(statements)} |"
                )
            print(f"# after: {machine_load()}")
            db.session.remove()
            db.engine.dispose()
    finally:
        if not args.keep:
            drop_database(args.db)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
