"""Issue 15: every logged-in request loads its user — the login session, the user and the
user's roles — with one statement. (The province rule on editions used to ask for the current
user while that user was being loaded, so the session was read twice and the roles once more:
three statements per request, on every page and every autosave.)"""

from __future__ import annotations

from contest.accounts.models import Role
from tests import factories
from tests.perf.helpers import counting


def test_a_logged_in_request_loads_its_user_with_one_statement(client, login):
    user = factories.make_user("hai.vai@example.vn", (Role.JUDGE, Role.ENTRANT))
    login(user)
    client.get("/editions/")  # warm
    with counting() as counter:
        page = client.get("/editions/").get_data(as_text=True)
    loads = [s for s in counter.statements if "login_sessions" in s]
    assert len(loads) == 1, counter.report()
    assert not any("FROM user_roles" in s for s in counter.statements), counter.report()
    # Both roles came with it (the whole collection, not the first joined row's).
    assert 'data-testid="nav-judge"' in page and 'data-testid="nav-entrant"' in page


def test_a_revoked_or_inactive_session_still_loads_no_user(client, login, app):
    from contest.accounts import session_auth
    from contest.extensions import db

    user = factories.make_user("thu.hoi@example.vn", (Role.JUDGE,))
    login(user)
    assert 'data-testid="logout"' in client.get("/editions/").get_data(as_text=True)
    session_auth.revoke_all_sessions(user)
    db.session.commit()
    assert 'data-testid="nav-login"' in client.get("/editions/").get_data(as_text=True)
    login(user)
    user.is_active_account = False
    db.session.commit()
    assert 'data-testid="nav-login"' in client.get("/editions/").get_data(as_text=True)
