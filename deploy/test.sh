#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, runs the whole ctest suite, runs
# it again under AddressSanitizer + UndefinedBehaviorSanitizer, then runs every libFuzzer target
# briefly as a smoke test. Exits non-zero on any failure.
#
#   ./deploy/test.sh            everything
#   YB_FUZZ_SECONDS=60 ./deploy/test.sh   longer fuzz smoke runs (default 15 s per target)
#   YB_SKIP_ASAN=1 / YB_SKIP_FUZZ=1       skip a stage (for quick local runs)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jobs=$(nproc 2>/dev/null || echo 2)
fuzz_seconds=${YB_FUZZ_SECONDS:-15}

step() { printf '\n==== %s ====\n' "$*"; }

step "dependencies"
./deploy/install-deps.sh

step "build (RelWithDebInfo)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$jobs"

step "tests"
ctest --test-dir build --output-on-failure -j "$jobs"

if [ -z "${YB_SKIP_ASAN:-}" ]; then
    step "build with AddressSanitizer + UndefinedBehaviorSanitizer"
    cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DYB_SANITIZE=address,undefined >/dev/null
    cmake --build build-asan -j "$jobs"
    step "tests under ASan + UBSan"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        ctest --test-dir build-asan --output-on-failure -j "$jobs"
fi

if [ -z "${YB_SKIP_FUZZ:-}" ]; then
    step "fuzz targets (libFuzzer, ${fuzz_seconds}s each)"
    cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
        -DYB_FUZZ=ON >/dev/null
    cmake --build build-fuzz -j "$jobs" --target fuzz_all
    found=0
    for f in $(find build-fuzz -type f -perm -u+x -name 'fuzz_*' | sort); do
        found=$((found + 1))
        name=$(basename "$f")
        corpus="$root/tests/fuzz/corpus/${name#fuzz_}"
        work=$(mktemp -d)
        [ -d "$corpus" ] && cp -r "$corpus/." "$work/"
        echo "-- $name"
        (cd "$work" && "$root/$f" -max_total_time="$fuzz_seconds" -timeout=10 -rss_limit_mb=2048 \
            -print_final_stats=0 "$work" 2>&1 | tail -n 3)
        rm -rf "$work"
    done
    # No targets means the fuzz build silently built nothing (say, YB_FUZZ ignored): not a pass.
    if [ "$found" -eq 0 ]; then
        echo "fuzz: no fuzz_* targets were found in build-fuzz; nothing was fuzzed" >&2
        exit 1
    fi
    echo "fuzz: $found targets ran without a crash"
fi

step "all tests passed"
