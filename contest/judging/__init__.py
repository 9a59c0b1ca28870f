"""Judging (RULES.md §4): panels, conflicts of interest, assignment, score sheets, the scores
import and the panel score. Domain only; pages come separately and stay thin."""
