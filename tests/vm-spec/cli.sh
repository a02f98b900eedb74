#!/usr/bin/env bash
# ctest yb_wasm_cli: `yb-wasm run` on a module compiled by clang --target=wasm32 (cli.c), its
# argument parsing, results, traps (exit 2), gas limit, --stats, link errors naming the import,
# `validate`, and --help on every command.
#
#   cli.sh YB_WASM WASM_CC WORK_DIR
set -u
yb=$1
cc=$2
work=$3
here=$(cd "$(dirname "$0")" && pwd)
imports_wasm="$here/../fuzz/corpus/wasm/imports.wasm"
mkdir -p "$work"
wasm="$work/cli.wasm"
if ! "$cc" --target=wasm32 -O1 -nostdlib -Wl,--no-entry -Wl,--export-all -o "$wasm" "$here/cli.c"; then
    echo "cannot compile cli.c with $cc"
    exit 1
fi
fail=0
# expect NAME STATUS STDOUT_PATTERN STDERR_PATTERN -- yb-wasm args...
expect() {
    local name=$1 want_rc=$2 out_pat=$3 err_pat=$4
    shift 5
    local out err rc
    out=$("$yb" "$@" 2>"$work/err")
    rc=$?
    err=$(cat "$work/err")
    if [ "$rc" != "$want_rc" ] || ! grep -qE -- "$out_pat" <<<"$out" || ! grep -qE -- "$err_pat" <<<"$err"; then
        echo "FAIL $name: yb-wasm $*"
        echo "  exit $rc (want $want_rc); stdout: $out"
        echo "  stderr: $err"
        fail=1
    else
        echo "ok   $name"
    fi
}
expect "i32 add" 0 '^5$' '' -- run "$wasm" add 2 3
expect "i32 negative args, unsigned result" 0 '^4294967295$' '' -- run "$wasm" add -1 0
expect "i32 hex args" 0 '^256$' '' -- run "$wasm" add 0xff 1
expect "i64 result" 0 '^18446744073709551610$' '' -- run "$wasm" mul64 -2 3
expect "f64" 0 '^1\.5$' '' -- run "$wasm" half 3
expect "f32" 0 '^5$' '' -- run "$wasm" twice 2.5
expect "memory and loops" 0 '^8128$' '' -- run "$wasm" fill 128
expect "NEAR memory override" 0 '^8128$' '' -- run --near "$wasm" fill 128
expect "trap exits 2 naming kind, function and offset" 2 '' 'integer divide by zero.*function [0-9]+ at offset 0x' -- run "$wasm" quotient 1 0
expect "gas limit traps" 2 '' 'out of gas' -- run --gas-limit 1000000 "$wasm" squares 1000000
expect "stats" 0 '^332833500$' 'gas: [1-9][0-9]*' -- run --stats "$wasm" squares 1000
expect "stats time" 0 '' 'time: [0-9.]+ s' -- run --stats "$wasm" squares 1000
expect "too few args" 1 '' 'takes 2 argument' -- run "$wasm" add 1
expect "bad number" 1 '' 'not a valid i32' -- run "$wasm" add x 1
expect "i32 out of range" 1 '' 'not a valid i32' -- run "$wasm" add 4294967296 1
expect "no such export" 1 '' 'no exported function "nope"' -- run "$wasm" nope
expect "import not provided is named" 1 '' 'input' -- run "$imports_wasm" pure
expect "validate" 0 '^valid$' '' -- validate "$wasm"
expect "validate lists exports" 0 'quotient: func \(i32, i32\) -> \(i32\)' '' -- validate "$wasm"
expect "validate lists imports" 0 'env\.value_return: func \(i64, i64\) -> \(\)' '' -- validate "$imports_wasm"
printf 'not wasm' >"$work/garbage.wasm"
expect "validate garbage" 1 '' 'malformed' -- validate "$work/garbage.wasm"
expect "missing file" 1 '' 'cannot read' -- validate "$work/does-not-exist.wasm"
for cmd in run validate spec; do
    expect "$cmd --help" 0 "usage: yb-wasm $cmd" '' -- "$cmd" --help
done
expect "--help" 0 'commands:' '' -- --help
expect "unknown command" 1 '' 'unknown command' -- frobnicate
exit $fail
