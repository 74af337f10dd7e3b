"""Shared by every layer: functions/app.py is the Lambda handler module, imported as `app`."""

from __future__ import annotations

import sys

from support.paths import REPO

if str(REPO / "functions") not in sys.path:
    sys.path.insert(0, str(REPO / "functions"))
