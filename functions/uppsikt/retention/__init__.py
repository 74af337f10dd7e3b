"""Retention: the schedule of classes, periods and disposals, and each organisation's terms."""
