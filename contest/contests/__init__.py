"""Contest editions: configuration (fields, rubric, prize policy), timeline, definitions.

Module roles: ``models`` (tables), ``spec`` (a database-free description of an edition's
configuration), ``templates`` (the built-in templates of RULES.md), ``definition`` (JSON
definition files: parse, validate, export; ``json_values`` type-checks the values),
``validation`` (the rules, with messages an organizer understands), ``timeline`` (pure phase
logic), ``apply`` (writing a spec onto the tables, deletion guards, audit diffs),
``operations`` (create, update, retire/delete criteria, clone) and ``deadlines`` (phase and
deadline of an area, extensions) — both flush, never commit; ``saving`` (safe flush), ``cli``,
``demo``.
"""
