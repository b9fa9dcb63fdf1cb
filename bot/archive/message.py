"""One message for the archive as it is sent: a ZIP (`arkivmelding.xml` and one document) and
the JSON manifest Mottak WebApi reads before it. Light: the delivery code imports it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property

CONTENT_ID = "content1"


def sha256_hex(data: bytes) -> str:
    """Upper-case hex, as Mottak compares it (exactly)."""
    return hashlib.sha256(data).hexdigest().upper()


@dataclass(frozen=True)
class ArchiveMessage:
    case_reference: str
    key: str
    """The document's key (bot.archive.documents): once the archive has received the message,
    pass it in `already_sent` so it is never sent again (Mottak does not de-duplicate)."""
    message_id: str
    """Our id, the same for the same document of the same case: Mottak stores it with the
    import for correlation."""
    filename: str
    zip: bytes
    creates_folder: bool
    """The message carries the case folder: the case's first message, which must reach the
    archive before the others."""

    @cached_property
    def sha256(self) -> str:
        return sha256_hex(self.zip)

    def manifest(self) -> dict[str, object]:
        return {
            "type": "arkivmelding",
            "messageId": self.message_id,
            "files": [
                {
                    "contentid": CONTENT_ID,
                    "filename": self.filename,
                    "hash": self.sha256,
                    "alg": "SHA256",
                    "metadata": False,
                }
            ],
        }

    def manifest_json(self) -> bytes:
        return json.dumps(self.manifest(), ensure_ascii=False).encode("utf-8")
