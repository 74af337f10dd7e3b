"""Helpers shared by the test layers (paths, the moto stack, SQS event factories)."""
