"""The resources, as the callers allowed to use them see them: editions (list, read, export,
create from a definition), entries (filters, cursor pagination, import with the CLI's rules
and messages), attachments (original names for helpers, blind names for judges), judging
(assignments, sheets saved and submitted), results (compile job to poll, runs), publications,
certificate verification."""

from __future__ import annotations

import json

import time_machine
from sqlalchemy import func, select

from contest.contests.models import Edition
from contest.contests.operations import get_edition
from contest.entries.models import Entry
from contest.extensions import db
from contest.jobs.models import Job
from contest.judging.models import Score, ScoreSheet
from contest.results.models import ResultsRun
from tests.api.conftest import AUTHOR, FILE_BYTES
from tests.contests.conftest import EXAMPLE_TEXT
from tests.judging.conftest import DURING


def test_editions_list_read_and_draft_visibility(world, call, token_for):
    draft = world["edition"]
    assert (
        call("GET", "/api/v1/editions", token_for("judge")).json["items"][0]["slug"] == draft.slug
    )
    draft.opens_at = None  # a draft: organizers only
    draft.judging_starts_at = draft.judging_ends_at = None
    db.session.commit()
    assert call("GET", "/api/v1/editions", token_for("coordinator")).json["items"] == []
    assert call("GET", f"/api/v1/editions/{draft.slug}", token_for("judge")).status_code == 404
    read = call("GET", f"/api/v1/editions/{draft.slug}", token_for("organizer"))
    assert read.status_code == 200 and read.json["phase"] == "draft"
    assert [f["code"] for f in read.json["fields"]] == [f.code for f in draft.fields]


def test_definition_export_then_create_round_trips(world, call, token_for):
    secret = token_for("organizer")
    exported = call("GET", f"/api/v1/editions/{world['edition'].slug}/definition", secret)
    assert exported.status_code == 200
    definition = json.loads(exported.get_data(as_text=True))
    definition["slug"] = "stkt-2027"
    created = call("POST", "/api/v1/editions", secret, json=definition)
    assert created.status_code == 201, created.json
    assert created.headers["Location"].endswith("/api/v1/editions/stkt-2027")
    again = call("GET", "/api/v1/editions/stkt-2027/definition", secret)
    assert json.loads(again.get_data(as_text=True)) == definition


def test_an_invalid_definition_writes_nothing_and_names_every_key(world, call, token_for):
    definition = json.loads(EXAMPLE_TEXT)
    definition["prizes"][2]["quota"] = -1
    definition.pop("title")
    answer = call("POST", "/api/v1/editions", token_for("organizer"), json=definition)
    assert answer.status_code == 422
    assert answer.json["type"] == "urn:contest:problem:invalid-definition"
    assert "prizes[2].quota: phải là số nguyên ≥ 0" in answer.json["errors"]
    assert any(e.startswith("title:") for e in answer.json["errors"])
    assert get_edition(definition["slug"]) is None


def test_entries_are_listed_with_the_pages_scope_filters_and_a_cursor(world, call, token_for):
    mine, theirs = world["mine"], world["theirs"]

    def ids(persona, query=""):
        answer = call("GET", f"/api/v1/entries{query}", token_for(persona))
        assert answer.status_code == 200
        return [e["id"] for e in answer.json["items"]]

    assert ids("organizer") == [mine.id, theirs.id]
    assert ids("coordinator") == [mine.id]
    assert ids("other_coordinator") == [theirs.id]
    assert ids("judge") == []
    assert ids("organizer", f"?area_id={theirs.area_id}") == [theirs.id]
    assert ids("organizer", "?q=002") == [theirs.id]
    assert ids("organizer", "?status=rejected") == []
    assert ids("organizer", "?edition=stkt-2026&field=CNTT&status=accepted") == [mine.id, theirs.id]
    secret = token_for("organizer")
    first = call("GET", "/api/v1/entries?limit=1", secret).json
    assert [e["id"] for e in first["items"]] == [mine.id] and first["next_cursor"]
    second = call("GET", f"/api/v1/entries?limit=1&cursor={first['next_cursor']}", secret).json
    assert [e["id"] for e in second["items"]] == [theirs.id] and second["next_cursor"] is None
    bad = call("GET", "/api/v1/entries?cursor=nonsense", secret)
    assert bad.status_code == 400 and bad.json["type"] == "urn:contest:problem:invalid-cursor"


def test_an_entry_shows_its_authors_to_its_helpers(world, call, token_for):
    answer = call("GET", f"/api/v1/entries/{world['mine'].id}", token_for("coordinator"))
    assert answer.json["authors"][0]["full_name"] == AUTHOR
    assert answer.json["attachments"] == [world["attachment"].id]


GOOD = (
    "code,title,field,authors\r\n"
    "API-001,Máy thái chuối,CNTT,Lý Văn Tú|1990-05-04|M\r\n"
    "API-002,Ấm đun thông minh,CNTT,Ma Thị Hoa|1985-01-02|F\r\n"
).encode()
BAD = (
    "code,title,field,authors\r\n"
    "OK-001,Tốt,CNTT,Lý Văn Tú|1990-05-04|M\r\n"
    "BAD-002,,XX,Già Quá|1950-13-01|M\r\n"
).encode()


def test_import_is_all_or_nothing_with_the_cli_messages(world, call, token_for, runner, tmp_path):
    secret = token_for("organizer")
    url = "/api/v1/editions/stkt-2026/entries/import?filename=hoso.csv"
    before = db.session.scalar(select(func.count(Entry.id)))
    refused = call("POST", url, secret, data=BAD, content_type="text/csv")
    assert refused.status_code == 422
    assert db.session.scalar(select(func.count(Entry.id))) == before
    path = tmp_path / "hoso.csv"
    path.write_bytes(BAD)
    cli = runner.invoke(args=["entries", "import", "stkt-2026", str(path)])
    printed = [line.removeprefix("Lỗi: ") for line in cli.stderr.splitlines()][:-1]
    assert refused.json["errors"] == printed and printed
    assert any(line.startswith("dòng 3, cột title") for line in printed)
    done = call("POST", url, secret, data=GOOD, content_type="text/csv")
    assert done.status_code == 200 and done.json["created"] == ["API-001", "API-002"]
    twice = call("POST", url, secret, data=GOOD, content_type="text/csv")
    assert twice.json == {"created": [], "updated": [], "unchanged": ["API-001", "API-002"]}


def test_attachments_original_name_for_helpers_blind_for_judges(world, call, token_for):
    attachment = world["attachment"]
    meta = call("GET", f"/api/v1/attachments/{attachment.id}", token_for("coordinator"))
    assert meta.json["name"] == attachment.original_name
    content = call("GET", f"/api/v1/attachments/{attachment.id}/content", token_for("organizer"))
    assert content.status_code == 200 and content.get_data() == FILE_BYTES
    assert content.headers["X-Content-Type-Options"] == "nosniff"
    content.close()
    judge = token_for("judge")
    blind = call("GET", f"/api/v1/judge/attachments/{attachment.id}", judge)
    assert blind.status_code == 200 and "Bímật" not in blind.json["name"]
    got = call("GET", f"/api/v1/judge/attachments/{attachment.id}/content", judge)
    assert got.status_code == 200 and got.get_data() == FILE_BYTES
    assert "Bímật" not in got.headers["Content-Disposition"]
    got.close()
    # A kind the edition keeps for organizers is not found for judges.
    world["edition"].organizer_only_attachments = ["source_code"]
    db.session.commit()
    assert call("GET", f"/api/v1/judge/attachments/{attachment.id}", judge).status_code == 404


@time_machine.travel(DURING, tick=False)
def test_a_judge_reads_saves_and_submits_their_sheet(world, call, token_for):
    secret = token_for("judge")
    entry, round_ = world["mine"], world["round"]
    listed = call("GET", "/api/v1/judge/assignments", secret).json["items"]
    assert [(i["entry_id"], i["status"]) for i in listed] == [(entry.id, "not_started")]
    blind = call("GET", f"/api/v1/judge/entries/{entry.id}", secret).json
    assert blind["rounds"] == [round_.id] and AUTHOR not in json.dumps(blind, ensure_ascii=False)
    url = f"/api/v1/judge/entries/{entry.id}/sheets/{round_.id}"
    invalid = call(
        "PUT", url, secret, json={"points": {"novelty": "31", "effect": "x"}, "version": 1}
    )
    assert invalid.status_code == 422 and len(invalid.json["errors"]) == 2
    incomplete = call(
        "PUT", url, secret, json={"points": {"novelty": "25,5"}, "version": 1, "submit": True}
    )
    assert incomplete.status_code == 422
    assert db.session.scalar(select(func.count(Score.id))) == 0  # nothing saved
    full = {"novelty": "25.5", "applicability": "20", "effect": "30,5"}
    done = call(
        "PUT", url, secret, json={"points": full, "version": 1, "submit": True, "comment": "Tốt"}
    )
    assert done.status_code == 200, done.json
    assert done.json["status"] == "submitted" and done.json["total"] == "76"
    locked = call(
        "PUT", url, secret, json={"points": {"effect": "1"}, "version": done.json["version"]}
    )
    assert locked.status_code == 403 and locked.json["type"] == "urn:contest:problem:sheet-refused"


def test_sheets_are_refused_outside_the_judging_window(world, call, token_for):
    url = f"/api/v1/judge/entries/{world['mine'].id}/sheets/{world['round'].id}"
    answer = call("PUT", url, token_for("judge"), json={"points": {"novelty": "1"}, "version": 1})
    assert answer.status_code == 403
    assert db.session.scalar(select(func.count(ScoreSheet.id))) == 0


def test_progress_counts_the_assigned_judge(world, call, token_for):
    answer = call("GET", "/api/v1/editions/stkt-2026/judging/progress", token_for("admin"))
    judges = [j for p in answer.json["rounds"][0]["panels"] for j in p["judges"]]
    assert [(j["judge_id"], j["due"], j["submitted"]) for j in judges if j["due"]] == [
        (world["users"]["judge"].id, 1, 0)
    ]


def test_compile_returns_a_job_to_poll_and_the_run_is_readable(world, call, token_for):
    secret = token_for("organizer")
    started = call("POST", "/api/v1/editions/stkt-2026/results/compile", secret, json={})
    assert started.status_code == 202, started.json
    job = call("GET", started.headers["Location"], secret)
    assert job.status_code == 200 and job.json["id"] == started.json["id"]
    row = db.session.get(Job, job.json["id"])
    db.session.refresh(row)
    # Eager in tests: the job ran at once; the API reports what the job row says.
    assert job.json["status"] == row.status and row.status in ("succeeded", "failed")
    runs = call("GET", "/api/v1/editions/stkt-2026/results/runs", secret).json["items"]
    stored = db.session.scalars(select(ResultsRun).order_by(ResultsRun.id.desc())).all()
    assert [(r["id"], r["job_id"]) for r in runs] == [(r.id, r.job_id) for r in stored]
    if row.status == "succeeded":
        assert runs[0]["job_id"] == row.id
        run = call("GET", f"/api/v1/results/runs/{runs[0]['id']}", secret).json
        assert {r["code"] for r in run["rows"]} == {"STKT-CNTT-001", "STKT-CNTT-002"}
    # Another user's job does not exist for them.
    assert call("GET", started.headers["Location"], token_for("judge")).status_code == 404
    unknown = call(
        "POST", "/api/v1/editions/stkt-2026/results/compile", secret, json={"round": "x"}
    )
    assert unknown.status_code == 404


def test_publications_and_certificates_are_public(world, client):
    assert client.get("/api/v1/editions/stkt-2026/publications").json == {"items": []}
    unknown = client.get("/api/v1/certificates/ABCD-EFGH-JKLM")
    assert unknown.status_code == 404 and unknown.json["type"] == "urn:contest:problem:unknown-code"


def test_a_published_edition_its_publications_and_national_selection(app, call):
    """The demo youth edition published for real (entries, sheets, compile, publish)."""
    from contest.accounts.models import Role
    from contest.api import tokens
    from contest.contests.demo import seed_editions
    from contest.national import selection as national
    from contest.publication import operations as publish
    from tests import factories
    from tests.matrix_parts.public import WORLD_ENTRIES
    from tests.publication.public_fixtures import import_and_compile

    seed_editions()
    organizer = factories.make_user("btc2@example.vn", (Role.ORGANIZER,))
    edition = db.session.scalars(select(Edition).order_by(Edition.id)).first()
    edition.national_max = 1
    db.session.commit()
    import_and_compile(edition, WORLD_ENTRIES)
    publish.publish(edition, organizer)
    db.session.commit()
    secret = tokens.create_token(organizer, "k", "read", 30).secret
    db.session.commit()
    versions = call("GET", f"/api/v1/editions/{edition.slug}/publications").json["items"]
    assert [(v["version"], v["state"]) for v in versions] == [(1, "posting")]
    sent = call("GET", f"/api/v1/editions/{edition.slug}/national", secret).json
    expected = national.selection(edition)
    assert sent["publication_version"] == 1 and sent["national_max"] == 1
    assert [i["code"] for i in sent["selected"]] == [i.entry.entry_code for i in expected.items]
    assert len(sent["selected"]) == 1 and sent["selected"][0]["number"] == 1
