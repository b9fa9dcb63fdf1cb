"""A local OpenID provider with published test keys, and validators pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.hosting.auth import TokenValidator, build_validator
from tests.auth.openid import TENANT, FakeOpenId, Keys, make_keys


class MonotonicClock:
    """Monotonic seconds the test moves by hand: TTLs, back-off and refresh windows."""

    def __init__(self) -> None:
        self.value = 10_000.0

    def __call__(self) -> float:
        return self.value

    def advance(self, seconds: float) -> None:
        self.value += seconds


@pytest.fixture(scope="session")
def keys() -> Keys:
    return make_keys()


def publish_defaults(openid: FakeOpenId, keys: Keys) -> None:
    """Microsoft's key sets as the tests assume them: one endorsed Bot Connector key for Teams,
    one Bot Connector key without endorsements, one Entra key."""
    openid.publish("bf", keys.bf.jwk(["msteams", "emulator"]), keys.bf_unendorsed.jwk())
    openid.publish("entra", keys.entra.jwk())


@pytest.fixture
async def openid(keys: Keys) -> AsyncIterator[FakeOpenId]:
    server = FakeOpenId()
    publish_defaults(server, keys)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
def monotonic() -> MonotonicClock:
    return MonotonicClock()


def validator_for(openid: FakeOpenId, clock: MonotonicClock, *, tenant: str | None = TENANT,
                  timeout_s: float = 1.0) -> TokenValidator:
    from tests.auth.openid import APP_ID

    return build_validator(
        app_id=APP_ID,
        tenant_id=tenant,
        connector_openid_url=openid.metadata_url("bf"),
        entra_openid_url=openid.metadata_url("entra"),
        timeout_s=timeout_s,
        clock=clock,
    )


@pytest.fixture
async def validator(openid: FakeOpenId, monotonic: MonotonicClock
                    ) -> AsyncIterator[TokenValidator]:
    built = validator_for(openid, monotonic)
    try:
        yield built
    finally:
        await built.close()
