"""The compliance officer's review: listing, detail, workflow, claims, comments and unmask.

Served by its own function (`functions/review_app.py`) with its own IAM role: it reads flags and
evidence and never a platform secret; the webhook function never reads a flag or evidence.
"""
