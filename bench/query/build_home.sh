#!/usr/bin/env bash
# Builds a Clever home synced once from a wcsim store, for query_bench --home:
#   bench/query/build_home.sh HOME_DIR ORDERS [BUILD_DIR]
# Starts BUILD_DIR/sim/wcsim --seed 1 --orders ORDERS (WooPayments on, plain HTTP on a loopback
# port), adds it with `clever connector add`, runs one `clever sync`, stops wcsim. The home is
# written to HOME_DIR.partial and renamed to HOME_DIR only when the sync succeeded, so an
# existing HOME_DIR is always a complete one (bench/run reuses it). wcsim's data ends at its
# --end-date (default 2025-11-15, store-local); query_bench takes the as-of date from the latest
# order, not from the sync's date. ~10-15 min and ~2 GB at 1M orders on 2 shared cores.
set -euo pipefail
home=${1:?usage: build_home.sh HOME_DIR ORDERS [BUILD_DIR]}
orders=${2:?usage: build_home.sh HOME_DIR ORDERS [BUILD_DIR]}
build=${3:-build}
work="$home.partial"
rm -rf "$work"
mkdir -p "$work"
"$build/sim/wcsim" --seed 1 --orders "$orders" --port 0 --no-https \
  --ready-file "$work/wcsim-ready.json" >"$work/wcsim.log" 2>&1 &
sim=$!
trap 'kill $sim 2>/dev/null || true; wait $sim 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
  [[ -s "$work/wcsim-ready.json" ]] && break
  kill -0 $sim 2>/dev/null || { echo "wcsim exited:" >&2; cat "$work/wcsim.log" >&2; exit 1; }
  sleep 1
done
[[ -s "$work/wcsim-ready.json" ]] || { echo "wcsim not ready after 600 s" >&2; exit 1; }
port=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['http_port'])" \
  "$work/wcsim-ready.json")
export CLEVER_ALLOW_PRIVATE_NETWORK=1
"$build/src/cli/clever" connector add --home "$work/home" --name "wcsim$orders" \
  --url "http://127.0.0.1:$port" --key ck_wcsim_read --secret cs_wcsim_read \
  --allow-private-network --no-scope-probe
start=$(date +%s)
"$build/src/cli/clever" sync --home "$work/home" --allow-private-network | tail -20
echo "synced $orders orders in $(($(date +%s) - start)) s"
kill $sim
wait $sim 2>/dev/null || true
trap - EXIT
rm -rf "$home"
mkdir -p "$(dirname "$home")"
mv "$work/home" "$home"
mv "$work/wcsim.log" "$home/wcsim.log"
rm -rf "$work"
