"""The typed data that crosses module and queue boundaries."""
