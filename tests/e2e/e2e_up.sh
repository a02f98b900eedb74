#!/usr/bin/env bash
# e2e_up.sh — ./deploy/up.sh end to end (ctest e2e_up, label e2e). Builds nothing: it uses the
# binaries of YB_BUILD_DIR (set by ctest to the build directory) through up.sh --no-build.
#
# 1. up.sh in a temporary home on free ports, --no-follow: the first answer is "4"; a second
#    up.sh on the same home or ports refuses with exit 2;
# 2. `yb ask` answers "What is 12 * (3 + 4)?" with 84 (text) and 6*7 with 42 (--json);
# 3. a forced timeout: the oracle is stopped (up.sh reports it and keeps the chain), a question
#    is asked, `yb fast-forward 200` expires it: `yb ask` reports the timeout, `yb pending`
#    no longer lists it, the chain's yb_chain_yield_timeouts_total counts it;
# 4. SIGTERM to up.sh: it exits 0 and every process it started is gone;
# 5. up.sh again on the same home, --exit-after-first-answer, --ai-url at a server of our own
#    (an OpenAI-compatible yb-mockai with deploy/mockai.example.env's flags) and
#    deploy/oracle.example.json as --oracle-config: the
#    home is reused (request 5), no yb-mockai is started; then --reset starts it fresh; and
#    `up.sh | head` leaves no process behind;
# 6. up.sh --mode manual --no-oracle on a second home whose config.json is
#    deploy/chain.example.json: `yb race` passes, then SIGTERM, all gone;
# 7. up.sh on a pseudo-terminal (script), a home made with --yield-timeout 150: the closing
#    hint says `fast-forward 150`; the logs follow labelled [oracle] / [mockai] while `yb ask`
#    runs beside them; `yb ask` on a terminal of its own draws its progress bar; Ctrl-C stops
#    all three with exit status 0 and the chain's CHAIN-STOP line shows as [chain].
# A && B || fail is meant as written: fail when either test is false.
# shellcheck disable=SC2015
set -euo pipefail

src=${YB_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
: "${YB_BUILD_DIR:?YB_BUILD_DIR must name a build directory with yb-chain, yb-oracle, yb-mockai, yb}"
export YB_BUILD_DIR
up=$src/deploy/up.sh
yb_bin=$YB_BUILD_DIR/chain/cli/yb
tmp=$(mktemp -d /tmp/yb-e2e-XXXXXX)
up_pid=""
started_pids=()

step() { printf 'e2e: %s\n' "$*"; }

# On failure: what up.sh printed and the logs' tails, so the cause is in the ctest output.
dump() {
    local f
    for f in "$tmp"/*.out "$tmp"/*/logs/*.log; do
        [ -f "$f" ] || continue
        echo "---- $f (last 40 lines) ----"
        tail -n 40 "$f"
    done
}

fail() {
    echo "e2e: FAIL: $*" >&2
    dump >&2
    exit 1
}

our_ports=()
ours() {
    local cmd port
    cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline") || return 1
    case "$cmd" in
    *"$tmp"*) return 0 ;;
    esac
    for port in "${our_ports[@]}"; do
        case "$cmd" in
        *yb-mockai*"127.0.0.1:$port"*) return 0 ;;
        esac
    done
    return 1
}

cleanup() {
    local st=$?
    if [ -n "$up_pid" ] && kill -0 "$up_pid" 2>/dev/null; then
        kill -TERM "$up_pid" 2>/dev/null || true
        wait "$up_pid" 2>/dev/null || true
    fi
    # Anything up.sh started and left behind. A pid is only ours while its command line still
    # names our temporary directory or one of our ports: a recycled pid is someone else's.
    local p
    for p in "${started_pids[@]}" $(cat "$tmp"/*/run/*.pid 2>/dev/null); do
        if ours "$p"; then
            kill -KILL "$p" 2>/dev/null || true
        fi
    done
    rm -rf "$tmp"
    exit "$st"
}
trap cleanup EXIT

for b in chain/node/yb-chain oracle/yb-oracle oracle/mockai/yb-mockai chain/cli/yb; do
    [ -x "$YB_BUILD_DIR/$b" ] || fail "$YB_BUILD_DIR/$b is not built"
done

# Four free loopback ports in a row (free_ports, shared with the other shell tests).
# shellcheck source=tests/support/ports.sh
. "$src/tests/support/ports.sh"

# wait_for FILE PATTERN SECONDS: until FILE has a line matching PATTERN, while up.sh runs.
wait_for() {
    local i=0
    while ! grep -Eq "$2" "$1" 2>/dev/null; do
        if [ -n "$up_pid" ] && ! kill -0 "$up_pid" 2>/dev/null; then
            fail "up.sh exited before printing /$2/"
        fi
        i=$((i + 1))
        if [ $i -gt $(($3 * 10)) ]; then
            fail "no /$2/ in $1 after $3 s"
        fi
        sleep 0.1
    done
}

# gone PID...: every PID has exited (within 10 s).
all_gone() {
    local p i
    for p in "$@"; do
        i=0
        while kill -0 "$p" 2>/dev/null; do
            i=$((i + 1))
            [ $i -le 100 ] || fail "process $p is still running after up.sh stopped"
            sleep 0.1
        done
    done
}

# ---- 1. up.sh, first answer ----
base=$(free_ports) || fail "no free ports"
home=$tmp/home
ports=(--rpc-port "$base" --events-port $((base + 1)) --oracle-port $((base + 2))
    --mockai-port $((base + 3)))
our_ports+=($((base + 3)))
yb() { "$yb_bin" --home "$home" --rpc "http://127.0.0.1:$base" --events "tcp://127.0.0.1:$((base + 1))" "$@"; }

step "up.sh --no-build --no-follow in $home, ports $base..$((base + 3))"
"$up" --no-build --no-follow --home "$home" "${ports[@]}" >"$tmp/up.out" 2>&1 &
up_pid=$!
wait_for "$tmp/up.out" '^answer \(request [0-9]+\): ' 120
grep -Eq '^answer \(request 1\): 4$' "$tmp/up.out" || fail "the first answer is not 4"
wait_for "$tmp/up.out" 'Ctrl-C stops everything' 10
pids=()
for n in chain mockai oracle; do
    [ -s "$home/run/$n.pid" ] || fail "no $home/run/$n.pid"
    pids+=("$(cat "$home/run/$n.pid")")
done
started_pids+=("${pids[@]}")
step "first answer: 4 (pids chain ${pids[0]}, mockai ${pids[1]}, oracle ${pids[2]})"

# A second up.sh must refuse, clearly, to share the running home or its ports.
st=0
"$up" --no-build --exit-after-first-answer --home "$home" "${ports[@]}" >"$tmp/dup.out" 2>&1 || st=$?
[ "$st" -eq 2 ] && grep -q 'already running' "$tmp/dup.out" || fail "same home: expected exit 2 'already running', got $st"
st=0
"$up" --no-build --exit-after-first-answer --home "$tmp/other" "${ports[@]}" >"$tmp/dup.out" 2>&1 || st=$?
[ "$st" -eq 2 ] && grep -q 'is in use' "$tmp/dup.out" || fail "same ports: expected exit 2 'is in use', got $st"
[ ! -e "$tmp/other" ] || fail "a refused up.sh created a home"
step "a second up.sh on the same home or ports refuses (exit 2)"

# ---- 2. yb ask ----
out=$(yb ask "What is 12 * (3 + 4)?") || fail "yb ask failed: $out"
grep -Eq '^answer \(request 2\): 84$' <<<"$out" || fail "yb ask: expected 84, got: $out"
out=$(yb --json ask "What is 6*7?") || fail "yb --json ask failed: $out"
grep -q '"status":[[:space:]]*"answered"' <<<"$out" && grep -q '"answer":[[:space:]]*"42"' <<<"$out" ||
    fail "yb --json ask: expected answered 42, got: $out"
step "yb ask: 84, and 42 as JSON"

# ---- 3. a forced timeout: oracle stopped, fast-forward 200 ----
kill -TERM "${pids[2]}"
all_gone "${pids[2]}"
wait_for "$tmp/up.out" 'oracle exited with status 0; the chain keeps running' 10
curl -fsS -m 5 -o /dev/null "http://127.0.0.1:$base/healthz" || fail "the chain is not healthy without the oracle"
yb ask "What is 1+1?" >"$tmp/ask-timeout.out" 2>&1 &
ask_pid=$!
i=0
until yb pending 2>/dev/null | grep -q 'What is 1+1?'; do
    i=$((i + 1))
    [ $i -le 100 ] || fail "the question never showed in yb pending"
    sleep 0.1
done
yb fast-forward 200 >/dev/null || fail "yb fast-forward 200 failed"
ask_st=0
wait "$ask_pid" || ask_st=$?
out=$(cat "$tmp/ask-timeout.out")
grep -Eq 'request 4 timed out' <<<"$out" || fail "yb ask (status $ask_st) did not report the timeout: $out"
out=$(yb pending 2>&1) || fail "yb pending failed: $out"
if grep -q 'What is 1+1?' <<<"$out"; then
    fail "the timed-out request is still pending: $out"
fi
metrics=$(curl -fsS -m 5 "http://127.0.0.1:$base/metrics") || fail "no /metrics"
grep -Eq '^yb_chain_yield_timeouts_total [1-9]' <<<"$metrics" || fail "yb_chain_yield_timeouts_total is not >= 1"
step "timeout: oracle stopped, fast-forward 200, request 4 timed out"

# ---- 4. SIGTERM: up.sh exits 0, nothing left ----
kill -TERM "$up_pid"
up_st=0
wait "$up_pid" || up_st=$?
up_pid=""
[ "$up_st" -eq 0 ] || fail "up.sh exited with $up_st after SIGTERM"
all_gone "${pids[@]}"
grep -q 'stopped (exit status: oracle=0 mockai=0 chain=0)' "$tmp/up.out" || fail "a process did not exit 0"
[ -z "$(ls "$home/run" 2>/dev/null)" ] || fail "pid files left in $home/run"
step "SIGTERM: up.sh exited 0; chain, mockai and oracle are gone"

# ---- 5. again on the same home, with --ai-url: an "external" OpenAI-compatible server ----
# It runs with deploy/mockai.example.env's flags (as its systemd unit would), our port last.
ai_url="http://127.0.0.1:$((base + 3))"
# shellcheck disable=SC2086 # YB_MOCKAI_ARGS is a list of flags, split on purpose
(
    # shellcheck source=deploy/mockai.example.env
    . "$src/deploy/mockai.example.env"
    [ -n "${YB_MOCKAI_ARGS:-}" ] || exit 3
    exec "$YB_BUILD_DIR/oracle/mockai/yb-mockai" $YB_MOCKAI_ARGS --listen "$ai_url"
) >"$tmp/external-ai.out" 2>&1 &
ai_pid=$!
started_pids+=("$ai_pid")
i=0
until curl -fsS -m 2 -o /dev/null "$ai_url/healthz" 2>/dev/null; do
    i=$((i + 1))
    [ $i -le 100 ] || fail "the external AI server did not start"
    sleep 0.1
done
OPENAI_API_KEY=e2e-dummy-key "$up" --no-build --exit-after-first-answer --home "$home" "${ports[@]}" \
    --ai-url "$ai_url" --model e2e-model --oracle-config "$src/deploy/oracle.example.json" \
    --question "What is 2*21?" >"$tmp/up2.out" 2>&1 ||
    fail "up.sh on the same home with --ai-url failed"
kill -TERM "$ai_pid"
wait "$ai_pid" || fail "the external AI server did not exit 0"
grep -q 'reusing the home' "$tmp/up2.out" || fail "the home was not reused"
grep -q 'AI backend openai: ' "$tmp/up2.out" || fail "up.sh did not say which AI backend it chose"
grep -q "AI: openai at $ai_url, model e2e-model, key from \$OPENAI_API_KEY" "$tmp/up2.out" ||
    fail "--ai-url/--model/OPENAI_API_KEY did not reach the oracle"
! grep -q 'starting yb-mockai' "$tmp/up2.out" || fail "--ai-url still started yb-mockai"
grep -Eq '^answer \(request 5\): 42$' "$tmp/up2.out" || fail "second run: expected request 5 answered 42"
grep -q 'stopped (exit status: oracle=0 chain=0)' "$tmp/up2.out" || fail "second run: a process did not exit 0"
step "second run reused the home, asked the --ai-url server: request 5 answered 42, all exited 0"

# --reset: the same home starts fresh (the next question is request 1 again).
"$up" --no-build --reset --exit-after-first-answer --home "$home" "${ports[@]}" >"$tmp/up3.out" 2>&1 ||
    fail "up.sh --reset failed"
grep -q "reset: deleting $home" "$tmp/up3.out" || fail "--reset did not delete the home"
grep -Eq '^answer \(request 1\): 4$' "$tmp/up3.out" || fail "--reset: expected a fresh chain (request 1 answered 4)"
step "--reset: a fresh chain in the same home answered request 1"

# A reader that goes away (`| head`) must not leave processes behind: up.sh stops them.
# The first lines end once the chain is healthy; the next write meets the closed pipe.
"$up" --no-build --exit-after-first-answer --home "$tmp/pipe" "${ports[@]}" 2>&1 | head -n 4 >/dev/null || true
i=0
while :; do
    left=""
    for d in /proc/[0-9]*; do
        cmd=$(tr '\0' ' ' 2>/dev/null <"$d/cmdline") || continue
        case "$cmd" in
        *"$tmp/pipe"* | *yb-mockai*"127.0.0.1:$((base + 3))"*) left+=" ${d#/proc/}" ;;
        esac
    done
    [ -n "$left" ] || break
    i=$((i + 1))
    [ $i -le 150 ] || fail "processes left after the reader of up.sh went away:$left"
    sleep 0.1
done
grep -q 'CHAIN-STOP' "$tmp/pipe/logs/chain.log" || fail "the chain was not stopped cleanly after the reader went away"
step "a reader that goes away (| head): up.sh still stops what it started"

# ---- 6. manual mode, no oracle: yb race ----
base=$(free_ports) || fail "no free ports"
home=$tmp/race
# This home's config.json is deploy/chain.example.json: the example must load.
"$YB_BUILD_DIR/chain/node/yb-chain" init --home "$home" >"$tmp/init.out" 2>&1 || fail "yb-chain init failed"
cp "$src/deploy/chain.example.json" "$home/config.json"
step "up.sh --mode manual --no-oracle in $home (config.json = chain.example.json), ports $base..$((base + 1))"
"$up" --no-build --no-follow --mode manual --no-oracle --home "$home" --rpc-port "$base" \
    --events-port $((base + 1)) >"$tmp/race.out" 2>&1 &
up_pid=$!
wait_for "$tmp/race.out" 'Ctrl-C stops everything' 60
[ ! -e "$home/run/oracle.pid" ] && [ ! -e "$home/run/mockai.pid" ] || fail "--no-oracle started an oracle or mockai"
chain_pid=$(cat "$home/run/chain.pid")
started_pids+=("$chain_pid")
out=$(yb --json race 2>"$tmp/race.err") || fail "yb race failed: $out $(cat "$tmp/race.err")"
rows=$(grep -Eo '"matches":[[:space:]]*true' <<<"$out" | wc -l)
[ "$rows" -eq 7 ] && grep -Eq '"all_match":[[:space:]]*true' <<<"$out" ||
    fail "yb race: expected 7 rows matching nep519 §4.4, got $rows: $out"
kill -TERM "$up_pid"
up_st=0
wait "$up_pid" || up_st=$?
up_pid=""
[ "$up_st" -eq 0 ] || fail "manual up.sh exited with $up_st after SIGTERM"
all_gone "$chain_pid"
grep -q 'stopped (exit status: chain=0)' "$tmp/race.out" || fail "the manual-mode chain did not exit 0"
step "yb race: 7 scenarios ok; stopped cleanly"
# ---- 7. on a terminal: labelled logs, then Ctrl-C ----
# script(1) gives up.sh a pseudo-terminal, as a user's shell would; the feeder types into it.
if command -v script >/dev/null 2>&1; then
    base=$(free_ports) || fail "no free ports"
    home=$tmp/tty
    our_ports+=($((base + 3)))
    : >"$tmp/tty.out"
    # until FILE PATTERN SECONDS: like wait_for, inside the feeder (returns 1 instead of failing).
    until_seen() {
        local i=0
        while ! grep -Eq "$2" "$1" 2>/dev/null; do
            i=$((i + 1))
            [ $i -le $(($3 * 10)) ] || return 1
            sleep 0.1
        done
    }
    feeder() {
        until_seen "$tmp/tty.out" 'Ctrl-C stops everything' 120 || return 0
        "$yb_bin" --home "$home" --rpc "http://127.0.0.1:$base" ask "What is 5*5?" >"$tmp/tty-ask.out" 2>&1 || true
        until_seen "$tmp/tty.out" '\[oracle\].* YB-ORACLE-ANSWERED .*\(request 2\)' 30 || true
        until_seen "$tmp/tty.out" '\[mockai\].* MOCKAI-REQUEST ' 10 || true
        # yb ask on a terminal of its own: the progress bar. The mock AI waits 2 s (4 blocks)
        # so that the bar is drawn before the answer comes.
        SHELL=/bin/sh script -qfec "exec $(printf '%q ' "$yb_bin" --home "$home" --rpc "http://127.0.0.1:$base" \
            ask "[mock:latency=2000] What is 3*3?")" /dev/null </dev/null >"$tmp/tty-bar.out" 2>&1 || true
        cat "$home/run/"*.pid >"$tmp/tty.pids" 2>/dev/null || true
        printf '\003'
        if ! until_seen "$tmp/tty.out" 'stopped \(exit status' 30; then
            # Ctrl-C did not stop up.sh: stop its processes so that it ends (and the test fails).
            local p
            while read -r p; do
                if ours "$p"; then
                    kill -TERM "$p" 2>/dev/null || true
                fi
            done <"$tmp/tty.pids"
        fi
    }
    step "up.sh on a terminal (script), ports $base..$((base + 3))"
    st=0
    # script(1) runs the command through $SHELL -c; dash (/bin/sh, CI's SHELL) does not exec a
    # lone command, so without `exec` an sh sits between script and up.sh, takes the Ctrl-C
    # itself and dies of it (script then reports 130). A user's terminal has no such sh.
    # --yield-timeout 150: the closing hint must name this home's timeout, not a fixed 200.
    feeder | SHELL=/bin/sh script -qfec "exec $(printf '%q ' "$up" --no-build --home "$home" --rpc-port "$base" \
        --events-port $((base + 1)) --oracle-port $((base + 2)) --mockai-port $((base + 3)) --yield-timeout 150)" \
        /dev/null >"$tmp/tty.out" 2>&1 || st=$?
    left=$(cat "$home/run/"*.pid 2>/dev/null || true)
    [ "$st" -eq 0 ] || fail "up.sh on a terminal exited with $st after Ctrl-C"
    [ -s "$tmp/tty.pids" ] || fail "no pids recorded before Ctrl-C"
    # shellcheck disable=SC2046
    all_gone $(cat "$tmp/tty.pids")
    grep -q 'answer (request 2): 25' "$tmp/tty-ask.out" || fail "yb ask beside the followed logs: $(cat "$tmp/tty-ask.out")"
    grep -Eq '\[oracle\].* YB-ORACLE-ANSWERED .*\(request 2\)' "$tmp/tty.out" || fail "no [oracle] line for request 2 in the followed logs"
    grep -Eq '\[mockai\].* MOCKAI-REQUEST ' "$tmp/tty.out" || fail "no [mockai] line in the followed logs"
    # The chain logs little while it runs; its CHAIN-STOP line must still reach the terminal.
    grep -Eq '\[chain\].* CHAIN-STOP ' "$tmp/tty.out" || fail "no [chain] CHAIN-STOP line in the followed logs"
    grep -Eq 'fast-forward 150 +# \.\.\. and that request times out' "$tmp/tty.out" ||
        fail "the closing hint does not use the home's yield timeout (150)"
    # The bar: redrawn in place (carriage return, erase line), "[###...] height H, N blocks left".
    grep -aEq $'\r\e\\[K\\[[#.]+\\] height [0-9]+, [0-9]+ blocks left' "$tmp/tty-bar.out" ||
        fail "yb ask on a terminal drew no progress bar: $(cat -v "$tmp/tty-bar.out")"
    grep -aq 'answer (request 3): 9' "$tmp/tty-bar.out" || fail "yb ask on a terminal: $(cat -v "$tmp/tty-bar.out")"
    grep -q 'stopped (exit status: oracle=0 mockai=0 chain=0)' "$tmp/tty.out" || fail "Ctrl-C: a process did not exit 0"
    [ -z "$left" ] || fail "pid files left after Ctrl-C: $left"
    step "terminal: [chain], [oracle] and [mockai] lines followed; yb ask drew its bar; Ctrl-C stopped all three with status 0"
else
    step "no script(1) here: the terminal (Ctrl-C) check is skipped"
fi
step "PASS"
