#!/usr/bin/env bash
# The hub's ask endpoint under load while a sync runs: wcsim with ORDERS orders (default 100,000)
# on loopback, `clever serve` with one merchant whose store is connected through the API (the
# first, full sync starts at once), then wrk at 32 connections for DURATION seconds while the sync
# runs, and again after it finished (the baseline in the same run). Prints throughput and p99 and
# their ratios. Usage: ask_under_sync.sh CLEVER WCSIM
set -euo pipefail
clever=$1 wcsim=$2
orders=${ORDERS:-100000} duration=${DURATION:-20} conns=${CONNECTIONS:-32}
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
wait_file() { for _ in $(seq 1 3000); do [ -s "$1" ] && return 0; sleep 0.1; done; echo "timeout waiting for $1" >&2; exit 1; }

echo "generating a wcsim store with $orders orders..." >&2
"$wcsim" --seed 7 --orders "$orders" --port 0 --end-date "$(date -u +%F)" --ready-file "$work/store.json" >"$work/wcsim.log" 2>&1 &
pids+=($!)
wait_file "$work/store.json"
store_port=$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['http_port'])" "$work/store.json")

home=$work/home
"$clever" merchant add Bench --home "$home" >/dev/null
echo "bench password 123" | "$clever" user add --merchant Bench --email bench@clever.test --password-stdin --home "$home" >/dev/null
"$clever" serve --home "$home" --port 0 --allow-private-network 2>"$work/serve.log" &
pids+=($!)
for _ in $(seq 1 200); do grep -q "listening on" "$work/serve.log" && break; sleep 0.1; done
port=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$work/serve.log" | grep -o '[0-9]*$')
hub=http://127.0.0.1:$port

login=$(curl -sf -c "$work/jar" -H 'Content-Type: application/json' \
  -d '{"email":"bench@clever.test","password":"bench password 123"}' "$hub/api/login")
csrf=$(python3 -c "import json,sys;print(json.loads(sys.argv[1])['csrf_token'])" "$login")
cookie="clever_session=$(awk '$6=="clever_session"{print $7}' "$work/jar")"
api() { curl -sf -b "$work/jar" -H 'Content-Type: application/json' -H "X-CSRF-Token: $csrf" "$@"; }
api -d "{\"name\":\"Bench store\",\"url\":\"http://127.0.0.1:$store_port\",\"consumer_key\":\"ck_wcsim_read\",\"consumer_secret\":\"cs_wcsim_read\"}" "$hub/api/connectors" >/dev/null
conv=$(api -d '{}' "$hub/api/conversations" | python3 -c "import json,sys;print(json.load(sys.stdin)['conversation']['id'])")

orders_state() {
  api "$hub/api/connectors" | python3 -c "
import json,sys
c=json.load(sys.stdin)['connectors'][0]
o=[s for s in c['sync'] if s['category']=='orders'][0]
done=all(s['state'] in ('ok','not_available','failed') for s in c['sync'])
print(o['records_done'], o['records_total'], 'done' if done else 'running')"
}
# Wait until the orders category is being written, then load the ask endpoint.
for _ in $(seq 1 600); do read -r d t s < <(orders_state); [ "$d" -gt 0 ] && break; sleep 0.5; done
echo "sync running: orders $d/$t" >&2
one_ask() {
  curl -s -o /dev/null -w '%{http_code} %{time_total}s' -b "$work/jar" -H 'Content-Type: application/json' \
    -H "X-CSRF-Token: $csrf" -d '{"question":"What were my net sales last month?"}' "$hub/api/conversations/$conv/messages"
}
echo "one ask while syncing: $(one_ask)" >&2
export CLEVER_COOKIE=$cookie CLEVER_CSRF=$csrf CLEVER_CONV=$conv
during=$(wrk -t2 -c"$conns" -d"${duration}s" --timeout 30s --latency -s "$(dirname "$0")/ask.lua" "$hub" | grep RESULT)
read -r d2 t2 s2 < <(orders_state)
echo "after the loaded run: orders $d2/$t2 ($s2)" >&2
for _ in $(seq 1 3600); do read -r d3 t3 s3 < <(orders_state); [ "$s3" = done ] && break; sleep 1; done
echo "sync finished: orders $d3/$t3" >&2
echo "one ask after sync: $(one_ask)" >&2
idle=$(wrk -t2 -c"$conns" -d"${duration}s" --timeout 30s --latency -s "$(dirname "$0")/ask.lua" "$hub" | grep RESULT)
echo "orders=$orders connections=$conns duration=${duration}s"
echo "while syncing: ${during#RESULT }   (sync still running at the end: $s2)"
echo "after sync:    ${idle#RESULT }"
python3 - "$during" "$idle" <<'PY'
import re, sys
def parse(s): return {k: float(v) for k, v in re.findall(r'(\w+)=([\d.]+)', s)}
a, b = parse(sys.argv[1]), parse(sys.argv[2])
print(f"ratio while-syncing/after: throughput {a['rps']/b['rps']:.2f}, p99 {a['p99_ms']/max(b['p99_ms'],0.001):.2f}")
PY
