"""Shared fixtures of the judging page tests: the judging domain fixtures (technical edition
judging 5–31/8/2026, an organizer, three judges, places) and ``make_entry``; for the
organizer's pages, ``panel`` (the CNTT panel of the final round with the three judges) and
``entries`` (two accepted CNTT entries with named authors)."""

from __future__ import annotations

import pytest

from tests import factories
from tests.judging.conftest import (  # noqa: F401 - fixtures and helpers re-exported
    AFTER,
    BEFORE,
    DURING,
    edition,
    final,
    judges,
    make_entry,
    organizer,
    places,
)


@pytest.fixture()
def panel(edition, final, judges, organizer):  # noqa: F811 - fixtures
    """The CNTT panel of the final round with the three judges."""
    return factories.make_panel(edition, "CNTT", final, judges, actor=organizer)


@pytest.fixture()
def entries(edition):  # noqa: F811 - fixture
    """Two accepted CNTT entries by a named author."""
    return [
        make_entry(edition, "CNTT-001", authors=("Hoàng Thị Tác Giả",)),
        make_entry(edition, "CNTT-002", authors=("Vũ Văn Sáng Chế",)),
    ]
