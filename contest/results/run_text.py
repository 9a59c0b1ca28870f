"""Texts of a results run's rows, for the compile's writer (``compile.write_rows``): JSON
pieces of the engine's explanation (codes, exact numbers, prize-level outcomes, cached per
shared outcome object) and fields in PostgreSQL ``COPY`` text format."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any


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


class LevelTexts:
    """JSON texts of the engine's ``LevelOutcome`` objects, cached by ``id``: the prize cascade
    shares one outcome object (and often the same sequence of them) among many entries. A
    cached entry keeps its objects alive, so their ids cannot be reused by other objects while
    cached. Cleared by ``write_rows`` when a run is written."""

    def __init__(self) -> None:
        """Start empty."""
        self.one: dict[int, tuple[Any, str]] = {}
        self.lists: dict[tuple[int, ...], tuple[tuple, str]] = {}

    def clear(self) -> None:
        """Forget every cached text (and release the objects)."""
        self.one.clear()
        self.lists.clear()

    def levels(self, levels: tuple) -> str:
        """The JSON list of a sequence of level outcomes."""
        key = tuple(map(id, levels))
        hit = self.lists.get(key)
        if hit is None:
            hit = self.lists[key] = (levels, "[" + ",".join(map(self.text, levels)) + "]")
        return hit[1]

    def text(self, lv: Any) -> str:
        """The JSON object of one level outcome (keys in order, ``None`` values left out)."""
        hit = self.one.get(id(lv))
        if hit is not None:
            return hit[1]
        parts = [f'"level":{json_code(lv.level)}', f'"outcome":{json_code(str(lv.outcome))}']
        if lv.band is not None:
            parts.append(f'"band":"{lv.band}"')
        if lv.quota is not None:
            parts.append(f'"quota":{lv.quota}')
        parts.append(f'"scope":{json_code(str(lv.scope))}')
        for key in ("taken_before", "slot_first", "slot_last"):
            value = getattr(lv, key)
            if value is not None:
                parts.append(f'"{key}":{value}')
        if lv.tied_with:
            parts.append(f'"tied_with":{json_codes(lv.tied_with)}')
        text = "{" + ",".join(parts) + "}"
        self.one[id(lv)] = (lv, text)
        return text


#: The writer's cache (cleared after each run written).
level_texts = LevelTexts()


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
