"""Small shape checks written from the documentation's field lists (no schema downloaded).

Slack Block Kit (api.slack.com/reference/block-kit/blocks, .../composition-objects,
.../block-elements) and Adaptive Cards 1.4 (adaptivecards.io/explorer). Each returns the list
of problems, each naming its place, so a failing test says everything at once.
"""

from __future__ import annotations

from typing import Any

# --- Slack -----------------------------------------------------------------------------------
SLACK_BLOCK_FIELDS = {
    "header": {"type", "text", "block_id"},
    "section": {"type", "text", "fields", "accessory", "block_id", "expand"},
    "context": {"type", "elements", "block_id"},
    "actions": {"type", "elements", "block_id"},
    "divider": {"type", "block_id"},
}


def _text_object(obj: Any, where: str, limit: int, *, plain_only: bool = False) -> list[str]:
    problems: list[str] = []
    if not isinstance(obj, dict):
        return [f"{where}: not a text object"]
    kinds = {"plain_text"} if plain_only else {"plain_text", "mrkdwn"}
    if obj.get("type") not in kinds:
        problems.append(f"{where}.type: must be one of {sorted(kinds)}")
    allowed = (
        {"type", "text", "emoji"}
        if obj.get("type") == "plain_text"
        else {"type", "text", "verbatim"}
    )
    if set(obj) - allowed:
        problems.append(f"{where}: unknown keys {sorted(set(obj) - allowed)}")
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        problems.append(f"{where}.text: must be a non-empty string")
    elif len(text.encode("utf-16-le")) // 2 > limit:
        problems.append(f"{where}.text: longer than {limit}")
    return problems


def block_kit_problems(payload: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    if set(payload) - {"text", "blocks"}:
        problems.append("payload: an app webhook takes only text and blocks")
    text = payload.get("text")
    if not isinstance(text, str) or not text or len(text) > 40_000:
        problems.append("text: a fallback of 1..40000 characters is required")
    blocks = payload.get("blocks")
    if not isinstance(blocks, list) or not 1 <= len(blocks) <= 50:
        return [*problems, "blocks: 1..50 blocks"]
    for i, block in enumerate(blocks):
        where = f"blocks[{i}]"
        kind = block.get("type")
        if kind not in SLACK_BLOCK_FIELDS:
            problems.append(f"{where}.type: unknown")
            continue
        if set(block) - SLACK_BLOCK_FIELDS[kind]:
            problems.append(
                f"{where}: unknown keys {sorted(set(block) - SLACK_BLOCK_FIELDS[kind])}"
            )
        if kind == "header":
            problems += _text_object(block.get("text"), f"{where}.text", 150, plain_only=True)
        elif kind == "section":
            if "text" not in block and "fields" not in block:
                problems.append(f"{where}: needs text or fields")
            if "text" in block:
                problems += _text_object(block["text"], f"{where}.text", 3000)
            fields = block.get("fields", [])
            if len(fields) > 10:
                problems.append(f"{where}.fields: more than 10")
            for j, field in enumerate(fields):
                problems += _text_object(field, f"{where}.fields[{j}]", 2000)
        elif kind == "context":
            elements = block.get("elements", [])
            if not 1 <= len(elements) <= 10:
                problems.append(f"{where}.elements: 1..10")
            for j, element in enumerate(elements):
                problems += _text_object(element, f"{where}.elements[{j}]", 3000)
        elif kind == "actions":
            elements = block.get("elements", [])
            if not 1 <= len(elements) <= 25:
                problems.append(f"{where}.elements: 1..25")
            for j, element in enumerate(elements):
                at = f"{where}.elements[{j}]"
                if element.get("type") != "button":
                    problems.append(f"{at}.type: only buttons here")
                    continue
                problems += _text_object(element.get("text"), f"{at}.text", 75, plain_only=True)
                url = element.get("url", "")
                if not isinstance(url, str) or not url.startswith("https://") or len(url) > 3000:
                    problems.append(f"{at}.url: an https URL of at most 3000 characters")
                if len(element.get("action_id", "")) > 255:
                    problems.append(f"{at}.action_id: longer than 255")
    return problems


# --- Adaptive Cards --------------------------------------------------------------------------
CARD_ELEMENT_FIELDS = {
    "TextBlock": {
        "type",
        "text",
        "wrap",
        "weight",
        "size",
        "isSubtle",
        "color",
        "maxLines",
        "horizontalAlignment",
        "spacing",
        "separator",
        "id",
        "style",
        "fontType",
    },
    "FactSet": {"type", "facts", "spacing", "separator", "id"},
}
TEXT_WEIGHTS = {"Default", "Lighter", "Bolder"}
TEXT_SIZES = {"Default", "Small", "Medium", "Large", "ExtraLarge"}


def adaptive_card_problems(payload: dict[str, Any], *, max_bytes: int) -> list[str]:
    import json

    problems: list[str] = []
    size = len(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode())
    if size > max_bytes:
        problems.append(f"payload: {size} bytes, over {max_bytes}")
    if payload.get("type") != "message":
        problems.append("type: must be message")
    attachments = payload.get("attachments")
    if not isinstance(attachments, list) or len(attachments) != 1:
        return [*problems, "attachments: exactly one card"]
    attachment = attachments[0]
    if attachment.get("contentType") != "application/vnd.microsoft.card.adaptive":
        problems.append("attachments[0].contentType: must be the adaptive card type")
    card = attachment.get("content", {})
    if card.get("type") != "AdaptiveCard":
        problems.append("content.type: must be AdaptiveCard")
    if card.get("version") not in ("1.4", "1.5"):
        problems.append("content.version: 1.4 or 1.5")
    body = card.get("body")
    if not isinstance(body, list) or not body:
        problems.append("content.body: a non-empty list")
        body = []
    for i, element in enumerate(body):
        where = f"content.body[{i}]"
        kind = element.get("type")
        if kind not in CARD_ELEMENT_FIELDS:
            problems.append(f"{where}.type: not used here")
            continue
        if set(element) - CARD_ELEMENT_FIELDS[kind]:
            problems.append(
                f"{where}: unknown keys {sorted(set(element) - CARD_ELEMENT_FIELDS[kind])}"
            )
        if kind == "TextBlock":
            if not isinstance(element.get("text"), str) or not element["text"]:
                problems.append(f"{where}.text: a non-empty string")
            if element.get("weight", "Default") not in TEXT_WEIGHTS:
                problems.append(f"{where}.weight: unknown")
            if element.get("size", "Default") not in TEXT_SIZES:
                problems.append(f"{where}.size: unknown")
        else:
            for j, fact in enumerate(element.get("facts", [])):
                if set(fact) != {"title", "value"} or not all(
                    isinstance(v, str) for v in fact.values()
                ):
                    problems.append(f"{where}.facts[{j}]: title and value strings only")
    for i, action in enumerate(card.get("actions", [])):
        where = f"content.actions[{i}]"
        if action.get("type") != "Action.OpenUrl":
            problems.append(f"{where}.type: only Action.OpenUrl here")
        if not str(action.get("url", "")).startswith("https://"):
            problems.append(f"{where}.url: an https URL")
        if not action.get("title"):
            problems.append(f"{where}.title: required")
    return problems
