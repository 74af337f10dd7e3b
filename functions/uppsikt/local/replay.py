"""Send sample deliveries to the served app over HTTP, signed the way Meta signs them."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
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


def replay_x(base_url: str, folder: Path, consumer_secret: str) -> list[Sent]:
    from uppsikt.platforms.x import signature as x_signature

    sent = []
    for path in sorted(folder.glob("*.json")):
        body = path.read_bytes()
        headers = {
            "Content-Type": "application/json",
            x_signature.HEADER: x_signature.sign(body, consumer_secret),
        }
        status, text = http("POST", f"{base_url}/webhooks/x", body, headers)
        try:
            parsed: dict[str, Any] | str = json.loads(text)
        except ValueError:
            parsed = text
        sent.append(Sent("x/" + path.name, status, parsed))
    return sent
