"""Policies as data: schema, loading with collected errors, compilation, the stored bundle."""
