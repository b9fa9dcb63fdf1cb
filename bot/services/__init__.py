"""Use cases: what the bot does, in terms of ports, without knowing how Teams or a database work."""
