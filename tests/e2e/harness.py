"""What the e2e tests run: `python -m bot`, the Agents Playground, and headless Chromium.

The two processes each run in a session (process group) of their own and are stopped by
killing that group, so nothing is left holding a port, whether the test passed or failed.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from playground.roles import as_role
from tests.schools import TEST_SCHOOL_CONFIG

if TYPE_CHECKING:
    from playwright.async_api import ViewportSize

REPO_ROOT = Path(__file__).resolve().parents[2]
PLAYGROUND_CONFIG = REPO_ROOT / "playground" / ".m365agentsplayground.yml"
PLAYGROUND_CLI = REPO_ROOT / "node_modules" / ".bin" / "agentsplayground"

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
# Tall enough that the whole report form fits on one screenshot.
VIEWPORT: ViewportSize = {"width": 1280, "height": 2400}
UI_TIMEOUT_MS = 20_000
# Everything but the Playground itself (its UI asks a CDN for fonts): aborted, so a run is the
# same offline and online.
EXTERNAL_URL = re.compile(r"^(?!https?://(127\.0\.0\.1|localhost)[:/])")

STARTUP_TIMEOUT = 60.0
POLL_INTERVAL = 0.1
_LISTENING = re.compile(rb"Listening on (\d+)")


@dataclass(frozen=True)
class Service:
    """A started process: where it answers and where its output goes."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def log_tail(log: Path, lines: int = 40) -> str:
    try:
        text = log.read_text(errors="replace")
    except OSError:
        return f"(no log at {log})"
    return "\n".join(text.splitlines()[-lines:])


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _wait_until(ready: Callable[[], bool], process: subprocess.Popen[bytes], log: Path,
                what: str) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if ready():
            return
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}:\n{log_tail(log)}")
        time.sleep(POLL_INTERVAL)
    raise RuntimeError(f"{what} was not ready in {STARTUP_TIMEOUT:.0f} s:\n{log_tail(log)}")


def _exited_unreaped(pid: int) -> bool:
    """Whether `pid` has exited, leaving it a zombie so its id (and group id) stay ours."""
    return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None


def stop_group(process: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    """SIGTERM the process's group, then SIGKILL what is left of it, then reap the leader.

    The leader is reaped last: until then its pid, which is also the group's id, cannot be
    reused, so the signals reach only what this test started.
    """
    if process.returncode is not None:
        return
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while not _exited_unreaped(process.pid) and time.monotonic() < deadline:
        time.sleep(POLL_INTERVAL)
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # a leader that ignored SIGTERM, or its children
    process.wait(timeout)


@contextmanager
def _started(args: list[str], *, cwd: Path, env: Mapping[str, str], log: Path
             ) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as output:
        process = subprocess.Popen(args, cwd=cwd, env=dict(env), stdout=output,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        try:
            yield process
        finally:
            stop_group(process)


@contextmanager
def bot_and_playground(node: str, workdir: Path, sdk: str = "botbuilder"
                       ) -> Iterator[tuple[Service, Service]]:
    """`python -m bot` on `sdk` (`BOT_SDK`) and the Agents Playground in front of it.

    The bot runs in local mode (no Microsoft credentials, so no token is asked for) on a fresh
    SQLite database; the Playground's mock user is «Lærer Lise» (playground/ config). Both
    logs land in `workdir`.
    """
    with bot_and_playgrounds(node, workdir, sdk, ("lærer",)) as (bot, playgrounds):
        yield bot, playgrounds["lærer"]


@contextmanager
def bot_and_playgrounds(node: str, workdir: Path, sdk: str, roles: tuple[str, ...]
                        ) -> Iterator[tuple[Service, dict[str, Service]]]:
    """One bot and a Playground per role in front of it (`make dev ROLE=…`, playground/
    roles.py): the leader's Playground gets the alert the teacher's report sends. The first
    role's log is playground.log, the others' playground-<role>.log."""
    bot_port = free_port()
    bot_url = f"http://127.0.0.1:{bot_port}"
    bot_env = {k: v for k, v in os.environ.items() if not k.startswith("Microsoft")}
    bot_env.update(HOST="127.0.0.1", PORT=str(bot_port), PYTHONUNBUFFERED="1", BOT_SDK=sdk,
                   DATABASE_URL=f"sqlite+aiosqlite:///{workdir / 'bot.db'}",
                   SCHOOL_CONFIG=str(TEST_SCHOOL_CONFIG))
    bot_log = workdir / "bot.log"

    with ExitStack() as stack:
        bot = stack.enter_context(_started([sys.executable, "-m", "bot"], cwd=REPO_ROOT,
                                           env=bot_env, log=bot_log))
        started: dict[str, tuple[subprocess.Popen[bytes], Path]] = {}
        for number, role in enumerate(roles):
            config = workdir / f"playground-{role}.yml"
            config.write_text(as_role(role), encoding="utf-8")
            folder = workdir / f"playground-{number}"  # its working directory, one each
            folder.mkdir(exist_ok=True)
            playground_env = dict(os.environ)
            playground_env.update(
                TEAMSAPPTESTER_BROWSER="none",  # otherwise it exits trying to open a browser
                M365_AGENTS_PLAYGROUND_CONFIG_PATH=str(config),
                M365_AGENTS_PLAYGROUND_LOGFILE=str(workdir / f"playground-events-{role}.log"),
            )
            args = [node, str(PLAYGROUND_CLI), "-e", f"{bot_url}/api/messages",
                    "-c", "msteams", "--disable-telemetry", "-p", str(free_port())]
            log = workdir / ("playground.log" if number == 0 else f"playground-{role}.log")
            started[role] = (stack.enter_context(_started(args, cwd=folder,
                                                          env=playground_env, log=log)), log)
        _wait_until(lambda: _http_ok(f"{bot_url}/healthz"), bot, bot_log, "python -m bot")
        playgrounds: dict[str, Service] = {}
        for role, (process, log) in started.items():
            port: list[int] = []
            _wait_until(partial(_listening, log, port), process, log,
                        f"the Agents Playground ({role})")
            playgrounds[role] = Service(url=f"http://127.0.0.1:{port[0]}", process=process,
                                        log=log)
        yield Service(url=bot_url, process=bot, log=bot_log), playgrounds


def _listening(log: Path, port: list[int]) -> bool:
    """It falls back to a random port when the one asked for is taken, and says which."""
    found = _LISTENING.search(log.read_bytes()) if log.exists() else None
    if found is None:
        return False
    port[:] = [int(found.group(1))]
    return _http_ok(f"http://127.0.0.1:{port[0]}/")
