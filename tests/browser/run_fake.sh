#!/usr/bin/env bash
# Browser test of the hub page over hub_fake_server (real server and page, fake connectors, sync
# and assistant). Usage: run_fake.sh HUB_FAKE_SERVER_BINARY WEB_DIR ARTIFACTS_DIR
set -euo pipefail
server_bin=$1 web=$2 artifacts=$3
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -d "$here/node_modules/playwright-core" ]; then
  (cd "$here" && { npm ci --no-audit --no-fund || npm install --no-audit --no-fund; }) >&2
fi
work=$(mktemp -d)
cleanup() { [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
"$server_bin" --web "$web" --db "$work/clever.db" --ready-file "$work/ready.json" &
pid=$!
for _ in $(seq 1 200); do [ -s "$work/ready.json" ] && break; sleep 0.05; done
port=$(node -p "require('$work/ready.json').port")
HUB_URL="http://127.0.0.1:$port" STORE_URL="shop-a.example" \
STORE_KEY="ck_test_read_0123456789abcdef" STORE_SECRET="cs_test_read_0123456789abcdef" \
USER_A="ann@a.test" USER_B="bea@b.test" PASSWORD="correct horse battery" \
XSS_NAME='<img src=x onerror="window.__xss=1">Hoodie' \
ARTIFACTS="$artifacts" node "$here/hub.test.mjs"
