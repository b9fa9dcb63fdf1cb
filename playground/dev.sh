#!/usr/bin/env bash
# `make dev`: the bot (local mode, SQLite under ./data) and the Microsoft 365 Agents Playground
# in front of it, as the teacher «Lærer Lise» (playground/.m365agentsplayground.yml).
# Open http://localhost:56150 and click through. Ctrl-C stops both.
#
# `make dev ROLE=leder` (Avdelingsleder Berit, Lise's nearest leader) or `ROLE=rektor` (Rektor
# Rita), in a second terminal while the first runs: a second Playground as that person, in
# front of the same bot and so the same database (docs/try-leaders.md). When no bot answers on
# PORT yet, it starts one as the first does.
#
# Environment: PY (the venv's python), ROLE (lærer, leder or rektor), PORT (the bot, 3978),
# PLAYGROUND_PORT (56150 for lærer, 56151 leder, 56152 rektor), DATABASE_URL (default: a fresh
# data/playground.db on every start of the bot, see below). Both ports are checked first.
set -euo pipefail
cd "$(dirname "$0")/.."

PY="${PY:-.venv/bin/python}"
ROLE="${ROLE:-lærer}"
PORT="${PORT:-3978}"
CLI=node_modules/.bin/agentsplayground

case "$ROLE" in
    lærer|laerer) default_port=56150; who="«Lærer Lise», 9. trinn" ;;
    leder) default_port=56151; who="«Avdelingsleder Berit», nærmeste leder for 9. trinn" ;;
    rektor) default_port=56152; who="«Rektor Rita»" ;;
    *) echo "ROLE=$ROLE is not known: use lærer (the default), leder or rektor." >&2; exit 2 ;;
esac
PLAYGROUND_PORT="${PLAYGROUND_PORT:-$default_port}"

if [[ ! -x "$PY" ]]; then
    echo "No Python venv at $PY: run 'make dev' (or 'make install') first." >&2
    exit 1
fi

# The ports first, before anything starts: one already taken is named, never found out later
# as «address already in use». A Trygg skole bot already on PORT is used, not restarted: that
# is how a second Playground (another ROLE) shares the first one's bot and database.
set +e
"$PY" - "$PORT" "$PLAYGROUND_PORT" <<'PYTHON'
import json
import socket
import sys
import urllib.request

bot, playground = int(sys.argv[1]), int(sys.argv[2])


def taken(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


if taken(playground):
    sys.exit(
        f"Port {playground} (PLAYGROUND_PORT) is taken: another Playground, or another program."
        " Stop it, or choose another: PLAYGROUND_PORT=... make dev"
    )
if not taken(bot):
    sys.exit(0)
try:
    with urllib.request.urlopen(f"http://127.0.0.1:{bot}/healthz", timeout=2) as answer:
        health = json.load(answer)
except (OSError, ValueError):
    health = {}
if health.get("mode") == "local":
    sys.exit(3)  # our bot, without credentials: use it
sys.exit(
    f"Port {bot} (PORT) is taken by something that is not Trygg skole in local mode"
    f"{' (a bot with Microsoft credentials)' if health else ''}."
    " Stop it, or start the bot on another port: PORT=... make dev"
)
PYTHON
ports=$?
set -e
if ((ports != 0 && ports != 3)); then
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
config="$PWD/data/playground-$ROLE.yml"
"$PY" playground/roles.py "$ROLE" >"$config"
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
    echo "Stopped${bot_pid:+ the bot and} the Agents Playground."
}
trap stop INT TERM EXIT

start_bot() {
    # The Playground keeps its chats in memory only: after a restart the chats the bot opened
    # with rektor and the leaders are gone, and alerts to them would fail (404). So, unless
    # told otherwise, the bot starts on a fresh database of its own each time, as the
    # Playground does; a second Playground (another ROLE) shares this bot and its database.
    if [[ -z "${DATABASE_URL:-}" ]]; then
        rm -f data/playground.db data/playground.db-wal data/playground.db-shm
        export DATABASE_URL="sqlite+aiosqlite:///$PWD/data/playground.db"
    fi

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
}

if ((ports == 3)); then
    echo "A Trygg skole bot already answers on port $PORT: this Playground uses it (and its"
    echo "database)."
else
    start_bot
fi

TEAMSAPPTESTER_BROWSER=none \
M365_AGENTS_PLAYGROUND_CONFIG_PATH="$config" \
M365_AGENTS_PLAYGROUND_LOGFILE="$PWD/data/m365agentsplayground-$ROLE.log" \
    node "$CLI" -e "http://127.0.0.1:$PORT/api/messages" -c msteams --disable-telemetry \
    -p "$PLAYGROUND_PORT" &
playground_pid=$!

echo
echo "Trygg skole is running: open http://localhost:$PLAYGROUND_PORT. You are $who."
if [[ "$ROLE" == leder || "$ROLE" == rektor ]]; then
    echo "Melde fra as Lise in the first Playground: the alert arrives here; «Åpne saken»."
else
    echo "Try «hvordan melder jeg fra?» or «Meld fra». For the leaders' side, in another"
    echo "terminal: make dev ROLE=leder (or ROLE=rektor), before you melder fra."
fi
if [[ -n "$bot_pid" ]]; then echo "Ctrl-C stops both."; else echo "Ctrl-C stops the Playground."; fi
echo

# Run until either stops (or Ctrl-C); then stop the other.
set +e
wait -n $bot_pid "$playground_pid"
status=$?
set -e
exit "$status"
