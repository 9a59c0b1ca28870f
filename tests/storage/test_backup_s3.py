"""``contest backup`` / ``contest restore`` with the files in S3 (a real S3-compatible server,
see conftest), on the suite's database (SQLite by default, PostgreSQL with
TEST_DATABASE_URL): the objects are read and put back through the storage interface, and a
backup of one backend restores into the other (keys are the same)."""

from __future__ import annotations

import hashlib
import json
import secrets

import pytest
from sqlalchemy import select

from contest.accounts.models import User
from contest.extensions import db
from contest.storage import get_storage
from tests import factories
from tests.ops.helpers import drop_everything, table_rows
from tests.services import port_free
from tests.storage.conftest import object_names


def _invoke(runner, *args):
    return runner.invoke(args=[str(a) for a in args], catch_exceptions=False)


def _pdf(size: int) -> bytes:
    """A PDF-looking file of about ``size`` bytes, different every time."""
    return b"%PDF-1.4\n%" + secrets.token_hex(size // 2).encode() + b"\n%%EOF\n"


def _stored(storage) -> dict[str, str]:
    """Every stored key → the SHA-256 of what ``open`` returns for it."""
    found = {}
    for key in storage.keys():  # noqa: SIM118 - a Storage, not a dict
        with storage.open(key) as stream:
            found[key] = hashlib.sha256(stream.read()).hexdigest()
    return found


def _seed(storage) -> dict[str, str]:
    """A user and a few stored files of several sizes (one over the 1 MB copy chunk)."""
    factories.make_user("owner@example.vn")
    saved = [
        storage.save_bytes(_pdf(n), category, "application/pdf")
        for n, category in ((20, "entries"), (5000, "entries"), (3 * 1024 * 1024, "certificates"))
    ]
    db.session.commit()
    return {s.key: s.sha256 for s in saved}


def test_s3_files_survive_backup_delete_and_restore(app, runner, s3_server, tmp_path):
    storage = get_storage()
    assert type(storage).__name__ == "S3Storage"
    files = _seed(storage)
    assert _stored(storage) == files
    prefix = storage.prefix

    folder = tmp_path / "backup"
    result = _invoke(runner, "backup", folder)
    assert result.exit_code == 0, result.output
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["storage"] == "s3"
    assert {
        path.removeprefix("files/"): entry["sha256"]
        for path, entry in manifest["files"].items()
        if path.startswith("files/")
    } == files
    for key, digest in files.items():
        assert hashlib.sha256((folder / "files" / key).read_bytes()).hexdigest() == digest
    assert _invoke(runner, "backup", "--verify", folder).exit_code == 0

    drop_everything()
    for key in files:
        storage.delete(key)
    assert object_names(s3_server, prefix) == []

    result = _invoke(runner, "restore", folder)
    assert result.exit_code == 0, result.output
    assert f"{len(files)} tệp" in result.output
    assert _stored(storage) == files
    # Exactly the objects, under their names: no staging copy reached the bucket or stayed
    # in the spool folder.
    assert object_names(s3_server, prefix) == sorted(prefix + key for key in files)
    assert not list(storage.spool_dir().glob("restore-*"))
    db.session.remove()
    assert db.session.scalars(select(User.email)).all() == ["owner@example.vn"]


@pytest.mark.parametrize("source,target", [("s3", "local"), ("local", "s3")])
def test_a_backup_of_one_backend_restores_into_the_other(app, runner, tmp_path, source, target):
    app.config["STORAGE_BACKEND"] = source
    files = _seed(get_storage())
    folder = tmp_path / "backup"
    assert _invoke(runner, "backup", folder).exit_code == 0
    assert json.loads((folder / "manifest.json").read_text())["storage"] == source

    app.config["STORAGE_BACKEND"] = target
    assert _stored(get_storage()) == {}
    result = _invoke(runner, "restore", "--force", folder)
    assert result.exit_code == 0, result.output
    assert _stored(get_storage()) == files


def test_an_unreachable_bucket_changes_nothing(app, runner, tmp_path):
    files = _seed(get_storage())
    folder = tmp_path / "backup"
    assert _invoke(runner, "backup", folder).exit_code == 0
    factories.make_user("later@example.vn")
    db.session.commit()
    rows = table_rows()

    endpoint = app.config["S3_ENDPOINT_URL"]
    app.config["S3_ENDPOINT_URL"] = f"http://127.0.0.1:{port_free()}"  # nothing listens
    result = _invoke(runner, "restore", "--force", folder)
    assert result.exit_code == 1
    assert "the storage (s3) cannot be read" in result.output
    assert table_rows() == rows

    result = _invoke(runner, "backup", tmp_path / "other")
    assert result.exit_code == 1
    assert "the stored files cannot be read (s3)" in result.output
    assert not (tmp_path / "other" / "manifest.json").exists()

    app.config["S3_ENDPOINT_URL"] = endpoint
    assert _stored(get_storage()) == files
