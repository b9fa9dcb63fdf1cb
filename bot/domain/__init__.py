"""The school's aktivitetsplikt as plain Python.

Nothing in this package may import botbuilder, aiohttp, SQLAlchemy or Graph: the Bot Framework
SDK is archived upstream, so the rules of the law must survive a move to another SDK.
`tests/test_architecture.py` enforces it.
"""
