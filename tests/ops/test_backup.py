"""``contest backup`` / ``contest restore`` (issue 19 point 1), on the suite's database
(SQLite by default, PostgreSQL with TEST_DATABASE_URL).

The round trip runs the demo season (both contests: entries with attachments and
thumbnails, judging, compiled and published results, certificates and their ZIP), backs it
up, drops every table and every stored file, restores, and compares every table row by row
and every file by its SHA-256.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import stat
from pathlib import Path

import pytest
from sqlalchemy import select

from contest.accounts.models import User
from contest.audit.models import AuditEntry
from contest.demo import seed_demo
from contest.extensions import db
from contest.ops import backup as backup_mod
from contest.storage import get_storage
from tests import factories
from tests.ops.helpers import drop_everything, stored_files, table_rows, upload_root


def _invoke(runner, *args):
    return runner.invoke(args=[str(a) for a in args], catch_exceptions=False)


@pytest.mark.slow
def test_a_whole_season_survives_backup_drop_and_restore(app, runner, tmp_path):
    seed_demo()
    db.session.commit()
    before_rows = table_rows()
    before_files = stored_files()
    # The season is really there: every stage left rows and files behind.
    stages = ("entries", "entry_attachments", "judging_score_sheets", "results_rows",
              "publications", "certificates", "certificate_batches", "audit_entries")  # fmt: skip
    for table in stages:
        assert before_rows[table], table
    assert {key.split("/")[0] for key in before_files} >= {"entries", "thumbs", "certificates"}

    folder = tmp_path / "backup"
    result = _invoke(runner, "backup", folder)
    assert result.exit_code == 0, result.output
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["dialect"] == db.engine.dialect.name
    assert manifest["alembic_revision"] == before_rows["alembic_version"][0][0]
    assert manifest["row_counts"] == {t: len(r) for t, r in before_rows.items()}
    assert manifest["app_version"] and manifest["created_at"]
    assert {
        key.removeprefix("files/"): entry["sha256"]
        for key, entry in manifest["files"].items()
        if key.startswith("files/")
    } == before_files
    # The backup's own audit entry came after the snapshot.
    assert db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id.desc())).first() == (
        "backup.created"
    )

    drop_everything()
    assert table_rows() == {}
    assert stored_files() == {}

    result = _invoke(runner, "restore", folder)
    assert result.exit_code == 0, result.output
    total = sum(len(r) for t, r in before_rows.items() if t != "alembic_version")
    assert f"{len(before_rows)} bảng, {total} dòng, {len(before_files)} tệp" in result.output

    after_rows = table_rows()
    restored_audit = [row for row in after_rows["audit_entries"] if row[3] == "backup.restored"]
    assert len(restored_audit) == 1
    after_rows["audit_entries"] = [
        r for r in after_rows["audit_entries"] if r not in restored_audit
    ]
    assert after_rows.keys() == before_rows.keys()
    for table, rows in before_rows.items():
        assert after_rows[table] == rows, table
    assert stored_files() == before_files
    # The sequences came back too: a new row does not collide with a restored one.
    db.session.remove()
    factories.make_user("after-restore@example.vn")
    db.session.commit()


def test_verify_accepts_a_good_backup_and_names_every_damaged_file(app, runner, tmp_path):
    user = factories.make_user("a@example.vn")
    stored = get_storage().save_bytes(b"%PDF-1.4\n%%EOF\n" * 10, "entries", "application/pdf")
    db.session.commit()
    folder = tmp_path / "b"
    assert _invoke(runner, "backup", folder).exit_code == 0
    result = _invoke(runner, "backup", "--verify", folder)
    assert result.exit_code == 0, result.output
    assert "Bản sao lưu hợp lệ" in result.output

    damaged = folder / "files" / stored.key
    damaged.write_bytes(damaged.read_bytes()[:-1] + b"X")  # same size, other content
    (folder / "stray.txt").write_text("?")
    dump = folder / backup_mod.read_manifest(folder).database_file
    dump.write_bytes(dump.read_bytes() + b"\0")
    result = _invoke(runner, "backup", "--verify", folder)
    assert result.exit_code == 1
    assert f"files/{stored.key}: checksum does not match" in result.output
    assert "stray.txt: not in the manifest" in result.output
    assert f"{dump.name}: size" in result.output
    assert user.id


def test_a_corrupted_backup_is_refused_and_nothing_changes(app, runner, tmp_path):
    factories.make_user("kept@example.vn")
    stored = get_storage().save_bytes(b"%PDF-1.4\n%%EOF\n", "entries", "application/pdf")
    db.session.commit()
    folder = tmp_path / "b"
    assert _invoke(runner, "backup", folder).exit_code == 0

    factories.make_user("later@example.vn")  # the live data moves on after the backup
    later = get_storage().save_bytes(b"%PDF-1.4\n%later\n", "entries", "application/pdf")
    db.session.commit()
    rows, files = table_rows(), stored_files()
    (folder / "files" / stored.key).unlink()  # a file lost from the backup

    result = _invoke(runner, "restore", "--force", folder)
    assert result.exit_code == 1
    assert f"files/{stored.key}: missing" in result.output
    assert table_rows() == rows
    assert stored_files() == files
    assert later.key in files


def test_a_database_with_data_is_refused_without_force_and_replaced_with_it(app, runner, tmp_path):
    factories.make_user("before@example.vn")
    db.session.commit()
    folder = tmp_path / "b"
    assert _invoke(runner, "backup", folder).exit_code == 0
    factories.make_user("after@example.vn")
    db.session.commit()
    rows = table_rows()

    result = _invoke(runner, "restore", folder)
    assert result.exit_code == 1
    assert "dùng --force để ghi đè" in result.output
    assert "users: 2" in result.output
    assert table_rows() == rows

    result = _invoke(runner, "restore", "--force", "--actor", "before@example.vn", folder)
    assert result.exit_code == 0, result.output
    db.session.remove()
    emails = db.session.scalars(select(User.email).order_by(User.email)).all()
    assert emails == ["before@example.vn"]
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "backup.restored")
    ).one()
    assert entry.actor_id == db.session.scalar(select(User.id))


def test_backup_refuses_a_folder_that_is_not_empty(app, runner, tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "x").write_text("x")
    result = _invoke(runner, "backup", tmp_path / "old")
    assert result.exit_code == 1
    assert "not empty" in result.output
    assert not (tmp_path / "old" / "manifest.json").exists()


def test_restore_refuses_a_backup_of_another_database_kind(app, runner, tmp_path):
    folder = tmp_path / "b"
    assert _invoke(runner, "backup", folder).exit_code == 0
    manifest = json.loads((folder / "manifest.json").read_text())
    other = "sqlite" if manifest["dialect"] == "postgresql" else "postgresql"
    manifest["dialect"] = other
    (folder / "manifest.json").write_text(json.dumps(manifest))
    result = _invoke(runner, "restore", "--force", folder)
    assert result.exit_code == 1
    assert f"the backup is of a {other} database" in result.output


def test_a_backup_missing_its_manifest_is_not_a_backup(app, runner, tmp_path):
    folder = tmp_path / "b"
    folder.mkdir()
    result = _invoke(runner, "restore", folder)
    assert result.exit_code == 1
    assert "manifest.json not found" in result.output


def test_pg_dump_older_than_the_server_is_refused(app, runner, tmp_path, monkeypatch):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only (TEST_DATABASE_URL)")
    fake = tmp_path / "bin"
    fake.mkdir()
    for tool in ("pg_dump", "pg_restore", "psql"):
        script = fake / tool
        script.write_text(f"#!/bin/sh\necho '{tool} (PostgreSQL) 9.6.24'\n")
        script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{fake}:/usr/bin:/bin")
    result = _invoke(runner, "backup", tmp_path / "b")
    assert result.exit_code == 1
    assert "pg_dump 9 is older than the PostgreSQL server" in result.output
    assert not (tmp_path / "b" / "manifest.json").exists()


def test_files_of_the_spool_folder_are_not_backed_up(app, tmp_path):
    root = upload_root()
    (root / ".incoming").mkdir(parents=True, exist_ok=True)
    (root / ".incoming" / "abc.part").write_bytes(b"half an upload")
    stored = get_storage().save_bytes(b"%PDF-1.4\n%%EOF\n", "entries", "application/pdf")
    keys = backup_mod.stored_keys(root)
    assert stored.key in keys
    assert not any(".incoming" in k or k.endswith(".part") for k in keys)
    digest = hashlib.sha256((root / stored.key).read_bytes()).hexdigest()
    assert backup_mod.sha256_of(root / stored.key) == digest == stored.sha256
    shutil.rmtree(root / ".incoming")


def test_every_ops_command_takes_an_actor(app):
    commands = {name: app.cli.commands[name] for name in ("backup", "restore")}
    for command in commands.values():
        assert any(p.name == "actor" for p in command.params)


def test_an_unknown_actor_is_refused_before_a_backup(app, runner, tmp_path):
    result = _invoke(runner, "backup", tmp_path / "b", "--actor", "nobody@example.vn")
    assert result.exit_code != 0
    assert "nobody@example.vn" in result.output
    assert not Path(tmp_path / "b" / "manifest.json").exists()
