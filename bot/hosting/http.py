"""Outbound HTTPS as a school network needs it: its proxy, its CA bundle, short timeouts.

Schools often reach the internet only through a proxy (`HTTPS_PROXY`, `NO_PROXY`), and some
proxies inspect TLS with the school's own CA, which the operator hands over as a PEM bundle in
`SSL_CERT_FILE` or `REQUESTS_CA_BUNDLE` (the variable `requests`, and so botbuilder's
connector, reads). The SSL context is built once, from the system's CAs plus those bundles,
and every session built here uses it with `trust_env=True`.
"""

from __future__ import annotations

import functools
import json
import os
import re
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp

CA_BUNDLE_VARIABLES = ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE")
MAX_JSON_BYTES = 1024 * 1024
"""An OpenID document or key set is a few kB; more than this is not one."""

_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?(\d{1,10})\"?\s*(?:,|$)", re.IGNORECASE)


class HttpConfigError(Exception):
    """A CA bundle that cannot be read: the operator's mistake, reported at start."""


class FetchError(Exception):
    """A document could not be fetched or is not what was asked for (the reason is ours)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def build_ssl_context(env: Mapping[str, str]) -> ssl.SSLContext:
    """The system's trusted CAs, plus each bundle named in `SSL_CERT_FILE`/`REQUESTS_CA_BUNDLE`.

    Adding rather than replacing means a bundle holding only the proxy's CA still works.
    """
    context = ssl.create_default_context()
    for variable in CA_BUNDLE_VARIABLES:
        path = env.get(variable, "").strip()
        if not path:
            continue
        try:
            context.load_verify_locations(cafile=path)
        except (OSError, ssl.SSLError) as error:
            raise HttpConfigError(
                f"{variable}={path} kan ikke leses som en PEM-fil med sertifikater: {error}."
            ) from None
    return context


@functools.cache
def ssl_context() -> ssl.SSLContext:
    """Built once per process: loading a CA bundle costs ~20 ms."""
    return build_ssl_context(os.environ)


def client_session(
    timeout: float | aiohttp.ClientTimeout,
    *,
    context: ssl.SSLContext | None = None,
    base_url: str | None = None,
    middlewares: Sequence[aiohttp.ClientMiddlewareType] = (),
) -> aiohttp.ClientSession:
    """A session that honours HTTPS_PROXY/NO_PROXY and the school's CAs. Call it in a loop.

    A number is the whole request's limit (and the connect's); a `ClientTimeout` says more.
    """
    if not isinstance(timeout, aiohttp.ClientTimeout):
        timeout = aiohttp.ClientTimeout(total=timeout, connect=timeout)
    return aiohttp.ClientSession(
        base_url=base_url,
        connector=aiohttp.TCPConnector(ssl=context or ssl_context()),
        timeout=timeout,
        trust_env=True,
        raise_for_status=False,
        middlewares=middlewares,
    )


def max_age(cache_control: str | None) -> float | None:
    """Seconds from `Cache-Control: max-age=N`; 0 for `no-store`/`no-cache`; None if absent."""
    if not cache_control:
        return None
    lowered = cache_control.lower()
    if "no-store" in lowered or "no-cache" in lowered:
        return 0.0
    found = _MAX_AGE.search(cache_control)
    return float(found.group(1)) if found else None


@dataclass(frozen=True)
class FetchedJson:
    body: dict[str, Any]
    max_age: float | None


async def get_json(
    session: aiohttp.ClientSession, url: str, *, max_bytes: int = MAX_JSON_BYTES
) -> FetchedJson:
    """GET a JSON object. Every expected failure is a FetchError; the caller decides the rest."""
    try:
        async with session.get(
            url, allow_redirects=False, headers={"Accept": "application/json"}
        ) as response:
            if response.status != 200:
                raise FetchError(f"HTTP {response.status}")
            if response.content_length is not None and response.content_length > max_bytes:
                raise FetchError("document too large")
            body = bytearray()
            async for chunk in response.content.iter_chunked(64 * 1024):
                body.extend(chunk)
                if len(body) > max_bytes:
                    raise FetchError("document too large")
            cache_control = response.headers.get("Cache-Control")
    except aiohttp.ClientError as error:
        raise FetchError(type(error).__name__) from None
    except TimeoutError:
        raise FetchError("timeout") from None
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than Python parses
        raise FetchError("not JSON") from None
    if not isinstance(document, dict):
        raise FetchError("not a JSON object")
    return FetchedJson(document, max_age(cache_control))
