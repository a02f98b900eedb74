#!/usr/bin/env bash
# yb-oracle's speed bar (issue 6): runs bench_oracle (tests/integration/oracle/bench_oracle.c)
# once per configuration, each with a fresh yb-chain, yb-mockai (zero latency) and yb-oracle on
# free loopback ports, and prints a summary against the targets: the callback 3 blocks after the
# yield's block at 20 ms blocks, >= 1,000 requests in flight with bounded memory, >= 2,000
# answered requests/s.
#
#   tests/bench/bench_oracle.sh BUILD_DIR [CONFIG...]
#
# A CONFIG is NAME:N:RATE:SECONDS:SYNC — N requests in one burst (RATE 0), or RATE requests/s
# for SECONDS; SYNC 1 = yb-chain's default fsync per block, 0 = `--no-sync` (the store's
# durability off, as issue 4 specifies for benchmarks). The default list: one lone request, a
# burst of 1,000, and 2,500/s offered for 10 s with sync off and with sync on.
# YB_BENCH_SMOKE=1 runs only the lone request. Every knob of bench_oracle (BENCH_USERS,
# BENCH_BLOCK_MS, BENCH_SEND_WINDOW, BENCH_ORACLE_ARGS, BENCH_LOG) passes through.
# Exits 1 if a run fails (setup error, a request that did not finish).
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: $0 BUILD_DIR [NAME:N:RATE:SECONDS:SYNC ...]" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
shift
bench="$build/tests/integration/oracle/bench_oracle"
export YB_CHAIN="$build/chain/node/yb-chain"
export YB_MOCKAI="$build/oracle/mockai/yb-mockai"
export YB_ORACLE="$build/oracle/yb-oracle"
for f in "$bench" "$YB_CHAIN" "$YB_MOCKAI" "$YB_ORACLE"; do
  if [[ ! -x "$f" ]]; then
    echo "$0: $f is missing (cmake --build $build)" >&2
    exit 1
  fi
done

configs=("$@")
if [[ ${#configs[@]} -eq 0 ]]; then
  configs=(lone:1:0:0:1 burst-1000:1000:0:0:0 steady-2500/s:0:2500:10:0 steady-2500/s-fsync:0:2500:10:1)
fi
if [[ "${YB_BENCH_SMOKE:-}" == 1 ]]; then
  configs=("${configs[0]}")
fi

# field LOG PATTERN N: the Nth whitespace-separated word of the first line matching PATTERN.
field() {
  grep -m1 -E "$2" "$1" | awk -v n="$3" '{ print $n }' || true
}

status=0
summary=()
for c in "${configs[@]}"; do
  IFS=: read -r name n rate seconds sync <<<"$c"
  chain_args=${BENCH_CHAIN_ARGS:-}
  if [[ "$sync" == 0 ]]; then
    chain_args="$chain_args --no-sync"
  fi
  echo "=== $name: N $n, rate $rate/s for $seconds s, store sync $sync"
  log=$(mktemp)
  if env BENCH_N="$n" BENCH_RATE="$rate" BENCH_SECONDS="$seconds" BENCH_CHAIN_ARGS="$chain_args" \
      "$bench" 2>&1 | tee "$log"; then
    result=ok
  else
    result=FAILED
    status=1
  fi
  answered=$(field "$log" '^ *answered/s:' 2)
  if [[ "$n" == 1 && "$rate" == 0 ]]; then
    answered="-" # a rate of one request says nothing
  fi
  steady=$(field "$log" '^ *steady answered/s:' 3)
  lat=$(grep -m1 -E '^ *yield block -> callback block:' "$log" |
    sed -E 's/.*min ([0-9]+), median ([0-9]+), p95 ([0-9]+), max ([0-9]+).*/\1 \/ \2 \/ \3 \/ \4/' || true)
  rss=$(field "$log" '^ *peak RSS:' 4)
  summary+=("$(printf '%-22s %-6s %10s %10s   %-18s %10s' "$name" "$result" "${answered:--}" \
    "${steady:--}" "${lat:--}" "${rss:--}")")
  rm -f "$log"
done

echo
echo "=== summary (targets: 3 blocks for a lone request; >= 2,000 answered/s; RSS bounded)"
printf '%-22s %-6s %10s %10s   %-18s %10s\n' config result answered/s steady/s \
  "blocks min/med/p95/max" "oracle KiB"
for line in "${summary[@]}"; do
  echo "$line"
done
exit $status
