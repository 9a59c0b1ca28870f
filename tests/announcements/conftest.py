import pytest

from tests.announcements.helpers import build_season


@pytest.fixture()
def season(app):
    return build_season()
