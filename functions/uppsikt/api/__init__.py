"""The HTTP side: how domain errors and results become responses."""
