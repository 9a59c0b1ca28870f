"""Texts of a results run's rows: the engine's explanation in its compact stored form, and
fields in PostgreSQL ``COPY`` text format (for the compile's writer, ``compile.write_rows``).

A run row stores its explanation as compact TEXT (``results_rows.explanation``), holding only
what is the entry's own; what every row of the run shares is stored once on the run
(``results_runs.explanation_context``, ``explanation_context(config)``)::

    context = {"format": 1, "required": 3, "criteria": ["novelty", …],
               "levels": [[code, band | null, quota | null, scope], …]}   # config.prizes order
    row     = [sheets, [sum, …], computed, min, max, [outcome, …]]        # (+ extras)
    outcome = [level index, outcome, taken_before]                        # (+ slots, tied_with)

numbers as their exact texts (``"80.5"``, ``null`` when absent); sums in the context's criteria
order; an outcome continues with ``slot_first, slot_last`` (``null`` when absent) and then
``[tied_with…]`` only as far as needed; a 7th element ``{"panel", "panel_ignored",
"tied_with", "cutoff"}`` carries those keys only when the engine gave them.

``decode_explanation(text, context)`` gives back exactly the dict the run rows stored before
(the ``json.dumps`` of the explanation, numbers as texts, empty parts left out): every reader
(review page, decisions, publication) reads that dict through ``ResultRow.explanation``. Rows
stored before the compact form (a JSON object, ``{…}``) decode as themselves.
"""

from __future__ import annotations

import json
import operator
from functools import lru_cache
from typing import Any

#: Version of the compact form (``context["format"]``).
FORMAT = 1


def json_number(value: Any) -> str:
    """A Decimal (or None) as a JSON value: its exact text as a string, or ``null``."""
    return "null" if value is None else f'"{value}"'


@lru_cache(maxsize=4096)
def json_code(value: str) -> str:
    """A code as a JSON string (the same text ``json.dumps`` writes)."""
    return json.dumps(value, ensure_ascii=False)


def json_codes(codes: tuple[str, ...]) -> str:
    """A JSON list of codes."""
    return "[" + ",".join(json_code(c) for c in codes) + "]"


def _text(value: Any) -> str | None:
    """A Decimal as its exact text; None stays None."""
    return None if value is None else str(value)


def explanation_context(config: Any) -> dict[str, Any]:
    """What every row of a run compiled with ``config`` (a ``RankingConfig``) shares."""
    return {
        "format": FORMAT,
        "required": config.judges_per_entry,
        "criteria": list(config.criterion_codes),
        "levels": [[p.code, _text(p.min_score), p.quota, str(p.scope)] for p in config.prizes],
    }


class ExplanationTexts:
    """The compact explanation texts of one run's results (module docstring), built directly
    as text: 100,000 rows per national compile. The prize cascade shares one ``LevelOutcome``
    object (and often the same sequence of them) among many entries, so the text of each
    outcome and of each sequence is made once, cached by ``id``; a cached entry keeps its
    objects alive, so their ids cannot be reused while the writer lives."""

    def __init__(self, config: Any) -> None:
        """Start empty, for results of ``config``."""
        self.index = {p.code: i for i, p in enumerate(config.prizes)}
        codes = config.criterion_codes
        get = operator.itemgetter(*codes)
        self.sums = get if len(codes) > 1 else lambda sums: (get(sums),)
        self.one: dict[int, tuple[Any, str]] = {}
        self.lists: dict[tuple[int, ...], tuple[tuple, str]] = {}

    def text(self, result: Any) -> str:
        """The compact text of an ``EntryResult``'s explanation."""
        e = result.explanation
        sums = '","'.join(map(str, self.sums(e.criterion_sums)))
        c, low, high = e.computed_score, e.min_total, e.max_total
        computed = "null" if c is None else f'"{c}"'  # json_number, inlined (100,000 rows)
        low_text = "null" if low is None else f'"{low}"'
        high_text = "null" if high is None else f'"{high}"'
        hit = self.lists.get(tuple(map(id, e.levels)))
        levels = self.levels(e.levels) if hit is None else hit[1]
        text = f'[{e.sheet_count},["{sums}"],{computed},{low_text},{high_text},{levels}'
        if e.panel_score is None and not e.tied_with and e.cutoff is None:
            return text + "]"
        extra = []
        if e.panel_score is not None:
            ignored = "true" if e.panel_ignored else "false"
            extra.append(f'"panel":"{e.panel_score}","panel_ignored":{ignored}')
        if e.tied_with:
            extra.append(f'"tied_with":{json_codes(e.tied_with)}')
        if e.cutoff is not None:
            extra.append(f'"cutoff":"{e.cutoff}"')
        return text + ",{" + ",".join(extra) + "}]"

    def levels(self, levels: tuple) -> str:
        """The JSON list of a sequence of level outcomes."""
        key = tuple(map(id, levels))
        hit = self.lists.get(key)
        if hit is None:
            hit = self.lists[key] = (levels, "[" + ",".join(map(self.outcome, levels)) + "]")
        return hit[1]

    def outcome(self, lv: Any) -> str:
        """One level outcome: index, outcome, taken_before, then what else it has."""
        hit = self.one.get(id(lv))
        if hit is not None:
            return hit[1]
        parts = [str(self.index[lv.level]), json_code(str(lv.outcome)), str(lv.taken_before)]
        if lv.slot_first is not None or lv.slot_last is not None or lv.tied_with:
            parts += [_json_int(lv.slot_first), _json_int(lv.slot_last)]
        if lv.tied_with:
            parts.append(json_codes(lv.tied_with))
        text = "[" + ",".join(parts) + "]"
        self.one[id(lv)] = (lv, text)
        return text


def _json_int(value: int | None) -> str:
    """An int or ``null``."""
    return "null" if value is None else str(value)


def decode_explanation(text: str, context: dict[str, Any] | None) -> dict[str, Any]:
    """The explanation dict of a stored row (module docstring); ``context`` is its run's
    ``explanation_context`` (unused for rows stored before the compact form)."""
    if not text:
        return {}
    data = json.loads(text)
    if isinstance(data, dict):  # stored before the compact form: the dict itself
        return data
    if context is None or context.get("format") != FORMAT:
        raise ValueError("a compact explanation needs its run's explanation context")
    sheets, sums, computed, low, high, outcomes, *rest = data
    out: dict[str, Any] = {
        "sheets": sheets,
        "required": context["required"],
        "sums": dict(zip(context["criteria"], sums, strict=True)),
        "computed": computed,
        "min": low,
        "max": high,
    }
    if rest:
        out.update(rest[0])  # panel, panel_ignored, tied_with, cutoff: in that order
    if outcomes:
        out["levels"] = [_level(o, context["levels"]) for o in outcomes]
    return out


def _level(outcome: list, levels: list) -> dict[str, Any]:
    """One level outcome as a dict (keys in the stored order, ``None`` values left out)."""
    index, what, taken_before, *more = outcome
    code, band, quota, scope = levels[index]
    out: dict[str, Any] = {"level": code, "outcome": what}
    if band is not None:
        out["band"] = band
    if quota is not None:
        out["quota"] = quota
    out["scope"] = scope
    out["taken_before"] = taken_before
    if more:
        slot_first, slot_last, *tied = more
        if slot_first is not None:
            out["slot_first"] = slot_first
        if slot_last is not None:
            out["slot_last"] = slot_last
        if tied and tied[0]:
            out["tied_with"] = tied[0]
    return out


#: COPY text format: backslash, tab, newline and carriage return are escaped.
COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(value: Any) -> str:
    """One field in COPY text format (``\\N`` for NULL)."""
    if value is None:
        return "\\N"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return text.translate(COPY_ESCAPES)
    return text
