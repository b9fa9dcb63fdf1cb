"""A local Mottak WebApi: a real aiohttp server that checks a submission as the real one does.

Mottak (ACOS WebSak's import service) cannot run here. This one keeps its contract as its
documentation gives it: the tenant key in the path (404 when unknown), `multipart/related`
(500 for anything else), the JSON manifest first and the ZIP second with the headers that
match the manifest, the SHA-256 of the whole ZIP in upper-case hex (400, plain text «… bestod
ikke hash validering»), `arkivmelding.xml` in the ZIP (400 with `message` and `fil`), the XML
valid against the Fiks Arkiv schema (400 with `message`, `errors`, `warnings`, `fil`), and 201
with the stored file's entry. It also checks what a careful archive would: `antallFiler`, and
that every `referanseDokumentfil` is in the ZIP with the checksum and size the XML gives.
Tests queue other answers (422, 500, a slow answer) with `answer`.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import io
import json
import zipfile
from collections import deque
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from xml.etree import ElementTree as ET

from aiohttp import BodyPartReader, web

from bot.archive.arkivmelding import AM, schema_errors

TENANT = "6cf63c7f-b738-4b0e-bb50-08080b0360f1"
TENANT_NAME = "Oslo kommune test"
_dumps = functools.partial(json.dumps, ensure_ascii=False)


@dataclass(frozen=True)
class Submission:
    manifest: dict[str, Any]
    zip: bytes
    xml: ET.Element
    files: dict[str, bytes]


@dataclass(frozen=True)
class _Answer:
    status: int
    body: str
    content_type: str
    delay: float


@dataclass
class FakeMottak:
    tenant: str = TENANT
    received: list[Submission] = field(default_factory=list)
    posts: int = 0
    _answers: deque[_Answer] = field(default_factory=deque)
    _runner: web.AppRunner | None = None
    _port: int = 0

    @property
    def url(self) -> str:
        """ARCHIVE_URL for this tenant."""
        return f"http://127.0.0.1:{self._port}/api/{self.tenant}"

    def url_for(self, tenant: str) -> str:
        return f"http://127.0.0.1:{self._port}/api/{tenant}"

    def answer(self, status: int, body: object = "", *, times: int = 1, delay: float = 0.0) -> None:
        """The next `times` well-formed submissions get this answer instead of 201."""
        text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
        kind = "text/plain" if isinstance(body, str) else "application/json"
        for _ in range(times):
            self._answers.append(_Answer(status, text, kind, delay))

    async def __aenter__(self) -> FakeMottak:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/api/{tenant}/arkivmelding", self._post)
        app.router.add_get("/api/{tenant}/arkivmelding/test", self._test)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self._port = self._runner.addresses[0][1]
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # routes

    async def _test(self, request: web.Request) -> web.Response:
        if request.match_info["tenant"] != self.tenant:
            return web.Response(status=404)
        return web.Response(text=f"Arkivmelding test: OK, testet Tenant: {TENANT_NAME}")

    async def _post(self, request: web.Request) -> web.Response:
        self.posts += 1
        if request.match_info["tenant"] != self.tenant:
            return web.Response(status=404)
        if not request.content_type.startswith("multipart/"):
            return _problem("Request er ikke multipart", request)
        if request.content_type != "multipart/related":
            return _bad(f"Forventet multipart/related, fikk {request.content_type}")
        parsed = await _parts(request)
        if isinstance(parsed, web.Response):
            return parsed
        manifest, data = parsed
        entry = manifest["files"][0]
        if hashlib.sha256(data).hexdigest().upper() != entry["hash"]:
            return web.Response(status=400, text=f"{entry['filename']} bestod ikke hash validering")
        checked = _package(data)
        if isinstance(checked, web.Response):
            return checked
        xml, files = checked
        if self._answers:
            answer = self._answers.popleft()
            await asyncio.sleep(answer.delay)
            if answer.status != 201:
                return web.Response(
                    status=answer.status, text=answer.body, content_type=answer.content_type
                )
        self.received.append(Submission(manifest, data, xml, files))
        return web.json_response(entry, status=201)


def _bad(message: str, **more: object) -> web.Response:
    return web.json_response({"message": message, **more}, status=400, dumps=_dumps)


def _problem(detail: str, request: web.Request) -> web.Response:
    return web.json_response(
        {
            "type": "https://tools.ietf.org/html/rfc9110#section-15.6.1",
            "title": "Server Error",
            "status": 500,
            "detail": detail,
            "instance": f"{request.method} {request.path}",
        },
        status=500,
        dumps=_dumps,
    )


async def _parts(
    request: web.Request,
) -> tuple[dict[str, Any], bytes] | web.Response:
    """The manifest and the ZIP part, in that order, with headers that match each other."""
    reader = await request.multipart()
    first = await reader.next()
    kind = first.headers.get("Content-Type", "").split(";")[0] if first is not None else ""
    if not isinstance(first, BodyPartReader) or kind != "application/json":
        return _bad("Første del må være JSON-manifestet (Content-Type: application/json)")
    try:
        manifest = json.loads(await first.read(decode=True))
    except ValueError:
        return _bad("Manifestet er ikke gyldig JSON")
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if manifest.get("type") != "arkivmelding" or not isinstance(files, list) or len(files) != 1:
        return _bad("Manifestet må ha type «arkivmelding» og én fil")
    entry = files[0]
    missing = [k for k in ("contentid", "filename", "hash", "alg") if not entry.get(k)]
    if missing or entry["alg"] != "SHA256" or entry.get("metadata") is not False:
        return _bad(f"Filbeskrivelsen i manifestet er ufullstendig: {missing or entry}")
    second = await reader.next()
    if not isinstance(second, BodyPartReader):
        return _bad("ZIP-filen mangler")
    headers = dict(second.headers)
    disposition = headers.get("Content-Disposition", "")
    expected = f'form-data; name="arkivmelding"; filename="{entry["filename"]}"'
    if disposition != expected:
        return _bad(f"Content-Disposition «{disposition}», forventet «{expected}»")
    if headers.get("Content-Type") != "application/zip":
        return _bad("ZIP-delen må ha Content-Type: application/zip")
    if headers.get("Content-Id") != entry["contentid"]:
        return _bad("Content-Id må være lik contentid i manifestet")
    data = bytes(await second.read())
    if await reader.next() is not None:
        return _bad("Bare manifestet og én ZIP-fil")
    return manifest, data


def _package(data: bytes) -> tuple[ET.Element, dict[str, bytes]] | web.Response:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return _bad("Filen er ikke en ZIP-fil", fil="arkivmelding.zip")
    files = {name: archive.read(name) for name in archive.namelist()}
    xml_bytes = files.pop("arkivmelding.xml", None)
    if xml_bytes is None:
        return _bad("Fant ikke metadatafilen i ZIP-filen", fil="arkivmelding.xml")
    errors = schema_errors(xml_bytes)
    if errors:
        return _bad(
            "Request er ikke korrekt formatert som en arkivmelding",
            errors=errors,
            warnings=[],
            fil="arkivmelding.xml",
        )
    root = ET.fromstring(xml_bytes)
    ns = {"a": AM}
    count = int(root.findtext("a:antallFiler", namespaces=ns) or -1)
    if count != len(files):
        return _bad(f"antallFiler er {count}, ZIP-filen har {len(files)} filer")
    for content in root.iter(f"{{{AM}}}dokumentobjekt"):
        name = content.findtext("a:referanseDokumentfil", namespaces=ns) or ""
        if name not in files:
            return _bad(f"{name} finnes ikke i ZIP-filen", fil=name)
        if content.findtext("a:sjekksum", namespaces=ns) != hashlib.sha256(files[name]).hexdigest():
            return _bad(f"Sjekksummen for {name} stemmer ikke", fil=name)
        if content.findtext("a:filstoerrelse", namespaces=ns) != str(len(files[name])):
            return _bad(f"Filstørrelsen for {name} stemmer ikke", fil=name)
    return root, files
