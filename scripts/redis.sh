#!/usr/bin/env bash
# Run a real Redis (Debian's redis-server) for local development and CI: the
# pub/sub that `traindx serve --redis URL` replicas share alerts through.
#
#   scripts/redis.sh start    start redis-server on 127.0.0.1 and a free port,
#                             in a fresh temp dir, no persistence; wait until it
#                             answers PING. The LAST line on stdout is exactly
#                             REDIS_URL=redis://127.0.0.1:PORT (everything else
#                             goes to stderr), so callers can do:
#                               export "$(scripts/redis.sh start | tail -n1)"
#   scripts/redis.sh stop     stop it (TERM, then KILL after 10 s) and delete
#                             the temp dir. Exit 0 even if not running.
#   scripts/redis.sh status   print running/stopped and the URL.
#                             Exit 0 if running, 3 if not.
#
# Environment:
#   REDIS_PORT            port on 127.0.0.1 (default: a free one)
#   TRAINDX_REDIS_STATE   state dir: pid, port, temp dir (default /tmp/traindx-redis)
#
# Bound to 127.0.0.1 only, protected mode on: for this machine's tests, not a shared service.
set -euo pipefail

STATE_DIR="${TRAINDX_REDIS_STATE:-/tmp/traindx-redis}"
PID_FILE="$STATE_DIR/pid"
PORT_FILE="$STATE_DIR/port"
DIR_FILE="$STATE_DIR/dir"

log() { printf 'redis.sh: %s\n' "$*" >&2; }
die() { printf 'redis.sh: ERROR: %s\n' "$*" >&2; exit 1; }

mkdir -p "$STATE_DIR"
read_file() { if [[ -f "$1" ]]; then cat "$1"; fi; }

# The pid in the state dir, if it is alive and is a redis-server (guards against pid reuse).
server_pid() {
  local pid
  pid="$(read_file "$PID_FILE")"
  [[ "${pid:-x}" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r "/proc/$pid/cmdline" ]]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'redis-server' || return 1
  fi
  printf '%s\n' "$pid"
}

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

answers() { redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null | grep -q PONG; }

start() {
  command -v redis-server >/dev/null || die "redis-server is not installed (apt-get install -y redis-server)"
  if pid="$(server_pid)"; then
    log "already running (pid $pid)"
    printf 'REDIS_URL=redis://127.0.0.1:%s\n' "$(read_file "$PORT_FILE")"
    return 0
  fi
  local port dir
  port="${REDIS_PORT:-$(free_port)}"
  dir="$(mktemp -d "${TMPDIR:-/tmp}/traindx-redis-data.XXXXXX")"
  printf '%s\n' "$dir" >"$DIR_FILE"
  printf '%s\n' "$port" >"$PORT_FILE"
  log "starting redis-server on 127.0.0.1:$port (dir $dir)"
  redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --save '' --appendonly no \
    --protected-mode yes --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >&2
  for _ in $(seq 1 100); do
    if answers "$port"; then
      cp "$dir/redis.pid" "$PID_FILE"
      log "ready (pid $(read_file "$PID_FILE"))"
      printf 'REDIS_URL=redis://127.0.0.1:%s\n' "$port"
      return 0
    fi
    sleep 0.1
  done
  die "redis-server did not answer on port $port within 10 s (log: $dir/redis.log)"
}

stop() {
  local pid dir
  if pid="$(server_pid)"; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    log "stopped (pid $pid)"
  else
    log "not running"
  fi
  dir="$(read_file "$DIR_FILE")"
  if [[ -n "$dir" && "$dir" == */traindx-redis-data.* ]]; then rm -rf "$dir"; fi
  rm -f "$PID_FILE" "$PORT_FILE" "$DIR_FILE"
}

status() {
  if pid="$(server_pid)"; then
    printf 'running (pid %s) REDIS_URL=redis://127.0.0.1:%s\n' "$pid" "$(read_file "$PORT_FILE")"
    return 0
  fi
  printf 'stopped\n'
  return 3
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) die "usage: scripts/redis.sh start|stop|status" ;;
esac
