"""A local stand-in for Microsoft Graph and the Entra ID token endpoint.

Two real servers on 127.0.0.1: Graph over plain HTTP (kiota allows `http` for localhost only)
and the token endpoint over HTTPS with a self-signed certificate, because azure-identity refuses
an authority that is not `https`. The tests run the real msgraph-sdk client and the real
`ClientSecretCredential` against them: nothing of the SDKs is mocked.

Graph's answers follow the v1.0 documentation: `GET /users/{id}`, `GET /users/{id}/manager`
(404 `Request_ResourceNotFound` when there is none), `POST …/teamwork/installedApps` (201 with
no body, 409 when installed), the list with `$expand=teamsApp&$filter=teamsApp/id eq '…'`,
`GET …/installedApps/{id}/chat`, `POST /users/{id}/events` (201) and `PATCH …/events/{id}`.
Failures are scripted per path: a status with headers, or a stall longer than the client waits.
Error messages quote names on purpose, so a test can prove they never reach a log.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import itertools
import json
import re
import ssl
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

TENANT = "11111111-2222-3333-4444-555555555555"
APP_ID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
SECRET = "not-a-real-secret"
CATALOG_APP_ID = "f1e2d3c4-0000-4000-8000-00000000cafe"

BODY = web.RequestKey[dict[str, Any]]("body", dict)
QUERY = web.RequestKey[dict[str, str]]("query", dict)


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1, written as PEM: it is its own CA for the credential."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path = directory / "graph-test-cert.pem"
    key_path = directory / "graph-test-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    body: dict[str, Any] | None
    authorization: str | None
    status: int = 0


@dataclass
class Scripted:
    status: int
    path: str
    """A regular expression searched in the path after /v1.0."""
    method: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    stall_s: float = 0.0
    """Wait this long before answering (longer than the client's timeout: a timeout)."""
    release: asyncio.Event | None = None
    """Answer only once the test sets this: a call that is outstanding for as long as it needs."""
    times: int = 1
    code: str = "generalException"
    message: str = "Something failed"


@dataclass
class TokenRequest:
    tenant: str
    form: dict[str, str]


class FakeGraph:
    def __init__(self, cert_path: Path, key_path: Path) -> None:
        self.cert_path = cert_path
        self._key_path = key_path
        self.users: dict[str, dict[str, Any]] = {}
        self.managers: dict[str, str] = {}
        """User id → manager id (any id in `users`, or in `contacts`)."""
        self.contacts: dict[str, dict[str, Any]] = {}
        """Organisational contacts, which Entra allows as managers."""
        self.installations: dict[str, dict[str, str]] = {}
        """User id → {catalog app id → installation id}."""
        self.chats: dict[str, str] = {}
        """Installation id → chat id."""
        self.events: dict[str, dict[str, dict[str, Any]]] = {}
        self.install_forbidden = False
        self.post_returns_body = False
        """Real Graph answers an install with 201 and no body; some proxies echo one."""
        self.script: list[Scripted] = []
        self.requests: list[Recorded] = []
        self.token_requests: list[TokenRequest] = []
        self.issued: set[str] = set()
        self._ids = itertools.count(1)
        self._runners: list[web.AppRunner] = []
        self.graph_port = 0
        self.login_port = 0

    # --- addresses ----------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.graph_port}/v1.0"

    @property
    def authority(self) -> str:
        return f"https://127.0.0.1:{self.login_port}"

    # --- the world ----------------------------------------------------------------------------

    def add_user(self, user_id: str, name: str, mail: str | None = None) -> None:
        self.users[user_id] = {
            "id": user_id,
            "displayName": name,
            "mail": mail,
            "userPrincipalName": f"{user_id[-4:]}@skole.example",
        }

    def fail(self, status: int, path: str, **kwargs: Any) -> Scripted:
        scripted = Scripted(status=status, path=path, **kwargs)
        self.script.append(scripted)
        return scripted

    def graph_requests(self, path: str = "", method: str | None = None) -> list[Recorded]:
        return [
            r
            for r in self.requests
            if re.search(path, r.path) and (method is None or r.method == method)
        ]

    # --- lifecycle ----------------------------------------------------------------------------

    async def start(self) -> None:
        graph = web.Application(middlewares=[self._graph_middleware])
        prefix = "/v1.0/users/{uid}"
        graph.router.add_get(prefix, self._user)
        graph.router.add_get(prefix + "/manager", self._manager)
        graph.router.add_post(prefix + "/teamwork/installedApps", self._install)
        graph.router.add_get(prefix + "/teamwork/installedApps", self._list_installed)
        graph.router.add_get(prefix + "/teamwork/installedApps/{iid}/chat", self._chat)
        graph.router.add_post(prefix + "/events", self._create_event)
        graph.router.add_patch(prefix + "/events/{eid}", self._update_event)
        self.graph_port = await self._serve(graph, None)

        login = web.Application()
        login.router.add_post("/{tenant}/oauth2/v2.0/token", self._token)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert_path, self._key_path)
        self.login_port = await self._serve(login, context)

    async def stop(self) -> None:
        for runner in self._runners:
            await runner.cleanup()
        self._runners.clear()

    async def _serve(self, app: web.Application, context: ssl.SSLContext | None) -> int:
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=context)
        await site.start()
        self._runners.append(runner)
        port: int = runner.addresses[-1][1]
        return port

    # --- token endpoint -----------------------------------------------------------------------

    async def _token(self, request: web.Request) -> web.Response:
        form = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
        self.token_requests.append(TokenRequest(request.match_info["tenant"], form))
        if form.get("client_id") != APP_ID or form.get("client_secret") != SECRET:
            return web.json_response(
                {"error": "invalid_client", "error_description": "AADSTS7000215"}, status=401
            )
        token = f"token-{len(self.token_requests)}"
        self.issued.add(token)
        return web.json_response(
            {"token_type": "Bearer", "expires_in": 3599, "access_token": token}
        )

    # --- Graph --------------------------------------------------------------------------------

    @web.middleware
    async def _graph_middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        body: dict[str, Any] | None = None
        if request.can_read_body:
            body = json.loads(await request.text() or "null")
        query = {k: v[0] for k, v in parse_qs(request.query_string).items()}
        record = Recorded(
            request.method,
            request.path.removeprefix("/v1.0"),
            query,
            body,
            request.headers.get("Authorization"),
        )
        self.requests.append(record)
        response: web.StreamResponse
        if record.authorization not in {f"Bearer {token}" for token in self.issued}:
            response = _error(401, "InvalidAuthenticationToken", "Access token is empty.")
        elif (scripted := self._scripted(record)) is not None:
            if scripted.stall_s:
                await asyncio.sleep(scripted.stall_s)
            if scripted.release is not None:
                await scripted.release.wait()
            response = _error(
                scripted.status, scripted.code, scripted.message, headers=scripted.headers
            )
        else:
            request[BODY] = body or {}
            request[QUERY] = query
            response = await handler(request)
        record.status = response.status
        return response

    def _scripted(self, record: Recorded) -> Scripted | None:
        for scripted in self.script:
            if scripted.times <= 0:
                continue
            if scripted.method not in (None, record.method):
                continue
            if re.search(scripted.path, record.path):
                scripted.times -= 1
                return scripted
        return None

    def _directory_object(self, item_id: str, select: str | None) -> dict[str, Any] | None:
        if item_id in self.users:
            item = {"@odata.type": "#microsoft.graph.user", **self.users[item_id]}
        elif item_id in self.contacts:
            item = {"@odata.type": "#microsoft.graph.orgContact", **self.contacts[item_id]}
        else:
            return None
        if select:
            wanted = set(select.split(",")) | {"@odata.type", "id"}
            item = {k: v for k, v in item.items() if k in wanted}
        return item

    async def _user(self, request: web.Request) -> web.Response:
        uid = request.match_info["uid"]
        user = self._directory_object(uid, request[QUERY].get("$select"))
        if user is None or uid not in self.users:
            return _error(404, "Request_ResourceNotFound", f"Resource '{uid}' does not exist.")
        user.pop("@odata.type", None)
        return web.json_response(
            {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users/$entity", **user}
        )

    async def _manager(self, request: web.Request) -> web.Response:
        uid = request.match_info["uid"]
        if uid not in self.users:
            return _error(404, "Request_ResourceNotFound", f"Resource '{uid}' does not exist.")
        manager_id = self.managers.get(uid)
        item = (
            self._directory_object(manager_id, request[QUERY].get("$select"))
            if manager_id
            else None
        )
        if item is None:
            return _error(
                404, "Request_ResourceNotFound", f"Resource 'manager' does not exist for {uid}."
            )
        context = "https://graph.microsoft.com/v1.0/$metadata#directoryObjects/$entity"
        return web.json_response({"@odata.context": context, **item})

    async def _install(self, request: web.Request) -> web.Response:
        uid = request.match_info["uid"]
        body = request[BODY]
        bind = body.get("teamsApp@odata.bind", "")
        match = re.fullmatch(re.escape(self.base_url) + r"/appCatalogs/teamsApps/([^/]+)", bind)
        if match is None:
            return _error(400, "BadRequest", "Invalid teamsApp@odata.bind.")
        if self.install_forbidden:
            return _error(403, "Forbidden", "Missing role permissions on the request.")
        if uid not in self.users:
            return _error(404, "NotFound", f"User {uid} not found.")
        apps = self.installations.setdefault(uid, {})
        app_id = match.group(1)
        if app_id in apps:
            return _error(409, "Conflict", "App is already installed.")
        installation_id = f"inst-{next(self._ids)}"
        apps[app_id] = installation_id
        self.chats[installation_id] = f"19:{uid}_{APP_ID}@unq.gbl.spaces"
        if self.post_returns_body:
            return web.json_response({"id": installation_id}, status=201)
        return web.Response(status=201)

    async def _list_installed(self, request: web.Request) -> web.Response:
        uid = request.match_info["uid"]
        query = request[QUERY]
        wanted = re.fullmatch(r"teamsApp/id eq '([^']+)'", query.get("$filter", ""))
        expand = "teamsApp" in query.get("$expand", "").split(",")
        value = []
        for app_id, installation_id in self.installations.get(uid, {}).items():
            if wanted is not None and wanted.group(1) != app_id:
                continue
            item: dict[str, Any] = {
                "@odata.type": "#microsoft.graph.userScopeTeamsAppInstallation",
                "id": installation_id,
            }
            if expand:
                item["teamsApp"] = {"id": app_id, "externalId": APP_ID, "displayName": "Trygg"}
            value.append(item)
        return web.json_response({"value": value})

    async def _chat(self, request: web.Request) -> web.Response:
        chat_id = self.chats.get(request.match_info["iid"])
        if chat_id is None:
            return _error(404, "NotFound", "No chat.")
        return web.json_response({"id": chat_id, "chatType": "oneOnOne"})

    async def _create_event(self, request: web.Request) -> web.Response:
        uid = request.match_info["uid"]
        sent: dict[str, Any] = request[BODY]
        body = dict(sent)
        event_id = f"AAMk-{next(self._ids)}"
        body["id"] = event_id
        self.events.setdefault(uid, {})[event_id] = body
        return web.json_response(body, status=201)

    async def _update_event(self, request: web.Request) -> web.Response:
        uid = request.match_info["uid"]
        event_id = request.match_info["eid"]
        events = self.events.get(uid, {})
        if event_id not in events:
            return _error(404, "ErrorItemNotFound", "The specified object was not found.")
        changes: dict[str, Any] = request[BODY]
        events[event_id] = {**events[event_id], **changes}
        return web.json_response(events[event_id])


def _error(
    status: int, code: str, message: str, *, headers: dict[str, str] | None = None
) -> web.Response:
    return web.json_response(
        {"error": {"code": code, "message": message}}, status=status, headers=headers
    )
