#!/usr/bin/env bash
# deploy/up.sh — the README's first command: a whole yieldbox on this machine.
#
# Installs what is missing (deploy/install-deps.sh), builds (build/, RelWithDebInfo), makes a
# home if there is none (yb-chain init), starts yb-chain, yb-mockai and yb-oracle, waits until
# each answers /healthz, asks "What is 2+2?" with `yb ask`, then keeps running with the three
# logs interleaved and labelled until Ctrl-C, which stops all three. `./deploy/up.sh --help`.
#
# Files in the home (default ./.yieldbox): config.json, keys/, data/ (yb-chain's), plus
# oracle-journal/ (yb-oracle's LMDB answer journal), logs/<name>.log and run/<name>.pid.
# A && B || fail is meant as written: fail when either test is false.
# shellcheck disable=SC2015
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)

# ---- settings (flags below override) ----
home=./.yieldbox
reset=0
build_dir=${YB_BUILD_DIR:-$root/build}
do_build=1
mode=interval
block_time=500
yield_timeout=""
rpc_port=3030
events_port=3031
oracle_port=3032
mockai_port=3033
ai_url=""
ai_model=""
ai_backend=""
oracle_config=""
with_oracle=1
follow=1
exit_after_answer=0
question="What is 2+2?"
wait_secs=${YB_UP_WAIT_SECONDS:-60}

usage() {
    cat <<EOF
usage: ./deploy/up.sh [options]

Builds yieldbox and runs it: yb-chain (JSON-RPC + events), yb-mockai (a mock AI) and
yb-oracle (answers the assistant contract's requests), asks one question, then shows
the three logs until Ctrl-C, which stops everything. Running it again reuses the home.

home and build
  --home DIR            the yieldbox home (default ./.yieldbox); created if missing
  --reset               delete the home's chain, keys, journal and logs and start fresh
  --no-build            skip install-deps and the build; use the binaries in the build dir
                        (YB_BUILD_DIR, default <repo>/build)
chain
  --mode M              interval (default) | on-demand | manual. manual makes blocks only
                        when asked (yb blocks N, yb fast-forward N): what \`yb race\` needs
  --block-time MS       interval mode's block time (default 500)
  --yield-timeout N     blocks before a request times out; only when the home is created
                        (default 200)
AI
  --ai-url URL          use this AI server instead of yb-mockai, e.g. https://api.openai.com,
                        http://127.0.0.1:11434 (Ollama), http://127.0.0.1:8080 (llama.cpp)
  --model NAME          the model to ask (needed with --ai-url)
  --ai-backend B        openai (Chat Completions) | anthropic (Messages API). Without it:
                        anthropic for https://api.anthropic.com, or when only
                        ANTHROPIC_API_KEY is set (and the server is not on this machine);
                        openai otherwise. The key is read from OPENAI_API_KEY or
                        ANTHROPIC_API_KEY.
  --oracle-config FILE  extra yb-oracle settings (see deploy/oracle.example.json); up.sh's
                        own flags (URLs, accounts, keys, AI) override the file
  --no-oracle           start neither yb-oracle nor yb-mockai (for \`yb race\`)
ports (all on 127.0.0.1; change them to run beside another instance)
  --rpc-port P          yb-chain JSON-RPC (default 3030)
  --events-port P       yb-chain events, nng PUB (default 3031)
  --oracle-port P       yb-oracle /metrics and /healthz (default 3032)
  --mockai-port P       yb-mockai (default 3033)
non-interactive use
  --question TEXT       the first question (default "What is 2+2?")
  --no-follow           do not show the logs after the first answer (still runs until a
                        signal; logs are in HOME/logs/)
  --exit-after-first-answer   stop everything after the first answer; exit 0 if it came
  -h, --help            this text

Environment: YB_BUILD_DIR (build directory), YB_UP_WAIT_SECONDS (health wait per process,
default 60), OPENAI_API_KEY / ANTHROPIC_API_KEY, and any YB_ORACLE_<SETTING> for yb-oracle.
EOF
}

die_usage() {
    echo "up.sh: $*" >&2
    echo "up.sh: see ./deploy/up.sh --help" >&2
    exit 2
}

need_value() {
    if [ "$2" -lt 2 ]; then
        die_usage "$1 needs a value"
    fi
}

is_port() {
    [[ "$1" =~ ^[0-9]+$ ]] && [ "$1" -ge 1 ] && [ "$1" -le 65535 ]
}

while [ $# -gt 0 ]; do
    case "$1" in
    -h | --help) usage; exit 0 ;;
    --home) need_value "$1" $#; home=$2; shift ;;
    --reset) reset=1 ;;
    --no-build) do_build=0 ;;
    --mode) need_value "$1" $#; mode=$2; shift ;;
    --block-time) need_value "$1" $#; block_time=$2; shift ;;
    --yield-timeout) need_value "$1" $#; yield_timeout=$2; shift ;;
    --ai-url) need_value "$1" $#; ai_url=$2; shift ;;
    --model) need_value "$1" $#; ai_model=$2; shift ;;
    --ai-backend) need_value "$1" $#; ai_backend=$2; shift ;;
    --oracle-config) need_value "$1" $#; oracle_config=$2; shift ;;
    --no-oracle) with_oracle=0 ;;
    --rpc-port) need_value "$1" $#; rpc_port=$2; shift ;;
    --events-port) need_value "$1" $#; events_port=$2; shift ;;
    --oracle-port) need_value "$1" $#; oracle_port=$2; shift ;;
    --mockai-port) need_value "$1" $#; mockai_port=$2; shift ;;
    --question) need_value "$1" $#; question=$2; shift ;;
    --no-follow) follow=0 ;;
    --exit-after-first-answer) exit_after_answer=1; follow=0 ;;
    *) die_usage "unknown option \"$1\"" ;;
    esac
    shift
done

case "$mode" in
interval | on-demand | manual) ;;
*) die_usage "--mode: interval, on-demand or manual, not \"$mode\"" ;;
esac
# No --ai-backend: the URL's host decides, then which key the environment holds. A server on
# this machine (Ollama, llama.cpp) takes no key, so a key in the environment says nothing about
# it: those stay openai. backend_why is said when the oracle starts.
backend_why="as --ai-backend says"
if [ -z "$ai_backend" ]; then
    ai_host=${ai_url#*://}
    ai_host=${ai_host%%/*}
    ai_host=${ai_host##*@}
    case "$ai_host" in
    \[*) ai_host=${ai_host%%]*}] ;;
    *) ai_host=${ai_host%%:*} ;;
    esac
    ai_host=${ai_host,,}
    ai_backend=openai
    if [ -z "$ai_url" ]; then
        backend_why="yb-mockai speaks the OpenAI API"
    elif [ "$ai_host" = api.anthropic.com ]; then
        ai_backend=anthropic backend_why="chosen for $ai_host"
    elif [ "$ai_host" = api.openai.com ]; then
        backend_why="chosen for $ai_host"
    elif [ -n "${ANTHROPIC_API_KEY:-}" ] && [ -z "${OPENAI_API_KEY:-}" ] &&
        ! [[ "$ai_host" =~ ^(localhost|127\.[0-9.]+|\[::1\])$ ]]; then
        ai_backend=anthropic backend_why="chosen because only ANTHROPIC_API_KEY is set; --ai-backend openai for an OpenAI-compatible server"
    else
        backend_why="the default; --ai-backend anthropic for the Messages API"
    fi
fi
case "$ai_backend" in
openai) key_env=OPENAI_API_KEY ;;
anthropic) key_env=ANTHROPIC_API_KEY ;;
*) die_usage "--ai-backend: openai or anthropic, not \"$ai_backend\"" ;;
esac
for p in "$rpc_port" "$events_port" "$oracle_port" "$mockai_port"; do
    is_port "$p" || die_usage "a port must be a number 1..65535, not \"$p\""
done
[[ "$block_time" =~ ^[0-9]+$ ]] && [ "$block_time" -ge 1 ] || die_usage "--block-time: milliseconds, not \"$block_time\""
if [ -n "$yield_timeout" ] && ! [[ "$yield_timeout" =~ ^[0-9]+$ ]]; then
    die_usage "--yield-timeout: a number of blocks, not \"$yield_timeout\""
fi
if [ -n "$ai_url" ] && [ -z "$ai_model" ]; then
    die_usage "--ai-url needs --model NAME (e.g. gpt-4o-mini, llama3.2, claude-3-5-haiku-latest)"
fi
if [ -z "$ai_url" ] && [ -n "$ai_model" ]; then
    die_usage "--model needs --ai-url URL (yb-mockai answers under its own model name)"
fi
if [ -n "$ai_url" ] && [ "$ai_backend" = anthropic ] && [ -z "${ANTHROPIC_API_KEY:-}" ]; then
    die_usage "the anthropic backend ($backend_why) needs the key in ANTHROPIC_API_KEY"
fi
if [ -n "$oracle_config" ]; then
    [ -r "$oracle_config" ] || die_usage "--oracle-config: cannot read \"$oracle_config\""
    oracle_config=$(realpath "$oracle_config")
fi
if [ "$with_oracle" -eq 0 ] && [ -n "$ai_url" ]; then
    die_usage "--no-oracle and --ai-url do not go together (the oracle is what calls the AI)"
fi

home=$(realpath -m "$home")
logs=$home/logs
run=$home/run
chain_bin=$build_dir/chain/node/yb-chain
oracle_bin=$build_dir/oracle/yb-oracle
mockai_bin=$build_dir/oracle/mockai/yb-mockai
yb_bin=$build_dir/chain/cli/yb
rpc_url=http://127.0.0.1:$rpc_port
events_url=tcp://127.0.0.1:$events_port
oracle_url=http://127.0.0.1:$oracle_port
mockai_url=http://127.0.0.1:$mockai_port
use_mockai=0
if [ "$with_oracle" -eq 1 ] && [ -z "$ai_url" ]; then
    use_mockai=1
fi

if [ -t 1 ]; then
    c_bold=$'\e[1m' c_red=$'\e[31m' c_green=$'\e[32m' c_off=$'\e[0m'
else
    c_bold="" c_red="" c_green="" c_off=""
fi
say() { printf '%s==>%s %s\n' "$c_bold" "$c_off" "$*"; }
warn() { printf '%sup.sh: %s%s\n' "$c_red" "$*" "$c_off" >&2; }

# ---- the processes: names, pids, and stopping them ----
names=()
declare -A pid_of=() log_of=() exit_of=()
tail_pids=()
label_pids=()
ask_pid=""
stopping=0

# show_tail NAME: the last lines of a process's log, for an error message.
show_tail() {
    local f=${log_of[$1]}
    if [ -s "$f" ]; then
        echo "---- last 25 lines of $f ----" >&2
        tail -n 25 "$f" >&2
        echo "----" >&2
    fi
}

# reap NAME: record the exit status of a process that is gone. Returns 1 while it runs.
reap() {
    local p=${pid_of[$1]}
    if [ -z "$p" ] || [ -n "${exit_of[$1]:-}" ]; then
        return 0
    fi
    if kill -0 "$p" 2>/dev/null; then
        return 1
    fi
    local st=0
    wait "$p" 2>/dev/null || st=$?
    exit_of[$1]=$st
    return 0
}

# stop_all: SIGTERM each process (oracle first: it needs the chain to finish cleanly), wait up
# to 10 s for each, SIGKILL what is left. Idempotent; also the EXIT trap.
stop_all() {
    if [ "$stopping" -eq 1 ]; then
        return
    fi
    stopping=1
    # Stopping must finish even when nobody reads our output any more (a closed pipe or
    # terminal): no SIGPIPE, and no exit on a failed write.
    trap '' PIPE
    set +e
    if [ -n "$ask_pid" ]; then
        kill -TERM "$ask_pid" 2>/dev/null || true
        wait "$ask_pid" 2>/dev/null || true
    fi
    local n order=() summary=""
    for n in oracle mockai chain; do
        if [ -n "${pid_of[$n]:-}" ]; then
            order+=("$n")
        fi
    done
    if [ ${#order[@]} -gt 0 ]; then
        say "stopping ${order[*]}"
    fi
    for n in "${order[@]}"; do
        if ! reap "$n"; then
            kill -TERM "${pid_of[$n]}" 2>/dev/null || true
            local i=0
            while ! reap "$n" && [ $i -lt 100 ]; do
                sleep 0.1
                i=$((i + 1))
            done
            if ! reap "$n"; then
                warn "$n (pid ${pid_of[$n]}) did not stop in 10 s: SIGKILL"
                kill -KILL "${pid_of[$n]}" 2>/dev/null || true
                reap "$n" || true
            fi
        fi
        rm -f "$run/$n.pid"
        summary+=" $n=${exit_of[$n]}"
    done
    # Each log's tail ends by itself once its process has exited and its last lines (the
    # CHAIN-STOP line, say) are out; 2 s is plenty. Then its labeller has the rest to print.
    local t i
    for t in "${tail_pids[@]}"; do
        i=0
        while kill -0 "$t" 2>/dev/null && [ $i -lt 20 ]; do
            sleep 0.1
            i=$((i + 1))
        done
        kill -TERM "$t" 2>/dev/null || true
        wait "$t" 2>/dev/null || true
    done
    for t in "${label_pids[@]}"; do
        wait "$t" 2>/dev/null || true
    done
    if [ ${#order[@]} -gt 0 ]; then
        say "stopped (exit status:$summary)"
    fi
}

on_signal() {
    echo
    stop_all
    exit 0
}
trap stop_all EXIT
trap on_signal INT TERM HUP

# fail MESSAGE [NAME]: an error, NAME's log tail, everything stopped, exit 1.
fail() {
    warn "$1"
    if [ -n "${2:-}" ]; then
        show_tail "$2"
    fi
    stop_all
    exit 1
}

port_busy() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# start NAME BIN ARGS...: run BIN in the background, stdout and stderr to HOME/logs/NAME.log.
start() {
    local n=$1
    shift
    log_of[$n]=$logs/$n.log
    printf '\n==== %s: %s ====\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >>"${log_of[$n]}"
    # Its own process group (set -m): a terminal's Ctrl-C reaches up.sh only, which then stops
    # the processes in order (the oracle before the chain it talks to).
    set -m
    "$@" </dev/null >>"${log_of[$n]}" 2>&1 &
    pid_of[$n]=$!
    set +m
    names+=("$n")
    echo "${pid_of[$n]}" >"$run/$n.pid"
}

# wait_healthy NAME URL: poll URL until it answers 2xx, showing progress; fail if NAME exits
# or after wait_secs.
wait_healthy() {
    local n=$1 url=$2 start_s=$SECONDS
    printf '    waiting for %s at %s ' "$n" "$url"
    while :; do
        if curl -fsS -m 2 -o /dev/null "$url" 2>/dev/null; then
            printf '%sok%s (%d s)\n' "$c_green" "$c_off" $((SECONDS - start_s))
            return 0
        fi
        if reap "$n"; then
            echo
            fail "$n exited with status ${exit_of[$n]} while starting (log: ${log_of[$n]})" "$n"
        fi
        if [ $((SECONDS - start_s)) -ge "$wait_secs" ]; then
            echo
            fail "$n did not answer $url within $wait_secs s (log: ${log_of[$n]})" "$n"
        fi
        printf '.'
        sleep 0.5
    done
}

# ---- 1. dependencies and build ----
if [ "$do_build" -eq 1 ]; then
    say "dependencies"
    "$root/deploy/install-deps.sh"
    say "build ($build_dir, RelWithDebInfo)"
    cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    # Only the targets this checkout has: a missing one is reported below as not built.
    known=$(ninja -C "$build_dir" -t targets all 2>/dev/null | sed -n 's/^\([^:]*\): phony$/\1/p')
    targets=()
    for t in yb_contracts yb-chain yb yb-mockai yb-oracle; do
        if grep -qx "$t" <<<"$known"; then
            targets+=("$t")
        else
            warn "this checkout has no target $t yet"
        fi
    done
    if ! cmake --build "$build_dir" -j "$(nproc 2>/dev/null || echo 2)" --target "${targets[@]}"; then
        fail "the build failed (output above)"
    fi
fi
missing=()
for b in "$chain_bin" "$yb_bin"; do
    [ -x "$b" ] || missing+=("$b")
done
if [ "$use_mockai" -eq 1 ] && ! [ -x "$mockai_bin" ]; then
    missing+=("$mockai_bin")
fi
if [ "$with_oracle" -eq 1 ] && ! [ -x "$oracle_bin" ]; then
    missing+=("$oracle_bin")
fi
if [ ${#missing[@]} -gt 0 ]; then
    fail "not built: ${missing[*]} (without --no-build up.sh builds them; a target this checkout does not have yet cannot be built)"
fi

# ---- 2. the home ----
for n in chain oracle mockai; do
    if [ -f "$run/$n.pid" ]; then
        p=$(cat "$run/$n.pid" 2>/dev/null || true)
        if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then
            die_usage "$n is already running for $home (pid $p): stop that up.sh first (Ctrl-C), or use another --home and ports"
        fi
        rm -f "$run/$n.pid"
    fi
done
for pp in "rpc:$rpc_port" "events:$events_port"; do
    if port_busy "${pp#*:}"; then
        die_usage "port ${pp#*:} (--${pp%%:*}-port) is in use: another yieldbox? choose another port"
    fi
done
if [ "$use_mockai" -eq 1 ] && port_busy "$mockai_port"; then
    die_usage "port $mockai_port (--mockai-port) is in use: choose another port"
fi
if [ "$with_oracle" -eq 1 ] && port_busy "$oracle_port"; then
    die_usage "port $oracle_port (--oracle-port) is in use: choose another port"
fi

if [ "$reset" -eq 1 ] && [ -e "$home" ]; then
    # Only ever delete something that is a yieldbox home.
    if ! [ -f "$home/config.json" ] || ! [ -d "$home/keys" ]; then
        die_usage "--reset: $home is not a yieldbox home (no config.json and keys/); not deleting it"
    fi
    say "reset: deleting $home"
    rm -rf "$home"
fi
if ! [ -f "$home/config.json" ]; then
    say "creating the home $home"
    init_args=(init --home "$home")
    if [ -n "$yield_timeout" ]; then
        init_args+=(--yield-timeout "$yield_timeout")
    fi
    "$chain_bin" "${init_args[@]}" || fail "yb-chain init failed (output above)"
else
    say "reusing the home $home (--reset starts fresh)"
    if [ -n "$yield_timeout" ]; then
        warn "--yield-timeout only applies when the home is created; $home keeps its own"
    fi
fi
mkdir -p "$logs" "$run"
# This home's yield timeout (fixed when it was created): for the oracle and the hints below.
home_timeout=$(sed -n 's/^[[:space:]]*"yield_timeout":[[:space:]]*\([0-9][0-9]*\).*/\1/p' "$home/config.json")

# ---- 3. the processes ----
say "starting yb-chain ($mode mode$([ "$mode" = interval ] && echo ", ${block_time} ms blocks"))"
start chain "$chain_bin" run --home "$home" --mode "$mode" --block-time "$block_time" \
    --rpc "127.0.0.1:$rpc_port" --events "$events_url"
wait_healthy chain "$rpc_url/healthz"

if [ "$use_mockai" -eq 1 ]; then
    say "starting yb-mockai"
    start mockai "$mockai_bin" --listen "$mockai_url"
    wait_healthy mockai "$mockai_url/healthz"
    ai_base=$mockai_url ai_name=yb-mock-1 ai_key_env=""
else
    ai_base=$ai_url ai_name=$ai_model ai_key_env=""
    if [ -n "${!key_env:-}" ]; then
        ai_key_env=$key_env
    fi
fi

if [ "$with_oracle" -eq 1 ]; then
    say "starting yb-oracle (AI: $ai_backend at $ai_base, model $ai_name${ai_key_env:+, key from \$$ai_key_env})"
    if [ -n "$ai_url" ]; then
        say "AI backend $ai_backend: $backend_why"
    fi
    oracle_args=()
    if [ -n "$oracle_config" ]; then
        oracle_args+=(--config "$oracle_config")
    fi
    oracle_args+=(--rpc-url "$rpc_url" --events-url "$events_url"
        --contract-id assistant.test.near --account-id oracle.test.near
        --key-file "$home/keys/oracle.test.near.json" --journal-dir "$home/oracle-journal"
        --ai-backend "$ai_backend" --ai-base-url "$ai_base" --ai-model "$ai_name"
        --ai-api-key-env "$ai_key_env" --metrics-listen "$oracle_url")
    # The oracle caps each request's deadline by the chain's yield timeout: tell it this home's.
    if [ -n "$home_timeout" ]; then
        oracle_args+=(--timeout-blocks "$home_timeout")
    fi
    start oracle "$oracle_bin" "${oracle_args[@]}"
    wait_healthy oracle "$oracle_url/healthz"
fi

# yb as the user would type it: only the flags that differ from yb's defaults.
# Paths as short as they can be from here (build/chain/cli/yb from the repository).
short() {
    local r
    r=$(realpath -m --relative-to=. "$1")
    case "$r" in
    ../*) echo "$1" ;;
    *) echo "./$r" ;;
    esac
}
yb_plain=$(short "$yb_bin")
yb_show=$yb_plain
up_show=$(short "$root/deploy/up.sh")
yb_args=()
if [ "$home" != "$(realpath -m ./.yieldbox)" ]; then
    yb_args+=(--home "$home")
fi
if [ "$rpc_port" != 3030 ]; then
    yb_args+=(--rpc "$rpc_url")
fi
if [ "$events_port" != 3031 ]; then
    yb_args+=(--events "$events_url")
fi
if [ ${#yb_args[@]} -gt 0 ]; then
    yb_show+=" ${yb_args[*]}"
fi
yb() { "$yb_bin" "${yb_args[@]}" "$@"; }

# ---- 4. the first question ----
answered=0
if [ "$mode" = manual ]; then
    say "manual mode: no first question (blocks come only from \`yb blocks N\` / \`yb fast-forward N\`)"
elif [ "$with_oracle" -eq 0 ]; then
    say "no oracle: no first question (nothing would answer it)"
else
    say "asking: $question"
    yb ask "$question" </dev/null &
    ask_pid=$!
    ask_st=0
    wait "$ask_pid" || ask_st=$?
    ask_pid=""
    if [ "$ask_st" -ne 0 ]; then
        for n in "${names[@]}"; do
            if reap "$n"; then
                fail "$n exited with status ${exit_of[$n]}" "$n"
            fi
        done
        fail "\`yb ask\` failed (status $ask_st); the oracle's log may say why" oracle
    fi
    answered=1
fi

if [ "$exit_after_answer" -eq 1 ]; then
    stop_all
    if [ "$answered" -eq 1 ]; then
        exit 0
    fi
    exit 1
fi

# ---- 5. what to try next ----
cat <<EOF

${c_bold}yieldbox is running${c_off}   (home $home; logs in $logs/)
  chain JSON-RPC  $rpc_url      (NEAR-compatible: near-api-js, near-cli)
  chain events    $events_url       (nng PUB; \`yb watch\`)
$([ "$with_oracle" -eq 1 ] && echo "  oracle metrics  $oracle_url/metrics")
$([ "$use_mockai" -eq 1 ] && echo "  mock AI         $mockai_url/v1/chat/completions")

Try, in another terminal (from $(pwd)):
  $yb_show ask "What is 12 * (3 + 4)?"
  $yb_show pending        # requests waiting for an answer
  $yb_show watch          # blocks and yield events as they happen
$([ "$use_mockai" -eq 1 ] && printf '  %s\n' "$yb_show ask --no-wait \"[mock:hang] a question the mock AI never answers\"" "$yb_show fast-forward ${home_timeout:-200}   # ... and that request times out")
  $yb_show --help         # every command

yb race (timeout-versus-response scenarios) needs a manual-mode chain and no oracle:
  $up_show --mode manual --no-oracle --home ./.yieldbox-race --rpc-port 3040 --events-port 3041
  $yb_plain --home ./.yieldbox-race --rpc http://127.0.0.1:3040 --events tcp://127.0.0.1:3041 race

near-api-js v7 against this chain: save as ask.mjs, \`npm install near-api-js@7.2.0\` (Node >= 20.19), \`node ask.mjs\`
  import fs from 'node:fs';
  import { Account, JsonRpcProvider } from 'near-api-js';
  const key = JSON.parse(fs.readFileSync('$home/keys/user.test.near.json', 'utf8'));
  const user = new Account('user.test.near', new JsonRpcProvider({ url: '$rpc_url' }), key.private_key);
  console.log(await user.callFunction({ contractId: 'assistant.test.near', methodName: 'request', args: { prompt: 'What is 2+2?' }, gas: 50000000000000n }));

Ctrl-C stops everything.
EOF

# ---- 6. run: logs interleaved, until a signal or the chain exits ----
if [ "$follow" -eq 1 ]; then
    for n in "${names[@]}"; do
        label="[$n]"
        if [ -t 1 ]; then
            case "$n" in
            chain) label=$'\e[36m[chain]\e[0m' ;;
            oracle) label=$'\e[35m[oracle]\e[0m' ;;
            mockai) label=$'\e[33m[mockai]\e[0m' ;;
            esac
        fi
        # tail follows the log until its process has exited (--pid: then a last read, so the
        # final lines are shown too) and ends; sed, the labeller, ends with it (EOF). We keep
        # no copy of sed's input open, and wait for both when stopping. Ctrl-C on a terminal
        # goes to every process of the group: the labeller ignores it, as the background tail
        # does, so the last lines still get out while up.sh stops the daemons.
        exec {label_fd}> >(
            trap '' INT
            exec sed -u "s/^/$label /"
        )
        label_pids+=($!)
        tail -n 0 -F -s 0.2 --pid="${pid_of[$n]}" "${log_of[$n]}" 2>/dev/null >&"$label_fd" &
        tail_pids+=($!)
        exec {label_fd}>&-
    done
fi
while :; do
    for n in "${names[@]}"; do
        if [ -z "${exit_of[$n]:-}" ] && reap "$n"; then
            if [ "$n" = chain ]; then
                fail "yb-chain exited with status ${exit_of[$n]}; stopping the rest" chain
            fi
            warn "$n exited with status ${exit_of[$n]}; the chain keeps running (requests time out without an oracle). Ctrl-C stops, ./deploy/up.sh --no-build restarts."
            show_tail "$n"
        fi
    done
    sleep 0.5 &
    wait $! || true
done
