"""The language a visitor chose before logging in survives the login."""

from __future__ import annotations

from contest.extensions import db
from tests.factories import PASSWORD


def test_language_chosen_before_login_survives_the_login(app, users):
    """A visitor who switched to English and then logs in keeps English, and it is saved."""
    client = app.test_client()
    client.post("/lang/en", data={"next": "/"})
    user = users["entrant"]
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    page = client.get("/profile").get_data(as_text=True)
    assert 'lang="en"' in page
    db.session.refresh(user)
    assert user.locale == "en"
