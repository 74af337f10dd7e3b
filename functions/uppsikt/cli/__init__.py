"""The `uppsikt` command."""
