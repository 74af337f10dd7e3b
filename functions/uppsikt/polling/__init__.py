"""Scheduled pollers: platforms (or parts of them) without webhooks, fed into the same queue."""
