"""ACOS WebSak's import service, Mottak WebApi: one message per POST, its answer as an outcome.

`ARCHIVE_URL` names the tenant (`https://<host>/api/<tenant key>`; the key in the path is the
only credential). `POST {ARCHIVE_URL}/arkivmelding` takes `multipart/related`: the JSON
manifest first, then the ZIP with `Content-Disposition: form-data; name="arkivmelding";
filename=…`, `Content-Type: application/zip` and a `Content-Id` equal to the manifest's
`contentid`. Mottak answers 201 when it has stored the import (a queue receipt: WebSak files
it later), 400 with plain text for a wrong hash and JSON (`message`, `errors`) for a schema
error, 404 for an unknown tenant key, 422 with `message` when it cannot handle the message,
and 500 for anything else. It has no de-duplication: a message answered 201 must never be
sent again, and one whose answer was lost may arrive twice.
"""

from __future__ import annotations

import json

import aiohttp

from bot.archive.message import CONTENT_ID, ArchiveMessage
from bot.archive.outcome import DeliveryOutcome, Received, Rejected, Retry, WrongTenant

REASON_LIMIT = 2000
TIMEOUT_SECONDS = 120.0
"""Large packages on a slow link; Mottak's own limits are far above ours."""


def _reason(body: str) -> str:
    """The archive's words: JSON `message` with its `errors`, or the plain text it sent."""
    try:
        parsed = json.loads(body)
    except ValueError:
        return body.strip()[:REASON_LIMIT]
    if not isinstance(parsed, dict):
        return body.strip()[:REASON_LIMIT]
    parts = [str(parsed.get("message") or parsed.get("title") or "").strip()]
    errors = parsed.get("errors")
    if isinstance(errors, list):
        parts += [str(e).strip() for e in errors]
    if parsed.get("fil"):
        parts.append(f"fil: {parsed['fil']}")
    return "; ".join(p for p in parts if p)[:REASON_LIMIT] or body.strip()[:REASON_LIMIT]


def classify(status: int, body: str, *, expected: int) -> DeliveryOutcome:
    """An HTTP answer as an outcome; `expected` is the success status of the call."""
    if status == expected:
        return Received(status, body[:REASON_LIMIT])
    if status == 404:
        return WrongTenant(status, "Mottak kjenner ikke tenant-nøkkelen i ARCHIVE_URL")
    if status in (408, 425, 429) or status >= 500:
        return Retry(f"HTTP {status}", status)
    return Rejected(status, _reason(body) or f"Arkivet svarte HTTP {status}")


class MottakClient:
    """Sends to one Mottak WebApi tenant; a session is made per call unless one is given."""

    def __init__(
        self,
        archive_url: str,
        *,
        timeout: float = TIMEOUT_SECONDS,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        self._base = archive_url.rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session = session

    @staticmethod
    def body(message: ArchiveMessage) -> aiohttp.MultipartWriter:
        """The request body: the manifest part, then the ZIP part."""
        writer = aiohttp.MultipartWriter("related")
        writer.append(message.manifest_json(), {"Content-Type": "application/json"})
        writer.append(
            message.zip,
            {
                "Content-Disposition": (
                    f'form-data; name="arkivmelding"; filename="{message.filename}"'
                ),
                "Content-Type": "application/zip",
                "Content-Id": CONTENT_ID,
            },
        )
        return writer

    async def deliver(self, message: ArchiveMessage) -> DeliveryOutcome:
        return await self._call("POST", "/arkivmelding", 201, self.body(message))

    async def check(self) -> DeliveryOutcome:
        """`GET …/arkivmelding/test`: the host, TLS and tenant key answer (200)."""
        return await self._call("GET", "/arkivmelding/test", 200, None)

    async def _call(
        self, method: str, path: str, expected: int, data: aiohttp.MultipartWriter | None
    ) -> DeliveryOutcome:
        try:
            if self._session is not None:
                return await self._send(self._session, method, path, expected, data)
            async with aiohttp.ClientSession(timeout=self._timeout) as session:
                return await self._send(session, method, path, expected, data)
        except TimeoutError:
            return Retry("timeout")
        except (aiohttp.ClientError, OSError) as error:
            return Retry(f"unreachable ({type(error).__name__})")

    async def _send(
        self,
        session: aiohttp.ClientSession,
        method: str,
        path: str,
        expected: int,
        data: aiohttp.MultipartWriter | None,
    ) -> DeliveryOutcome:
        async with session.request(
            method,
            self._base + path,
            data=data,
            headers={"Accept": "application/json"},
            allow_redirects=False,
            timeout=self._timeout,
        ) as response:
            body = await response.text(errors="replace")
            return classify(response.status, body, expected=expected)
