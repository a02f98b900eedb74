#!/usr/bin/env bash
# soak.sh — the bounded soak test (issue 7): real yb-chain, yb-mockai and yb-oracle on free
# loopback ports in a temporary home, a stream of mixed asks, an oracle kill -9 and a chain
# restart in the middle, then the books are balanced: every request ended exactly once
# (answered or timed out), none lost, and the chain's and the oracle's counters agree with the
# per-request tally. README.md beside this file says which counters must match and why.
#
#   tests/soak/soak.sh --minutes 5       the full run (custom target `soak`)
#   tests/soak/soak.sh --seconds 35      the ctest smoke run (soak_smoke, label soak)
#
# Builds nothing: the binaries come from YB_BUILD_DIR (default <repo>/build). Everything it
# starts it stops; the temporary directory is removed unless --keep.
# A && B || fail is meant as written: fail when either test is false.
# shellcheck disable=SC2015
set -euo pipefail

src=${YB_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${YB_BUILD_DIR:-$src/build}
load_secs=120
block_ms=150
yield_timeout=40
chain_signal=TERM
keep=0

usage() {
    cat <<EOF
usage: tests/soak/soak.sh [--minutes N | --seconds N] [options]

Runs yb-chain (interval mode), yb-mockai and yb-oracle in a temporary home, sends a
stream of mixed questions for the given time (plain, slow, near the timeout, 500/429
bursts, hangs, malformed answers), kill -9s and restarts the oracle at 30% of it and
stops and restarts the chain at 60%, then fast-forwards past the last expiry and checks
that every request ended exactly once and that the counters agree. Exit 0 = all held.

  --minutes N        length of the load phase in minutes (default 2)
  --seconds N        the same in seconds
  --block-time MS    the chain's block time (default $block_ms)
  --yield-timeout N  blocks before a request times out (default $yield_timeout)
  --chain-signal S   how the chain is stopped in the middle: TERM (default) or KILL
  --keep             keep the temporary directory (logs, tallies) and print its path
  -h, --help         this text

Environment: YB_BUILD_DIR (build directory with the four binaries).
EOF
}

while [ $# -gt 0 ]; do
    case "$1" in
    -h | --help) usage; exit 0 ;;
    --minutes) load_secs=$(($2 * 60)); shift ;;
    --seconds) load_secs=$2; shift ;;
    --block-time) block_ms=$2; shift ;;
    --yield-timeout) yield_timeout=$2; shift ;;
    --chain-signal) chain_signal=$2; shift ;;
    --keep) keep=1 ;;
    *) echo "soak: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
case "$chain_signal" in
TERM | KILL) ;;
*) echo "soak: --chain-signal TERM or KILL" >&2; exit 2 ;;
esac
[ "$load_secs" -ge 20 ] || { echo "soak: the load phase needs at least 20 s" >&2; exit 2; }

chain_bin=$build/chain/node/yb-chain
oracle_bin=$build/oracle/yb-oracle
mockai_bin=$build/oracle/mockai/yb-mockai
yb_bin=$build/chain/cli/yb
for b in "$chain_bin" "$oracle_bin" "$mockai_bin" "$yb_bin"; do
    [ -x "$b" ] || { echo "soak: $b is not built (cmake --build $build)" >&2; exit 1; }
done
for t in jq curl awk; do
    command -v "$t" >/dev/null 2>&1 || { echo "soak: needs $t" >&2; exit 1; }
done

tmp=$(mktemp -d /tmp/yb-soak-XXXXXX)
home=$tmp/home
chain_pid="" mockai_pid="" oracle_pid="" watch_pid=""
loader_pids=()

say() { printf 'soak %s: %s\n' "$(date -u +%H:%M:%S)" "$*"; }

# fail MESSAGE: the logs' tails, then the message last (where a reader of the output looks).
fail() {
    local f
    for f in "$tmp"/*.log; do
        [ -f "$f" ] || continue
        echo "---- $f (last 15 lines) ----" >&2
        tail -n 15 "$f" >&2
    done
    echo "soak: FAIL: $*" >&2
    exit 1
}

# stop PID SIGNAL: signal a process we started and wait for it; its exit status in $st.
st=0
stop() {
    st=0
    kill "-$2" "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || st=$?
}

cleanup() {
    local st=$?
    local p
    for p in "${loader_pids[@]}"; do
        kill -TERM "$p" 2>/dev/null || true
    done
    for p in "$watch_pid" "$oracle_pid" "$mockai_pid" "$chain_pid"; do
        if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then
            kill -KILL "$p" 2>/dev/null || true
            wait "$p" 2>/dev/null || true
        fi
    done
    wait 2>/dev/null || true
    if [ "$keep" -eq 1 ]; then
        echo "soak: kept $tmp"
    else
        rm -rf "$tmp"
    fi
    exit "$st"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Four free loopback ports in a row (free_ports, shared with the other shell tests).
# shellcheck source=tests/support/ports.sh
. "$src/tests/support/ports.sh"

base=$(free_ports) || fail "no free ports"
rpc_url=http://127.0.0.1:$base
events_url=tcp://127.0.0.1:$((base + 1))
oracle_url=http://127.0.0.1:$((base + 2))
mockai_url=http://127.0.0.1:$((base + 3))
yb() { "$yb_bin" --home "$home" --rpc "$rpc_url" --events "$events_url" "$@"; }
now_ms() { date +%s%3N; }

# wait_http URL SECONDS PID: until URL answers 2xx; fail if PID exits first.
wait_http() {
    local i=0
    until curl -fsS -m 2 -o /dev/null "$1" 2>/dev/null; do
        kill -0 "$3" 2>/dev/null || fail "the process for $1 exited while starting"
        i=$((i + 1))
        [ $i -le $(($2 * 10)) ] || fail "$1 did not answer within $2 s"
        sleep 0.1
    done
}

start_chain() {
    "$chain_bin" run --home "$home" --mode interval --block-time "$block_ms" \
        --rpc "127.0.0.1:$base" --events "$events_url" >>"$tmp/chain-$1.log" 2>&1 &
    chain_pid=$!
    wait_http "$rpc_url/healthz" 30 "$chain_pid"
}

start_oracle() {
    "$oracle_bin" --rpc-url "$rpc_url" --events-url "$events_url" \
        --contract-id assistant.test.near --account-id oracle.test.near \
        --key-file "$home/keys/oracle.test.near.json" --journal-dir "$home/oracle-journal" \
        --ai-base-url "$mockai_url" --ai-model yb-mock-1 --metrics-listen "$oracle_url" \
        --timeout-blocks "$yield_timeout" >>"$tmp/oracle-$1.log" 2>&1 &
    oracle_pid=$!
    wait_http "$oracle_url/healthz" 30 "$oracle_pid"
}

# metric TEXT NAME: the value of one sample line (NAME may carry labels), 0 when absent.
metric() {
    awk -v n="$2" '$1 == n { v = $2 } END { print (v == "" ? 0 : v) }' <<<"$1"
}

# ---- 1. the home and the three processes ----
say "home $tmp/home, ports $base..$((base + 3)), ${block_ms} ms blocks, yield timeout $yield_timeout blocks, load ${load_secs} s"
"$chain_bin" init --home "$home" --yield-timeout "$yield_timeout" >"$tmp/init.log" 2>&1 || fail "yb-chain init failed"
start_chain 1
# The chain's events, a third witness (hints: PUB drops for slow readers; seq shows any gap). The
# subscriber's nng dialer reconnects by itself after the chain restart.
"$yb_bin" --events "$events_url" --json watch >"$tmp/events.jsonl" 2>"$tmp/watch.log" &
watch_pid=$!
# Random 500s (5%, seeded) on every answer beside the prompt-directed faults: retries must cope.
"$mockai_bin" --listen "$mockai_url" --error-rate 0.05 --seed 519 >"$tmp/mockai.log" 2>&1 &
mockai_pid=$!
wait_http "$mockai_url/healthz" 30 "$mockai_pid"
start_oracle 1
next0=$(yb --json view assistant.test.near get_config | jq -r .result.next_request_id) || fail "get_config failed"
[[ "$next0" =~ ^[0-9]+$ ]] || fail "get_config has no next_request_id: $next0"

# ---- 2. the load: one loader per signing account (yb signs with nonce = access key + 1, so a
# loader waits until its transaction is in a block before sending the next) ----
# Twenty kinds in a cycle; the 500s and 429s come in bursts. Near-timeout latencies straddle the
# oracle's budget (yield timeout minus its margins), so some of them are answered and some not.
near_ms=$((yield_timeout * block_ms))
kinds=(plain plain slow near plain e500 e500 e500 plain hang e429 e429 plain near malformed plain
    quota slow plain near)

# prompt KIND N: the question, and after a tab the answer a plain/slow/near question must get.
prompt() {
    local a=$(($2 % 97 + 1)) b=$(($2 % 89 + 3))
    case "$1" in
    plain) printf 'What is %d+%d?\t%d' "$a" "$b" $((a + b)) ;;
    slow) printf '[mock:latency=100-900] What is %d*%d?\t%d' "$a" "$b" $((a * b)) ;;
    near) printf '[mock:latency=%d-%d] What is %d-%d?\t%d' $((near_ms * 3 / 4)) $((near_ms * 5 / 4)) \
        "$a" "$b" $((a - b)) ;;
    e500) printf '[mock:500] soak question %d\t-' "$2" ;;
    e429) printf '[mock:429,retry-after=1] soak question %d\t-' "$2" ;;
    hang) printf '[mock:hang] soak question %d\t-' "$2" ;;
    malformed) printf '[mock:malformed] soak question %d\t-' "$2" ;;
    quota) printf '[mock:quota] soak question %d\t-' "$2" ;;
    esac
}

# loader ACCOUNT SLOT END_MS: ask until END_MS; one line per sent transaction in sent-SLOT.tsv:
# hash, account, kind, expected answer, send time (ms).
loader() {
    local acct=$1 slot=$2 end=$3 n=$2 kind p q want out hash i
    while [ "$(now_ms)" -lt "$end" ]; do
        kind=${kinds[$((n % ${#kinds[@]}))]}
        p=$(prompt "$kind" "$n")
        q=${p%%$'\t'*}
        want=${p#*$'\t'}
        if ! out=$(yb --json ask --no-wait --as "$acct" "$q" 2>/dev/null); then
            echo "send-error $(now_ms)" >>"$tmp/loader-$slot.errors"
            sleep 0.2
            continue
        fi
        hash=$(jq -r .tx_hash <<<"$out")
        printf '%s\t%s\t%s\t%s\t%s\n' "$hash" "$acct" "$kind" "$want" "$(now_ms)" >>"$tmp/sent-$slot.tsv"
        n=$((n + 2))
        # Until it is in a block (or 5 s: a chain restart drops its mempool; the final check
        # decides what became of it).
        i=0
        while [ $i -lt 100 ] && ! yb --json tx "$hash" --as "$acct" >/dev/null 2>&1; do
            sleep 0.05
            i=$((i + 1))
        done
    done
}

start_ms=$(now_ms)
end_ms=$((start_ms + load_secs * 1000))
loader user.test.near 0 "$end_ms" &
loader_pids+=($!)
loader test.near 1 "$end_ms" &
loader_pids+=($!)
sent_count() { cat "$tmp"/sent-*.tsv 2>/dev/null | wc -l; }

# ---- 3. oracle kill -9 at 30%, chain stop at 60% ----
sleep $((load_secs * 3 / 10))
head_now() { curl -fsS -m 2 "$rpc_url/metrics" 2>/dev/null | awk '$1 == "yb_chain_height" { print $2 }'; }
oracle_kill_height=$(head_now)
say "kill -9 the oracle at height $oracle_kill_height ($(sent_count) asks sent)"
stop "$oracle_pid" KILL
[ "$st" -eq 137 ] || fail "the oracle was not killed by SIGKILL (status $st)"
sleep 2
start_oracle 2
oracle2_height=$(head_now)
say "oracle restarted on the same journal at height $oracle2_height"

sleep $(((load_secs * 6 / 10) - (load_secs * 3 / 10) - 2))
# The chain's counters reset with the process: read them just before the stop, twice until two
# reads agree (a read between a block's counter updates would not), with the height they belong to.
prev="" cur="" i=0
while :; do
    cur=$(curl -fsS -m 2 "$rpc_url/metrics" | grep -E '^yb_chain_(height|yield_resumes_total|yield_timeouts_total) ') || fail "no chain /metrics"
    [ "$cur" != "$prev" ] || break
    prev=$cur
    i=$((i + 1))
    [ $i -lt 50 ] || fail "the chain's metrics never read the same twice"
    sleep 0.01
done
chain1_height=$(metric "$cur" yb_chain_height)
chain1_resumes=$(metric "$cur" yb_chain_yield_resumes_total)
chain1_timeouts=$(metric "$cur" yb_chain_yield_timeouts_total)
say "SIG$chain_signal the chain at height $chain1_height (resumes $chain1_resumes, timeouts $chain1_timeouts, $(sent_count) asks sent)"
chain_stop_ms=$(now_ms)
stop "$chain_pid" "$chain_signal"
if [ "$chain_signal" = TERM ]; then
    [ "$st" -eq 0 ] || fail "yb-chain exited with $st after SIGTERM"
fi
sleep 1
start_chain 2
chain2_start=$(sed -n 's/.*CHAIN-START .*, height \([0-9]*\),.*/\1/p' "$tmp/chain-2.log" | tail -n 1)
[ -n "$chain2_start" ] || fail "no CHAIN-START line in chain-2.log"
chain_up_ms=$(now_ms)
say "chain restarted at height $chain2_start"

# ---- 4. the end of the load, then everything runs out ----
for p in "${loader_pids[@]}"; do
    wait "$p" || fail "a loader failed"
done
loader_pids=()
say "load done: $(sent_count) asks sent; waiting for the answers, then fast-forwarding past the last expiry"
# The in-flight answers get most of a timeout window; what is left then is expired by the jump.
i=0
while [ $i -lt $((near_ms / 100)) ]; do
    [ "$(yb --json pending | jq length)" -eq 0 ] && break
    sleep 0.1
    i=$((i + 1))
done
yb --json fast-forward $((yield_timeout + 1)) >/dev/null || fail "fast-forward failed"
i=0
until [ "$(yb --json pending | jq length)" -eq 0 ]; do
    i=$((i + 1))
    [ $i -le 200 ] || fail "requests still pending 20 s after the fast-forward: $(yb --json pending)"
    sleep 0.1
done

# ---- 5. every sent transaction's fate ----
# rows.tsv: hash account kind want | fate | callbacks request_id created_id yield_id status
# callback_height expires_height answer(b64)
cat "$tmp"/sent-*.tsv >"$tmp/sent.tsv"
block_height() {
    curl -fsS -m 5 -H 'Content-Type: application/json' \
        -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"block\",\"params\":{\"block_id\":\"$1\"}}" \
        "$rpc_url" | jq -r .result.header.height
}
# A request's callback receipt: the one whose value is {"request_id","status",...}.
# shellcheck disable=SC2016
tx_filter='
def val: (.outcome.status.SuccessValue // "") | if . == "" then null else (@base64d | fromjson? // null) end;
if (.status | has("Failure")) then ["rejected", (.status.Failure | tostring)] else
[ .receipts_outcome[] | {b: .block_hash, v: val}
  | select((.v | type) == "object" and (.v | has("status"))) ] as $cb
| [ .receipts_outcome[].outcome.logs[] | select(startswith("EVENT_JSON:")) | ltrimstr("EVENT_JSON:")
    | fromjson? | select(.event == "request_created") | .data[0] ] as $cr
| ["request", .final_execution_status, ($cb | length), ($cb[0].v.status // "-"),
   ($cb[0].v.request_id // "-"), ($cr[0].request_id // "-"), ($cr[0].yield_id // "-"),
   ($cb[0].b // "-"), ($cr[0].expires_height // "-"), ($cb[0].v.answer // "" | @base64)] end | @tsv'
: >"$tmp/rows.tsv"
deadline=$(($(now_ms) + 30000))
while IFS=$'\t' read -r hash acct kind want sent_ms; do
    while :; do
        if ! out=$(yb --json tx "$hash" --as "$acct" 2>/dev/null); then
            # Never in a block: dropped from the mempool by the chain stop (clients resend).
            printf '%s\t%s\t%s\t%s\tdropped\t%s\n' "$hash" "$acct" "$kind" "$want" "$sent_ms" >>"$tmp/rows.tsv"
            break
        fi
        row=$(jq -r "$tx_filter" <<<"$out") || fail "cannot read the outcome of $hash"
        IFS=$'\t' read -r fate f2 ncb status rid crid yid cbb exp ans <<<"$row"
        if [ "$fate" = rejected ]; then
            printf '%s\t%s\t%s\t%s\trejected\t%s\n' "$hash" "$acct" "$kind" "$want" "$f2" >>"$tmp/rows.tsv"
            break
        fi
        if [ "$f2" = FINAL ] && [ "$ncb" -ge 1 ]; then
            printf '%s\t%s\t%s\t%s\trequest\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$hash" "$acct" "$kind" "$want" \
                "$ncb" "$rid" "$crid" "$yid" "$status" "$(block_height "$cbb")" "$exp" "$ans" >>"$tmp/rows.tsv"
            break
        fi
        [ "$(now_ms)" -lt "$deadline" ] || fail "transaction $hash never finished: $row"
        sleep 0.2
    done
done <"$tmp/sent.tsv"

# The oracle settles (timed-out requests leave its table at its next poll).
i=0
until [ "$(metric "$(curl -fsS -m 2 "$oracle_url/metrics")" oracle_requests_tracked)" -eq 0 ]; do
    i=$((i + 1))
    [ $i -le 150 ] || fail "the oracle still tracks requests 15 s after the end"
    sleep 0.1
done
config=$(yb --json view assistant.test.near get_config) || fail "get_config failed"
pending_left=$(yb --json view assistant.test.near get_pending_requests | jq ".result | length")
chain2=$(curl -fsS -m 5 "$rpc_url/metrics") || fail "no chain /metrics at the end"
oracle2=$(curl -fsS -m 5 "$oracle_url/metrics") || fail "no oracle /metrics at the end"

# ---- 6. stop everything: each exits 0 ----
sleep 0.5
kill -TERM "$watch_pid" 2>/dev/null || true
wait "$watch_pid" 2>/dev/null || true
watch_pid=""
stop "$oracle_pid" TERM; oracle_pid=""
[ "$st" -eq 0 ] || fail "yb-oracle exited with $st after SIGTERM"
stop "$mockai_pid" TERM; mockai_pid=""
[ "$st" -eq 0 ] || fail "yb-mockai exited with $st after SIGTERM"
stop "$chain_pid" TERM; chain_pid=""
[ "$st" -eq 0 ] || fail "yb-chain exited with $st after SIGTERM"

# ---- 7. the books ----
problems=()
problem() { problems+=("$*"); }

requests=$(awk -F'\t' '$5 == "request"' "$tmp/rows.tsv" | wc -l)
dropped=$(awk -F'\t' '$5 == "dropped"' "$tmp/rows.tsv" | wc -l)
rejected=$(awk -F'\t' '$5 == "rejected"' "$tmp/rows.tsv" | wc -l)
answered=$(awk -F'\t' '$5 == "request" && $10 == "answered"' "$tmp/rows.tsv" | wc -l)
timedout=$(awk -F'\t' '$5 == "request" && $10 == "timeout"' "$tmp/rows.tsv" | wc -l)

# Exactly once: one callback per request, answered or timeout, its request id the one created.
bad=$(awk -F'\t' '$5 == "request" && ($6 != 1 || $7 != $8 || ($10 != "answered" && $10 != "timeout"))' "$tmp/rows.tsv")
[ -z "$bad" ] || problem "requests not ended exactly once: $bad"
dup=$(awk -F'\t' '$5 == "request" { print $7 }' "$tmp/rows.tsv" | sort | uniq -d)
[ -z "$dup" ] || problem "request ids ended by two transactions: $dup"
# None lost: the contract created exactly the requests we sent, and none is pending.
next1=$(jq -r .result.next_request_id <<<"$config")
[ $((next1 - next0)) -eq "$requests" ] || problem "the contract created $((next1 - next0)) requests, our transactions show $requests"
[ "$pending_left" -eq 0 ] && [ "$(jq -r .result.pending <<<"$config")" -eq 0 ] || problem "requests still pending at the end"
# A transaction that never reached a block was in the mempool when the chain stopped (the node
# drops its mempool; clients resend): sent in the 5 s before the stop or while it was down.
stray=$(awk -F'\t' -v a=$((chain_stop_ms - 5000)) -v b="$chain_up_ms" '$5 == "dropped" && ($6 < a || $6 > b)' "$tmp/rows.tsv")
[ -z "$stray" ] || problem "transactions lost outside the chain restart: $stray"
# Answers are right: an answered plain/slow/near question got its arithmetic result.
wrong=$(awk -F'\t' '$5 == "request" && $10 == "answered" && $4 != "-" { print $13 "\t" $4 "\t" $1 }' "$tmp/rows.tsv" |
    while IFS=$'\t' read -r b64 want h; do
        got=$(base64 -d <<<"$b64")
        [ "$got" = "$want" ] || echo "$h: '$got' != '$want'"
    done)
[ -z "$wrong" ] || problem "wrong answers: $wrong"
hang_answered=$(awk -F'\t' '$5 == "request" && $3 == "hang" && $10 == "answered"' "$tmp/rows.tsv" | wc -l)
[ "$hang_answered" -eq 0 ] || problem "$hang_answered [mock:hang] questions were answered"

# The chain's counters. A resume or timeout happens one block before the callback that reports
# it; the counters of run 1 were read at chain1_height, run 2 counts from chain2_start + 1. An
# answer resumed at or after its expiry height (nep519.md §4.4 cases 4 and 5: the timeout was
# detected, then the resume won) counts a timeout too, at its expiry height.
c1r=$(awk -F'\t' -v h="$chain1_height" '$5 == "request" && $10 == "answered" && $11 - 1 <= h' "$tmp/rows.tsv" | wc -l)
c1t=$(awk -F'\t' -v h="$chain1_height" '$5 == "request" && (($10 == "timeout" && $11 - 1 <= h) ||
    ($10 == "answered" && $11 - 1 >= $12 && $12 <= h))' "$tmp/rows.tsv" | wc -l)
c2r=$(awk -F'\t' -v h="$chain2_start" '$5 == "request" && $10 == "answered" && $11 - 1 > h' "$tmp/rows.tsv" | wc -l)
c2t=$(awk -F'\t' -v h="$chain2_start" '$5 == "request" && (($10 == "timeout" && $11 - 1 > h) ||
    ($10 == "answered" && $11 - 1 >= $12 && $12 > h))' "$tmp/rows.tsv" | wc -l)
late=$(awk -F'\t' '$5 == "request" && $10 == "answered" && $11 - 1 >= $12' "$tmp/rows.tsv" | wc -l)
gapr=$((answered - c1r - c2r))
gapt=$((timedout + late - c1t - c2t))
chain2_resumes=$(metric "$chain2" yb_chain_yield_resumes_total)
chain2_timeouts=$(metric "$chain2" yb_chain_yield_timeouts_total)
[ "$chain1_resumes" -eq "$c1r" ] || problem "chain run 1: yb_chain_yield_resumes_total $chain1_resumes at height $chain1_height, tally $c1r"
[ "$chain1_timeouts" -eq "$c1t" ] || problem "chain run 1: yb_chain_yield_timeouts_total $chain1_timeouts at height $chain1_height, tally $c1t"
[ "$chain2_resumes" -eq "$c2r" ] || problem "chain run 2: yb_chain_yield_resumes_total $chain2_resumes, tally $c2r"
[ "$chain2_timeouts" -eq "$c2t" ] || problem "chain run 2: yb_chain_yield_timeouts_total $chain2_timeouts, tally $c2t"
[ "$(metric "$chain2" yb_chain_pending_yields)" -eq 0 ] || problem "yb_chain_pending_yields is not 0 at the end"

# The events: per request, one yield.resumed or one yield.timeout, at the height the callback's
# block says (one block before it). A missing event is a problem only when no event was missed
# (no seq gap; the subscriber misses a few while it reconnects after the chain restart); an extra
# or a different one is a problem always.
jq -r 'select(.topic | startswith("yield.")) | [.topic, .data.data_id, .data.height] | @tsv' \
    "$tmp/events.jsonl" >"$tmp/yield-events.tsv" 2>/dev/null || true
seq_gaps=$(jq -r '.data.seq' "$tmp/events.jsonl" 2>/dev/null | awk 'NR > 1 && $1 != p + 1 { g++ } { p = $1 } END { print g + 0 }')
ev_resumed=$(awk -F'\t' '$1 == "yield.resumed"' "$tmp/yield-events.tsv" | wc -l)
ev_timeout=$(awk -F'\t' '$1 == "yield.timeout"' "$tmp/yield-events.tsv" | wc -l)
ev_bad=$(awk -F'\t' -v gaps="$seq_gaps" '
    FNR == NR { if ($1 != "yield.created") { ev[$2] = ev[$2] " " $1 "@" $3; n[$2]++ } next }
    $5 == "request" { e = ev[$9]; want = ($10 == "answered" ? "yield.resumed" : "yield.timeout") "@" ($11 - 1)
        if ($10 == "answered" && $11 - 1 >= $12) {
            ok = n[$9] == 2 && index(e " ", " " want " ") && index(e " ", " yield.timeout@" $12 " ")
        } else {
            ok = n[$9] == 1 && e == " " want
        }
        if ((n[$9] == 0 && gaps == 0) || (n[$9] > 0 && !ok)) print "  " $9 " (" $10 ", callback at " $11 ", expiry " $12 "):" e }' \
    "$tmp/yield-events.tsv" "$tmp/rows.tsv")
[ -z "$ev_bad" ] || problem "events disagree with the outcomes (expected one event at the block before the callback):"$'\n'"$ev_bad"

# The oracle's verdicts, from its logs (run 1 was killed: only its log survives), the last per
# yield id. "failed" is any of the ways the daemon gives a request up.
oracle_verdicts() {
    awk '
    / YB-ORACLE-ANSWERED / { v = "answered" } / YB-ORACLE-LOST / { v = "lost" }
    / YB-ORACLE-EXPIRED / { v = "expired" } / YB-ORACLE-GONE / { v = "gone" }
    / YB-ORACLE-(AI-GIVEUP|AI-BACKEND|TX-GIVEUP|TX-FAILED) / { v = "failed" }
    v != "" { for (i = 1; i <= NF; i++) if ($i ~ /^YB-ORACLE-/) { id = $(i + 1); sub(/:$/, "", id); print id "\t" v; break } v = "" }
    ' "$@"
}
oracle_verdicts "$tmp/oracle-1.log" >"$tmp/oracle-1.verdicts"
oracle_verdicts "$tmp/oracle-2.log" >"$tmp/oracle-2.verdicts"
# Run 2's metrics are its own log's lines, outcome by outcome.
for o in answered lost expired gone failed; do
    m=$(metric "$oracle2" "oracle_requests_total{outcome=\"$o\"}")
    l=$(awk -F'\t' -v o="$o" '$2 == o' "$tmp/oracle-2.verdicts" | wc -l)
    [ "$m" -eq "$l" ] || problem "oracle run 2: oracle_requests_total{outcome=\"$o\"} $m, its log $l"
done
o_answered=$(cat "$tmp"/oracle-*.verdicts | awk -F'\t' '$2 == "answered"' | wc -l)
o_answered_ids=$(cat "$tmp"/oracle-*.verdicts | awk -F'\t' '$2 == "answered" { print $1 }' | sort)
[ -z "$(uniq -d <<<"$o_answered_ids")" ] || problem "the oracle confirmed a yield twice: $(uniq -d <<<"$o_answered_ids")"
# Per request: the oracle never claims an answer the chain did not take. A chain answer that no
# oracle run confirmed must be the oracle's own whose confirmation a restart cut off: resumed
# before oracle run 2 started (sent by the killed run), or around the chain restart (the chain
# failed the send_tx waiters with "node is stopping", the oracle sent again and read `false`:
# run 2 says lost, or gone when the answer landed before its next poll).
chain_ans_ids=$(awk -F'\t' '$5 == "request" && $10 == "answered" { print $9 }' "$tmp/rows.tsv" | sort)
chain_to_ids=$(awk -F'\t' '$5 == "request" && $10 == "timeout" { print $9 }' "$tmp/rows.tsv" | sort)
claimed=$(comm -12 <(sort -u <<<"$o_answered_ids") <(sort -u <<<"$chain_to_ids"))
[ -z "$claimed" ] || problem "the oracle confirmed answers the chain timed out: $claimed"
unconfirmed=$(comm -23 <(sort -u <<<"$chain_ans_ids") <(sort -u <<<"$o_answered_ids"))
window=10
by_killed=0 by_chain_stop=0
for y in $unconfirmed; do
    v=$(awk -F'\t' -v y="$y" '$1 == y { v = $2 } END { print v }' "$tmp/oracle-2.verdicts")
    h=$(awk -F'\t' -v y="$y" '$9 == y { print $11 - 1 }' "$tmp/rows.tsv")
    if [ "$h" -le "$oracle2_height" ] && { [ -z "$v" ] || [ "$v" = lost ] || [ "$v" = gone ]; }; then
        by_killed=$((by_killed + 1))
    elif [ "$h" -ge $((chain1_height - window)) ] && [ "$h" -le $((chain2_start + window)) ] &&
        { [ "$v" = lost ] || [ "$v" = gone ]; }; then
        by_chain_stop=$((by_chain_stop + 1))
    else
        problem "$y: resumed at height $h, no oracle run confirmed it (run 2, started at $oracle2_height, says '${v:-nothing}')"
    fi
done
[ $((o_answered + by_killed + by_chain_stop)) -eq "$answered" ] ||
    problem "oracle answers $o_answered + $by_killed sent by the killed run + $by_chain_stop cut off by the chain stop != chain answers $answered"

# ---- 8. the summary ----
echo
printf '%-10s %6s %9s %8s\n' kind asked answered timeout
for k in plain slow near e500 e429 hang malformed quota; do
    awk -F'\t' -v k="$k" '$3 == k && $5 == "request" { n++; if ($10 == "answered") a++; else t++ }
        END { printf "%-10s %6d %9d %8d\n", k, n, a, t }' "$tmp/rows.tsv"
done
printf '%-10s %6d %9d %8d\n' total "$requests" "$answered" "$timedout"
echo
printf '%-44s %8s %8s\n' counter value tally
printf '%-44s %8s %8s\n' "chain run 1 resumes (to height $chain1_height)" "$chain1_resumes" "$c1r"
printf '%-44s %8s %8s\n' "chain run 1 timeouts (to height $chain1_height)" "$chain1_timeouts" "$c1t"
printf '%-44s %8s %8s\n' "chain run 2 resumes (from height $((chain2_start + 1)))" "$chain2_resumes" "$c2r"
printf '%-44s %8s %8s\n' "chain run 2 timeouts (from height $((chain2_start + 1)))" "$chain2_timeouts" "$c2t"
printf '%-44s %8s %8s\n' "between the last read and the stop" "-" "$gapr+$gapt"
printf '%-44s %8s %8s\n' "events yield.resumed (seq gaps: $seq_gaps)" "$ev_resumed" "$answered"
printf '%-44s %8s %8s\n' "events yield.timeout" "$ev_timeout" "$timedout+$late"
printf '%-44s %8s %8s\n' "answers resumed at/after expiry (timeout too)" "-" "$late"
printf '%-44s %8s %8s\n' "oracle answered (logs, runs 1+2)" "$o_answered" "$answered"
printf '%-44s %8s %8s\n' "  + sent by the killed run (resumed by $oracle2_height)" "$by_killed" ""
printf '%-44s %8s %8s\n' "  + confirmation cut off by the chain stop" "$by_chain_stop" ""
for o in answered lost expired gone failed; do
    printf '%-44s %8s %8s\n' "oracle run 2 $o (metrics / log)" "$(metric "$oracle2" "oracle_requests_total{outcome=\"$o\"}")" \
        "$(awk -F'\t' -v o="$o" '$2 == o' "$tmp/oracle-2.verdicts" | wc -l)"
done
printf '%-44s %8s\n' "oracle run 2 journal resubmits" "$(metric "$oracle2" oracle_journal_resubmits_total)"
printf '%-44s %8s\n' "oracle run 2 AI retries" "$(metric "$oracle2" oracle_ai_retries_total)"
echo
echo "transactions sent $(wc -l <"$tmp/sent.tsv"): requests $requests, never in a block $dropped, rejected $rejected" \
    "(send errors while the chain was down: $(cat "$tmp"/loader-*.errors 2>/dev/null | wc -l))"
echo "oracle killed at height $oracle_kill_height; chain stopped (SIG$chain_signal) at ~$chain1_height, restarted at $chain2_start"
if [ ${#problems[@]} -gt 0 ]; then
    fail "$(printf '\n  %s' "${problems[@]}")"
fi
say "PASS: every request ended exactly once, none lost, counters agree"
