"""Fuzzing: no input makes the service answer 500.

Every route of ``app.url_map`` is requested with its path parameters filled with small ids,
huge numbers, control characters and random text, with fuzzed query strings, as anonymous
and as each role; POST routes get fuzzed form fields. The parsing functions (tables, dates,
points, edition definitions) are fed random input and may raise only their own user-facing
errors. Hypothesis keeps the run short (``max_examples``); tests run with exceptions
propagated, so a crash fails with its traceback.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing import IntegerConverter

from contest.tabular import TableError, read_table
from tests import factories

PERSONAS = ("anonymous", "admin", "organizer", "coordinator", "judge", "entrant")
HUGE = 99999999999999999999
NASTY_TEXT = [
    "",
    "\x00",
    "a\x00b",
    "\x01\x1f\x7f",
    "\ud800",
    str(HUGE),
    "-" + str(HUGE),
    "1e999",
    "NaN",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "Nguyễn Văn Ạ",
    "2026-02-30",
    "31/13/2026",
    " ",
    "x" * 5000,
]
NASTY_INTS = [0, 1, 2, 3, 2**31, 2**63, HUGE]
QUERY_KEYS = [
    "page",
    "q",
    "status",
    "sort",
    "edition",
    "field",
    "board",
    "area",
    "round",
    "next",
    "name",
    "kind",
    "version",
    "which",
    "per_page",
    "entry",
    "judge",
]
FORM_KEYS = [
    "email",
    "password",
    "full_name",
    "title",
    "name",
    "code",
    "field_id",
    "area_id",
    "unit_id",
    "version",
    "summary",
    "points",
    "date_of_birth",
    "opens_at",
    "submission_deadline",
    "next",
    "action",
    "status",
    "answer",
    "reason",
    "judge_id",
    "entry_id",
    "kind",
    "representative",
    "authors-0-full_name",
    "authors-0-date_of_birth",
    "scores-0-points",
]
ARGUMENT = re.compile(r"<(?:(\w+)(?:\(([^)]*)\))?:)?(\w+)>")

text = st.one_of(
    st.sampled_from(NASTY_TEXT),
    st.text(max_size=30),  # any code point, control characters included
    st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs")), max_size=30),
    st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=10),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
)
FUZZ = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)


def _encoded(value: str) -> str:
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def _url(rule, values: dict) -> str:
    """The URL of ``rule`` with its arguments replaced by ``values`` (raw, quoted)."""

    def one(match):
        return _encoded(str(values[match.group(3)]))

    return ARGUMENT.sub(one, rule.rule)


def _query(params: dict) -> str:
    return urlencode(
        {k: v.encode("utf-8", "surrogatepass") for k, v in params.items()}, doseq=False
    )


def _rules(app, method: str):
    return sorted(
        (r for r in app.url_map.iter_rules() if r.endpoint != "static" and method in r.methods),
        key=lambda r: r.rule,
    )


@pytest.fixture()
def clients(app, world, login):
    """A logged-in test client per persona (and an anonymous one)."""
    result = {}
    for persona in PERSONAS:
        client = app.test_client()
        if persona != "anonymous":
            response = client.post(
                "/login",
                data={"email": world["users"][persona].email, "password": factories.PASSWORD},
            )
            assert response.status_code == 302
        result[persona] = client
    return result


def _defaults(rule, world) -> dict:
    """Sensible values for ``rule``'s arguments (the world's slug, small ids)."""
    values = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, IntegerConverter):
            values[name] = 1
        elif name == "slug":
            values[name] = world["edition"].slug
        elif name == "direction":
            values[name] = "up"
        elif name == "kind":
            values[name] = "description"
        else:
            values[name] = "khong-co"
    return values


def _no_crash(response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"


def test_every_get_route_survives_nasty_values(app, world, clients):
    """Each GET route, as each persona: huge ids, then nasty query values, then control
    characters in the string arguments."""
    nasty_query = _query({k: str(HUGE) for k in QUERY_KEYS})
    for rule in _rules(app, "GET"):
        base = _defaults(rule, world)
        huge = {
            k: (HUGE if isinstance(c, IntegerConverter) else base[k])
            for k, c in rule._converters.items()
        }
        nul = {
            k: (base[k] if isinstance(c, IntegerConverter) else f"{base[k]}\x00")
            for k, c in rule._converters.items()
        }
        for persona in ("anonymous", "organizer") if rule._converters else PERSONAS:
            client = clients[persona]
            for url in (
                _url(rule, huge),
                _url(rule, base) + "?" + nasty_query,
                _url(rule, nul) + "?q=%00&page=-1",
            ):
                _no_crash(client.get(url), f"{persona} GET {url[:120]}")


@settings(FUZZ, max_examples=100)
@given(data=st.data())
def test_get_routes_fuzzed(app, world, clients, data):
    rule = data.draw(st.sampled_from(_rules(app, "GET")), label="rule")
    values = _defaults(rule, world)
    for name, converter in rule._converters.items():
        if isinstance(converter, IntegerConverter):
            values[name] = data.draw(st.sampled_from(NASTY_INTS), label=name)
        else:
            values[name] = data.draw(st.one_of(st.just(values[name]), text), label=name)
    params = data.draw(st.dictionaries(st.sampled_from(QUERY_KEYS), text, max_size=4))
    persona = data.draw(st.sampled_from(PERSONAS), label="persona")
    url = _url(rule, values) + ("?" + _query(params) if params else "")
    _no_crash(clients[persona].get(url), f"{persona} GET {url[:120]}")


POST_PERSONAS = ("anonymous", "organizer", "coordinator", "judge", "entrant")


@settings(FUZZ, max_examples=100)
@given(data=st.data())
def test_post_routes_fuzzed(app, world, clients, data):
    rule = data.draw(st.sampled_from(_rules(app, "POST")), label="rule")
    values = _defaults(rule, world)
    for name, converter in rule._converters.items():
        if isinstance(converter, IntegerConverter):
            values[name] = data.draw(st.sampled_from(NASTY_INTS[:4] + [HUGE]), label=name)
    form = data.draw(st.dictionaries(st.sampled_from(FORM_KEYS), text, max_size=6))
    persona = data.draw(st.sampled_from(POST_PERSONAS), label="persona")
    body = {k: v.encode("utf-8", "surrogatepass") for k, v in form.items()}
    url = _url(rule, values)
    response = clients[persona].post(url, data=body)
    _no_crash(response, f"{persona} POST {url} {form!r:.200}")


# --- Parsers ----------------------------------------------------------------------------------

csv_cell = st.one_of(st.text(max_size=12), st.sampled_from(NASTY_TEXT[:12]))


@FUZZ
@given(st.binary(max_size=400))
def test_read_table_bytes(app, raw):
    with contextlib.suppress(TableError):
        read_table(io.BytesIO(raw))


@FUZZ
@given(st.lists(st.lists(csv_cell, max_size=5), min_size=1, max_size=6))
def test_read_table_csv(app, rows):
    import csv

    out = io.StringIO()
    csv.writer(out).writerows(rows)
    raw = out.getvalue().encode("utf-8", "surrogatepass")
    try:
        table = read_table(io.BytesIO(raw))
    except TableError as exc:
        assert exc.problems and all(str(p) for p in exc.problems)
        return
    for row in table.rows:
        assert not any("\x00" in v for v in row.values.values())


@FUZZ
@given(st.lists(st.lists(csv_cell, max_size=4), min_size=1, max_size=5))
def test_read_table_xlsx(app, rows):
    from tests.security.xlsx_craft import with_sheet

    def xml_text(value: str) -> str:
        return (
            value.replace("&", "&amp;")
            .replace("<", "&lt;")
            .encode("utf-8", "surrogatepass")
            .decode("utf-8", "replace")
        )

    raw = with_sheet([[xml_text(c) for c in row] for row in rows])
    with contextlib.suppress(TableError):
        read_table(io.BytesIO(raw))


@FUZZ
@given(text)
def test_date_and_number_inputs(app, value):
    from contest.contests.form_fields import (
        AmountInput,
        DecimalInput,
        IntegerInput,
        LocalDateInput,
        LocalDateTimeInput,
    )
    from contest.entries.import_rows import _parse_date
    from contest.judging.errors import InvalidPoints
    from contest.judging.sheets import parse_points

    _parse_date(value)
    with contextlib.suppress(InvalidPoints):
        parse_points(value)
    for field_class in (
        AmountInput,
        DecimalInput,
        IntegerInput,
        LocalDateInput,
        LocalDateTimeInput,
    ):
        try:
            field_class.parse(field_class, value.strip())
        except ValueError:
            pass
        except ArithmeticError:  # decimal.InvalidOperation: shown as the field's error
            pass


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), text),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)


@FUZZ
@given(st.one_of(text, json_values.map(lambda v: json.dumps(v))))
def test_definition_text(app, source):
    from contest.contests.definition import load_definition

    load_definition(source)


FIELD = re.compile(r'<(input|select|textarea)\b[^>]*\bname="([^"]+)"[^>]*>', re.S)
VALUE = re.compile(r'\bvalue="([^"]*)"')
FORM_VARIANTS = [str(HUGE), "-2147483649", "30/02/2026", "x" * 3000]


def _form_fields(html: str) -> dict[str, str]:
    """The named fields of a page's forms with the values they show."""
    fields = {}
    for match in FIELD.finditer(html):
        value = VALUE.search(match.group(0))
        fields.setdefault(match.group(2), value.group(1) if value else "")
    return fields


def test_every_form_survives_extreme_values(app, world, clients):
    """Each page with a form (GET and POST on one route), as the personas who can open it:
    every visible field filled with an extreme value at once (hidden fields kept)."""
    for rule in _rules(app, "POST"):
        if "GET" not in rule.methods:
            continue
        url = _url(rule, _defaults(rule, world))
        for persona in ("organizer", "entrant", "judge", "coordinator"):
            client = clients[persona]
            page = client.get(url)
            if page.status_code != 200:
                continue
            html = page.get_data(as_text=True)
            fields = _form_fields(html)
            hidden = set(re.findall(r'type="hidden"[^>]*name="([^"]+)"', html))
            hidden |= set(re.findall(r'name="([^"]+)"[^>]*type="hidden"', html))
            for variant in FORM_VARIANTS:
                data = {k: (v if k in hidden else variant) for k, v in fields.items()}
                _no_crash(client.post(url, data=data), f"{persona} POST {url} = {variant[:20]}")
