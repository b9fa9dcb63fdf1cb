"""Start-up time and idle memory of `python -m bot` (local mode, SQLite), as a newcomer runs it.

Prints the time from process start to the first `GET /healthz` answering 200 (a fresh database,
so the migrations are included), and the resident memory after the bot has idled.

Run: .venv/bin/python benchmarks/startup.py [--runs 3] [--idle 5]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def wait_until_healthy(port: int, process: subprocess.Popen[bytes]) -> None:
    """Until `/healthz` answers 200; raises if the bot exits first."""
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz") as reply:
                if reply.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            pass
        if process.poll() is not None:
            raise RuntimeError("the bot exited")
        time.sleep(0.02)


def one_run(idle: float) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("Microsoft")}
        env.update(PORT=str(port), DATABASE_URL=f"sqlite+aiosqlite:///{tmp}/bot.db")
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-m", "bot"], cwd=ROOT, env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_until_healthy(port, process)
            ready = time.perf_counter() - started
            time.sleep(idle)
            return ready, rss_mib(process.pid)
        finally:
            process.terminate()
            process.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--idle", type=float, default=5.0)
    args = parser.parse_args()
    results = [one_run(args.idle) for _ in range(args.runs)]
    starts = [r[0] for r in results]
    rss = [r[1] for r in results]
    print(f"start-up to /healthz 200: median {statistics.median(starts):.2f} s "
          f"(runs: {', '.join(f'{s:.2f}' for s in starts)})")
    print(f"idle RSS after {args.idle:.0f} s: median {statistics.median(rss):.0f} MiB "
          f"(runs: {', '.join(f'{r:.0f}' for r in rss)})")


if __name__ == "__main__":
    main()
