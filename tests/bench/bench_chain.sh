#!/usr/bin/env bash
# yb-chain's speed bar (issue 5): runs bench_chain (tests/bench/bench_chain.c) once per chain
# configuration, each on a fresh yb-chain in a temporary home on free loopback ports.
#
#   tests/bench/bench_chain.sh BUILD_DIR [CONFIG...]
#
# A CONFIG is MODE:BLOCK_MS:SYNC[:RATE], e.g. interval:50:0. The default list runs interval 50 ms
# and 100 ms and on-demand with store sync off, interval 50 ms with sync on, and interval 50 ms
# at an offered 1,000 tx/s (RATE: latency without a mempool queue; such a run sends 8 s of txs
# unless YB_BENCH_TXS says otherwise). Each run prints
# accepted/s, executed/s, send_tx -> executed latency p50/p95/p99, blocks, txs per block and the
# ratio to the 3,000 tx/s target; a summary table follows.
#
# Environment: everything bench_chain reads (YB_BENCH_TXS, YB_BENCH_CONCURRENCY,
# YB_BENCH_ACCOUNTS, YB_BENCH_KEYS, YB_BENCH_SAMPLE), and YB_BENCH_SMOKE=1: one short run of the
# first configuration. Exits 1 if any run fails (a tx accepted but never executed, a setup error).
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: $0 BUILD_DIR [MODE:BLOCK_MS:SYNC ...]" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
shift
bench="$build/tests/bench/bench_chain"
chain="$build/chain/node/yb-chain"
for f in "$bench" "$chain"; do
  if [[ ! -x "$f" ]]; then
    echo "$0: $f is missing (cmake --build $build --target bench_chain)" >&2
    exit 1
  fi
done
export YB_CONTRACTS_DIR="${YB_CONTRACTS_DIR:-$build/contracts}"

configs=("$@")
if [[ ${#configs[@]} -eq 0 ]]; then
  configs=(interval:50:0 interval:100:0 on-demand:50:0 interval:50:1 interval:50:0:1000)
fi
if [[ "${YB_BENCH_SMOKE:-}" == 1 ]]; then
  configs=("${configs[0]}")
fi

status=0
summary=()
for c in "${configs[@]}"; do
  IFS=: read -r mode block sync rate <<<"$c"
  rate=${rate:-0}
  txs=${YB_BENCH_TXS:-}
  if [[ -z "$txs" && "$rate" != 0 ]]; then
    txs=$((rate * 8))
  fi
  echo "=== $mode, block ${block} ms, store sync ${sync}, offered rate ${rate} (0 = unbounded)"
  log=$(mktemp)
  if env YB_BENCH_MODE="$mode" YB_BENCH_BLOCK_MS="$block" YB_BENCH_SYNC="$sync" \
      YB_BENCH_RATE="$rate" ${txs:+YB_BENCH_TXS="$txs"} "$bench" "$chain" | tee "$log"; then
    result=ok
  else
    result=FAILED
    status=1
  fi
  acc=$(awk '/^accepted/ {print $(NF-1)}' "$log")
  exe=$(awk '/^executed/ {for (i = 1; i <= NF; i++) if ($i == "tx/s;") print $(i-1)}' "$log")
  lat=$(sed -n 's/^latency.*p50 \([0-9.]*\) ms, p95 \([0-9.]*\) ms, p99 \([0-9.]*\) ms.*/\1 \2 \3/p' "$log")
  tpb=$(awk '/^blocks/ {print $2 " " $3}' "$log")
  summary+=("$(printf '%-10s %5s %4s %5s | %8s %8s | %-20s | %-14s | %s' "$mode" "$block" "$sync" "$rate" \
    "${acc:-?}" "${exe:-?}" "${lat:-?}" "${tpb:-?}" "$result")")
  rm -f "$log"
done

echo
echo "mode       block sync  rate | accept/s   exec/s | p50 p95 p99 ms       | blocks tx/blk  | run"
printf '%s\n' "${summary[@]}"
exit $status
