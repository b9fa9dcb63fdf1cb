"""Outbound HTTP as a school network has it: a proxy from the environment, its own CA bundle."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.hosting.http import (
    FetchError,
    HttpConfigError,
    build_ssl_context,
    client_session,
    get_json,
    max_age,
)
from tests.connector import started_port
from tests.graph.fake_graph import self_signed_certificate


class Proxy:
    """A forward proxy that answers every request itself and records what it was asked."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.port = 0
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        self.port = await started_port(site)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        self.seen.append(str(request.url))
        return web.json_response({"via": "proxy"})


@pytest.fixture
async def proxy() -> AsyncIterator[Proxy]:
    server = Proxy()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


async def test_requests_go_through_the_proxy_from_the_environment(
    proxy: Proxy, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.port}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    async with client_session(2.0) as session:
        fetched = await get_json(session, "http://login.school-proxy.test/openid")
    assert fetched.body == {"via": "proxy"}
    assert proxy.seen == ["http://login.school-proxy.test/openid"]


async def test_no_proxy_is_honoured(proxy: Proxy, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.port}")
    monkeypatch.setenv("NO_PROXY", "school-proxy.test")
    async with client_session(2.0) as session:
        with pytest.raises(FetchError):  # straight to a name that does not resolve
            await get_json(session, "http://login.school-proxy.test/openid")
    assert proxy.seen == []


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
async def https_server(certificate: tuple[Path, Path]) -> AsyncIterator[str]:
    """An OpenID document over HTTPS with a certificate only the school's bundle trusts."""
    app = web.Application()

    async def document(request: web.Request) -> web.Response:
        return web.json_response({"jwks_uri": "https://127.0.0.1/keys"})

    app.router.add_get("/openid", document)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=context)
    port = await started_port(site)
    try:
        yield f"https://127.0.0.1:{port}/openid"
    finally:
        await runner.cleanup()


@pytest.mark.parametrize("variable", ["SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"])
async def test_a_custom_ca_bundle_is_trusted(variable: str, certificate: tuple[Path, Path],
                                             https_server: str) -> None:
    context = build_ssl_context({variable: str(certificate[0])})
    async with client_session(2.0, context=context) as session:
        fetched = await get_json(session, https_server)
    assert fetched.body["jwks_uri"] == "https://127.0.0.1/keys"


async def test_without_the_bundle_the_certificate_is_refused(https_server: str) -> None:
    async with client_session(2.0, context=build_ssl_context({})) as session:
        with pytest.raises(FetchError, match=r"Certificate|SSL"):
            await get_json(session, https_server)


def test_a_bundle_that_cannot_be_read_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(HttpConfigError, match="REQUESTS_CA_BUNDLE"):
        build_ssl_context({"REQUESTS_CA_BUNDLE": str(tmp_path / "missing.pem")})
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate", encoding="utf-8")
    with pytest.raises(HttpConfigError, match="SSL_CERT_FILE"):
        build_ssl_context({"SSL_CERT_FILE": str(garbage)})


@pytest.mark.parametrize(("header", "seconds"), [
    (None, None), ("", None), ("public", None), ("max-age=600", 600.0),
    ("public, max-age=86400, must-revalidate", 86400.0), ("no-store", 0.0),
    ("no-cache, max-age=600", 0.0), ("max-age=abc", None), ("s-maxage=5", None),
])
def test_max_age(header: str | None, seconds: float | None) -> None:
    assert max_age(header) == seconds
