"""The HTTP host's own parts that need no bot SDK: inbound token checks, outbound HTTP settings.

Kept free of botbuilder and botframework so that every host (the botbuilder glue in
`bot/teams` today, a Microsoft 365 Agents SDK host later) shares one validator.
"""
