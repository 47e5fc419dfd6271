#!/usr/bin/env bash
# Start, stop or check a local Virtuoso Open Source server for mfgkg (tests and users).
#
#   scripts/virtuoso.sh start    start on 127.0.0.1, wait until SPARQL answers (scripts/setup.sh installs it)
#   scripts/virtuoso.sh stop     stop the server started here, by its PID
#   scripts/virtuoso.sh status   say whether it runs and where
#
# Settings (environment): MFGKG_VIRTUOSO_DIR (database directory, default .virtuoso),
# MFGKG_VIRTUOSO_PORT (HTTP, default 8890), MFGKG_VIRTUOSO_SQL_PORT (default 1111).
# The server listens on 127.0.0.1 only. Its database is new, so the administrator account is
# dba with password dba: reads go to /sparql, updates to /sparql-auth with HTTP digest auth.
set -euo pipefail

DIR="${MFGKG_VIRTUOSO_DIR:-.virtuoso}"
HTTP_PORT="${MFGKG_VIRTUOSO_PORT:-8890}"
SQL_PORT="${MFGKG_VIRTUOSO_SQL_PORT:-1111}"
PIDFILE="$DIR/virtuoso.pid"
ENDPOINT="http://127.0.0.1:$HTTP_PORT/sparql"

write_config() {
    local db vad
    db="$(cd "$DIR" && pwd)"
    vad="/usr/share/virtuoso-opensource-7/vad"
    cat > "$DIR/virtuoso.ini" <<INI
[Database]
DatabaseFile = $db/virtuoso.db
ErrorLogFile = $db/virtuoso.log
LockFile = $db/virtuoso.lck
TransactionFile = $db/virtuoso.trx
xa_persistent_file = $db/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = $db/virtuoso-temp.db
TransactionFile = $db/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:$SQL_PORT
DisableUnixSocket = 1
DirsAllowed = ., $vad
VADInstallDir = $vad/
NumberOfBuffers = 20000
MaxDirtyBuffers = 12000
MaxQueryMem = 1G
CaseMode = 2

[HTTPServer]
ServerPort = 127.0.0.1:$HTTP_PORT
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
MaxClientConnections = 10
ServerThreads = 10
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
MaxQueryCostEstimationTime = 0
DefaultGraph = urn:mfgkg:empty
INI
}

running() {
    [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null
}

start() {
    if running; then
        echo "virtuoso already running (pid $(cat "$PIDFILE")) at $ENDPOINT"
        return
    fi
    if ! command -v virtuoso-t >/dev/null; then
        echo "virtuoso-t not found: run \`bash scripts/setup.sh\` (it installs Debian's virtuoso-opensource)" >&2
        exit 1
    fi
    mkdir -p "$DIR"
    write_config
    (cd "$DIR" && exec virtuoso-t +configfile virtuoso.ini +foreground >virtuoso.out 2>&1) &
    echo $! > "$PIDFILE"
    for _ in $(seq 1 120); do
        if curl -fsS -o /dev/null "$ENDPOINT?query=ASK%7B%7D" 2>/dev/null; then
            echo "virtuoso running (pid $(cat "$PIDFILE")) at $ENDPOINT"
            return
        fi
        if ! running; then
            echo "virtuoso exited during start-up; see $DIR/virtuoso.log" >&2
            exit 1
        fi
        sleep 0.5
    done
    echo "virtuoso did not answer at $ENDPOINT within 60 s; see $DIR/virtuoso.log" >&2
    stop
    exit 1
}

stop() {
    if ! running; then
        rm -f "$PIDFILE"
        echo "virtuoso not running"
        return
    fi
    local pid
    pid="$(cat "$PIDFILE")"
    kill "$pid"
    for _ in $(seq 1 60); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
    done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    rm -f "$PIDFILE"
    echo "virtuoso stopped"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) if running; then echo "running (pid $(cat "$PIDFILE")) at $ENDPOINT"; else echo "not running"; exit 1; fi ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
