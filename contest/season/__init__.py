"""The season as a whole: the edition cockpit (every stage, its state, what blocks it and what
comes next), shown to organizers and printed by ``contest edition status``."""


def register(app) -> None:
    """Give templates ``entry_outlooks(entries)``: where each entry stands for its entrant
    (:mod:`.entrant`)."""
    app.add_template_global(_request_outlooks, "entry_outlooks")


def _request_outlooks(entries) -> dict:
    """:func:`.entrant.outlooks`, computed once per entry and request (a page's header and
    body both ask for the same entry)."""
    from flask import request

    from .entrant import outlooks

    cache = request.__dict__.setdefault("_entry_outlooks", {})
    missing = [e for e in entries if e.id not in cache]
    if missing:
        cache.update(outlooks(missing))
    return {e.id: cache[e.id] for e in entries}
