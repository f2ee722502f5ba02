# shellcheck shell=bash
# bench/lib.sh — shared by bench/http and bench/writes (sourced, not run).
# Starts and stops servers in a temp dir, logs in, runs wrk and reads its output.
# Everything a script starts is recorded in BENCH_PIDS and stopped by the EXIT trap.

set -euo pipefail

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FX=${BENCH_FANGXIAN:-$BENCH_ROOT/bin/fangxian} # another build to compare: BENCH_FANGXIAN=path
BENCH_SECONDS=${BENCH_SECONDS:-10}
BENCH_RUNS=${BENCH_RUNS:-3}
BENCH_WARMUP=${BENCH_WARMUP:-2}
BENCH_PIDS=()
BENCH_TMP=""

die() { echo "${0##*/}: $*" >&2; exit 1; }
note() { echo "# $*" >&2; }

bench_check_tools() {
    [ -x "$FX" ] || die "$FX is missing; build it first with 'make bin/fangxian'"
    local t
    for t in wrk curl sqlite3 "$@"; do
        command -v "$t" >/dev/null 2>&1 || [ -x "/usr/sbin/$t" ] ||
            die "$t is missing; 'scripts/deps bench' installs what benchmarks need"
    done
    case "$BENCH_SECONDS$BENCH_RUNS$BENCH_WARMUP" in *[!0-9]*) die "BENCH_SECONDS, BENCH_RUNS, BENCH_WARMUP must be whole numbers" ;; esac
    if [ "$BENCH_SECONDS" -lt 1 ] || [ "$BENCH_RUNS" -lt 1 ]; then
        die "BENCH_SECONDS and BENCH_RUNS must be at least 1"
    fi
    # wrk -c1000 and the servers need more than 1024 descriptors.
    ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
}

# A temp dir on the same disk as the repo's temp files (not tmpfs: fsync must cost what it costs).
bench_tmp() {
    BENCH_TMP=$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}/fangxian-bench.XXXXXX")
    chmod 755 "$BENCH_TMP" # nginx workers may run as another user
    trap bench_cleanup EXIT
    trap 'exit 130' INT TERM
}

bench_cleanup() {
    local rc=$? pid i
    for pid in "${BENCH_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || continue
    done
    for pid in "${BENCH_PIDS[@]}"; do
        for ((i = 0; i < 100; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    if [ -n "$BENCH_TMP" ] && [ -d "$BENCH_TMP" ]; then
        if [ "${BENCH_KEEP:-0}" = 1 ] || [ "$rc" != 0 ]; then
            note "kept $BENCH_TMP"
        else
            rm -rf "$BENCH_TMP"
        fi
    fi
    exit "$rc"
}

bench_forget_pid() {
    local pid=$1 p keep=()
    for p in "${BENCH_PIDS[@]}"; do [ "$p" = "$pid" ] || keep+=("$p"); done
    BENCH_PIDS=("${keep[@]}")
}

# fx_init DB → prints the demo password
fx_init() {
    local db=$1 out
    "$FX" init --db "$db" >/dev/null
    out=$("$FX" demo --db "$db")
    sed -n 's/.*log in as any of these, password \([^ ]*\) :.*/\1/p' <<<"$out" | head -n1
}

# fx_start NAME DB [serve options…] → sets FX_PID_<NAME>, FX_PORT_<NAME>
# shellcheck disable=SC2034 # (callers read FX_PID_*, FX_PORT_* by name)
fx_start() {
    local name=$1 db=$2 i pid port
    shift 2
    local pf="$BENCH_TMP/$name.port"
    rm -f "$pf"
    "$FX" serve --db "$db" --listen 127.0.0.1:0 --port-file "$pf" --log "$BENCH_TMP/$name.log" \
        --per-ip-limit 20000 --conn-limit 20000 "$@" 2>>"$BENCH_TMP/$name.stderr" &
    pid=$!
    BENCH_PIDS+=("$pid")
    for ((i = 0; i < 300; i++)); do # 30 s: slow under valgrind
        [ -s "$pf" ] && break
        kill -0 "$pid" 2>/dev/null || die "fangxian serve ($name) exited: $(tail -n3 "$BENCH_TMP/$name.stderr" "$BENCH_TMP/$name.log" 2>/dev/null)"
        sleep 0.1
    done
    [ -s "$pf" ] || die "fangxian serve ($name) wrote no port file within 30 s"
    port=$(tr -dc 0-9 <"$pf")
    printf -v "FX_PID_$name" %s "$pid"
    printf -v "FX_PORT_$name" %s "$port"
}

# fx_stop PID: SIGTERM (finishes requests in flight), bounded wait, then SIGKILL.
fx_stop() {
    local pid=$1 i
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 400; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        note "server $pid did not stop within 40 s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
    bench_forget_pid "$pid"
}

# fx_login PORT PASSWORD → prints the session token of admin
fx_login() {
    local port=$1 pw=$2 out tok
    out=$(curl -sS --max-time 30 -X POST -H 'Content-Type: application/json' \
        -d "{\"username\":\"admin\",\"password\":\"$pw\"}" "http://127.0.0.1:$port/api/v1/session")
    tok=$(sed -n 's/.*"token" *: *"\([^"]*\)".*/\1/p' <<<"$out")
    [ -n "$tok" ] || die "login failed: $out"
    echo "$tok"
}

# metric PORT NAME → value of an unlabelled metric from /metrics
metric() {
    curl -sS --max-time 10 "http://127.0.0.1:$1/metrics" | awk -v m="$2" '$1 == m { print $2; exit }'
}

# keepalive_check URL [curl args…] → "yes" if curl reuses the connection for a second request
keepalive_check() {
    local url=$1 trace
    shift
    trace=$(curl -sv --max-time 10 "$@" -o /dev/null -o /dev/null "$url" "$url" 2>&1 || true)
    if grep -q 'Re-using existing connection' <<<"$trace"; then
        echo yes
    else
        echo no
    fi
}

# run_wrk OUTFILE wrk-args… : runs wrk, keeps its output, fails loudly if wrk fails.
run_wrk() {
    local out=$1
    shift
    if ! wrk "$@" >"$out" 2>&1; then
        cat "$out" >&2
        die "wrk failed: wrk $*"
    fi
}

# Parsers for wrk output files.
wrk_rps() { awk '/^Requests\/sec:/ { print $2 }' "$1"; }
# p99 in milliseconds (wrk prints us, ms or s)
wrk_p99_ms() {
    awk '$1 == "99%" { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
                       if (u == "us") v /= 1000; else if (u == "s") v *= 1000; else if (u == "m") v *= 60000;
                       printf "%.2f\n", v }' "$1"
}
wrk_requests() { awk '/requests in/ { print $1 }' "$1"; }
wrk_non2xx() { awk -F: '/Non-2xx or 3xx responses/ { gsub(/ /, "", $2); n = $2 } END { print n + 0 }' "$1"; }
# "connect 0, read 0, write 0, timeout 0" → sum
wrk_sockerr() {
    awk '/Socket errors:/ { gsub(/,/, ""); n = $4 + $6 + $8 + $10 } END { print n + 0 }' "$1"
}
wrk_sockerr_text() { awk '/Socket errors:/ { sub(/^ *Socket errors: */, ""); print }' "$1"; }

# median / min / max of numbers given as arguments
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.2f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
minof() { printf '%s\n' "$@" | sort -g | head -n1; }
maxof() { printf '%s\n' "$@" | sort -g | tail -n1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f\n", a / b; else print "n/a" }'; }
# 12345.6 → 12.3k
kfmt() { awk -v v="$1" 'BEGIN { if (v >= 1000) printf "%.1fk", v / 1000; else printf "%.0f", v }'; }
# "median (min–max)" for req/s
rps_cell() { echo "$(kfmt "$(median "$@")") ($(kfmt "$(minof "$@")")–$(kfmt "$(maxof "$@")"))"; }
# "median (min–max)" for ms
ms_cell() { echo "$(median "$@") ms ($(minof "$@")–$(maxof "$@"))"; }

bench_header() {
    local cpu
    cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
    echo "<!-- $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores, $cpu; kernel $(uname -r);" \
        "$("$FX" --version 2>/dev/null | head -n1); wrk $(wrk -v 2>&1 | awk 'NR == 1 { print $2 }');" \
        "BENCH_SECONDS=$BENCH_SECONDS BENCH_RUNS=$BENCH_RUNS BENCH_WARMUP=$BENCH_WARMUP -->"
}
