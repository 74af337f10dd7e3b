"""Observability for every function: one JSON log line per event (Powertools Logger), EMF
metrics in the `Uppsikt` namespace, X-Ray segments (Powertools Tracer), and the Chalice
middleware that sets them up per invocation. docs/operations.md says what the alarms on these
metrics mean. Nothing here reads a payload: callers pass counts, codes and ids only."""
