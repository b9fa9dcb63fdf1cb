"""Microsoft 365 through Microsoft Graph, behind the ports the use cases already know.

Nothing here is imported unless Graph is switched on: msgraph-sdk is large, and a bot in local
mode must start fast. `bot.graph.reference` is the exception, being pure and tiny, so the Teams
notifier may import it whatever the settings.
"""
