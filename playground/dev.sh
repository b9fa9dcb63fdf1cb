#!/usr/bin/env bash
# `make dev`: the bot (local mode, SQLite under ./data) and the Microsoft 365 Agents Playground
# in front of it, as the teacher «Lærer Lise» (playground/.m365agentsplayground.yml).
# Open http://localhost:56150 and click through. Ctrl-C stops both.
#
# Environment: PY (the venv's python), PORT (the bot, 3978), PLAYGROUND_PORT (56150; the
# Playground picks another if that one is taken and says which), DATABASE_URL (default: a
# fresh data/playground.db on every start, see below).
set -euo pipefail
cd "$(dirname "$0")/.."

PY="${PY:-.venv/bin/python}"
PORT="${PORT:-3978}"
PLAYGROUND_PORT="${PLAYGROUND_PORT:-56150}"
CLI=node_modules/.bin/agentsplayground

if [[ ! -x "$PY" ]]; then
    echo "No Python venv at $PY: run 'make dev' (or 'make install') first." >&2
    exit 1
fi
if ! command -v node >/dev/null; then
    echo "Node.js is not installed (node not on PATH); the Agents Playground needs it." >&2
    exit 1
fi
if [[ ! -e "$CLI" ]]; then
    echo "The Agents Playground is not installed: run 'npm ci' (or 'make dev')." >&2
    exit 1
fi

mkdir -p data
# The Playground keeps its chats in memory only: after a restart the chats the bot opened with
# rektor and the leaders are gone, and alerts to them would fail (404). So, unless told
# otherwise, the bot starts on a fresh database of its own each time, as the Playground does.
if [[ -z "${DATABASE_URL:-}" ]]; then
    rm -f data/playground.db data/playground.db-wal data/playground.db-shm
    export DATABASE_URL="sqlite+aiosqlite:///$PWD/data/playground.db"
fi
bot_pid=""
playground_pid=""

stop() {
    trap - INT TERM EXIT
    for pid in $playground_pid $bot_pid; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in $playground_pid $bot_pid; do
        wait "$pid" 2>/dev/null || true
    done
    echo "Stopped the bot and the Agents Playground."
}
trap stop INT TERM EXIT

# The Playground sends no token, so the bot runs without Microsoft credentials (local mode).
env -u MicrosoftAppId -u MicrosoftAppPassword -u MicrosoftAppType -u MicrosoftAppTenantId \
    HOST=127.0.0.1 PORT="$PORT" "$PY" -m bot &
bot_pid=$!

# Wait for /healthz before the Playground connects, so a broken start shows the bot's error.
if ! "$PY" - "$PORT" "$bot_pid" <<'PYTHON'; then
import os
import sys
import time
import urllib.request

port, pid = sys.argv[1], int(sys.argv[2])
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
            if answer.status == 200:
                sys.exit(0)
    except OSError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        sys.exit("the bot stopped during start (see above)")
    time.sleep(0.2)
sys.exit(f"the bot did not answer on http://127.0.0.1:{port}/healthz within 60 s")
PYTHON
    exit 1
fi

TEAMSAPPTESTER_BROWSER=none \
M365_AGENTS_PLAYGROUND_CONFIG_PATH="$PWD/playground/.m365agentsplayground.yml" \
M365_AGENTS_PLAYGROUND_LOGFILE="$PWD/data/m365agentsplayground.log" \
    node "$CLI" -e "http://127.0.0.1:$PORT/api/messages" -c msteams --disable-telemetry \
    -p "$PLAYGROUND_PORT" &
playground_pid=$!

echo
echo "Trygg skole is running: open http://localhost:$PLAYGROUND_PORT (the Playground prints"
echo "the port it took above if that one was busy). You are «Lærer Lise», 9. trinn."
echo "Try «hvordan melder jeg fra?» or «Meld fra». Ctrl-C stops both."
echo

# Run until either stops (or Ctrl-C); then stop the other.
set +e
wait -n "$bot_pid" "$playground_pid"
status=$?
set -e
exit "$status"
