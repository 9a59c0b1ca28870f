"""The English catalogue is complete, well-formed and compiled.

Messages are extracted from the whole tree in memory, with the same babel.cfg and keywords
as the documented ``pybabel extract`` command, so a new Vietnamese string without an English
translation (or a stale messages.mo) fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
LC = ROOT / "contest" / "translations" / "en" / "LC_MESSAGES"
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}


def extracted_messages() -> dict[str, str]:
    """msgid → first place it was found, for every message in the tree."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(msgid, f"{filename}:{lineno}")
    return found


@pytest.fixture(scope="module")
def catalog():
    with open(LC / "messages.po", "rb") as f:
        return read_po(f, locale="en")


def test_extraction_finds_the_whole_tree():
    """A guard on the test itself: Python, HTML templates and e-mail texts are all read."""
    found = extracted_messages()
    places = {where.split(":")[0] for where in found.values()}
    assert any(p.startswith("contest/") and p.endswith(".py") for p in places)
    assert any(p.startswith("templates/") and p.endswith(".html") for p in places)
    assert "Về trang chủ" in found  # templates/errors/error.html
    assert "Địa bàn" in found  # contest/navigation.py, via _l


def test_every_message_has_an_english_translation(catalog):
    missing = []
    for msgid, where in sorted(extracted_messages().items(), key=lambda kv: kv[1]):
        message = catalog.get(msgid)
        strings = message.string if message else None
        complete = all(strings) if isinstance(strings, tuple) else bool(strings)
        if message is None or not complete or message.fuzzy:
            missing.append(f"{where}: {msgid!r}")
    assert missing == [], "untranslated (see contest/translations/README.md):\n" + "\n".join(
        missing
    )


def test_translations_keep_the_placeholders(catalog):
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalog.check()]
    assert problems == []
    for message in catalog:
        if message.id and isinstance(message.id, str) and message.string:
            for name in ("%(name)s", "%(n)s", "%(n)d", "%(email)s", "%(area)s", "%(role)s"):
                assert message.id.count(name) == message.string.count(name), message.id


def test_translations_are_english_not_copies(catalog):
    """Guards against msgstr = msgid (an untranslated copy passes the emptiness check)."""
    vietnamese = set("ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")
    copies = [
        m.id
        for m in catalog
        if m.id
        and isinstance(m.string, str)
        and vietnamese & set(m.id.lower())
        and m.string == m.id
    ]
    assert copies == []


def test_compiled_catalogue_matches_the_po_file(catalog):
    with open(LC / "messages.mo", "rb") as f:
        compiled = read_mo(f)
    expected = {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}
    actual = {m.id: m.string for m in compiled if m.id}
    assert actual == expected, "run: pybabel compile -d contest/translations"


def test_compiled_catalogue_is_used_at_runtime(app):
    from flask_babel import force_locale, gettext

    with app.test_request_context("/"), force_locale("en"):
        assert gettext("Không tìm thấy trang") == "Page not found"
