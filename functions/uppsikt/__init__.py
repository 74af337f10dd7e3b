"""Uppsikt: compliance pipeline for the official social-media accounts of Nordic organisations."""

__version__ = "0.1.0"
