"""A local OpenID provider, test keys and tokens: what Microsoft's login services would serve.

`FakeOpenId` is a real HTTP server on 127.0.0.1 serving two providers, `bf` (the Bot
Connector: metadata + JWKS whose keys carry `endorsements`) and `entra` (the tenant's Entra
ID), with keys the tests generate. It can fail with a status, or go silent: accept the
connection and never answer, as Microsoft's endpoint did when botbuilder froze the bot.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from typing import Any

import jwt
from aiohttp import web
from botframework.connector.auth import AppCredentials, ServiceClientCredentialsFactory
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import RSAAlgorithm

from tests.connector import started_port

APP_ID = "9b1c3a2e-0000-4000-8000-000000000001"
OTHER_APP = "0d15ea5e-0000-4000-8000-0000000000ff"
TENANT = "11111111-2222-3333-4444-555555555555"
OTHER_TENANT = "99999999-2222-3333-4444-555555555555"
BF_ISSUER = "https://api.botframework.com"
ENTRA_V1 = f"https://sts.windows.net/{TENANT}/"
ENTRA_V2 = f"https://login.microsoftonline.com/{TENANT}/v2.0"


@dataclass(frozen=True)
class TestKey:
    kid: str
    private: rsa.RSAPrivateKey

    def jwk(self, endorsements: list[str] | None = None, **extra: Any) -> dict[str, Any]:
        published: dict[str, Any] = dict(RSAAlgorithm.to_jwk(self.private.public_key(),
                                                             as_dict=True))
        published.update(kid=self.kid, use="sig", x5t=self.kid)
        if endorsements is not None:
            published["endorsements"] = endorsements
        published.update(extra)
        return published

    def public_pem(self) -> bytes:
        return self.private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def new_key(kid: str, bits: int = 2048) -> TestKey:
    return TestKey(kid, rsa.generate_private_key(public_exponent=65537, key_size=bits))


@dataclass(frozen=True)
class Keys:
    """The session's keys: Microsoft's (published) and an attacker's (not)."""

    bf: TestKey
    bf_unendorsed: TestKey
    entra: TestKey
    attacker: TestKey
    ec: ec.EllipticCurvePrivateKey


def make_keys() -> Keys:
    return Keys(new_key("bf-1"), new_key("bf-plain"), new_key("entra-1"), new_key("evil"),
                ec.generate_private_key(ec.SECP256R1()))


def sign(key: TestKey, claims: dict[str, Any], *, kid: str | None = "", alg: str = "RS256",
         **headers: Any) -> str:
    """A token signed by `key`; kid "" means the key's own, None leaves the header without."""
    header: dict[str, Any] = dict(headers)
    if kid is not None:
        header["kid"] = kid or key.kid
    # PyJWS, not jwt.encode: the claims go out as given, even those PyJWT would refuse.
    return jwt.api_jws.encode(json.dumps(claims).encode(), key.private, algorithm=alg,
                              headers=header)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def hand_made(header: dict[str, Any], claims: Any, signature: bytes = b"",
              *, hmac_secret: bytes | None = None, hmac_hash: Any = hashlib.sha256) -> str:
    """A token as an attacker writes it, without a library's refusals (alg none, HS with a
    public key as the secret, JSON nested past Python's limit)."""
    head = _b64(json.dumps(header).encode())
    body = claims if isinstance(claims, str) else json.dumps(claims)
    signing_input = f"{head}.{_b64(body.encode())}"
    if hmac_secret is not None:
        signature = hmac.new(hmac_secret, signing_input.encode(), hmac_hash).digest()
    return f"{signing_input}.{_b64(signature)}"


def connector_claims(service_url: str, **overrides: Any) -> dict[str, Any]:
    """What the Bot Connector service puts in a token for this bot."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "serviceurl": service_url, "nbf": now - 10, "exp": now + 3600, "iss": BF_ISSUER,
        "aud": APP_ID,
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not _DROP}


def entra_claims(version: str, **overrides: Any) -> dict[str, Any]:
    """What Entra ID puts in the Emulator's token (the bot's own credentials, its tenant)."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "aud": APP_ID, "iss": ENTRA_V1 if version == "1.0" else ENTRA_V2, "iat": now - 10,
        "nbf": now - 10, "exp": now + 3600, "tid": TENANT, "ver": version,
        ("appid" if version == "1.0" else "azp"): APP_ID,
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not _DROP}


class _Drop:
    def __repr__(self) -> str:
        return "DROP"


_DROP: Any = _Drop()
DROP: Any = _DROP
"""An override that removes the claim."""


@dataclass
class Provider:
    keys: list[dict[str, Any]] = field(default_factory=list)
    issuer: str = ""


class FakeOpenId:
    def __init__(self) -> None:
        self.providers: dict[str, Provider] = {"bf": Provider(issuer=BF_ISSUER),
                                               "entra": Provider(issuer=ENTRA_V2)}
        self.requests: list[str] = []
        self.silent = False
        self.status = 200
        self.cache_control: str | None = "public, max-age=86400"
        self.metadata_override: dict[str, Any] | str | None = None
        self._release = asyncio.Event()
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def metadata_url(self, provider: str) -> str:
        return f"{self.base}/{provider}/.well-known/openid-configuration"

    def publish(self, provider: str, *jwks: dict[str, Any]) -> None:
        self.providers[provider].keys = list(jwks)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/{provider}/.well-known/openid-configuration", self._metadata)
        app.router.add_get("/{provider}/keys", self._keys)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        self.port = await started_port(site)

    async def stop(self) -> None:
        self._release.set()  # a silent handler answers now, so the server can close
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def wait_for_requests(self, count: int, timeout: float = 5.0) -> None:
        async def reached() -> None:
            async with self._changed:
                await self._changed.wait_for(lambda: len(self.requests) >= count)
        await asyncio.wait_for(reached(), timeout)

    async def _answer(self, request: web.Request, body: Any) -> web.StreamResponse:
        async with self._changed:
            self.requests.append(request.path)
            self._changed.notify_all()
        if self.silent:
            await self._release.wait()
            return web.Response(status=503)
        if self.status != 200:
            return web.json_response({"error": "scripted"}, status=self.status)
        headers = {"Cache-Control": self.cache_control} if self.cache_control else {}
        if isinstance(body, str):
            return web.Response(text=body, content_type="application/json", headers=headers)
        return web.json_response(body, headers=headers)

    async def _metadata(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["provider"]
        if name not in self.providers:
            raise web.HTTPNotFound()
        override = self.metadata_override
        body: Any = override if override is not None else {
            "issuer": self.providers[name].issuer,
            "jwks_uri": f"{self.base}/{name}/keys",
            "id_token_signing_alg_values_supported": ["RS256"],
        }
        return await self._answer(request, body)

    async def _keys(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["provider"]
        if name not in self.providers:
            raise web.HTTPNotFound()
        return await self._answer(request, {"keys": self.providers[name].keys})

    def key_fetches(self) -> int:
        return sum(1 for path in self.requests if path.endswith("/keys"))


class StaticCredentials(AppCredentials):
    """An outbound token without asking Entra ID: the fake connector does not check it."""

    def get_access_token(self, force_refresh: bool = False) -> str:
        return "outbound-test-token"


class FakeCredentialsFactory(ServiceClientCredentialsFactory):
    """The bot's outbound identity without a network: botbuilder would ask Entra ID."""

    async def is_valid_app_id(self, app_id: str) -> bool:
        return app_id == APP_ID

    async def is_authentication_disabled(self) -> bool:
        return False

    async def create_credentials(self, app_id: str, oauth_scope: str, login_endpoint: str,
                                 validate_authority: bool) -> AppCredentials:
        return StaticCredentials(app_id, oauth_scope=oauth_scope)


class StaticTokens:
    """The Agents SDK host's outbound token (its `TokenProvider`) without asking Entra ID."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, list[str]]] = []

    async def get_access_token(self, resource_url: str, scopes: list[str],
                               force_refresh: bool = False) -> str:
        self.asked.append((resource_url, list(scopes)))
        return "outbound-test-token"


def fake_credentials(sdk: str) -> FakeCredentialsFactory | StaticTokens:
    """The fake outbound identity each host takes (`HostParts.credentials`)."""
    return FakeCredentialsFactory() if sdk == "botbuilder" else StaticTokens()
