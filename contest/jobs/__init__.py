"""Background jobs: a job row per long task, so that the UI can show its progress."""
