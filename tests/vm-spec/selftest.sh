#!/usr/bin/env bash
# ctest vm_spec_selftest: the spec runner must pass what is right and report, by line, what is
# wrong. selftest/selftest.wast has 15 correct checks, one text-format module (skipped) and 5
# deliberate failures (lines 38-42).
#
#   selftest.sh YB_WASM SELFTEST_DIR
set -u
yb_wasm=$1
dir=$2
out=$("$yb_wasm" spec "$dir/selftest.json" 2>&1)
rc=$?
fail=0
check() { # check DESCRIPTION CONDITION...
    local what=$1
    shift
    if ! "$@"; then
        echo "selftest: $what"
        fail=1
    fi
}
check "exit status should be 1 (failures found), was $rc" test "$rc" = 1
check "closing line should be '15 passed, 5 failed'" test "$(printf '%s\n' "$out" | tail -n 1)" = "15 passed, 5 failed"
check "one text-format module should be skipped" grep -q "selftest.json: 15 passed, 5 failed, 1 skipped" <<<"$out"
for line in 38 39 40 41 42; do
    check "line $line should be reported as a failure" grep -q "^selftest.json:$line: " <<<"$out"
done
check "exactly 5 failure lines expected" test "$(grep -cE '^selftest.json:[0-9]+: ' <<<"$out")" = 5
check "a wrong value shows expected and actual" grep -qF 'expected (i32:8 (0x8)), got (i32:7 (0x7))' <<<"$out"
if [ "$fail" != 0 ]; then
    echo "--- runner output:"
    printf '%s\n' "$out"
    exit 1
fi
echo "selftest: ok"
