"""Results: the pure ranking engine (``ranking``, RULES §5), the compile of a round into a
numbered, immutable results run (``compile``, the ``results.compile`` job), the organizers'
review and prize decisions, and the results files. Publishing them is :mod:`contest.publication`."""
