"""Certificates (Giấy chứng nhận) of the authors of published winning entries (RULES §6):
issuing, carrying over and revoking after a correction (:mod:`.operations`), the PDF
(:mod:`.pdf`), the bulk generation job (:mod:`.tasks`), the organizers' pages (:mod:`.views`),
the entrants' own certificates (:mod:`.views_entrant`) and the public verification of a code
(:mod:`.views_public`)."""
