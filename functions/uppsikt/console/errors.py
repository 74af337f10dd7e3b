"""What the console's own routes refuse."""

from __future__ import annotations

from uppsikt.errors import BadRequest, NotFound, TooLarge


class AssetNotFound(NotFound):
    """No such console file or catalogue."""


class ChartInputInvalid(BadRequest):
    """The dashboard figures sent for drawing are not in the dashboard's shape."""


class ChartInputTooLarge(TooLarge):
    """More figures than a dashboard holds."""


class AgesInputInvalid(BadRequest):
    """The creation moments sent for ageing are not a short list of ISO moments."""


class UnknownOrganisation(NotFound):
    """No organisation of that id in the registry."""
