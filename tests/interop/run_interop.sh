#!/usr/bin/env bash
# ctest interop_near_api_js: near-api-js 7.2.0 (package-lock.json; npm ci into $YB_INTEROP_DIR, cached)
# against a real yb-chain started here in on-demand mode on free loopback ports.
#
#   run_interop.sh NEAR_HELLO_WASM
#
# It is run as the "check" program of tests/integration/near_hello/fetch_and_check.sh, which
# fetches near-hello@0.5.1 with npm pack and passes its main.wasm. Environment: YB_CHAIN (the
# yb-chain binary), YB_INTEROP_DIR (a build folder for node_modules, the home and the log).
# Without the npm registry the test fails, unless YB_OFFLINE=1 (then: skipped, exit 77).
set -euo pipefail
wasm=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
dir=${YB_INTEROP_DIR:?set YB_INTEROP_DIR}
chain=${YB_CHAIN:?set YB_CHAIN to the yb-chain binary}
mkdir -p "$dir"

# The Node the pinned packages need: the highest "node >= X" of any package in the lockfile
# (near-api-js 7.2.0 says >=20.18.3, its @noble/* dependencies >= 20.19.0). Checked before npm
# runs, because an older Node installs them anyway and then fails at run time (Node 18:
# "crypto is not defined" in KeyPair.fromRandom).
need=$(node -e '
const lock = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const num = (v) => v.split(".").map(Number);
const less = (a, b) => { for (let i = 0; i < 3; i++) { if (a[i] !== b[i]) return a[i] < b[i]; } return false; };
let best = "0.0.0", who = "";
for (const [path, p] of Object.entries(lock.packages)) {
  const m = /^>=\s*(\d+\.\d+\.\d+)$/.exec(((p.engines || {}).node || "").trim());
  if (m && less(num(best), num(m[1]))) { best = m[1]; who = path.replace(/^node_modules\//, "") + " " + p.version; }
}
const api = lock.packages["node_modules/near-api-js"].version;
const have = process.versions.node;
console.log(less(num(have), num(best)) ? `near-api-js ${api} needs Node >= ${best} (${who} requires it); this machine has ${have}` : "");
' "$here/package-lock.json")
if [ -n "$need" ]; then
    echo "FAIL: $need. Install a newer Node (Debian 12's nodejs is 18), e.g. Node 22 LTS from nodesource." >&2
    exit 1
fi

cp "$here/package.json" "$here/package-lock.json" "$here/interop.mjs" "$dir/"
# npm ci installs exactly the committed lockfile; it runs again whenever the lockfile changed.
if ! cmp -s "$here/package-lock.json" "$dir/installed-lock.json" ||
    [ ! -f "$dir/node_modules/near-api-js/package.json" ]; then
    if ! (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >npm-install.log 2>&1); then
        msg="npm ci (near-api-js) failed (registry unreachable?): $(head -n 2 "$dir/npm-install.log" | tr "\n" " ")"
        if [ -n "${YB_OFFLINE:-}" ]; then
            echo "SKIPPED (YB_OFFLINE=1): $msg"
            exit 77
        fi
        echo "FAIL: $msg" >&2
        exit 1
    fi
    cp "$here/package-lock.json" "$dir/installed-lock.json"
fi
echo "near-api-js $(node -p "require('$dir/node_modules/near-api-js/package.json').version")"

# Two free loopback ports: the kernel's pick for port 0, released just before yb-chain binds.
free_port() {
    node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
home=$(mktemp -d "${TMPDIR:-/tmp}/yb-interop-XXXXXX")
pid=""
cleanup() {
    status=$?
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid"
        wait "$pid" || true
    fi
    if [ $status -ne 0 ]; then
        echo "--- yb-chain log (tail) ---" >&2
        tail -n 30 "$home/yb-chain.log" >&2 || true
    fi
    rm -rf "$home"
}
trap cleanup EXIT
rpc_port=$(free_port)
events_port=$(free_port)
"$chain" init --home "$home/h" >"$home/yb-chain.log" 2>&1
"$chain" run --home "$home/h" --mode on-demand --rpc "127.0.0.1:$rpc_port" \
    --events "tcp://127.0.0.1:$events_port" --no-sync >>"$home/yb-chain.log" 2>&1 &
pid=$!
for _ in $(seq 1 150); do
    if curl -fsS "http://127.0.0.1:$rpc_port/healthz" >/dev/null 2>&1; then
        break
    fi
    sleep 0.1
done
curl -fsS "http://127.0.0.1:$rpc_port/healthz" >/dev/null

cd "$dir"
YB_RPC_URL="http://127.0.0.1:$rpc_port" YB_HOME="$home/h" node interop.mjs "$wasm"

# A graceful stop must end cleanly too (with an ASan yb-chain this includes the leak check).
kill -TERM "$pid"
chain_status=0
wait "$pid" || chain_status=$?
pid=""
if [ "$chain_status" -ne 0 ]; then
    echo "FAIL: yb-chain exited with status $chain_status after SIGTERM" >&2
    exit 1
fi
echo "yb-chain stopped cleanly"
