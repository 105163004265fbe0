#!/bin/sh
# Runs the eval's dump.py against a running wcsim over http (OAuth) and checks the dump's counts
# against /__wcsim/stats.  Args: DUMP_PY
set -e
out="$WCSIM_TMP/dump"
python3 "$1" --url "http://127.0.0.1:$WCSIM_HTTP_PORT" --key ck_wcsim_read --secret cs_wcsim_read \
  --out "$out" --auth oauth --quiet
python3 - "$out" "$WCSIM_HTTP_PORT" <<'PY'
import json, sys, urllib.request
out, port = sys.argv[1], sys.argv[2]
stats = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/__wcsim/stats"))
def n(name): return len(json.load(open(f"{out}/{name}.json")))
checks = {"orders": stats["orders"]["count"], "customers": stats["customers"]["count"],
          "products": stats["products"]["count"], "coupons": stats["coupons"]["count"],
          "refunds": stats["refunds"]["count"], "variations": stats["variations"]["count"],
          "payouts": stats["payouts"]["count"], "disputes": stats["disputes"]["count"]}
bad = {k: (n(k), v) for k, v in checks.items() if n(k) != v}
if bad:
    print("dump counts differ from wcsim stats:", bad); sys.exit(1)
print("dump OK:", {k: v for k, v in checks.items()})
PY
