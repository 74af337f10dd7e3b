"""Send sample deliveries to the served app over HTTP, signed the way each platform signs them."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from uppsikt.platforms.meta import signature


@dataclass(frozen=True)
class Sent:
    name: str
    status: int
    body: dict[str, Any] | str


def http(
    method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, str]:
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError("replay only talks to the embedded stack on loopback")
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def handshake(base_url: str, verify_token: str, challenge: str = "1158201444") -> tuple[int, str]:
    query = urllib.parse.urlencode(
        {"hub.mode": "subscribe", "hub.verify_token": verify_token, "hub.challenge": challenge}
    )
    return http("GET", f"{base_url}/webhooks/meta?{query}")


def post_delivery(
    base_url: str, body: bytes, app_secret: str | None, name: str = "delivery"
) -> Sent:
    headers = {"Content-Type": "application/json"}
    if app_secret is not None:
        headers["X-Hub-Signature-256"] = signature.sign(body, app_secret)
    status, text = http("POST", f"{base_url}/webhooks/meta", body, headers)
    try:
        parsed: dict[str, Any] | str = json.loads(text)
    except ValueError:
        parsed = text
    return Sent(name, status, parsed)


def replay_folder(base_url: str, folder: Path, app_secret: str) -> list[Sent]:
    return [
        post_delivery(base_url, path.read_bytes(), app_secret, name=path.name)
        for path in sorted(folder.glob("*.json"))
    ]


def x_crc(base_url: str, challenge: str = "demo_crc") -> tuple[int, str]:
    return http("GET", f"{base_url}/webhooks/x?{urllib.parse.urlencode({'crc_token': challenge})}")


def post(base_url: str, path: str, body: bytes, headers: dict[str, str], name: str) -> Sent:
    status, text = http("POST", f"{base_url}{path}", body, headers)
    try:
        parsed: dict[str, Any] | str = json.loads(text)
    except ValueError:
        parsed = text
    return Sent(name, status, parsed)


def replay_signed(
    base_url: str,
    route: str,
    folder: Path,
    header: str,
    sign: Callable[[bytes], str],
    *,
    pattern: str = "*.json",
    content_type: str = "application/json",
) -> list[Sent]:
    """POST every file in `folder` to `route`, each signed as its platform signs deliveries."""
    return [
        post(
            base_url,
            route,
            path.read_bytes(),
            {"Content-Type": content_type, header: sign(path.read_bytes())},
            f"{folder.name}/{path.name}",
        )
        for path in sorted(folder.glob(pattern))
    ]


def replay_x(base_url: str, folder: Path, consumer_secret: str) -> list[Sent]:
    from uppsikt.platforms.x import signature as x_signature

    def sign(body: bytes) -> str:
        return x_signature.sign(body, consumer_secret)

    return replay_signed(base_url, "/webhooks/x", folder, x_signature.HEADER, sign)


def linkedin_challenge(base_url: str, code: str) -> tuple[int, str]:
    return http(
        "GET", f"{base_url}/webhooks/linkedin?{urllib.parse.urlencode({'challengeCode': code})}"
    )


def replay_linkedin(base_url: str, folder: Path, client_secret: str) -> list[Sent]:
    from uppsikt.platforms.linkedin import signature as li_signature

    def sign(body: bytes) -> str:
        return li_signature.sign_a(body, client_secret)

    return replay_signed(base_url, "/webhooks/linkedin", folder, "X-LI-Signature", sign)


def websub_verify(base_url: str, account: str, topic: str, challenge: str) -> tuple[int, str]:
    """What the hub does after a subscribe request: ask the callback to confirm intent."""
    query = urllib.parse.urlencode(
        {
            "hub.mode": "subscribe",
            "hub.topic": topic,
            "hub.challenge": challenge,
            "hub.lease_seconds": "432000",
        }
    )
    return http("GET", f"{base_url}/webhooks/youtube/{account}?{query}")


def replay_youtube(base_url: str, folder: Path, account: str, secret: str) -> list[Sent]:
    from uppsikt.platforms.youtube import signature as yt_signature

    def sign(body: bytes) -> str:
        return yt_signature.sign(body, secret)

    return replay_signed(
        base_url,
        f"/webhooks/youtube/{account}",
        folder,
        "X-Hub-Signature",
        sign,
        pattern="*.xml",
        content_type="application/atom+xml",
    )


def replay_mastodon(base_url: str, folder: Path, account: str, secret: str) -> list[Sent]:
    from uppsikt.platforms.mastodon import signature as m_signature

    def sign(body: bytes) -> str:
        return m_signature.sign(body, secret)

    return replay_signed(base_url, f"/webhooks/mastodon/{account}", folder, "X-Hub-Signature", sign)
