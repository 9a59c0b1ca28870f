"""The province-to-national package through ``contest national export|import``: the round
trip on one database (entries, authors, files byte-identical by SHA-256), idempotent and
corrected re-imports, and refusals — a corrupted, missing or unknown file, a bad signature,
an unknown field — with nothing written."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from sqlalchemy import select

from contest.entries.models import Entry
from contest.extensions import db
from contest.national.models import NationalArrival
from tests.national.helpers import (
    KEY,
    NATIONAL,
    SELECTED,
    arrival_count,
    members,
    national_edition,
    national_entries,
    province,
    provincial,
    read_stored,
    rewrite,
    store,
    stored_keys,
)
from tests.publication.helpers import SLUG
from tests.publication.national_helpers import AUTHORS


@pytest.fixture()
def app(make_app, tmp_path):
    app = make_app(UPLOAD_DIR=str(tmp_path / "uploads"), NATIONAL_PACKAGE_KEY=KEY)
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture()
def organizer(users):
    return users["organizer"]


@pytest.fixture()
def source(runner, tmp_path, organizer):
    province()
    return provincial(runner, tmp_path, organizer)


@pytest.fixture()
def target(runner, tmp_path, source):
    return national_edition(runner, tmp_path)


def export(runner, tmp_path, name="goi.zip"):
    path = tmp_path / name
    result = runner.invoke(args=["national", "export", SLUG, str(path)])
    assert result.exit_code == 0, (result.output, result.exception)
    return path


def do_import(runner, path, into=NATIONAL):
    return runner.invoke(args=["national", "import", str(path), "--into", into])


def test_package_contents_and_signature(runner, tmp_path, source):
    path = export(runner, tmp_path)
    files = members(path)
    manifest = json.loads(files["manifest.json"])
    expected = hmac.new(KEY.encode(), files["manifest.json"], hashlib.sha256).hexdigest()
    assert files["manifest.sig"].decode() == expected
    assert manifest["province"] == {"name": "Tuyên Quang", "code": "08"}
    assert manifest["edition"]["slug"] == SLUG and manifest["edition"]["kind"] == "technical"
    assert [e["code"] for e in manifest["entries"]] == SELECTED
    b1 = manifest["entries"][0]
    assert b1["field"]["code"] == "CK"
    assert b1["result"]["prize_name"] == "Giải Nhất" and b1["result"]["score"] is not None
    assert [a["full_name"] for a in b1["authors"]] == [a["full_name"] for a in AUTHORS]
    assert b1["authors"][0]["date_of_birth"] == "1985-03-09"
    for meta in b1["attachments"]:
        data = files[meta["path"]]
        assert hashlib.sha256(data).hexdigest() == meta["sha256"]
        assert len(data) == meta["size"]
    assert set(files) == {"manifest.json", "manifest.sig"} | {
        a["path"] for e in manifest["entries"] for a in e["attachments"]
    }
    assert not (tmp_path / "goi.zip.part").exists()


def test_round_trip_same_database(runner, tmp_path, source, target):
    path = export(runner, tmp_path)
    result = do_import(runner, path)
    assert result.exit_code == 0, result.output
    assert "4 sản phẩm mới" in result.output

    entries = national_entries(target)
    assert [e.code for e in entries] == sorted(f"08-{c}" for c in SELECTED)
    assert all(e.status == "received" and e.area_name == "Tuyên Quang" for e in entries)
    national_b1 = next(e for e in entries if e.code == "08-B1")
    original = db.session.scalar(
        select(Entry).where(Entry.code == "B1", Entry.edition_id == source.id)
    )
    assert national_b1.title == original.title
    assert national_b1.field.code == "CK"
    assert [(a.full_name, a.date_of_birth, a.gender, a.organisation, a.is_representative)
            for a in national_b1.authors] == [
        (a.full_name, a.date_of_birth, a.gender, a.organisation, a.is_representative)
        for a in original.authors
    ]  # fmt: skip
    pairs = sorted((a.original_name, a.kind, a.sha256) for a in national_b1.attachments)
    assert pairs == sorted((a.original_name, a.kind, a.sha256) for a in original.attachments)
    for copy in national_b1.attachments:
        source_file = next(a for a in original.attachments if a.sha256 == copy.sha256)
        assert copy.storage_key != source_file.storage_key
        assert hashlib.sha256(read_stored(copy.storage_key)).hexdigest() == copy.sha256
        assert read_stored(copy.storage_key) == read_stored(source_file.storage_key)

    arrival = db.session.scalar(
        select(NationalArrival).where(NationalArrival.entry_id == national_b1.id)
    )
    assert (arrival.province_code, arrival.province_name, arrival.source_entry_code) == (
        "08", "Tuyên Quang", "B1"
    )  # fmt: skip
    assert arrival.prize_name == "Giải Nhất" and arrival.score is not None
    assert arrival.package_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert arrival.files_expected == 2


def test_reimport_same_package_is_idempotent(runner, tmp_path, source, target):
    path = export(runner, tmp_path)
    assert do_import(runner, path).exit_code == 0
    keys = stored_keys()
    before = [(e.id, e.code, e.version) for e in national_entries(target)]

    again = do_import(runner, path)
    assert again.exit_code == 0, again.output
    assert "0 sản phẩm mới, 0 cập nhật, 4 không đổi" in again.output
    assert [(e.id, e.code, e.version) for e in national_entries(target)] == before
    assert stored_keys() == keys
    assert arrival_count() == 4

    # A new export of unchanged data (another time stamp) changes nothing either.
    assert "4 không đổi" in do_import(runner, export(runner, tmp_path, "lai.zip")).output


def test_corrected_package_updates_without_duplicates(runner, tmp_path, source, target):
    assert do_import(runner, export(runner, tmp_path)).exit_code == 0
    keys_before = stored_keys()
    b1 = db.session.scalar(select(Entry).where(Entry.code == "B1", Entry.edition_id == source.id))
    b1.title = "Máy phun thuốc (bản sửa)"
    db.session.commit()
    store("B1", "instructions", "Hướng dẫn.pdf", "application/pdf", b"%PDF-1.4 sua", tmp_path)

    result = do_import(runner, export(runner, tmp_path, "sua.zip"))
    assert result.exit_code == 0, result.output
    assert "0 sản phẩm mới, 1 cập nhật, 3 không đổi" in result.output
    entries = national_entries(target)
    assert len(entries) == 4 and arrival_count() == 4
    national_b1 = next(e for e in entries if e.code == "08-B1")
    assert national_b1.title == "Máy phun thuốc (bản sửa)"
    assert len(national_b1.authors) == 2
    assert sorted(a.original_name for a in national_b1.attachments) == sorted(
        ["Bản thuyết minh.pdf", "Video: máy/phun?.mp4", "Hướng dẫn.pdf"]
    )
    # The two unchanged files were kept, one new file stored.
    assert len(stored_keys() - keys_before) == 2  # the source's new file and its copy


def _refused(runner, target, path, *fragments):
    keys = stored_keys()
    result = do_import(runner, path)
    assert result.exit_code == 1, result.output
    for fragment in fragments:
        assert fragment in result.output
    assert national_entries(target) == [] and arrival_count() == 0
    assert stored_keys() == keys
    return result


def _b1_file(path):
    manifest = json.loads(members(path)["manifest.json"])
    return manifest["entries"][0]["attachments"][1]  # the "video"


def test_corrupted_file_refused_by_its_hash(runner, tmp_path, source, target):
    path = export(runner, tmp_path)
    video = _b1_file(path)
    data = bytearray(members(path)[video["path"]])
    data[1000] ^= 0xFF
    bad = tmp_path / "hong.zip"
    rewrite(path, bad, {video["path"]: bytes(data)})
    _refused(runner, target, bad, "B1", video["name"], "SHA-256")


def test_corrupted_bytes_in_archive_refused(runner, tmp_path, source, target):
    path = export(runner, tmp_path)
    video = _b1_file(path)
    raw = bytearray(path.read_bytes())
    at = raw.find(members(path)[video["path"]][5000:5040])
    assert at > 0
    raw[at] ^= 0xFF
    bad = tmp_path / "hong-byte.zip"
    bad.write_bytes(bytes(raw))
    _refused(runner, target, bad, "B1", video["name"])


def test_missing_and_unknown_files_refused(runner, tmp_path, source, target):
    path = export(runner, tmp_path)
    video = _b1_file(path)
    missing = tmp_path / "thieu.zip"
    rewrite(path, missing, {video["path"]: None})
    _refused(runner, target, missing, "thiếu tệp", video["name"])
    unknown = tmp_path / "la.zip"
    rewrite(path, unknown, {}, add={"files/009/01_la.exe": b"MZ"})
    _refused(runner, target, unknown, "files/009/01_la.exe")


def test_bad_signature_refused(runner, tmp_path, source, target):
    path = export(runner, tmp_path)
    manifest = json.loads(members(path)["manifest.json"])
    manifest["entries"][0]["title"] = "Tên bị sửa"
    forged = tmp_path / "gia.zip"
    rewrite(path, forged, {"manifest.json": json.dumps(manifest, ensure_ascii=False).encode()})
    _refused(runner, target, forged, "Chữ ký")
    other_key = tmp_path / "khoa-khac.zip"
    rewrite(path, other_key, {"manifest.sig": b"0" * 64})
    _refused(runner, target, other_key, "Chữ ký")


def test_unknown_field_names_the_entry(runner, tmp_path, source):
    target = national_edition(
        runner, tmp_path, fields=[{"code": "CNTT", "name": "Công nghệ thông tin"}]
    )
    _refused(runner, target, export(runner, tmp_path), "B1", "Cơ khí")


def test_only_into_a_national_edition(runner, tmp_path, source, target):
    result = do_import(runner, export(runner, tmp_path), into=SLUG)
    assert result.exit_code == 1 and "không phải lần thi toàn quốc" in result.output
    assert arrival_count() == 0


def test_export_needs_the_key(make_app, tmp_path, monkeypatch):
    monkeypatch.delenv("NATIONAL_PACKAGE_KEY", raising=False)
    app = make_app(UPLOAD_DIR=str(tmp_path / "u2"))
    with app.app_context():
        from tests import factories

        organizer = factories.one_user_per_role()["organizer"]
        runner = app.test_cli_runner()
        province()
        provincial(runner, tmp_path, organizer)
        result = runner.invoke(args=["national", "export", SLUG, str(tmp_path / "x.zip")])
        assert result.exit_code == 1 and "NATIONAL_PACKAGE_KEY" in result.output
        assert not (tmp_path / "x.zip").exists() and not (tmp_path / "x.zip.part").exists()
        db.session.remove()


def test_export_and_import_stream_files(runner, tmp_path, source, target):
    """A 24 MB file goes out and in without being held whole in memory."""
    import os
    import tracemalloc

    from contest import file_types

    big = os.urandom(24 * 1024 * 1024)
    store("A2", "video", "video-lon.mp4", file_types.MP4, big, tmp_path)
    digest = hashlib.sha256(big).hexdigest()
    del big
    path = tmp_path / "lon.zip"
    tracemalloc.start()
    try:
        result = runner.invoke(args=["national", "export", SLUG, str(path)])
        assert result.exit_code == 0, result.output
        _, export_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        assert do_import(runner, path).exit_code == 0
        _, import_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert export_peak < 8 * 1024 * 1024, export_peak
    assert import_peak < 8 * 1024 * 1024, import_peak
    a2 = next(e for e in national_entries(target) if e.code == "08-A2")
    (copy,) = [a for a in a2.attachments if a.original_name == "video-lon.mp4"]
    assert copy.sha256 == digest and copy.size_bytes == 24 * 1024 * 1024


def test_code_taken_in_national_edition_refused(runner, tmp_path, source, target):
    from tests.results_compile.helpers import import_entries

    import_entries(runner, tmp_path, NATIONAL, [("08-B1", "CK", "accepted")])
    keys = stored_keys()
    result = do_import(runner, export(runner, tmp_path))
    assert result.exit_code == 1 and "08-B1" in result.output
    assert [e.code for e in national_entries(target)] == ["08-B1"]
    assert arrival_count() == 0 and stored_keys() == keys


def test_import_records_actor_and_audit(runner, tmp_path, source, target, organizer):
    from contest.audit.models import AuditEntry

    path = export(runner, tmp_path)
    result = runner.invoke(
        args=["national", "import", str(path), "--into", NATIONAL, "--actor", organizer.email]
    )
    assert result.exit_code == 0, result.output
    arrivals = db.session.scalars(select(NationalArrival)).all()
    assert {a.imported_by_id for a in arrivals} == {organizer.id}
    audit = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "national.import")
    ).one()
    assert audit.actor_id == organizer.id
    assert audit.details["province_code"] == "08" and len(audit.details["created"]) == 4


def test_empty_selection_refused(runner, tmp_path, target):
    result = runner.invoke(args=["national", "export", NATIONAL, str(tmp_path / "rong.zip")])
    assert result.exit_code == 1 and "đang trống" in result.output
    assert not (tmp_path / "rong.zip").exists()


def test_keyed_by_province_and_entry_code(runner, tmp_path, source, target):
    """The same entry codes from another province are other entries; a bad province code is
    refused."""
    path = export(runner, tmp_path)
    assert do_import(runner, path).exit_code == 0
    files = members(path)
    manifest = json.loads(files["manifest.json"])
    manifest["province"] = {"name": "Lào Cai", "code": "15"}
    data = json.dumps(manifest, ensure_ascii=False).encode()
    signature = hmac.new(KEY.encode(), data, hashlib.sha256).hexdigest().encode()
    other = tmp_path / "lao-cai.zip"
    rewrite(path, other, {"manifest.json": data, "manifest.sig": signature})
    result = do_import(runner, other)
    assert result.exit_code == 0 and "4 sản phẩm mới" in result.output
    codes = [e.code for e in national_entries(target)]
    assert len(codes) == 8 and "15-B1" in codes and "08-B1" in codes

    manifest["province"]["code"] = "../x"
    data = json.dumps(manifest, ensure_ascii=False).encode()
    signature = hmac.new(KEY.encode(), data, hashlib.sha256).hexdigest().encode()
    rewrite(path, other, {"manifest.json": data, "manifest.sig": signature})
    result = do_import(runner, other)
    assert result.exit_code == 1 and "mã tỉnh" in result.output
    assert arrival_count() == 8
