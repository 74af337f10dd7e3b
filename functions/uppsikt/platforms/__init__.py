"""One package per platform: handshake, signature, payload shapes, mapping to the event model."""
