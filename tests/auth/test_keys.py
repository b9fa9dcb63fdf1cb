"""The signing keys' cache: one fetch shared, kept for its lifetime, failures remembered.

The provider is a real HTTP server; time is a clock the test moves, so TTLs, the unknown-kid
window and the back-off are exercised without waiting for them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from typing import Any

import pytest

from bot.hosting import auth
from bot.hosting.auth import OpenIdKeys, TokenValidator, Unauthorized
from bot.hosting.http import client_session
from tests.auth.conftest import MonotonicClock, validator_for
from tests.auth.openid import FakeOpenId, Keys, connector_claims, new_key, sign

URL = "https://smba.trafficmanager.net/emea/"


def bearer(keys: Keys, key_name: str = "bf") -> str:
    return "Bearer " + sign(getattr(keys, key_name), connector_claims(URL))


async def check(validator: TokenValidator, header: str) -> None:
    await validator.validate(header, channel_id="msteams", service_url=URL)


def at_once(step: Coroutine[Any, Any, None]) -> None:
    """Runs `step` by hand to its end in one go: an answer that never suspends awaited no
    network, no shared fetch and no lock, which no stopwatch could tell as surely."""
    try:
        step.send(None)
    except StopIteration:
        return
    step.close()
    raise AssertionError("it waited for something instead of answering at once")


@asynccontextmanager
async def silent_provider(openid: FakeOpenId, monotonic: MonotonicClock, timeout_s: float
                          ) -> AsyncIterator[TokenValidator]:
    """A validator whose provider accepts the connection and never answers."""
    openid.silent = True
    validator = validator_for(openid, monotonic, timeout_s=timeout_s)
    try:
        yield validator
    finally:
        await validator.close()


async def test_concurrent_requests_share_one_fetch(keys: Keys, openid: FakeOpenId,
                                                   validator: TokenValidator) -> None:
    await asyncio.gather(*(check(validator, bearer(keys)) for _ in range(25)))
    assert openid.requests == ["/bf/.well-known/openid-configuration", "/bf/keys"]
    await check(validator, bearer(keys))
    assert openid.key_fetches() == 1


async def test_an_unknown_kid_refreshes_at_most_once_per_window(
    keys: Keys, openid: FakeOpenId, validator: TokenValidator, monotonic: MonotonicClock,
) -> None:
    await check(validator, bearer(keys))
    for _ in range(20):  # forged kids right after a fetch buy no fetch at all
        with pytest.raises(Unauthorized, match="signing key unknown"):
            await check(validator, bearer(keys, "attacker"))
    assert openid.key_fetches() == 1
    monotonic.advance(auth.UNKNOWN_KID_INTERVAL_S + 1)
    for _ in range(20):  # ... and after the window, one between them
        with pytest.raises(Unauthorized, match="signing key unknown"):
            await check(validator, bearer(keys, "attacker"))
    assert openid.key_fetches() == 2


async def test_a_new_key_from_microsoft_is_picked_up(
    keys: Keys, openid: FakeOpenId, validator: TokenValidator, monotonic: MonotonicClock,
) -> None:
    await check(validator, bearer(keys))
    rotated = new_key("bf-2")
    openid.publish("bf", keys.bf.jwk(["msteams"]), rotated.jwk(["msteams"]))
    token = "Bearer " + sign(rotated, connector_claims(URL))
    monotonic.advance(auth.UNKNOWN_KID_INTERVAL_S + 1)
    await check(validator, token)
    assert openid.key_fetches() == 2


async def test_a_failed_fetch_is_remembered_with_back_off(
    keys: Keys, openid: FakeOpenId, validator: TokenValidator, monotonic: MonotonicClock,
) -> None:
    openid.status = 500
    with pytest.raises(Unauthorized, match="unavailable"):
        await check(validator, bearer(keys))
    for _ in range(50):  # forged or not, nothing triggers a fetch during the back-off
        with pytest.raises(Unauthorized, match="unavailable"):
            await check(validator, bearer(keys))
    assert len(openid.requests) == 1
    delays = []
    for attempt in range(2, 12):
        due = validator.connector_keys.refresh_due_in()
        delays.append(due)
        monotonic.advance(due)
        with pytest.raises(Unauthorized):
            await check(validator, bearer(keys))
        assert len(openid.requests) == attempt
    assert delays[:5] == [2.0, 4.0, 8.0, 16.0, 32.0]
    assert max(delays) == auth.BACKOFF_MAX_S
    openid.status = 200
    monotonic.advance(validator.connector_keys.refresh_due_in())
    await check(validator, bearer(keys))
    assert validator.connector_keys.refresh_due_in() == pytest.approx(
        auth.DEFAULT_TTL_S * auth.REFRESH_AT)


async def test_cache_control_max_age_is_the_lifetime(
    keys: Keys, openid: FakeOpenId, validator: TokenValidator, monotonic: MonotonicClock,
) -> None:
    openid.cache_control = "public, max-age=3600"
    await check(validator, bearer(keys))
    assert validator.connector_keys.refresh_due_in() == pytest.approx(3600 * auth.REFRESH_AT)
    monotonic.advance(3600 + 1)  # expired: a request still uses them, the refresh is due
    await check(validator, bearer(keys))
    assert openid.key_fetches() == 1
    assert validator.connector_keys.refresh_due_in() == 0


@pytest.mark.parametrize(("header", "ttl"), [
    ("no-store", auth.MIN_TTL_S), ("max-age=0", auth.MIN_TTL_S), (None, auth.DEFAULT_TTL_S),
    ("max-age=99999999", auth.DEFAULT_TTL_S), ("private, max-age=\"600\"", 600.0),
])
async def test_the_lifetime_is_bounded(header: str | None, ttl: float, keys: Keys,
                                       openid: FakeOpenId, validator: TokenValidator) -> None:
    openid.cache_control = header
    await check(validator, bearer(keys))
    assert validator.connector_keys.refresh_due_in() == pytest.approx(ttl * auth.REFRESH_AT)


async def test_stale_keys_serve_while_microsoft_is_down_then_stop(
    keys: Keys, openid: FakeOpenId, validator: TokenValidator, monotonic: MonotonicClock,
) -> None:
    await check(validator, bearer(keys))
    openid.status = 503
    monotonic.advance(auth.DEFAULT_TTL_S + 3600)
    await check(validator, bearer(keys))  # known key, within the grace: no wait, no fetch
    assert openid.key_fetches() == 1
    monotonic.advance(auth.STALE_GRACE_S)
    with pytest.raises(Unauthorized, match="unavailable"):
        await check(validator, bearer(keys))


async def test_a_silent_provider_times_out_and_is_remembered(
    keys: Keys, openid: FakeOpenId, monotonic: MonotonicClock,
) -> None:
    async with silent_provider(openid, monotonic, timeout_s=0.5) as validator:
        waiting = [asyncio.create_task(check(validator, bearer(keys))) for _ in range(10)]
        await openid.wait_for_requests(1)
        assert not any(task.done() for task in waiting)  # they wait for the fetch ...
        # ... which only its timeout ends (the provider never answers); the bound here is a
        # guard against a hang, not a measure.
        results = await asyncio.wait_for(asyncio.gather(*waiting, return_exceptions=True), 30)
        assert all(isinstance(r, Unauthorized) for r in results)
        assert len(openid.requests) == 1  # ten requests, one fetch
        with pytest.raises(Unauthorized, match="unavailable"):
            at_once(check(validator, bearer(keys)))  # the back-off answers at once
        assert len(openid.requests) == 1


async def test_a_caller_that_goes_away_does_not_cancel_the_shared_fetch(
    keys: Keys, openid: FakeOpenId, monotonic: MonotonicClock,
) -> None:
    async with silent_provider(openid, monotonic, timeout_s=0.6) as validator:
        first = asyncio.create_task(check(validator, bearer(keys)))
        second = asyncio.create_task(check(validator, bearer(keys)))
        await openid.wait_for_requests(1)
        first.cancel()
        with pytest.raises(Unauthorized, match="unavailable"):
            await second
        assert len(openid.requests) == 1


async def test_background_refresh_fetches_at_start_and_stops_cleanly(
    keys: Keys, openid: FakeOpenId, validator: TokenValidator,
) -> None:
    task = asyncio.create_task(validator.keep_fresh())
    await openid.wait_for_requests(4)  # both providers: metadata and keys
    assert sorted(openid.requests) == sorted([
        "/bf/.well-known/openid-configuration", "/bf/keys",
        "/entra/.well-known/openid-configuration", "/entra/keys"])
    await check(validator, bearer(keys))  # the background's keys (a fetch still reading: joined)
    at_once(check(validator, bearer(keys)))  # and from then on no fetch to wait for
    assert len(openid.requests) == 4
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


@pytest.mark.parametrize("published", [
    {"kty": "EC", "kid": "bf-1", "crv": "P-256", "x": "AA", "y": "AA"},
    {"kty": "oct", "kid": "bf-1", "k": "c2VjcmV0"},
    {"kty": "RSA", "kid": "bf-1", "n": 5, "e": "AQAB"},
    {"kty": "RSA", "kid": "bf-1", "n": "!!", "e": "AQAB"},
    "not a key",
])
async def test_unusable_published_keys_are_skipped(
    published: object, keys: Keys, openid: FakeOpenId, validator: TokenValidator,
) -> None:
    openid.publish("bf", published, keys.bf_unendorsed.jwk())  # type: ignore[arg-type]
    with pytest.raises(Unauthorized, match="signing key unknown"):
        await check(validator, bearer(keys))


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")  # signing it here
async def test_a_published_key_is_used_only_for_what_it_may_do(
    keys: Keys, openid: FakeOpenId, validator: TokenValidator, monotonic: MonotonicClock,
) -> None:
    """A key published for encryption, for another algorithm or too short never verifies."""
    short = new_key("bf-short", bits=1024)
    openid.publish("bf", keys.bf.jwk(["msteams"], use="enc"), short.jwk(["msteams"]),
                   keys.bf_unendorsed.jwk(alg="RS512"))
    for header in (bearer(keys), "Bearer " + sign(short, connector_claims(URL))):
        with pytest.raises(Unauthorized, match="unavailable"):
            await check(validator, header)


async def test_a_private_key_in_the_set_is_read_as_its_public_half(
    keys: Keys, openid: FakeOpenId, validator: TokenValidator,
) -> None:
    from jwt.algorithms import RSAAlgorithm

    leaked = dict(RSAAlgorithm.to_jwk(keys.bf.private, as_dict=True))
    leaked.update(kid=keys.bf.kid, endorsements=["msteams"])
    openid.publish("bf", leaked)
    await check(validator, bearer(keys))
    key = await validator.connector_keys.key(keys.bf.kid)
    assert not hasattr(key.public_key, "sign")


@pytest.mark.parametrize("metadata", [
    {"jwks_uri": "ftp://example/keys"}, {"jwks_uri": 5}, {}, {"jwks_uri": "/relative"},
    "[" * 5000 + "]" * 5000, "not json", "[1, 2]",
])
async def test_a_broken_metadata_document_is_a_failed_fetch(
    metadata: object, keys: Keys, openid: FakeOpenId, validator: TokenValidator,
) -> None:
    openid.metadata_override = metadata  # type: ignore[assignment]
    with pytest.raises(Unauthorized, match="unavailable"):
        await check(validator, bearer(keys))
    assert validator.connector_keys.refresh_due_in() > 0  # remembered


async def test_a_key_set_too_large_is_refused(keys: Keys, openid: FakeOpenId,
                                              validator: TokenValidator) -> None:
    openid.publish("bf", *([keys.bf.jwk(["msteams"], padding="x" * 4096)] * 300))
    with pytest.raises(Unauthorized, match="unavailable"):
        await check(validator, bearer(keys))


async def test_an_https_provider_needs_https_keys(openid: FakeOpenId) -> None:
    """jwks_uri may be http only when the metadata itself was (a local test provider)."""
    async with client_session(1.0) as session:
        keys = OpenIdKeys("x", "https://login.example/openid", session=lambda: session,
                          timeout_s=1.0, endorsed=True)
        from bot.hosting.auth import _jwks_url
        from bot.hosting.http import FetchError

        with pytest.raises(FetchError):
            _jwks_url({"jwks_uri": f"{openid.base}/bf/keys"}, keys.metadata_url)
        assert _jwks_url({"jwks_uri": "https://login.example/keys"}, keys.metadata_url)


async def test_closing_stops_a_fetch_still_hanging(keys: Keys, openid: FakeOpenId,
                                                   monotonic: MonotonicClock) -> None:
    async with silent_provider(openid, monotonic, timeout_s=3600.0) as validator:
        pending = asyncio.create_task(check(validator, bearer(keys)))
        await openid.wait_for_requests(1)
        # Closing ends what only an hour could: a close that waited for the fetch would hang
        # here (the bound guards against that; it measures nothing).
        await asyncio.wait_for(validator.close(), 30)
        with pytest.raises(asyncio.CancelledError):
            await pending
