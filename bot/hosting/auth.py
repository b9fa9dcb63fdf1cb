"""Inbound tokens from Teams, checked without botbuilder: fail closed, fast, never blocking.

botbuilder 4.17's own check fetches Microsoft's OpenID metadata with a synchronous
`requests.get` without a timeout on the event loop, before it looks at the token, and forgets a
failed fetch: one forged request froze every other request while Microsoft did not answer, and
its exceptions (`IndexError`, `KeyError`, `requests.ConnectionError`) became HTTP 500. Here
the rules Microsoft documents ("Authenticate requests from the Bot Connector service", and the
Emulator path for the configured tenant) are applied with PyJWT, and the signing keys come from
`OpenIdKeys`: fetched with aiohttp and a timeout, cached for their lifetime, refreshed in the
background, and a failed fetch is remembered with back-off, so a forged request can at most
join a fetch and never start a storm of them.

This module knows aiohttp and PyJWT only, never botbuilder: any host (today the botbuilder
glue in `bot/teams`, later the Microsoft 365 Agents SDK) calls `TokenValidator.validate` and
turns `Unauthorized` into 401 and `Forbidden` into 403.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import KW_ONLY, dataclass, field
from enum import Enum
from typing import Any

import aiohttp
import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from jwt.algorithms import RSAAlgorithm
from yarl import URL

from bot.hosting.http import FetchError, client_session, get_json

log = logging.getLogger(__name__)

BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"
BOT_FRAMEWORK_OPENID_URL = "https://login.botframework.com/v1/.well-known/openidconfiguration"
ENTRA_OPENID_URL = (
    "https://login.microsoftonline.com/{tenant}/v2.0/.well-known/openid-configuration"
)
ENTRA_V1_ISSUER = "https://sts.windows.net/{tenant}/"
ENTRA_V2_ISSUER = "https://login.microsoftonline.com/{tenant}/v2.0"

ALGORITHM = "RS256"
"""The only algorithm Microsoft signs these tokens with; `none`, HS* and ES* never pass."""
CLOCK_SKEW_S = 300
"""Microsoft's documented allowance: "industry-standard clock-skew is 5 minutes"."""
MAX_TOKEN_CHARS = 16 * 1024
MIN_KEY_BITS = 2048

DEFAULT_TTL_S = 24 * 3600.0
"""Microsoft asks bots to refresh the key document at least once every 24 hours."""
MIN_TTL_S = 300.0
REFRESH_AT = 0.8
"""The background refresh runs at this share of the keys' lifetime, before they expire."""
STALE_GRACE_S = 24 * 3600.0
"""How long expired keys still serve while Microsoft cannot be reached: keys rarely change, and
rejecting every Teams request because login.botframework.com is down would be worse."""
UNKNOWN_KID_INTERVAL_S = 300.0
"""A token naming a key we do not know may trigger a refresh at most this often."""
BACKOFF_FIRST_S = 2.0
BACKOFF_MAX_S = 300.0


class AuthError(Exception):
    """A refused request. `reason` is ours (never token content) and is logged, not sent."""

    status = 401
    public = "unauthorized"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Unauthorized(AuthError):
    """No valid token: missing, malformed, forged, expired, or its keys cannot be had."""


class Forbidden(AuthError):
    """A genuine token, but not for this bot, this channel or this serviceUrl."""

    status = 403
    public = "forbidden"


class TokenSource(Enum):
    BOT_CONNECTOR = "bot-connector"
    """Teams and the other channels, via the Bot Connector service."""
    ENTRA_V1 = "entra-v1"
    ENTRA_V2 = "entra-v2"
    """The Bot Framework Emulator, with the bot's own credentials in its own tenant."""


@dataclass(frozen=True)
class Claims:
    """The verified claims of an accepted token, and what they were checked against."""

    values: Mapping[str, Any]
    source: TokenSource
    app_id: str
    """The bot's app id the token was issued for (its `aud`)."""


@dataclass(frozen=True)
class SigningKey:
    kid: str
    public_key: RSAPublicKey
    endorsements: frozenset[str] | None
    """The channel ids the key may sign for (Bot Connector keys); None when not published."""


@dataclass
class _Cache:
    keys: dict[str, SigningKey] = field(default_factory=dict)
    fetched_at: float | None = None
    ttl_s: float = DEFAULT_TTL_S
    failures: int = 0
    retry_at: float = 0.0
    last_attempt: float | None = None


@dataclass(eq=False)  # a cache with a fetch in flight: equal only to itself
class OpenIdKeys:
    """One provider's signing keys, from its OpenID metadata document and the JWKS it names.

    Every decision uses `clock` (monotonic seconds), so tests can move time. Requests never
    start more than one fetch at a time: they share the one in flight, and while a failed
    fetch's back-off lasts they get `Unauthorized` at once instead of a new fetch.
    """

    name: str
    metadata_url: str
    _: KW_ONLY
    session: Callable[[], aiohttp.ClientSession]
    timeout_s: float
    endorsed: bool
    """The Bot Connector's keys name the channels they may sign for; Entra ID's do not."""
    clock: Callable[[], float] = time.monotonic
    _cache: _Cache = field(default_factory=_Cache, init=False, repr=False)
    _inflight: asyncio.Task[None] | None = field(default=None, init=False, repr=False)

    # --- what the validator asks ------------------------------------------------------------

    async def key(self, kid: str) -> SigningKey:
        cache = self._cache
        if kid in cache.keys and self._usable():
            return cache.keys[kid]
        if self._inflight is not None:
            await self._join()
        elif self._may_fetch(unknown_kid=self._usable()):
            await self._refresh_shared()
        if not self._usable():
            raise Unauthorized(f"{self.name} signing keys unavailable")
        found = cache.keys.get(kid)
        if found is None:
            raise Unauthorized(f"{self.name} signing key unknown")
        return found

    # --- background -------------------------------------------------------------------------

    async def keep_fresh(self) -> None:
        """Fetches now, then again before the keys expire, or after the back-off on failure."""
        while True:
            delay = self.refresh_due_in()
            if delay > 0:
                await asyncio.sleep(delay)
            await self._refresh_shared()

    async def stop(self) -> None:
        """Cancels a fetch still in flight (a silent endpoint at shutdown)."""
        task = self._inflight
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def refresh_due_in(self) -> float:
        """Seconds until the background refresh is due (0: now)."""
        cache = self._cache
        now = self.clock()
        if cache.failures:
            return max(0.0, cache.retry_at - now)
        if cache.fetched_at is None:
            return 0.0
        return max(0.0, cache.fetched_at + cache.ttl_s * REFRESH_AT - now)

    # --- state ------------------------------------------------------------------------------

    def _usable(self) -> bool:
        cache = self._cache
        if cache.fetched_at is None:
            return False
        return self.clock() < cache.fetched_at + cache.ttl_s + STALE_GRACE_S

    def _fresh(self) -> bool:
        cache = self._cache
        return cache.fetched_at is not None and self.clock() < cache.fetched_at + cache.ttl_s

    def _may_fetch(self, *, unknown_kid: bool) -> bool:
        cache = self._cache
        now = self.clock()
        if cache.failures and now < cache.retry_at:
            return False
        if unknown_kid and self._fresh():
            # Microsoft may have added a key; a forged kid must not buy a fetch each time.
            return cache.last_attempt is None or now - cache.last_attempt >= (
                UNKNOWN_KID_INTERVAL_S
            )
        return True

    async def _join(self) -> None:
        task = self._inflight
        if task is not None:
            # Shielded: a caller that goes away (its client hung up) must not cancel the fetch
            # the others wait for.
            await asyncio.shield(task)

    async def _refresh_shared(self) -> None:
        if self._inflight is None:
            task = asyncio.get_running_loop().create_task(self._refresh())
            self._inflight = task
            task.add_done_callback(self._done)
        await self._join()

    def _done(self, task: asyncio.Task[None]) -> None:
        if self._inflight is task:
            self._inflight = None

    async def _refresh(self) -> None:
        cache = self._cache
        cache.last_attempt = self.clock()
        try:
            async with asyncio.timeout(self.timeout_s):
                session = self.session()
                metadata = await get_json(session, self.metadata_url)
                jwks_url = _jwks_url(metadata.body, self.metadata_url)
                jwks = await get_json(session, jwks_url)
            keys = _parse_jwks(jwks.body, endorsed=self.endorsed)
        except TimeoutError:
            self._failed("timeout")
            return
        except FetchError as error:
            self._failed(error.reason)
            return
        now = self.clock()
        ttl = jwks.max_age if jwks.max_age is not None else DEFAULT_TTL_S
        cache.keys = keys
        cache.fetched_at = now
        cache.ttl_s = min(DEFAULT_TTL_S, max(MIN_TTL_S, ttl))
        cache.failures = 0
        cache.retry_at = 0.0
        log.info("%s: %d signing keys, kept %.0f s", self.name, len(keys), cache.ttl_s)

    def _failed(self, reason: str) -> None:
        cache = self._cache
        cache.failures += 1
        delay = min(BACKOFF_MAX_S, BACKOFF_FIRST_S * 2 ** min(cache.failures - 1, 16))
        cache.retry_at = self.clock() + delay
        log.warning(
            "%s: signing keys not fetched (%s), attempt %d; next try in %.0f s%s",
            self.name,
            reason,
            cache.failures,
            delay,
            "; the cached keys still serve" if self._usable() else "",
        )


def _jwks_url(metadata: Mapping[str, Any], metadata_url: str) -> str:
    """The `jwks_uri` the metadata names: absolute, and https unless the metadata was http."""
    value = metadata.get("jwks_uri")
    if not isinstance(value, str) or not value:
        raise FetchError("metadata has no jwks_uri")
    try:
        url = URL(value)
    except ValueError:
        raise FetchError("jwks_uri is not a URL") from None
    allowed = {"https"} | ({"http"} if URL(metadata_url).scheme == "http" else set())
    if not url.is_absolute() or url.scheme not in allowed or not url.host:
        raise FetchError("jwks_uri is not an https URL")
    return str(url)


def _parse_jwks(document: Mapping[str, Any], *, endorsed: bool) -> dict[str, SigningKey]:
    """The RSA signing keys of a JWKS; anything else in it is skipped, not trusted."""
    entries = document.get("keys")
    if not isinstance(entries, list):
        raise FetchError("key set has no keys")
    keys: dict[str, SigningKey] = {}
    for entry in entries:
        key = _signing_key(entry, endorsed=endorsed)
        if key is not None and key.kid not in keys:
            keys[key.kid] = key
    if not keys:
        raise FetchError("key set has no usable RSA key")
    return keys


def _signing_key(entry: Any, *, endorsed: bool) -> SigningKey | None:
    if not isinstance(entry, dict):
        return None
    kid, n, e = entry.get("kid"), entry.get("n"), entry.get("e")
    if not (isinstance(kid, str) and kid and isinstance(n, str) and isinstance(e, str)):
        return None
    if entry.get("kty") != "RSA" or entry.get("use", "sig") != "sig":
        return None
    if entry.get("alg", ALGORITHM) != ALGORITHM:
        return None
    try:
        # Only the public members: a published "d" must never turn this into a private key.
        public_key = RSAAlgorithm.from_jwk({"kty": "RSA", "n": n, "e": e})
    except (jwt.InvalidKeyError, ValueError):
        return None
    if not isinstance(public_key, RSAPublicKey) or public_key.key_size < MIN_KEY_BITS:
        return None
    endorsements: frozenset[str] | None = None
    raw = entry.get("endorsements")
    if endorsed and isinstance(raw, list):
        endorsements = frozenset(item for item in raw if isinstance(item, str))
    return SigningKey(kid, public_key, endorsements)


@dataclass(frozen=True)
class _Issuer:
    source: TokenSource
    keys: OpenIdKeys


class TokenValidator:
    """Microsoft's documented checks for a bot's inbound requests, as one call.

    Bot Connector tokens (Teams): issuer https://api.botframework.com, signed RS256 by a key of
    the Bot Framework's OpenID key set that is endorsed for the activity's channel, audience the
    bot's app id, within its validity (5 minutes' skew), and its `serviceurl` claim equal to the
    activity's serviceUrl.

    With a tenant (SingleTenant, UserAssignedMSI), also the Emulator's tokens: Entra ID v1
    (https://sts.windows.net/{tenant}/, `ver` 1.0, `appid`) or v2
    (https://login.microsoftonline.com/{tenant}/v2.0, `ver` 2.0, `azp`), audience and app id
    both the bot's own, signed by a key of the tenant's Entra key set. A token of another app
    (a skill, another bot) is refused: this bot serves no skills.
    """

    def __init__(
        self,
        *,
        app_id: str,
        tenant_id: str | None,
        connector_keys: OpenIdKeys,
        entra_keys: OpenIdKeys | None = None,
        on_close: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        if not app_id:
            raise ValueError("a token validator needs the bot's app id")
        self.app_id = app_id
        self.tenant_id = tenant_id.lower() if tenant_id else None
        self.connector_keys = connector_keys
        self.entra_keys = entra_keys
        self._on_close = on_close
        self._issuers: dict[str, _Issuer] = {
            BOT_FRAMEWORK_ISSUER: _Issuer(TokenSource.BOT_CONNECTOR, connector_keys)
        }
        if self.tenant_id and entra_keys is not None:
            self._issuers[ENTRA_V1_ISSUER.format(tenant=self.tenant_id)] = _Issuer(
                TokenSource.ENTRA_V1, entra_keys
            )
            self._issuers[ENTRA_V2_ISSUER.format(tenant=self.tenant_id)] = _Issuer(
                TokenSource.ENTRA_V2, entra_keys
            )

    @property
    def key_sets(self) -> tuple[OpenIdKeys, ...]:
        return tuple(k for k in (self.connector_keys, self.entra_keys) if k is not None)

    async def keep_fresh(self) -> None:
        """Runs until cancelled: every key set is fetched at start and kept fresh."""
        async with asyncio.TaskGroup() as group:
            for keys in self.key_sets:
                group.create_task(keys.keep_fresh())

    async def close(self) -> None:
        """Stops fetches in flight and closes the HTTP session; call after `keep_fresh` ends."""
        for keys in self.key_sets:
            await keys.stop()
        if self._on_close is not None:
            await self._on_close()

    async def validate(self, auth_header: str, *, channel_id: str, service_url: str) -> Claims:
        """The claims of a valid token for this bot, or `Unauthorized`/`Forbidden`."""
        token = bearer_token(auth_header)
        header, unverified = _unverified(token)
        if header.get("alg") != ALGORITHM:
            raise Unauthorized("algorithm not allowed")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise Unauthorized("no key id")
        issuer_claim = unverified.get("iss")
        if not isinstance(issuer_claim, str) or issuer_claim not in self._issuers:
            raise Unauthorized("issuer not accepted")
        issuer = self._issuers[issuer_claim]
        key = await issuer.keys.key(kid)
        claims = _verified(token, key.public_key, issuer=issuer_claim)
        audience = claims.get("aud")
        if not isinstance(audience, str) or audience.lower() != self.app_id.lower():
            raise Forbidden("audience is not this bot")
        if issuer.source is TokenSource.BOT_CONNECTOR:
            self._check_connector(claims, key, channel_id=channel_id, service_url=service_url)
        else:
            self._check_entra(claims, issuer.source)
        return Claims(dict(claims), issuer.source, audience)

    def _check_connector(
        self, claims: Mapping[str, Any], key: SigningKey, *, channel_id: str, service_url: str
    ) -> None:
        if not channel_id or key.endorsements is None or channel_id not in key.endorsements:
            raise Forbidden("signing key not endorsed for the channel")
        if claims.get("serviceurl") != service_url:
            raise Forbidden("serviceurl claim differs from the activity")

    def _check_entra(self, claims: Mapping[str, Any], source: TokenSource) -> None:
        version, app_claim = ("1.0", "appid") if source is TokenSource.ENTRA_V1 else ("2.0", "azp")
        if claims.get("ver") != version:
            raise Unauthorized("token version does not match its issuer")
        tenant = claims.get("tid")
        if tenant is not None and (not isinstance(tenant, str) or tenant.lower() != self.tenant_id):
            raise Unauthorized("tenant claim does not match the issuer")
        caller = claims.get(app_claim)
        if not isinstance(caller, str) or caller.lower() != self.app_id.lower():
            raise Forbidden("token is another app's (skills are not served)")


def bearer_token(auth_header: str | None) -> str:
    """The token of an `Authorization: Bearer <JWT>` header, or `Unauthorized`."""
    if not auth_header:
        raise Unauthorized("no bearer token")
    scheme, _, token = auth_header.partition(" ")
    if scheme.lower() != "bearer" or not token or " " in token:
        raise Unauthorized("no bearer token")
    if len(token) > MAX_TOKEN_CHARS or token.count(".") != 2:
        raise Unauthorized("not a JWT")
    return token


def _unverified(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and claims before any check: only to pick the key set, never trusted."""
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except (jwt.PyJWTError, RecursionError):  # RecursionError: JSON nested past Python's limit
        raise Unauthorized("not a JWT") from None
    return header, claims


def _verified(token: str, key: RSAPublicKey, *, issuer: str) -> dict[str, Any]:
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            issuer=issuer,
            leeway=CLOCK_SKEW_S,
            options={"require": ["exp", "iss"], "verify_aud": False},
        )
    except jwt.InvalidSignatureError:
        raise Unauthorized("bad signature") from None
    except jwt.ExpiredSignatureError:
        raise Unauthorized("expired") from None
    except jwt.ImmatureSignatureError:
        raise Unauthorized("not yet valid") from None
    except jwt.MissingRequiredClaimError:
        raise Unauthorized("a required claim is missing") from None
    except jwt.PyJWTError:
        raise Unauthorized("invalid token") from None
    return claims


def build_validator(
    *,
    app_id: str,
    tenant_id: str | None,
    connector_openid_url: str = BOT_FRAMEWORK_OPENID_URL,
    entra_openid_url: str | None = None,
    timeout_s: float = 5.0,
    clock: Callable[[], float] = time.monotonic,
) -> TokenValidator:
    """The validator with its key sets sharing one lazily opened HTTP session.

    `entra_openid_url` defaults to the tenant's Entra OpenID document; without a tenant
    (MultiTenant) only Bot Connector tokens are accepted.
    """
    sessions: list[aiohttp.ClientSession] = []

    def session() -> aiohttp.ClientSession:
        # Opened on the first fetch, inside the running loop (aiohttp binds it there).
        if not sessions or sessions[0].closed:
            sessions[:] = [client_session(timeout_s)]
        return sessions[0]

    async def close() -> None:
        for opened in sessions:
            with contextlib.suppress(aiohttp.ClientError):
                await opened.close()
        sessions.clear()

    connector = OpenIdKeys(
        "Bot Connector",
        connector_openid_url,
        session=session,
        timeout_s=timeout_s,
        endorsed=True,
        clock=clock,
    )
    entra = None
    if tenant_id:
        url = entra_openid_url or ENTRA_OPENID_URL.format(tenant=tenant_id.lower())
        entra = OpenIdKeys(
            "Entra ID", url, session=session, timeout_s=timeout_s, endorsed=False, clock=clock
        )
    return TokenValidator(
        app_id=app_id,
        tenant_id=tenant_id,
        connector_keys=connector,
        entra_keys=entra,
        on_close=close,
    )
