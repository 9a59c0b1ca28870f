"""Entries (hồ sơ dự thi): registration, authors, submission, intake, import and export.

Modules: ``models`` (tables), ``eligibility`` (pure RULES §1 checks), ``codes`` (entry codes),
``completeness`` (dossier checklist), ``access`` (who sees and edits which entry — the one
place that decides it), ``operations`` (entrant writes), ``intake`` (organizer actions),
``queries`` (lists and dashboard counts), ``imports`` / ``exports`` (spreadsheets), ``cli``
and ``demo``.
"""
