"""Publication of results: versions, posting period and complaints, certificates, national
selection, notifications, statistics and the summary report (issue 7, RULES §6)."""
