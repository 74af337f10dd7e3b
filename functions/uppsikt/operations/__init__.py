"""Operator tasks run from the command line: dead letters, policy publishing, status."""
