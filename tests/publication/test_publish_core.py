"""The publish operation's core: gating, snapshot, versions (more in the feature's tests)."""

from __future__ import annotations

import pytest

from contest.extensions import db
from contest.publication import operations as pub
from tests.publication.helpers import compiled_edition, resolve_flags


def test_gating_snapshot_and_versions(runner, tmp_path, users):
    organizer = users["organizer"]
    edition = compiled_edition(runner, tmp_path)
    with pytest.raises(pub.PublishError) as refused:
        pub.publish(edition, organizer)
    assert "A3" in refused.value.message and "A5" in refused.value.message
    assert {(b.entry_code, b.flag) for b in pub.blockers(edition, pub.last_round_run(edition))} >= {
        ("A3", "TIE_AT_QUOTA"),
        ("A4", "TIE_AT_QUOTA"),
        ("A5", "DISCREPANCY"),
    }
    resolve_flags(edition, organizer)
    assert pub.blockers(edition, pub.last_round_run(edition)) == []
    v1 = pub.publish(edition, organizer, posting_days=15)
    db.session.commit()
    assert v1.version == 1 and pub.state(v1) == pub.State.POSTING
    assert [(e.entry_code, e.prize_code) for e in v1.entries] == [
        ("A1", "first"), ("A2", "second"), ("A3", "second"), ("A4", "third"), ("A5", "merit"),
        ("B1", "first"),
    ]  # fmt: skip
    with pytest.raises(pub.PublishError):
        pub.publish(edition, organizer, note="Không đổi gì")  # nothing changed
    with pytest.raises(pub.PublishError):
        pub.publish(edition, organizer)  # a correction needs a note
