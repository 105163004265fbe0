#!/usr/bin/env bash
# `clever demo` end to end without a browser: starts it (small store), logs in with the printed
# credentials, waits for the first sync to finish, asks one question, stops it with SIGINT and
# checks that it exits cleanly and takes wcsim down with it. Usage: demo_smoke.sh CLEVER WCSIM
set -euo pipefail
clever=$1 wcsim=$2
work=$(mktemp -d)
CLEVER_WCSIM=$wcsim "$clever" demo --port 0 --orders 600 --home "$work/home" >"$work/out" 2>"$work/err" &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 1 600); do grep -q "Pass" "$work/out" && break; sleep 0.1; done
url=$(awk '/Open/{print $2}' "$work/out"); email=$(awk '/Email/{print $2}' "$work/out"); pass=$(awk '/Pass/{print $2}' "$work/out")
[ -n "$url" ] && [ -n "$pass" ] || { echo "no banner"; cat "$work/out" "$work/err"; exit 1; }
login=$(curl -sf -c "$work/jar" -H 'Content-Type: application/json' -d "{\"email\":\"$email\",\"password\":\"$pass\"}" "${url}api/login")
csrf=$(node -p "JSON.parse(process.argv[1]).csrf_token" "$login")
state=""
for _ in $(seq 1 300); do
  state=$(curl -sf -b "$work/jar" "${url}api/connectors" | node -e "
    const c = JSON.parse(require('fs').readFileSync(0)).connectors;
    const s = c.length ? c[0].sync : [];
    console.log(s.length === 9 && s.every((x) => x.state === 'ok') ? 'done' : 'running');")
  [ "$state" = done ] && break
  sleep 0.5
done
[ "$state" = done ] || { echo "demo sync did not finish"; tail -20 "$work/err"; exit 1; }
conv=$(curl -sf -b "$work/jar" -H 'Content-Type: application/json' -H "X-CSRF-Token: $csrf" -d '{}' "${url}api/conversations" | node -p "JSON.parse(require('fs').readFileSync(0)).conversation.id")
answer=$(curl -sf -b "$work/jar" -H 'Content-Type: application/json' -H "X-CSRF-Token: $csrf" -d '{"question":"How many orders did I get last month?"}' "${url}api/conversations/$conv/messages")
status=$(node -p "JSON.parse(process.argv[1]).answer.status" "$answer")
[ "$status" = answered ] || { echo "not answered: $answer"; exit 1; }
wcsim_pid=$(pgrep -P "$pid" || true)
kill -INT "$pid"
rc=0; wait "$pid" || rc=$?
trap - EXIT
[ "$rc" = 0 ] || { echo "demo exited with $rc"; exit 1; }
if [ -n "$wcsim_pid" ] && kill -0 "$wcsim_pid" 2>/dev/null; then echo "wcsim still running"; exit 1; fi
rm -rf "$work"
echo "1 passed, 0 failed"
