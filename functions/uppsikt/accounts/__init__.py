"""The account registry: which official accounts are monitored, for whom, under which pack."""
