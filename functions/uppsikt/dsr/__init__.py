"""Data-subject requests: access (Art. 15), erasure (Art. 17), restriction (Art. 18)."""
