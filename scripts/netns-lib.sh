# netns-lib.sh — what the recording scripts (scripts/record-*.sh) share:
# messages, the one-recorder lock, background processes stopped by PID,
# waiting for a server, and removing the network namespaces on exit.
#
# Sourced, not run.  The script sets before sourcing:
#   REC_NAME     its name, for messages ("record-pcaps")
#   NAMESPACES   array of the network namespaces it creates
#   NS_DEVICES   array of persistent devices (tun/tap) to delete from them
#                (optional)
#   LOCK_WAIT    seconds to wait for another recorder's lock (optional;
#                without it a held lock is an error at once)
# and may define cleanup_hook (run after the processes are stopped and the
# namespaces removed, before the work directory goes).  After sourcing it
# calls netns_init, which checks for root, takes the lock, makes $WORK and
# installs the exit trap.  KEEP_WORK=1 keeps $WORK after a failure.
#
# Every background process goes into BG_PIDS and is stopped by its PID
# (stop_pid); nothing is ever stopped by name.

log() { printf '%s\n' "$*"; }
die() { printf '%s: error: %s\n' "$REC_NAME" "$*" >&2; exit 1; }

# need_cmds CMD...: each must be installed.
need_cmds() {
    local cmd
    for cmd in "$@"; do
        command -v "$cmd" >/dev/null 2>&1 ||
            die "'$cmd' not found; run scripts/install-deps.sh --test"
    done
}

# ------------------------------------------------- background processes
BG_PIDS=()

# stop_pid PID: SIGTERM, then wait (bounded) for it to go away.
stop_pid() {
    local pid=$1 i
    if kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        for ((i = 0; i < 50; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
    fi
    wait "$pid" 2>/dev/null || true
    local keep=() p
    for p in "${BG_PIDS[@]}"; do [ "$p" = "$pid" ] || keep+=("$p"); done
    BG_PIDS=("${keep[@]+"${keep[@]}"}")
}

# wait_for_text FILE TEXT WHAT PID: wait (max 10 s) until TEXT shows in FILE.
wait_for_text() {
    local file=$1 text=$2 what=$3 pid=$4 i
    for ((i = 0; i < 100; i++)); do
        grep -qF -- "$text" "$file" 2>/dev/null && return 0
        kill -0 "$pid" 2>/dev/null || { cat "$file" >&2 || true; die "$what exited"; }
        sleep 0.1
    done
    cat "$file" >&2 || true
    die "$what did not become ready"
}

# wait_listen_in NS PROTO ADDR PORT WHAT PID LOG: wait (max 10 s) until
# something in namespace NS listens on ADDR:PORT (PROTO t = TCP, u = UDP).
wait_listen_in() {
    local ns=$1 proto=$2 addr=$3 port=$4 what=$5 pid=$6 logf=$7 i
    case $addr in *:*) addr="[$addr]" ;; esac
    for ((i = 0; i < 100; i++)); do
        [ -n "$(ip netns exec "$ns" ss -Hln"$proto" "src $addr:$port" 2>/dev/null)" ] && return 0
        kill -0 "$pid" 2>/dev/null || { cat "$logf" >&2 || true; die "$what exited"; }
        sleep 0.1
    done
    cat "$logf" >&2 || true
    die "$what is not listening on $addr:$port"
}

# ------------------------------------------------------------ namespaces
delete_namespaces() {
    local ns pid dev
    for ns in "${NAMESPACES[@]}"; do
        [ -e "/run/netns/$ns" ] || continue
        # Processes still inside our namespace can only be left-overs of an
        # interrupted run of this script (or children of the servers it
        # stopped); stop them by PID.
        for pid in $(ip netns pids "$ns" 2>/dev/null); do
            kill "$pid" 2>/dev/null || true
        done
        # tun/tap devices are persistent: delete them explicitly.
        for dev in "${NS_DEVICES[@]+"${NS_DEVICES[@]}"}"; do
            ip -n "$ns" link del "$dev" 2>/dev/null || true
        done
        ip netns del "$ns" 2>/dev/null || true
    done
}

netns_cleanup() {
    local rc=$? pid
    trap - EXIT INT TERM
    for pid in "${BG_PIDS[@]+"${BG_PIDS[@]}"}"; do stop_pid "$pid"; done
    delete_namespaces
    if declare -F cleanup_hook >/dev/null; then cleanup_hook || true; fi
    if [ "$rc" -ne 0 ] && [ "${KEEP_WORK:-0}" = 1 ]; then
        printf '%s: work directory kept: %s\n' "$REC_NAME" "$WORK" >&2
    else
        rm -rf "$WORK"
    fi
    exit "$rc"
}

# netns_init WORK_PREFIX: root, the lock, $WORK, the exit trap, and no
# namespace left over from an interrupted run.
netns_init() {
    [ "$(id -u)" -eq 0 ] || die "must run as root (sudo scripts/$REC_NAME.sh)"
    need_cmds ip flock
    # One recorder at a time: they all write pcaps/ and pcaps/README.md.
    # Background processes get the lock descriptor closed (9>&-), so
    # left-overs of a killed run do not keep holding it.
    LOCK=/run/lock/typosentry-record-pcaps.lock
    mkdir -p "${LOCK%/*}"
    exec 9>"$LOCK"
    if [ -n "${LOCK_WAIT:-}" ]; then
        flock -w "$LOCK_WAIT" 9 ||
            die "another record-*.sh run is in progress ($LOCK)"
    else
        flock -n 9 || die "another record-*.sh run is in progress ($LOCK)"
    fi
    WORK=$(mktemp -d -t "$1.XXXXXX")
    trap netns_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    delete_namespaces
}
