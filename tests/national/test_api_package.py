"""The province-to-national package over the API: ``POST /api/v1/editions/<slug>/national-
packages`` with the raw ZIP (``Content-Type: application/zip``) imports it through the same
intake as ``contest national import`` — entries arrive, a re-POST changes nothing, a
corrupted or forged package is refused (422, problem+json) with nothing written, and only a
national edition receives (409)."""

from __future__ import annotations

import json

import pytest

from contest.api import tokens
from contest.extensions import db
from tests.national.helpers import (
    KEY,
    NATIONAL,
    arrival_count,
    members,
    national_edition,
    national_entries,
    province,
    provincial,
    rewrite,
    stored_keys,
)
from tests.national.test_package import export
from tests.publication.helpers import SLUG

ZIP = "application/zip"


@pytest.fixture()
def app(make_app, tmp_path):
    app = make_app(UPLOAD_DIR=str(tmp_path / "uploads"), NATIONAL_PACKAGE_KEY=KEY)
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture()
def source(runner, tmp_path, users):
    province()
    return provincial(runner, tmp_path, users["organizer"])


@pytest.fixture()
def target(runner, tmp_path, source):
    return national_edition(runner, tmp_path)


@pytest.fixture()
def post(client, users):
    """``post(path, slug=NATIONAL, persona="organizer", scope="write", content_type=ZIP)``."""

    def _post(path, slug=NATIONAL, persona="organizer", scope="write", content_type=ZIP):
        secret = tokens.create_token(users[persona], "khoá gói", scope, 30).secret
        db.session.commit()
        return client.post(
            f"/api/v1/editions/{slug}/national-packages",
            data=path.read_bytes(),
            headers={"Authorization": f"Bearer {secret}", "Content-Type": content_type},
        )

    return _post


def test_post_imports_the_package_and_a_repost_changes_nothing(runner, tmp_path, target, post):
    path = export(runner, tmp_path)
    answer = post(path)
    assert answer.status_code == 201, answer.get_data(as_text=True)
    body = answer.json
    assert (body["created"], body["updated"], body["unchanged"]) == (4, 0, 0)
    assert body["province"] == "Tuyên Quang"
    entries = national_entries(target)
    assert sorted(e.code for e in entries) == sorted(body["codes"]["created"])
    assert len(entries) == 4 and arrival_count() == 4
    assert sum(len(e.attachments) for e in entries) == body["files_stored"] > 0
    before = [(e.id, e.code, e.version) for e in entries]
    keys = stored_keys()

    again = post(path)
    assert again.status_code == 201
    assert (again.json["created"], again.json["updated"], again.json["unchanged"]) == (0, 0, 4)
    assert [(e.id, e.code, e.version) for e in national_entries(target)] == before
    assert stored_keys() == keys and arrival_count() == 4


def _refused(post, target, path, status, *fragments, slug=NATIONAL):
    keys = stored_keys()
    answer = post(path, slug=slug)
    assert answer.status_code == status, answer.get_data(as_text=True)
    assert answer.mimetype == "application/problem+json"
    for fragment in fragments:
        assert fragment in answer.json["detail"]
    assert national_entries(target) == [] and arrival_count() == 0
    assert stored_keys() == keys
    return answer


def test_a_corrupted_file_is_refused_with_nothing_written(runner, tmp_path, target, post):
    path = export(runner, tmp_path)
    manifest = json.loads(members(path)["manifest.json"])
    video = manifest["entries"][0]["attachments"][1]
    data = bytearray(members(path)[video["path"]])
    data[1000] ^= 0xFF
    bad = tmp_path / "hong.zip"
    rewrite(path, bad, {video["path"]: bytes(data)})
    _refused(post, target, bad, 422, "SHA-256", video["name"])


def test_a_forged_manifest_is_refused(runner, tmp_path, target, post):
    path = export(runner, tmp_path)
    manifest = json.loads(members(path)["manifest.json"])
    manifest["entries"][0]["title"] = "Tên bị sửa"
    forged = tmp_path / "gia.zip"
    rewrite(path, forged, {"manifest.json": json.dumps(manifest, ensure_ascii=False).encode()})
    _refused(post, target, forged, 422, "Chữ ký")
    garbage = tmp_path / "rac.zip"
    garbage.write_bytes(b"khong phai zip")
    _refused(post, target, garbage, 422)


def test_an_unknown_field_names_the_entry(runner, tmp_path, source, post):
    target = national_edition(
        runner, tmp_path, fields=[{"code": "CNTT", "name": "Công nghệ thông tin"}]
    )
    _refused(post, target, export(runner, tmp_path), 422, "B1", "Cơ khí")


def test_only_a_national_edition_receives(runner, tmp_path, target, post):
    _refused(post, target, export(runner, tmp_path), 409, slug=SLUG)


def test_refusals_before_reading_the_package(runner, tmp_path, target, post):
    path = export(runner, tmp_path)
    assert post(path, content_type="application/octet-stream").status_code == 415
    assert post(path, scope="read").status_code == 403
    assert post(path, persona="coordinator").status_code == 403
    assert post(path, slug="khong-co").status_code == 404
    assert arrival_count() == 0
