#!/usr/bin/env bash
# Installs exactly the Debian 12 packages yieldbox needs to build, test and run.
# Idempotent: installs only what is missing; uses sudo when not root.
set -euo pipefail

PACKAGES=(
    # build
    build-essential cmake ninja-build pkg-config git
    # contracts (clang --target=wasm32 + wasm-ld) and libFuzzer (compiler-rt)
    clang lld libclang-rt-14-dev
    # libraries (see ARCHITECTURE.md for what each is for)
    libnng-dev libev-dev libcurl4-openssl-dev libcjson-dev libsodium-dev liblmdb-dev
    # nettle: ripemd160 and Keccak for the runtime's hash host functions; libsecp256k1: ecrecover
    nettle-dev libsecp256k1-dev
    # tests: cmocka, node/npm for near-api-js interop and the engine benchmark's reference, jq for
    # the soak test (soak_smoke runs in every ctest)
    libcmocka-dev nodejs npm curl jq
    # benchmark reference: wabt's wasm-interp
    wabt
)

missing=()
for p in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done
# node and npm may come from elsewhere (nodesource, nvm): a working command is enough.
filtered=()
for p in "${missing[@]}"; do
    case "$p" in
    nodejs) command -v node >/dev/null 2>&1 && continue ;;
    npm) command -v npm >/dev/null 2>&1 && continue ;;
    esac
    filtered+=("$p")
done
missing=("${filtered[@]}")
# near-api-js 7 (the interop test, tests/interop/package-lock.json) needs Node >= 20.19; Debian
# 12's nodejs is 18. Only a warning: building and running yieldbox need no Node.
node_warning() {
    local v
    v=$(node -p process.versions.node 2>/dev/null) || return 0
    if [ "$(printf '%s\n20.19.0\n' "$v" | sort -V | head -n 1)" != "20.19.0" ]; then
        echo "install-deps: warning: node $v is older than 20.19, which near-api-js 7 needs;" \
            "ctest interop_near_api_js will fail (install Node 22 LTS, e.g. from nodesource)" >&2
    fi
}
trap node_warning EXIT

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#PACKAGES[@]} packages present"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
