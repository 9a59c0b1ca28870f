"""The season as a whole: the edition cockpit (every stage, its state, what blocks it and what
comes next), shown to organizers and printed by ``contest edition status``."""


def register(app) -> None:
    """Give templates ``entry_outlooks(entries)``: where each entry stands for its entrant
    (:mod:`.entrant`)."""
    from .entrant import outlooks

    app.add_template_global(outlooks, "entry_outlooks")
