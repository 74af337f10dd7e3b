"""Mastodon: admin webhooks (platforms.md §5.1) and the notifications API for an organisation's
account on someone else's instance (§5.2)."""
