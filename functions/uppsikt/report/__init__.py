"""The weekly supervision report (BBS-lagen 4-7 §§), computed from the audit log and the flags
table (docs/supervision-report.md)."""
