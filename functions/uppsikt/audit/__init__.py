"""The audit log: an append-only, tamper-evident hash chain per organisation, with signed
checkpoints in a write-once bucket (docs/audit.md)."""
