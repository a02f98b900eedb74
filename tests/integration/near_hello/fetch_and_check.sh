#!/usr/bin/env bash
# ctest near_hello: fetches the real near-sdk-as contract near-hello@0.5.1 with `npm pack`
# (cached in CACHE_DIR, so only the first run needs the registry), extracts dist/main.wasm and
# runs CHECK_BIN on it (validate, check the 20 env imports, instantiate with trapping hosts).
#
#   fetch_and_check.sh CHECK_BIN CACHE_DIR
#
# If npm cannot reach the registry the test FAILS with a message saying so, unless YB_OFFLINE=1
# is set, in which case it reports itself skipped (ctest SKIP_RETURN_CODE 77).
set -euo pipefail
check=$1
cache=$2
pkg=near-hello@0.5.1
tgz="$cache/near-hello-0.5.1.tgz"
wasm="$cache/package/dist/main.wasm"

mkdir -p "$cache"
if [ ! -f "$tgz" ]; then
    if ! command -v npm >/dev/null; then
        msg="npm is not installed, cannot fetch $pkg"
    elif ! (cd "$cache" && npm pack "$pkg" --loglevel=error --fetch-retries=1 \
            --fetch-retry-mintimeout=2000 --fetch-retry-maxtimeout=5000 >npm.log 2>&1); then
        msg="npm pack $pkg failed (registry unreachable?): $(head -n 2 "$cache/npm.log" | tr "\n" " ")"
    else
        msg=""
    fi
    if [ -n "$msg" ]; then
        rm -f "$tgz"
        if [ -n "${YB_OFFLINE:-}" ]; then
            echo "SKIPPED (YB_OFFLINE=1): $msg"
            exit 77
        fi
        echo "FAIL: $msg" >&2
        echo "(set YB_OFFLINE=1 to skip this test on a machine without the npm registry)" >&2
        exit 1
    fi
fi
if [ ! -f "$wasm" ]; then
    tar -xzf "$tgz" -C "$cache" package/dist/main.wasm
fi
exec "$check" "$wasm"
