"""X (Twitter): the CRC handshake, the delivery signature, and the mapping of Account Activity
API (v1.1 `*_events`) and X Activity API (v2 `post.*`) deliveries to the event model."""
