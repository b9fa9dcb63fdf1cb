"""TokenValidator against a real local OpenID provider: every case 401, 403 or accepted."""

from __future__ import annotations

import pytest

from bot.hosting.auth import Forbidden, TokenSource, TokenValidator, Unauthorized
from tests.auth.cases import ACCEPTED, CASES, Case
from tests.auth.conftest import MonotonicClock, validator_for
from tests.auth.openid import APP_ID, TENANT, FakeOpenId, Keys, connector_claims, sign

SERVICE_URL = "https://smba.trafficmanager.net/emea/"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_every_token_case(case: Case, keys: Keys, validator: TokenValidator) -> None:
    header = case.header(keys, SERVICE_URL)
    if case.expected == ACCEPTED:
        claims = await validator.validate(header or "", channel_id=case.channel,
                                          service_url=SERVICE_URL)
        assert claims.app_id == APP_ID
        return
    expected = Forbidden if case.expected == 403 else Unauthorized
    with pytest.raises(expected) as refused:
        await validator.validate(header or "", channel_id=case.channel, service_url=SERVICE_URL)
    assert type(refused.value) is expected, refused.value.reason
    assert refused.value.status == case.expected


async def test_the_claims_say_where_the_token_came_from(keys: Keys,
                                                        validator: TokenValidator) -> None:
    token = sign(keys.bf, connector_claims(SERVICE_URL))
    claims = await validator.validate(f"Bearer {token}", channel_id="msteams",
                                      service_url=SERVICE_URL)
    assert claims.source is TokenSource.BOT_CONNECTOR
    assert claims.values["serviceurl"] == SERVICE_URL


async def test_multitenant_accepts_no_entra_tokens(
    keys: Keys, openid: FakeOpenId, monotonic: MonotonicClock,
) -> None:
    """Without a tenant there is no Entra ID path at all: the Emulator uses local mode."""
    from tests.auth.cases import _entra

    validator = validator_for(openid, monotonic, tenant=None)
    try:
        assert validator.entra_keys is None
        for version in ("1.0", "2.0"):
            with pytest.raises(Unauthorized, match="issuer not accepted"):
                await validator.validate(_entra(keys, version), channel_id="msteams",
                                         service_url=SERVICE_URL)
        token = sign(keys.bf, connector_claims(SERVICE_URL))
        await validator.validate(f"Bearer {token}", channel_id="msteams",
                                 service_url=SERVICE_URL)
    finally:
        await validator.close()
    assert not any(path.startswith("/entra") for path in openid.requests)


async def test_an_upper_case_tenant_in_the_settings_still_matches(
    keys: Keys, openid: FakeOpenId, monotonic: MonotonicClock,
) -> None:
    from tests.auth.cases import _entra

    validator = validator_for(openid, monotonic, tenant=TENANT.upper())
    try:
        claims = await validator.validate(_entra(keys, "2.0"), channel_id="msteams",
                                          service_url=SERVICE_URL)
        assert claims.source is TokenSource.ENTRA_V2
    finally:
        await validator.close()


async def test_refusals_never_carry_token_content(keys: Keys,
                                                  validator: TokenValidator) -> None:
    """The reason is logged: it is ours, never a claim or the token."""
    reasons: list[tuple[str, str]] = []
    for case in CASES:
        header = case.header(keys, SERVICE_URL) or ""
        try:
            await validator.validate(header, channel_id=case.channel, service_url=SERVICE_URL)
        except (Unauthorized, Forbidden) as refusal:
            reasons.append((header, refusal.reason))
    assert len(reasons) == len([c for c in CASES if c.expected != ACCEPTED])
    for header, reason in reasons:
        assert len(reason) < 60 and (not header[7:40] or header[7:40] not in reason)
        assert "evil" not in reason and SERVICE_URL not in reason and "{" not in reason
