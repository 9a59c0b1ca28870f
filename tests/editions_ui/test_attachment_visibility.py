"""Which attachment kinds judges receive: the built-in templates keep the unit's
confirmation, the registration form and the identity documents for organizers; the fields page
edits the choice with labelled checkboxes; the edition definition carries it as the optional
``organizer_only_attachments`` key."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from contest.audit.models import AuditEntry
from contest.contests import operations
from contest.contests.definition import export_edition, load_definition
from contest.extensions import db
from tests.contests.conftest import EXAMPLE_TEXT
from tests.editions_ui.conftest import FIELD_KEYS, definition_of, grid_data

PRIVATE = ["unit_confirmation", "registration_form", "identity_document"]


def url(edition) -> str:
    return f"/organizer/editions/{edition.slug}/fields"


@pytest.mark.parametrize("kind", ["youth", "technical"])
def test_built_in_templates_keep_what_names_the_authors_from_judges(users, kind):
    from tests.editions_ui.conftest import _create, local

    edition = _create(kind, f"{kind}-an", "Lần thi", local(2027, 7, 31, 17), None, users["admin"])
    assert edition.organizer_only_attachments == PRIVATE
    assert not any(edition.judges_may_see(k) for k in PRIVATE)
    assert edition.judges_may_see("description") and edition.judges_may_see("photos")


def test_the_fields_page_shows_and_saves_the_choice(client, organizer, open_edition):
    page = client.get(url(open_edition)).get_data(as_text=True)
    assert "Loại tệp chỉ Ban Tổ chức xem (giám khảo không nhận)" in page
    assert re.search(r'<input[^>]*name="organizer_only_shown"[^>]*value="1"', page)
    boxes = re.findall(r'<input[^>]*name="organizer_only"[^>]*>', page)
    assert len(boxes) == 10
    checked = [b for b in boxes if "checked" in b]
    assert [re.search(r'value="([^"]+)"', b).group(1) for b in checked] == PRIVATE
    labels = ("Xác nhận của đơn vị", "Phiếu đăng ký dự thi (bản ký)")
    for box, label in zip(checked, labels, strict=False):
        box_id = re.search(r'id="([^"]+)"', box).group(1)
        assert f'<label class="form-check-label small" for="{box_id}">{label}</label>' in page

    items = [dict(item) for item in definition_of(open_edition)["fields"]]
    data = grid_data(items, FIELD_KEYS, open_edition.version)
    data["organizer_only"] = ["photos", "unit_confirmation"]
    data["organizer_only_shown"] = "1"
    response = client.post(url(open_edition), data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    db.session.expire_all()
    assert open_edition.organizer_only_attachments == ["photos", "unit_confirmation"]
    audit = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "edition.update")
    ).one()
    assert audit.details["changes"]["organizer_only_attachments"] == {
        "before": PRIVATE,
        "after": ["photos", "unit_confirmation"],
    }
    assert json.loads(export_edition(open_edition))["organizer_only_attachments"] == [
        "photos",
        "unit_confirmation",
    ]
    page = client.get(url(open_edition)).get_data(as_text=True)
    checked = [
        b for b in re.findall(r'<input[^>]*name="organizer_only"[^>]*>', page) if "checked" in b
    ]
    assert len(checked) == 2

    # A post without the boxes (another form) leaves the choice alone …
    client.post(url(open_edition), data=grid_data(items, FIELD_KEYS, open_edition.version))
    db.session.expire_all()
    assert open_edition.organizer_only_attachments == ["photos", "unit_confirmation"]
    # … while the page with no box ticked lets judges see every kind.
    data = grid_data(items, FIELD_KEYS, open_edition.version, organizer_only_shown="1")
    client.post(url(open_edition), data=data)
    db.session.expire_all()
    assert open_edition.organizer_only_attachments == []


def test_an_unknown_kind_is_refused_with_its_message(client, organizer, open_edition):
    items = [dict(item) for item in definition_of(open_edition)["fields"]]
    data = grid_data(items, FIELD_KEYS, open_edition.version)
    data["organizer_only"] = ["selfie"]
    data["organizer_only_shown"] = "1"
    response = client.post(url(open_edition), data=data)
    assert response.status_code == 400
    assert "Lựa chọn không hợp lệ." in response.get_data(as_text=True)
    db.session.expire_all()
    assert open_edition.organizer_only_attachments == PRIVATE


def test_the_definition_key_is_optional_and_round_trips(users):
    data = json.loads(EXAMPLE_TEXT)
    assert "organizer_only_attachments" not in data  # an existing file still loads
    spec, problems = load_definition(EXAMPLE_TEXT)
    assert [p for p in problems if p.severity == "error"] == []
    assert spec.organizer_only_attachments == PRIVATE

    data["organizer_only_attachments"] = ["video", "unit_confirmation", "photos"]
    edition = operations.create_from_definition(json.dumps(data, ensure_ascii=False), None)
    db.session.commit()
    assert edition.organizer_only_attachments == ["photos", "video", "unit_confirmation"]
    text = export_edition(edition)
    assert json.loads(text)["organizer_only_attachments"] == [
        "photos",
        "video",
        "unit_confirmation",
    ]
    again = json.loads(text)
    again["slug"] = "stkt-2025-b"
    copy = operations.create_from_definition(json.dumps(again, ensure_ascii=False), None)
    db.session.commit()
    assert export_edition(copy) == text.replace('"stkt-2025"', '"stkt-2025-b"')

    data["organizer_only_attachments"] = ["unit_confirmation", "selfie"]
    _spec, problems = load_definition(json.dumps(data))
    assert any(p.path == "organizer_only_attachments[1]" for p in problems)
