"""The Microsoft 365 Agents SDK host (`BOT_SDK=agents`): the only place that imports it.

The successor of the archived Bot Framework SDK, run beside botbuilder's host so that the move
is one setting: both take the same checked `Turn` to the same conversation, send through the
same `ReplySender`, and store conversation references in the same JSON.
"""
