"""Evaluation: run the stored policy on each event, record it, archive and flag what breaks it."""
