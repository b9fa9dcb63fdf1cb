"""A Bot Framework conversation reference for a personal chat found through Graph.

After Graph installs the app for a user, the chat's id (`19:…@unq.gbl.spaces`) is a conversation
id the Bot Connector accepts, so the bot can write there with `continue_conversation` as if the
user had written first. The reference is built in the serialized form botbuilder's
`ConversationReference().deserialize` reads, and stored like one taken from a turn, so later
sends and card updates cannot tell the difference.

Pure and free of msgraph and botbuilder imports: the Teams notifier may import it cheaply.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.services.ports import ConversationRef

TEAMS_CHANNEL = "msteams"
TEAMS_BOT_PREFIX = "28:"


def teams_bot_id(app_id: str) -> str:
    """The id Teams gives the bot in activities: `28:` and the app id."""
    return app_id if app_id.startswith(TEAMS_BOT_PREFIX) else f"{TEAMS_BOT_PREFIX}{app_id}"


def chat_reference(
    *,
    chat_id: str,
    service_url: str,
    tenant_id: str | None,
    bot_app_id: str,
    user_id: str,
) -> dict[str, Any]:
    """The reference dict of the 1:1 chat between the bot and the user with Entra id `user_id`.

    No `activityId`: a proactive send is a new message, not a reply. The user's Teams id
    (`29:…`) is unknown here, so the Entra object id stands in; Teams routes a personal-chat
    message by the conversation id, as `_create_and_send` already relies on.
    """
    conversation: dict[str, Any] = {
        "id": chat_id,
        "conversationType": "personal",
        "isGroup": False,
    }
    if tenant_id:
        # botbuilder's schema maps `tenant_id` to `tenantID` (sic); `tenantId` would be dropped.
        conversation["tenantID"] = tenant_id
    return {
        "channelId": TEAMS_CHANNEL,
        "serviceUrl": service_url,
        "bot": {"id": teams_bot_id(bot_app_id)},
        "user": {"id": user_id, "aadObjectId": user_id},
        "conversation": conversation,
    }


def chat_conversation_ref(
    *,
    chat_id: str,
    service_url: str,
    tenant_id: str | None,
    bot_app_id: str,
    user_id: str,
    now: datetime,
) -> ConversationRef:
    """The same, as the row the notifier returns in `Delivered.conversation` to be stored."""
    return ConversationRef(
        user_id=user_id,
        tenant_id=tenant_id,
        service_url=service_url,
        conversation_id=chat_id,
        reference=chat_reference(
            chat_id=chat_id,
            service_url=service_url,
            tenant_id=tenant_id,
            bot_app_id=bot_app_id,
            user_id=user_id,
        ),
        updated_at=now,
    )
