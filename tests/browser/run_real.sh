#!/usr/bin/env bash
# Browser test of the whole product: wcsim (a generated store with WooPayments) on loopback, the
# real `clever serve` (connect, sync, query) with two merchants, and hub.test.mjs in headless
# Chromium. Usage: run_real.sh CLEVER WCSIM ARTIFACTS_DIR
set -euo pipefail
clever=$1 wcsim=$2 artifacts=$3
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -d "$here/node_modules/playwright-core" ]; then
  (cd "$here" && { npm ci --no-audit --no-fund || npm install --no-audit --no-fund; }) >&2
fi
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
wait_file() { for _ in $(seq 1 1200); do [ -s "$1" ] && return 0; sleep 0.1; done; echo "timeout: $1" >&2; exit 1; }

"$wcsim" --seed 3 --orders "${ORDERS:-1500}" --port 0 --end-date "$(date -u +%F)" --ready-file "$work/store.json" >"$work/wcsim.log" 2>&1 &
pids+=($!)
wait_file "$work/store.json"
store_port=$(node -p "require('$work/store.json').http_port")

home=$work/home
"$clever" merchant add "Shop A" --home "$home" >/dev/null
"$clever" merchant add "Shop B" --home "$home" >/dev/null
echo "correct horse battery" | "$clever" user add --merchant "Shop A" --email ann@a.test --password-stdin --home "$home" >/dev/null
echo "correct horse battery" | "$clever" user add --merchant "Shop B" --email bea@b.test --password-stdin --home "$home" >/dev/null
"$clever" serve --home "$home" --port 0 --allow-private-network 2>"$work/serve.log" &
pids+=($!)
for _ in $(seq 1 300); do grep -q "listening on" "$work/serve.log" && break; sleep 0.1; done
port=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$work/serve.log" | grep -o '[0-9]*$')

status=0
HUB_URL="http://127.0.0.1:$port" STORE_URL="http://127.0.0.1:$store_port" \
STORE_KEY="ck_wcsim_read" STORE_SECRET="cs_wcsim_read" \
USER_A="ann@a.test" USER_B="bea@b.test" PASSWORD="correct horse battery" \
QUESTIONS='["Show my net sales by month this year","and last year?","What were my top 5 products this year?","How many orders did I get last month?","What is the weather in Paris tomorrow?"]' \
ARTIFACTS="$artifacts" node "$here/hub.test.mjs" || status=$?
if [ "$status" != 0 ]; then
  echo "--- hub log (last 40 lines)" >&2; tail -40 "$work/serve.log" >&2
fi
exit "$status"
