"""Webhook ingest: verify, store the raw delivery, split into queue messages."""
