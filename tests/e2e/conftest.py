"""Fixtures for the e2e tests: prerequisites, the bot, the Playground, headless Chromium.

Without Chromium, Node, the installed Playground or Playwright the tests skip and the run says
why at its end. With E2E_REQUIRED=1 (CI sets it) a missing prerequisite fails them instead.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import AsyncIterator, Generator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.e2e.harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    EXTERNAL_URL,
    PLAYGROUND_CLI,
    PLAYGROUND_CONFIG,
    REPO_ROOT,
    UI_TIMEOUT_MS,
    VIEWPORT,
    Service,
    bot_and_playground,
    bot_and_playgrounds,
)

if TYPE_CHECKING:
    from playwright.async_api import Page

ARTIFACTS = REPO_ROOT / "test-artifacts" / "e2e"
_HOW_TO = (
    "To run them: `apt-get install chromium` (Debian), `npm ci` in the repository root, and "
    "`pip install playwright` into the venv (never `playwright install`)."
)


def missing_prerequisites() -> list[str]:
    """What the e2e tests need and this machine lacks, in plain words."""
    missing: list[str] = []
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        missing.append(f"Chromium is not installed at {CHROMIUM}")
    if shutil.which("node") is None:
        missing.append("Node.js (`node`) is not on PATH")
    if not PLAYGROUND_CLI.exists():
        cli = PLAYGROUND_CLI.relative_to(REPO_ROOT)
        missing.append(f"the Agents Playground is not installed ({cli} is missing; `npm ci`)")
    if importlib.util.find_spec("playwright") is None:
        missing.append("the Python package `playwright` is not installed")
    if not PLAYGROUND_CONFIG.exists():
        missing.append(f"{PLAYGROUND_CONFIG.relative_to(REPO_ROOT)} is missing")
    return missing


def e2e_required() -> bool:
    return os.environ.get("E2E_REQUIRED", "") not in ("", "0")


@pytest.fixture(scope="session")
def node() -> str:
    """Skip (or, with E2E_REQUIRED=1, fail) unless every prerequisite is here; the node binary."""
    missing = missing_prerequisites()
    if missing:
        reason = "e2e prerequisites missing: " + "; ".join(missing)
        if e2e_required():
            pytest.fail(f"{reason} (E2E_REQUIRED=1, so this is a failure). {_HOW_TO}",
                        pytrace=False)
        pytest.skip(reason)
    found = shutil.which("node")
    assert found is not None
    return found


@pytest.fixture
def artifacts(sdk: str) -> Path:
    """test-artifacts/e2e/<host>/: each run overwrites the screenshots and logs of the last.

    Not emptied, so that two runs in one working tree at once cannot pull it from under each
    other; only an old failure's screenshot is removed, lest it be taken for this run's.
    """
    folder = ARTIFACTS / sdk
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("FAILED-*.png"):
        old.unlink(missing_ok=True)
    return folder


@pytest.fixture
def playground(node: str, tmp_path: Path, artifacts: Path, sdk: str) -> Iterator[Service]:
    """The Playground in front of a fresh `python -m bot` on each host (the `sdk` fixture);
    both logs kept as artefacts."""
    try:
        with bot_and_playground(node, tmp_path, sdk) as (_, playground):
            yield playground
    finally:
        for log in ("bot.log", "playground.log"):
            if (tmp_path / log).exists():
                shutil.copy(tmp_path / log, artifacts / log)


@pytest.fixture
async def page(playground: Service, artifacts: Path, request: pytest.FixtureRequest
               ) -> AsyncIterator[Page]:
    """The Playground's web UI in headless Chromium, on a failure screenshotted as it was."""
    async with _pages({"lærer": playground}, artifacts, request) as tabs:
        yield tabs["lærer"]


@pytest.fixture
def playgrounds(node: str, tmp_path: Path, artifacts: Path, sdk: str
                ) -> Iterator[dict[str, Service]]:
    """One bot, a Playground as Lærer Lise and one as Avdelingsleder Berit (`make dev` and
    `make dev ROLE=leder`); every log kept as an artefact."""
    try:
        with bot_and_playgrounds(node, tmp_path, sdk, ("lærer", "leder")) as (_, found):
            yield found
    finally:
        for log in tmp_path.glob("*.log"):
            shutil.copy(log, artifacts / log.name)


@pytest.fixture
async def pages(playgrounds: dict[str, Service], artifacts: Path,
                request: pytest.FixtureRequest) -> AsyncIterator[dict[str, Page]]:
    """A tab on each Playground, by role."""
    async with _pages(playgrounds, artifacts, request) as tabs:
        yield tabs


@asynccontextmanager
async def _pages(playgrounds: dict[str, Service], artifacts: Path,
                 request: pytest.FixtureRequest) -> AsyncIterator[dict[str, Page]]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            context = await browser.new_context(
                viewport=VIEWPORT, locale="nb-NO", timezone_id="Europe/Oslo")
            await context.route(EXTERNAL_URL, lambda route: route.abort())
            tabs: dict[str, Page] = {}
            for role, service in playgrounds.items():
                tab = await context.new_page()
                tab.set_default_timeout(UI_TIMEOUT_MS)
                await tab.goto(service.url)
                tabs[role] = tab
            yield tabs
            report = getattr(request.node, "rep_call", None)
            if report is not None and report.failed:
                for role, tab in tabs.items():
                    suffix = "" if len(tabs) == 1 else f"-{role}"
                    await tab.screenshot(
                        path=artifacts / f"FAILED-{request.node.name}{suffix}.png")
        finally:
            await browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]
                              ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Let fixtures see whether the test itself failed (for the failure screenshot)."""
    report = yield
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]
    return report


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say plainly at the end of the run that the e2e tests were skipped, and why."""
    skipped = [r for r in terminalreporter.stats.get("skipped", [])
               if r.nodeid.startswith("tests/e2e/")]
    if not skipped:
        return
    reasons = sorted({_skip_reason(r) for r in skipped})
    terminalreporter.section("e2e tests skipped", sep="-", yellow=True)
    terminalreporter.line(
        f"{len(skipped)} e2e test(s) (the bot in the Agents Playground in Chromium) were "
        "SKIPPED, not run:")
    for reason in reasons:
        terminalreporter.line(f"  {reason}")
    terminalreporter.line(_HOW_TO)


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)
