r"""Log lines that input cannot forge: control characters escaped, continuation lines indented.

Ids from card data, names in SDK messages and exception texts all end up in log lines. A `\n`
in any of them would start a line that looks like the bot's own (`… INFO bot…: case FORGED`),
and NUL or terminal escapes garble what an operator reads. Every record's message is escaped;
a traceback keeps its lines, each indented, so no line after the first can pass for a record.
"""

from __future__ import annotations

import logging
import re
import sys

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
NOISY = (
    "msrest",
    "botbuilder",
    "botframework",
    "microsoft_agents",
    "urllib3",
    "aiohttp.access",
    "aiosqlite",
    "sqlalchemy",
    "asyncpg",
    "alembic.runtime.plugins",
)
"""The SDKs log whole activities at DEBUG/INFO in places; they may hold pupils' names."""


def escape(text: str) -> str:
    r"""`\n` as `\\n`, NUL as `\\x00`, bidi overrides as `\\u202e`: visible, never acted on."""

    def replace(match: re.Match[str]) -> str:
        char = match.group()
        if char == "\n":
            return "\\n"
        if char == "\r":
            return "\\r"
        if char == "\t":
            return "\\t"
        code = ord(char)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _CONTROL.sub(replace, text)


class SafeFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        safe = logging.makeLogRecord(record.__dict__)
        safe.msg = escape(record.getMessage())
        safe.args = None
        first, *rest = super().format(safe).split("\n")
        return "\n".join([first, *(f"    {escape(line)}" for line in rest)])


def configure(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(SafeFormatter(FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in NOISY:
        logging.getLogger(noisy).setLevel(logging.WARNING)
