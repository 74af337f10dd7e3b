"""Bluesky (AT Protocol): no webhooks (platforms.md §6). A Jetstream consumer or a notifications
poller feeds these mappers; both write pseudonymous AT references (see `records`)."""
