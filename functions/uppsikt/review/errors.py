"""What a review request can end in. Each error's `code` is the machine-readable code the API
returns (`{"error": {"code", "message"}}`); messages never repeat a value from the request."""

from __future__ import annotations

from typing import ClassVar

from uppsikt.errors import BadRequest, Conflict, Forbidden, NotFound, TooLarge, Unauthorized


class ReviewError(Exception):
    """Mixin: the machine-readable code is the class's `machine_code`."""

    machine_code: ClassVar[str] = "review_error"

    @property
    def code(self) -> str:
        return self.machine_code


class InvalidRequest(ReviewError, BadRequest):
    machine_code = "invalid_request"


class BodyTooLarge(ReviewError, TooLarge):
    machine_code = "body_too_large"


class InvalidCursor(ReviewError, BadRequest):
    machine_code = "invalid_cursor"


class ReasonRequired(ReviewError, BadRequest):
    machine_code = "reason_required"


class UnknownTemplate(ReviewError, BadRequest):
    machine_code = "unknown_template"


class UnknownAssignee(ReviewError, BadRequest):
    machine_code = "unknown_assignee"


class BulkTooLarge(ReviewError, BadRequest):
    machine_code = "bulk_too_large"


class NotAuthenticated(ReviewError, Unauthorized):
    machine_code = "not_authenticated"


class LoginFailed(ReviewError, Unauthorized):
    machine_code = "login_failed"


class NotAMember(ReviewError, Forbidden):
    machine_code = "not_a_member"


class RoleRequired(ReviewError, Forbidden):
    machine_code = "role_required"


class FlagNotFound(ReviewError, NotFound):
    """Also what a member of another organisation gets: a flag's existence is not disclosed."""

    machine_code = "flag_not_found"


class EvidenceGone(ReviewError, NotFound):
    """The flag's evidence is no longer in the archive (retention ended, or erased)."""

    machine_code = "evidence_gone"


class RouteNotFound(ReviewError, NotFound):
    machine_code = "not_found"


class IllegalTransition(ReviewError, Conflict):
    machine_code = "illegal_transition"


class ClaimedByOther(ReviewError, Conflict):
    machine_code = "claimed_by_other"


class StaleState(ReviewError, Conflict):
    """The flag changed between reading and writing it; read it again."""

    machine_code = "stale_state"


class CountMismatch(ReviewError, Conflict):
    machine_code = "count_mismatch"
