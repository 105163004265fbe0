// Pages through all orders of a running wcsim with the official WooCommerce client:
// over HTTP (OAuth 1.0a, HMAC-SHA256) and over HTTPS (Basic and query-string auth).
// Env: WCSIM_HTTP_PORT, WCSIM_HTTPS_PORT (NODE_EXTRA_CA_CERTS must point at wcsim's cert).
"use strict";
const WooCommerceRestApi = require("@woocommerce/woocommerce-rest-api").default;

async function pageAll(api, label) {
  const seen = new Set();
  let total = -1;
  for (let page = 1; page < 1000; page++) {
    const res = await api.get("orders", { per_page: 100, page, orderby: "id", order: "asc" });
    if (res.status !== 200) throw new Error(`${label}: status ${res.status}`);
    total = parseInt(res.headers["x-wp-total"], 10);
    const pages = parseInt(res.headers["x-wp-totalpages"], 10);
    for (const o of res.data) {
      if (seen.has(o.id)) throw new Error(`${label}: duplicate order ${o.id}`);
      seen.add(o.id);
      if (typeof o.total !== "string" || !Array.isArray(o.line_items)) throw new Error(`${label}: bad order shape`);
    }
    if (page >= pages) break;
  }
  if (seen.size !== total) throw new Error(`${label}: saw ${seen.size} orders, X-WP-Total ${total}`);
  console.log(`${label}: ${seen.size} orders OK`);
  return total;
}

async function main() {
  const http = process.env.WCSIM_HTTP_PORT, https = process.env.WCSIM_HTTPS_PORT;
  const common = { consumerKey: "ck_wcsim_read", consumerSecret: "cs_wcsim_read", version: "wc/v3" };
  const a = await pageAll(new WooCommerceRestApi({ ...common, url: `http://127.0.0.1:${http}` }), "http+oauth");
  const b = await pageAll(new WooCommerceRestApi({ ...common, url: `https://127.0.0.1:${https}` }), "https+basic");
  const c = await pageAll(new WooCommerceRestApi({ ...common, url: `https://127.0.0.1:${https}`, queryStringAuth: true }), "https+query");
  if (a !== b || b !== c) throw new Error("totals differ between transports");
  // A wrong secret must fail like the real store.
  try {
    await new WooCommerceRestApi({ ...common, consumerSecret: "cs_wrong", url: `http://127.0.0.1:${http}` }).get("orders");
    throw new Error("wrong secret accepted");
  } catch (e) {
    if (!e.response || e.response.status !== 401) throw e;
    if (e.response.data.message !== "Invalid signature - provided signature does not match.") throw e;
  }
  console.log("wrong secret rejected OK");
}

main().catch((e) => { console.error("FAIL", e.message || e); process.exit(1); });
