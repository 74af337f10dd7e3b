"""What delivery needs from outside: an HTTP poster, the webhook secrets, and a way to wait."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class PostResponse:
    status: int
    headers: Mapping[str, str]  # names lower-cased
    body: bytes


class HttpPoster(Protocol):
    def post(
        self, url: str, body: bytes, headers: Mapping[str, str], *, timeout: float
    ) -> PostResponse:
        """The response, whatever its status. A timeout or connection failure raises
        `notify.errors.TransportFailed`, whose message never holds the URL."""


class WebhookSecrets(Protocol):
    def webhook_url(self, secret_name: str) -> str:
        """The webhook URL kept in the named secret (the URL itself is the credential)."""


class Sleep(Protocol):
    def __call__(self, seconds: float, /) -> None: ...
