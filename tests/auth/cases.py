"""Every token case of issue 9, each with the answer it must get: 401, 403, or accepted.

A case builds an `Authorization` header (and, where it matters, the activity's channel) for a
request to `service_url`. The same table drives the validator tests and the HTTP tests.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass

import jwt

from tests.auth.openid import (
    APP_ID,
    DROP,
    OTHER_APP,
    OTHER_TENANT,
    Keys,
    connector_claims,
    entra_claims,
    hand_made,
    sign,
)

ACCEPTED = 0


@dataclass(frozen=True)
class Case:
    name: str
    header: Callable[[Keys, str], str | None]
    expected: int
    """401, 403, or ACCEPTED."""
    channel: str = "msteams"


def _bearer(token: str) -> str:
    return f"Bearer {token}"


def _connector(keys: Keys, url: str, **claims: object) -> str:
    return _bearer(sign(keys.bf, connector_claims(url, **claims)))


def _entra(keys: Keys, version: str, **claims: object) -> str:
    return _bearer(sign(keys.entra, entra_claims(version, **claims)))


def _tampered(keys: Keys, url: str) -> str:
    head, _, signature = sign(keys.bf, connector_claims(url)).split(".")
    forged = jwt.utils.base64url_encode(
        json.dumps(connector_claims("https://evil.example/")).encode()).decode()
    return _bearer(f"{head}.{forged}.{signature}")


def _bad_signature(keys: Keys, url: str) -> str:
    token = sign(keys.bf, connector_claims(url))
    head, body, signature = token.split(".")
    flipped = ("A" if signature[5] != "A" else "B")
    return _bearer(f"{head}.{body}.{signature[:5]}{flipped}{signature[6:]}")


def _nested(keys: Keys, url: str) -> str:
    depth = 3000
    return _bearer(hand_made({"alg": "RS256", "kid": keys.bf.kid},
                             "[" * depth + "]" * depth, b"x"))


def _es256(keys: Keys, url: str) -> str:
    return _bearer(jwt.encode(connector_claims(url), keys.ec, algorithm="ES256",
                              headers={"kid": keys.bf.kid}))


def _hs(secret: bytes, digest: object, alg: str) -> Callable[[Keys, str], str]:
    def build(keys: Keys, url: str) -> str:
        return _bearer(hand_made({"alg": alg, "typ": "JWT", "kid": keys.bf.kid},
                                 connector_claims(url), hmac_secret=secret, hmac_hash=digest))
    return build


def _hs_public(alg: str, digest: object) -> Callable[[Keys, str], str]:
    """The classic confusion attack: the published RSA key as the HMAC secret."""
    def build(keys: Keys, url: str) -> str:
        return _hs(keys.bf.public_pem(), digest, alg)(keys, url)
    return build


def _hs_jwk(keys: Keys, url: str) -> str:
    return _hs(json.dumps(keys.bf.jwk()).encode(), hashlib.sha512, "HS512")(keys, url)


def _at(**offsets: int) -> dict[str, int]:
    base = int(time.time())
    return {claim: base + offset for claim, offset in offsets.items()}


CASES: list[Case] = [
    # --- no token, or not a token -------------------------------------------------------
    Case("no header", lambda k, u: None, 401),
    Case("empty header", lambda k, u: "", 401),
    Case("basic scheme", lambda k, u: "Basic YWJjOmRlZg==", 401),
    Case("bearer without token", lambda k, u: "Bearer", 401),
    Case("bearer with two tokens", lambda k, u: "Bearer a.b.c d.e.f", 401),
    Case("not a JWT", lambda k, u: "Bearer not-a-jwt", 401),
    Case("three garbage segments", lambda k, u: "Bearer a.b.c", 401),
    Case("JWE-shaped (five segments)", lambda k, u: "Bearer a.b.c.d.e", 401),
    Case("header not JSON", lambda k, u: "Bearer eyJub3Q.e30.c2ln", 401),
    Case("claims nested past Python's limit", _nested, 401),
    Case("oversized token", lambda k, u: "Bearer " + "a" * 20_000 + ".b.c", 401),
    # --- algorithms -----------------------------------------------------------------------
    Case("alg none", lambda k, u: _bearer(hand_made({"alg": "none", "kid": k.bf.kid},
                                                     connector_claims(u))), 401),
    Case("alg None (capitalised)", lambda k, u: _bearer(
        hand_made({"alg": "None", "kid": k.bf.kid}, connector_claims(u))), 401),
    Case("HS256 with any secret", _hs(b"secret", hashlib.sha256, "HS256"), 401),
    Case("HS256 with the public key as secret", _hs_public("HS256", hashlib.sha256), 401),
    Case("HS512 with the public key as secret", _hs_public("HS512", hashlib.sha512), 401),
    Case("HS512 with the JWK as secret", _hs_jwk, 401),
    Case("ES256 with a published kid", _es256, 401),
    Case("RS512 by a published key", lambda k, u: _bearer(
        sign(k.bf, connector_claims(u), alg="RS512")), 401),
    Case("PS256 by a published key", lambda k, u: _bearer(
        sign(k.bf, connector_claims(u), alg="PS256")), 401),
    # --- keys -----------------------------------------------------------------------------
    Case("missing kid", lambda k, u: _bearer(sign(k.bf, connector_claims(u), kid=None)), 401),
    Case("empty kid", lambda k, u: _bearer(hand_made({"alg": "RS256", "kid": ""},
                                                      connector_claims(u), b"x")), 401),
    Case("kid not a string", lambda k, u: _bearer(hand_made({"alg": "RS256", "kid": 7},
                                                             connector_claims(u), b"x")), 401),
    Case("unknown kid", lambda k, u: _bearer(sign(k.attacker, connector_claims(u))), 401),
    Case("a key not in the published set, with a published kid", lambda k, u: _bearer(
        sign(k.attacker, connector_claims(u), kid=k.bf.kid)), 401),
    Case("a key of its own named in jku", lambda k, u: _bearer(
        sign(k.attacker, connector_claims(u), jku="https://evil.example/keys")), 401),
    Case("bad signature", _bad_signature, 401),
    Case("claims changed after signing", _tampered, 401),
    Case("Bot Connector issuer, Entra's key", lambda k, u: _bearer(
        sign(k.entra, connector_claims(u))), 401),
    # --- validity -------------------------------------------------------------------------
    Case("expired", lambda k, u: _connector(k, u, **_at(exp=-400, nbf=-4000)), 401),
    Case("expired within the 5 minutes' skew", lambda k, u: _connector(
        k, u, **_at(exp=-60, nbf=-4000)), ACCEPTED),
    Case("not yet valid", lambda k, u: _connector(k, u, **_at(nbf=600)), 401),
    Case("issued in the future", lambda k, u: _connector(k, u, **_at(iat=600)), 401),
    Case("no exp", lambda k, u: _connector(k, u, exp=DROP), 401),
    Case("exp not a number", lambda k, u: _connector(k, u, exp="tomorrow"), 401),
    Case("exp too large for an int", lambda k, u: _connector(k, u, exp=float("inf")), 401),
    Case("nbf a list", lambda k, u: _connector(k, u, nbf=[1]), 401),
    # --- audience -------------------------------------------------------------------------
    Case("wrong audience", lambda k, u: _connector(k, u, aud=OTHER_APP), 403),
    Case("missing audience", lambda k, u: _connector(k, u, aud=DROP), 403),
    Case("audience a list", lambda k, u: _connector(k, u, aud=[APP_ID]), 403),
    Case("audience the Bot Framework", lambda k, u: _connector(
        k, u, aud="https://api.botframework.com"), 403),
    # --- issuer ---------------------------------------------------------------------------
    Case("wrong issuer", lambda k, u: _connector(k, u, iss="https://api.botframework.com.evil"),
         401),
    Case("missing issuer", lambda k, u: _connector(k, u, iss=DROP), 401),
    Case("issuer a list", lambda k, u: _connector(k, u, iss=["https://api.botframework.com"]),
         401),
    Case("the Emulator's multi-tenant issuer", lambda k, u: _entra(
        k, "1.0", iss="https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/"), 401),
    # --- serviceUrl and channel ----------------------------------------------------------
    Case("serviceurl differs from the activity's", lambda k, u: _connector(
        k, u, serviceurl="https://smba.trafficmanager.net/evil/"), 403),
    Case("serviceurl missing", lambda k, u: _connector(k, u, serviceurl=DROP), 403),
    Case("channel the key is not endorsed for", lambda k, u: _connector(k, u), 403,
         channel="webchat"),
    Case("key without endorsements", lambda k, u: _bearer(
        sign(k.bf_unendorsed, connector_claims(u))), 403),
    # --- Entra ID (the Emulator, SingleTenant) ---------------------------------------------
    Case("Entra v1 for the tenant", lambda k, u: _entra(k, "1.0"), ACCEPTED),
    Case("Entra v2 for the tenant", lambda k, u: _entra(k, "2.0"), ACCEPTED),
    Case("Entra v1 of another tenant", lambda k, u: _entra(
        k, "1.0", iss=f"https://sts.windows.net/{OTHER_TENANT}/", tid=OTHER_TENANT), 401),
    Case("Entra v2 of another tenant", lambda k, u: _entra(
        k, "2.0", iss=f"https://login.microsoftonline.com/{OTHER_TENANT}/v2.0",
        tid=OTHER_TENANT), 401),
    Case("Entra v1 issuer, version 2.0", lambda k, u: _entra(k, "1.0", ver="2.0"), 401),
    Case("Entra v2 issuer, no version", lambda k, u: _entra(k, "2.0", ver=DROP), 401),
    Case("Entra tid of another tenant", lambda k, u: _entra(k, "2.0", tid=OTHER_TENANT), 401),
    Case("Entra v1 without appid", lambda k, u: _entra(k, "1.0", appid=DROP), 403),
    Case("Entra v2 of another app (a skill)", lambda k, u: _entra(k, "2.0", azp=OTHER_APP), 403),
    Case("Entra v1 of another app (a skill)", lambda k, u: _entra(k, "1.0", appid=OTHER_APP),
         403),
    Case("Entra token for another bot", lambda k, u: _entra(k, "2.0", aud=OTHER_APP), 403),
    Case("Entra issuer, the Bot Connector's key", lambda k, u: _bearer(
        sign(k.bf, entra_claims("2.0"))), 401),
    Case("Entra v2 expired", lambda k, u: _entra(k, "2.0", **_at(exp=-400, nbf=-4000)), 401),
    # --- the real thing -------------------------------------------------------------------
    Case("valid Bot Connector token", lambda k, u: _connector(k, u), ACCEPTED),
    Case("valid, scheme in lower case", lambda k, u: "bearer " + sign(
        k.bf, connector_claims(u)), ACCEPTED),
    Case("valid, emulator channel (endorsed)", lambda k, u: _connector(k, u), ACCEPTED,
         channel="emulator"),
]
