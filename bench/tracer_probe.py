"""Imported by bench/cold_start.py's `tracer` variant: what a function's first invocation adds
in Lambda, where Powertools' Tracer is enabled and patches botocore and the HTTP clients.

Outside Lambda the Tracer disables itself; LAMBDA_TASK_ROOT makes it believe it is inside, so
the X-Ray SDK import and the patching are what is timed (nothing is sent: no segment is open).
"""

from __future__ import annotations

import os

os.environ.setdefault("LAMBDA_TASK_ROOT", "/var/task")
os.environ.setdefault("AWS_XRAY_CONTEXT_MISSING", "IGNORE_ERROR")

from uppsikt.observability.invocation import tracer

tracer()
