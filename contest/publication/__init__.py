"""Publication of results (RULES §6): numbered, immutable versions and their posting period
(:mod:`.publish`, :mod:`.status`, the organizers' pages in :mod:`.views_publish`), complaints
(:mod:`.complaints`, :mod:`.views_complaints`), the public results pages and the official list
(:mod:`.views_public`, :mod:`.official_list`, cached by :mod:`.public_cache`), and the results
e-mails sent at most once (:mod:`.notify`, :mod:`.notifications`). Certificates, the national
selection and the statistics live in ``contest.certificates``, ``contest.national`` and
``contest.reports``: they read a publication, a publication never reads them."""
