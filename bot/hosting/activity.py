"""From the bytes Teams (or anyone) posts to a `Turn`: every check an activity must pass first.

Nothing here trusts the sender: the body may be nested thousands of levels deep, hold lone
surrogates or NUL characters that a database refuses, or put a string where Teams puts an
object. Each such body is refused with a 4xx here, before an SDK, a use case or a log line sees
it; what passes is plain JSON of the shapes the rest of the bot relies on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from bot.dialogs.turn import Turn, TurnKind

MAX_BODY = 256 * 1024
MAX_DEPTH = 64
"""Teams' activities nest a dozen levels; a card submitted back a few more."""
MAX_ID = 1024
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
_URL = re.compile(r"https?://[^\s]{1,2000}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class BadActivity(Exception):
    """A body the bot refuses; `message` is for the HTTP answer (never logged with input)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def load(raw: bytes) -> dict[str, Any]:
    """The body as clean JSON: any depth, encoding or character refused or repaired here."""
    if len(raw) > MAX_BODY:
        raise BadActivity(413, "activity too large")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BadActivity(400, "body is not JSON") from None
    except RecursionError:
        raise BadActivity(400, "body is nested too deeply") from None
    if not isinstance(body, dict):
        raise BadActivity(400, "body is not an activity")
    cleaned = _clean(body, 0)
    assert isinstance(cleaned, dict)
    return cleaned


def _clean(value: Any, depth: int) -> Any:
    """Strings a database and a log can take: lone surrogates become U+FFFD, NUL is dropped."""
    if depth > MAX_DEPTH:
        raise BadActivity(400, "body is nested too deeply")
    if isinstance(value, str):
        if "\x00" in value:
            value = value.replace("\x00", "")
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_clean(k, depth): _clean(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v, depth + 1) for v in value]
    return value


def _object(body: Mapping[str, Any], key: str, *, required: bool = False) -> dict[str, Any]:
    value = body.get(key)
    if value is None:
        if required:
            raise BadActivity(400, f"activity has no {key}")
        return {}
    if not isinstance(value, dict):
        raise BadActivity(400, f"{key} is not an object")
    return value


def _string(
    body: Mapping[str, Any], key: str, *, required: bool = False, limit: int = MAX_ID
) -> str | None:
    value = body.get(key)
    if value is None or value == "":
        if required:
            raise BadActivity(400, f"activity has no {key}")
        return None
    if not isinstance(value, str):
        raise BadActivity(400, f"{key} is not a string")
    if len(value) > limit:
        raise BadActivity(400, f"{key} is too long")
    if limit <= MAX_ID and _CONTROL.search(value):
        # Ids travel on in HTTP headers and URLs (the SDK sends x-ms-conversation-id).
        raise BadActivity(400, f"{key} holds control characters")
    return value


def _list(body: Mapping[str, Any], key: str) -> list[Any]:
    value = body.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadActivity(400, f"{key} is not a list")
    return value


def parse(body: Mapping[str, Any]) -> Turn:
    """The turn an activity asks for; raises `BadActivity` for a body of the wrong shape."""
    kind = _string(body, "type", required=True, limit=64)
    _string(body, "id")
    _string(body, "replyToId")
    _string(body, "channelId", limit=64)
    _string(body, "locale", limit=64)
    _string(body, "timestamp", limit=64)
    _string(body, "name", limit=256)
    _string(body, "action", limit=64)
    service_url = _string(body, "serviceUrl", required=True, limit=2048)
    if service_url is None or _URL.fullmatch(service_url) is None:
        raise BadActivity(400, "serviceUrl is not a URL")
    sender = _object(body, "from", required=True)
    user_id = _string(sender, "aadObjectId") or _string(sender, "id", required=True)
    user_name = _string(sender, "name", limit=256)
    recipient = _object(body, "recipient")
    _string(recipient, "id")
    conversation = _object(body, "conversation", required=True)
    conversation_id = _string(conversation, "id", required=True)
    assert conversation_id is not None
    conversation_type = _string(conversation, "conversationType", limit=64)
    channel_data = _object(body, "channelData")
    tenant = _object(channel_data, "tenant")
    tenant_id = _string(conversation, "tenantId") or _string(tenant, "id")
    text = _string(body, "text", limit=MAX_BODY)
    for key in ("attachments", "entities", "membersAdded", "membersRemoved"):
        if any(not isinstance(item, dict) for item in _list(body, key)):
            raise BadActivity(400, f"{key} holds something that is not an object")
    for member in _list(body, "membersAdded"):
        _string(member, "id")
    if body.get("isGroup") is not None and not isinstance(body.get("isGroup"), bool):
        raise BadActivity(400, "isGroup is not a boolean")

    from_bot = recipient.get("id") is not None and sender.get("id") == recipient.get("id")
    personal = conversation_type in (None, "personal") and not conversation.get("isGroup")
    reference = None
    if not from_bot:
        # What botbuilder's `TurnContext.get_conversation_reference` keeps, minus the activity
        # id (a proactive message is a new message, not a reply).
        reference = {
            "user": sender,
            "bot": recipient,
            "conversation": conversation,
            "channelId": body.get("channelId"),
            "locale": body.get("locale"),
            "serviceUrl": service_url,
        }
    common: dict[str, Any] = {
        "user_id": user_id,
        "user_name": user_name,
        "conversation_id": conversation_id,
        "personal": personal,
        "tenant_id": tenant_id,
        "service_url": service_url,
        "reference": reference,
        "reply_to_id": body.get("replyToId"),
    }
    if kind == "message":
        return Turn(TurnKind.MESSAGE, text=text, value=body.get("value"), **common)
    if kind == "invoke" and body.get("name") == "adaptiveCard/action":
        verb, data = _card_action(body.get("value"))
        return Turn(TurnKind.CARD_ACTION, verb=verb, action_data=data, **common)
    if kind == "installationUpdate" and body.get("action") in ("add", "add-upgrade"):
        return Turn(TurnKind.INSTALLED, **common)
    if kind == "conversationUpdate" and body.get("channelId") != "msteams":
        # Teams says hello through installationUpdate; the Emulator and the Agents Playground
        # add the user to the conversation instead.
        bot_id = recipient.get("id")
        if any(m.get("id") != bot_id for m in _list(body, "membersAdded")):
            return Turn(TurnKind.INSTALLED, **common)
    return Turn(TurnKind.OTHER, **common)


def _card_action(value: object) -> tuple[str | None, dict[str, Any]]:
    """An Action.Execute's verb and data; (None, {}) when the client sent something else."""
    action = value.get("action") if isinstance(value, dict) else None
    if not isinstance(action, dict):
        return None, {}
    verb = action.get("verb")
    data = action.get("data")
    return (verb if isinstance(verb, str) else None), (data if isinstance(data, dict) else {})


_ADDRESS_TEXT = frozenset(
    {"type", "id", "name", "channelId", "serviceUrl", "locale", "replyToId", "activityId"}
)
_ACCOUNTS = frozenset({"from", "recipient", "user", "bot", "conversation"})
_ACCOUNT_TEXT = frozenset({"id", "name", "aadObjectId", "conversationType", "tenantId", "tenantID"})


def _filled(value: object) -> bool:
    return isinstance(value, str) and value != ""


def addressing(data: Mapping[str, Any]) -> dict[str, Any]:
    """Who and where of an activity or a stored reference, as any SDK's schema takes them.

    An SDK needs only these to address replies (the conversation reads the `Turn`). Strings
    that are empty and values of the wrong type are left out rather than refused: the
    activity passed `parse` already, and a stored reference must stay sendable to.
    """
    kept: dict[str, Any] = {k: v for k, v in data.items() if k in _ADDRESS_TEXT and _filled(v)}
    for key in _ACCOUNTS & data.keys():
        account = data[key]
        if not isinstance(account, Mapping):
            continue
        clean = {k: v for k, v in account.items() if k in _ACCOUNT_TEXT and _filled(v)}
        if isinstance(account.get("isGroup"), bool):
            clean["isGroup"] = account["isGroup"]
        kept[key] = clean
    channel_data = data.get("channelData")
    tenant = channel_data.get("tenant") if isinstance(channel_data, Mapping) else None
    if isinstance(tenant, Mapping) and _filled(tenant.get("id")):
        kept["channelData"] = {"tenant": {"id": tenant["id"]}}
    return kept
