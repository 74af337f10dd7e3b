"""The embedded AWS: moto's server, resources from infra/, the app served and consumed locally."""
