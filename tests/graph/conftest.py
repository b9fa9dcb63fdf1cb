"""A Graph of our own for every test, and the real client and credential pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.graph.client import GraphConnection, GraphSettings, build_graph
from tests.graph.fake_graph import APP_ID, SECRET, TENANT, FakeGraph, self_signed_certificate


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
async def graph(certificate: tuple[Path, Path]) -> AsyncIterator[FakeGraph]:
    server = FakeGraph(*certificate)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def settings_for(
    graph: FakeGraph, *, timeout_s: float = 1.0, secret: str = SECRET
) -> GraphSettings:
    return GraphSettings(
        app_id=APP_ID,
        app_type="SingleTenant",
        tenant_id=TENANT,
        app_password=secret,
        base_url=graph.base_url,
        authority=graph.authority,
        timeout_s=timeout_s,
    )


@pytest.fixture
async def connection(graph: FakeGraph) -> AsyncIterator[GraphConnection]:
    """The production builder; only the CA bundle differs, to trust the local HTTPS login."""
    built = build_graph(settings_for(graph), connection_verify=str(graph.cert_path))
    try:
        yield built
    finally:
        await built.close()


class TickingClock:
    """Monotonic seconds the test moves by hand, for the cache's TTL."""

    def __init__(self) -> None:
        self.value = 1000.0

    def __call__(self) -> float:
        return self.value

    def advance(self, seconds: float) -> None:
        self.value += seconds


@pytest.fixture
def ticking() -> TickingClock:
    return TickingClock()
