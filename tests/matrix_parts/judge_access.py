"""Judges and the entries assigned to them: the judge's file routes, and the helpers of the
matrix's two judge cases (``test_access_matrix.py``): a judge requesting every integer-id GET
route with the ids of an entry assigned to them (and of its attachments), and a judge with a
conflict doing the same.

A judge sees an assigned entry only through the judging pages (blind): every entrant route
and ``/attachments/<id>`` is 404 for them (the entry does not exist for them there), every
coordinator and organizer route is 403 (not their role), the REST API's entrant routes
answer a judge's token 404, and no page they get shows an author's name, birth date or
phone, the unit or the mentor."""

from __future__ import annotations

from datetime import date

# What the judged entry's authors, unit and mentor are called (none may reach a judge).
AUTHOR = "Phạm Bímật Một"
CO_AUTHOR = "Lê Bímật Hai"
UNIT = "Trường Kínđáo Thử"
MENTOR = "Thầy Hướngdẫn Kínđáo"
BIRTH = date(2013, 3, 21)
PHONE = "0987654321"
SECRETS = (AUTHOR, CO_AUTHOR, UNIT, MENTOR, "21/03/2013", "2013-03-21", PHONE, "Bímật", "Kínđáo")

# Routes that may serve an entry or its files to a judge: the judging pages only.
JUDGE_ROUTES = ("judge.", "api.judge_", "api.sheet")
# Routes of an entry's owner, open to every logged-in user and scoped to the entries they
# may see: 404 for a judge.
ENTRANT_ROUTES = ("entries.", "attachments.", "api.entry", "api.attachment")
# Routes about one entry or its files, for its owner, coordinators and organizers.
ENTRY_ROUTES = ("entries.", "attachments.", "district.", "intake.", "judging.")


def matrix() -> dict:
    from tests.test_access_matrix import only

    # The world's attachment id does not exist: 404 for the judge, refused for the others.
    return {"judge.attachment": only("judge", ok=404), "judge.thumbnail": only("judge", ok=404)}


def judged_entry(world: dict, users: dict):
    """An accepted entry of the world's edition with real files, named authors (a minor's
    birth date and phone), unit and mentor, assigned to the world's judge in the first
    round. Returns ``(entry, attachment ids, round)``."""
    from contest.contests.operations import get_edition
    from contest.entries.attachment_demo import add_sample_files
    from contest.extensions import db
    from contest.judging import assigning
    from tests import factories

    edition = get_edition(world["slug"])
    round_ = edition.rounds[0]
    entry = factories.make_entry(
        edition,
        "MX-GK-001",
        title="Giải pháp chấm thử",
        unit_name=UNIT,
        mentor_name=MENTOR,
        authors=[
            {"full_name": name, "date_of_birth": BIRTH, "phone": PHONE, "organisation": UNIT}
            for name in (AUTHOR, CO_AUTHOR)
        ],
        commit=False,
    )
    add_sample_files(entry)
    db.session.flush()
    assigning.assign_judges_to_entry(edition, round_, entry, [users["judge"]], None)
    db.session.commit()
    return entry, [a.id for a in entry.attachments], round_


def int_get_rules(app):
    """``(rule, integer argument names)`` of every GET route with an integer argument."""
    from werkzeug.routing import IntegerConverter

    for rule in app.url_map.iter_rules():
        ints = [n for n, c in rule._converters.items() if isinstance(c, IntegerConverter)]
        if ints and "GET" in rule.methods:
            yield rule, ints


def api_token(user) -> str:
    """The secret of a new read-write REST API token of ``user`` (committed)."""
    from contest.api import tokens
    from contest.extensions import db

    made = tokens.create_token(user, "khoá kiểm tra", "write", 30)
    db.session.commit()
    return made.secret


def sweep(
    app, client, world: dict, ids, round_id: int, token: str | None = None
) -> list[tuple[str, str, int, str]]:
    """GET every integer-id route with each of ``ids`` in its integer arguments (a round
    argument gets ``round_id``); ``(endpoint, url, status, body and headers)`` each. The
    REST API's routes (which ignore the session) are swept only with ``token``, and then
    only they."""
    from flask import url_for

    headers = {"Authorization": f"Bearer {token}"} if token else {}
    out = []
    for rule, ints in int_get_rules(app):
        if bool(token) != rule.endpoint.startswith("api."):
            continue
        for value in ids:
            values = {n: world[n] for n in rule.arguments if n not in ints}
            values.update({n: round_id if n == "round_id" else value for n in ints})
            with app.test_request_context():
                url = url_for(rule.endpoint, **values)
            response = client.get(url, headers=headers)
            try:
                text = response.get_data().decode("utf-8", "ignore")
                text += "\n" + "\n".join(f"{k}: {v}" for k, v in response.headers.items())
            finally:
                response.close()
            out.append((rule.endpoint, url, response.status_code, text))
    return out


def leaks(text: str) -> list[str]:
    """The secrets found in ``text`` (as written, HTML-escaped or URL-encoded)."""
    import html
    import unicodedata
    from urllib.parse import unquote

    forms = {text, html.unescape(text), unquote(text)}
    forms = {unicodedata.normalize("NFC", f).casefold() for f in forms}
    return [s for s in SECRETS if any(s.casefold() in f for f in forms)]
