"""AWS implementations of the ports that ingest and evaluation declare. Clients are injected."""
