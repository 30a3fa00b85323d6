#!/usr/bin/env bash
# Run a real Neo4j Community 5.26 LTS server (embedded DBMS + Bolt, from Maven
# Central) without Docker, for local development and CI.
#
#   scripts/neo4j.sh start    build the launcher on first use, start Neo4j on a
#                             fresh temp data dir, wait until Bolt answers.
#                             Auth is on: user neo4j, a password generated at
#                             every start (kept in STATE/password, mode 600).
#                             stdout is exactly three lines (everything else
#                             goes to stderr), the URI last:
#                               NEO4J_USER=neo4j
#                               NEO4J_PASSWORD=<48 hex digits>
#                               NEO4J_URI=bolt://127.0.0.1:PORT
#                             Values never hold spaces or shell characters, so
#                             callers can do:
#                               export $(scripts/neo4j.sh start)
#                             On a server already running it prints its lines.
#   scripts/neo4j.sh env      the same three lines for the running server
#                             (another shell: export $(scripts/neo4j.sh env)).
#                             Exit 3 if not running.
#   scripts/neo4j.sh stop     stop it (TERM, then KILL after 30 s) and delete
#                             the temp data dir and the password. Exit 0 even
#                             if not running.
#   scripts/neo4j.sh status   print running/stopped and the URI (not the
#                             password). Exit 0 if running, 3 if not.
#
# Environment:
#   NEO4J_BOLT_PORT        Bolt port on 127.0.0.1 (default 7687)
#   TRAINDX_NEO4J_STATE    state dir: pid, password, data dir, logs (default /tmp/traindx-neo4j)
#   NEO4J_START_TIMEOUT    seconds to wait for readiness (default 120)
#   NEO4J_JAVA_OPTS        extra JVM options (appended)
#   NEO4J_INITIAL_PASSWORD use this password instead of a generated one (8 or
#                          more of A-Z a-z 0-9 . _ ~ -), e.g. to restart a
#                          server under its clients' credentials
#
# No password is ever put on a command line (other local users can read those):
# the launcher reads it from the state file.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
LAUNCHER_DIR="$REPO_ROOT/tools/neo4j-launcher"
JAR="$LAUNCHER_DIR/target/neo4j-launcher.jar"
LIB_DIR="$LAUNCHER_DIR/target/lib"

STATE_DIR="${TRAINDX_NEO4J_STATE:-/tmp/traindx-neo4j}"
PID_FILE="$STATE_DIR/pid"
HOME_FILE="$STATE_DIR/home"
PORT_FILE="$STATE_DIR/port"
PASSWORD_FILE="$STATE_DIR/password"
LOG_FILE="$STATE_DIR/launcher.log"
BUILD_LOG="$STATE_DIR/build.log"
LOCK_FILE="$STATE_DIR/lock"
DATA_PREFIX="traindx-neo4j-data."

PORT="${NEO4J_BOLT_PORT:-7687}"
START_TIMEOUT="${NEO4J_START_TIMEOUT:-120}"
STOP_TIMEOUT=30

log() { printf 'neo4j.sh: %s\n' "$*" >&2; }
die() { printf 'neo4j.sh: ERROR: %s\n' "$*" >&2; exit 1; }

is_uint() { [[ "$1" =~ ^[0-9]+$ ]]; }

if ! is_uint "$PORT" || (( 10#$PORT < 1 || 10#$PORT > 65535 )); then
  die "NEO4J_BOLT_PORT is not a valid port: '$PORT'"
fi
is_uint "$START_TIMEOUT" || die "NEO4J_START_TIMEOUT is not a number of seconds: '$START_TIMEOUT'"
# Callers split the printed lines on spaces and export them: allow no character a shell would read.
if [[ -n "${NEO4J_INITIAL_PASSWORD:-}" && ! "$NEO4J_INITIAL_PASSWORD" =~ ^[A-Za-z0-9._~-]{8,}$ ]]; then
  die "NEO4J_INITIAL_PASSWORD must be 8 or more of A-Z a-z 0-9 . _ ~ -"
fi

# Everything this script creates (state dir, password, data dir) is for this user only.
umask 077
mkdir -p "$STATE_DIR"

# Serialise start/stop/status across concurrent callers (flock is in util-linux).
lock() {
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$LOCK_FILE"
    flock -w 600 9 || die "could not lock $LOCK_FILE"
  fi
}

read_file() { if [[ -f "$1" ]]; then cat "$1"; fi; }

# True if the pid in the state dir is alive AND is our launcher (guards against pid reuse).
launcher_pid() {
  local pid
  pid="$(read_file "$PID_FILE")"
  is_uint "${pid:-x}" || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r "/proc/$pid/cmdline" ]]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'neo4j-launcher.jar' || return 1
  fi
  printf '%s\n' "$pid"
}

port_open() {
  local port="$1"
  if command -v timeout >/dev/null 2>&1; then
    timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
  fi
}

print_tail() {
  local title="$1" file="$2"
  if [[ -s "$file" ]]; then
    printf '\n----- last 40 lines of %s (%s) -----\n' "$title" "$file" >&2
    tail -n 40 "$file" >&2
    printf -- '----- end of %s -----\n' "$title" >&2
  fi
}

print_failure_logs() {
  local home="$1"
  print_tail "launcher log" "$LOG_FILE"
  [[ -n "$home" ]] && print_tail "Neo4j debug.log" "$home/logs/debug.log"
  return 0
}

# Delete a data dir, but only one this script created.
remove_data_dir() {
  local home="$1"
  [[ -n "$home" && -d "$home" ]] || return 0
  case "$(basename "$home")" in
    "$DATA_PREFIX"*) rm -rf -- "$home" ;;
    *) log "not deleting unexpected data dir '$home'" ;;
  esac
}

clear_state() { rm -f -- "$PID_FILE" "$HOME_FILE" "$PORT_FILE" "$PASSWORD_FILE"; }

# 24 random bytes as 48 hex digits: nothing for a shell or a URI to interpret.
new_password() {
  if [[ -n "${NEO4J_INITIAL_PASSWORD:-}" ]]; then
    printf '%s\n' "$NEO4J_INITIAL_PASSWORD"
  else
    od -An -N24 -tx1 /dev/urandom | tr -d ' \n'
    printf '\n'
  fi
}

# The caller contract: three KEY=VALUE lines on stdout, the URI last (so the
# older `tail -n1` callers still get the right URI).
print_env() {
  local port="$1"
  printf 'NEO4J_USER=neo4j\n'
  printf 'NEO4J_PASSWORD=%s\n' "$(read_file "$PASSWORD_FILE")"
  printf 'NEO4J_URI=bolt://127.0.0.1:%s\n' "$port"
}

# Send TERM, wait up to STOP_TIMEOUT, then KILL.
kill_pid() {
  local pid="$1" i
  kill -TERM "$pid" 2>/dev/null || return 0
  for (( i = 0; i < STOP_TIMEOUT * 10; i++ )); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  log "pid $pid still alive after ${STOP_TIMEOUT}s, sending KILL"
  kill -KILL "$pid" 2>/dev/null || true
  for (( i = 0; i < 50; i++ )); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  log "pid $pid did not die after KILL"
}

needs_build() {
  [[ -f "$JAR" && -d "$LIB_DIR" ]] || return 0
  [[ -n "$(ls -A "$LIB_DIR" 2>/dev/null)" ]] || return 0
  [[ "$LAUNCHER_DIR/pom.xml" -nt "$JAR" ]] && return 0
  [[ -n "$(find "$LAUNCHER_DIR/src" -type f -newer "$JAR" -print -quit)" ]] && return 0
  return 1
}

build() {
  command -v mvn >/dev/null 2>&1 || die "mvn not found (needed once to build $LAUNCHER_DIR)"
  log "building Neo4j launcher (first use downloads the Neo4j dependencies from Maven Central)..."
  local start=$SECONDS
  # Maven 3.8 prints ANSI resets even with -B -q: keep its output in a file and
  # show it (cleaned) only on failure.
  if ! (cd "$LAUNCHER_DIR" && mvn -B -q -DskipTests package) >"$BUILD_LOG" 2>&1; then
    sed -e 's/\x1b\[[0-9;]*m//g' "$BUILD_LOG" | grep -v '^[[:space:]]*$' >&2 || true
    die "Maven build of the Neo4j launcher failed (full log: $BUILD_LOG)"
  fi
  [[ -f "$JAR" ]] || die "Maven build did not produce $JAR"
  touch "$JAR" # jar plugin may skip rewriting an unchanged jar; keep the cache check honest
  log "built $JAR in $(( SECONDS - start ))s"
}

check_java() {
  command -v java >/dev/null 2>&1 || die "java not found (Java 17 or 21 needed)"
  local v
  v="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^[[:space:]]*java\.specification\.version = //p' | head -n1)"
  if is_uint "${v:-x}" && (( v < 17 )); then
    die "Java $v found; Neo4j 5.26 needs Java 17 or 21"
  fi
}

cmd_start() {
  lock
  local pid home stored_port
  if pid="$(launcher_pid)"; then
    stored_port="$(read_file "$PORT_FILE")"
    stored_port="${stored_port:-$PORT}"
    if [[ "$stored_port" != "$PORT" ]]; then
      log "WARNING: already running on port $stored_port (NEO4J_BOLT_PORT=$PORT ignored; stop it first to change)"
    fi
    log "already running (pid $pid, data $(read_file "$HOME_FILE"))"
    [[ -s "$PASSWORD_FILE" ]] || die "running, but its password file $PASSWORD_FILE is gone: stop it and start again"
    print_env "$stored_port"
    return 0
  fi

  # Stale state from a crashed run: clean it up.
  if [[ -f "$PID_FILE" || -f "$HOME_FILE" ]]; then
    log "removing stale state (pid $(read_file "$PID_FILE") not running)"
    remove_data_dir "$(read_file "$HOME_FILE")"
    clear_state
  fi

  if port_open "$PORT"; then
    die "port 127.0.0.1:$PORT is already in use by another process (not ours); set NEO4J_BOLT_PORT or free it"
  fi

  check_java
  if needs_build; then build; fi

  home="$(mktemp -d "${TMPDIR:-/tmp}/${DATA_PREFIX}XXXXXX")"
  : >"$LOG_FILE"
  rm -f -- "$PASSWORD_FILE"
  new_password >"$PASSWORD_FILE"
  chmod 600 "$PASSWORD_FILE"
  local -a java_opts=(-Xms256m -Xmx512m -Dio.netty.tryReflectionSetAccessible=true)
  if [[ -n "${NEO4J_JAVA_OPTS:-}" ]]; then
    # shellcheck disable=SC2206 # intentional word splitting of user-provided options
    java_opts+=(${NEO4J_JAVA_OPTS})
  fi

  log "starting Neo4j on 127.0.0.1:$PORT (data $home, log $LOG_FILE)"
  local t0=$SECONDS
  # 9>&-: the server must not inherit (and hold) our lock fd.
  NEO4J_BOLT_PORT="$PORT" NEO4J_PASSWORD_FILE="$PASSWORD_FILE" nohup java "${java_opts[@]}" -jar "$JAR" "$home" \
    >>"$LOG_FILE" 2>&1 </dev/null 9>&- &
  pid=$!
  printf '%s\n' "$pid" >"$PID_FILE"
  printf '%s\n' "$home" >"$HOME_FILE"
  printf '%s\n' "$PORT" >"$PORT_FILE"

  local deadline=$(( SECONDS + START_TIMEOUT ))
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
      local rc=0
      wait "$pid" 2>/dev/null || rc=$?
      printf 'neo4j.sh: ERROR: Neo4j process (pid %s) exited with status %s before becoming ready\n' "$pid" "$rc" >&2
      print_failure_logs "$home"
      remove_data_dir "$home"
      clear_state
      exit 1
    fi
    if grep -q '^NEO4J_READY ' "$LOG_FILE" 2>/dev/null && port_open "$PORT"; then
      break
    fi
    if (( SECONDS >= deadline )); then
      printf 'neo4j.sh: ERROR: Neo4j not ready on 127.0.0.1:%s after %ss\n' "$PORT" "$START_TIMEOUT" >&2
      print_failure_logs "$home"
      kill_pid "$pid"
      remove_data_dir "$home"
      clear_state
      exit 1
    fi
    sleep 0.5
  done

  log "ready in $(( SECONDS - t0 ))s (pid $pid; user neo4j, password in $PASSWORD_FILE)"
  print_env "$PORT"
}

cmd_stop() {
  lock
  local pid home
  home="$(read_file "$HOME_FILE")"
  if pid="$(launcher_pid)"; then
    log "stopping Neo4j (pid $pid)"
    kill_pid "$pid"
  else
    log "not running"
  fi
  remove_data_dir "$home"
  clear_state
  return 0
}

cmd_status() {
  local pid port
  port="$(read_file "$PORT_FILE")"
  port="${port:-$PORT}"
  if pid="$(launcher_pid)"; then
    if port_open "$port"; then
      printf 'running (pid %s, data %s)\n' "$pid" "$(read_file "$HOME_FILE")"
    else
      printf 'running (pid %s) but Bolt port %s is not accepting connections yet\n' "$pid" "$port"
    fi
    printf 'NEO4J_URI=bolt://127.0.0.1:%s\n' "$port"
    return 0
  fi
  printf 'stopped\n'
  printf 'NEO4J_URI=bolt://127.0.0.1:%s\n' "$port"
  return 3
}

cmd_env() {
  local port
  port="$(read_file "$PORT_FILE")"
  launcher_pid >/dev/null || { log "not running"; return 3; }
  [[ -s "$PASSWORD_FILE" ]] || die "running, but its password file $PASSWORD_FILE is gone: stop it and start again"
  print_env "${port:-$PORT}"
}

case "${1:-}" in
  start) cmd_start ;;
  env) cmd_env ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *)
    printf 'usage: %s start|env|stop|status\n' "$(basename "$0")" >&2
    exit 2
    ;;
esac
