from __future__ import annotations

from uppsikt.privacy.masking import masked_in_place


def test_masking_in_place_keeps_every_offset_so_hits_still_point_at_their_text() -> None:
    text = "Ring mig på 070-123 45 67, Anna Berg vet mer. Mejla anna@example.se"
    masked = masked_in_place(text, [(12, 25)])
    assert len(masked) == len(text)
    assert "070" not in masked
    assert "Anna" not in masked
    assert "Berg" not in masked
    assert "example" not in masked
    assert masked[27:36] == "A*** B***"
