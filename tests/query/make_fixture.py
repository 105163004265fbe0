#!/usr/bin/env python3
"""Builds tests/query/fixture_store/: a small deterministic store (every 7th order of the eval's
sample store with its refunds, the customers they reference plus 25 others, every product,
variation, coupon, payout and dispute). Exact WooCommerce v3 shapes, so truth.py reads it too."""
import json, os, sys

src = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/eval/sample_store"
dst = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixture_store")
os.makedirs(dst, exist_ok=True)
def load(n):
    with open(os.path.join(src, n)) as f:
        return json.load(f)
def save(n, d):
    with open(os.path.join(dst, n), "w") as f:
        json.dump(d, f, separators=(",", ":"), sort_keys=True)
        f.write("\n")
orders = [o for o in load("orders.json") if o["id"] % 7 == 0]
keep_ids = {o["id"] for o in orders}
refunds = [r for r in load("refunds.json") if r["order_id"] in keep_ids]
cust_ids = {o["customer_id"] for o in orders}
customers = load("customers.json")
customers = [c for c in customers if c["id"] in cust_ids] + [c for c in customers if c["id"] not in cust_ids][:25]
for c in customers:
    c.pop("avatar_url", None)
for o in orders:
    for k in ("customer_user_agent", "customer_ip_address", "cart_hash", "order_key"):
        o.pop(k, None)
save("orders.json", orders)
save("refunds.json", refunds)
save("customers.json", customers)
for n in ("products.json", "variations.json", "coupons.json", "payouts.json", "disputes.json",
          "payment_gateways.json", "store.json", "reports.json", "wp_index.json"):
    save(n, load(n))
m = load("manifest.json")
m["source"] = "make_fixture.py (every 7th order of the sample store)"
save("manifest.json", m)
print(len(orders), "orders", len(refunds), "refunds", len(customers), "customers")
