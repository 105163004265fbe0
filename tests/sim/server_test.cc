// wcsim over real loopback HTTP/HTTPS: authentication edge cases, pagination, filters, version
// switches, WooPayments routes, fault injection, the control API and hostile input.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <set>

#include "sim/auth.h"
#include "tests/sim/sim_env.h"

namespace clever::wcsim::testing {
namespace {

using nlohmann::json;

GenOptions SmallStore() {
  GenOptions g;
  g.seed = 11;
  g.orders = 700;
  g.days = 200;
  return g;
}

class Server : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (env_ == nullptr) env_ = new SimInstance(StartSim(SmallStore()));
  }
  void SetUp() override { Control("DELETE", "/__wcsim/faults"); }
  static Client& C() { return *env_->client; }
  static Reply Control(const std::string& method, const std::string& path,
                       const std::string& body = "") {
    return C().Raw(method, false, path, body);
  }
  static Reply Get(const std::string& path,
                   std::vector<std::pair<std::string, std::string>> params = {}) {
    CallOptions o;
    o.path = path;
    o.params = std::move(params);
    return C().Call(o);
  }
  static SimInstance* env_;
};
SimInstance* Server::env_ = nullptr;

int64_t CountNonDraft(const Store& s) {
  int64_t n = 0;
  for (const auto& o : s.orders) n += o.status != OrderStatus::kCheckoutDraft ? 1 : 0;
  return n;
}

// ---------------------------------------------------------------- auth

TEST_F(Server, OAuthQueryHeaderAndSha1) {
  for (AuthMode mode : {AuthMode::kOAuthQuery, AuthMode::kOAuthHeader}) {
    for (const char* algo : {"HMAC-SHA256", "HMAC-SHA1"}) {
      CallOptions o;
      o.auth = mode;
      o.signature_method = algo;
      o.params = {{"per_page", "3"}, {"search", "a b+c~"}};
      const Reply r = C().Call(o);
      EXPECT_EQ(r.status, 200) << algo << " " << r.body;
    }
  }
}

TEST_F(Server, OAuthOverHttpsSignsTheHomeUrlWithHttps) {
  // WooCommerce rebuilds the base URL with get_home_url(null, $path, 'https'): only the scheme
  // changes, the home URL's host and port stay (here the http port), whatever port was used.
  CallOptions o;
  o.https = true;
  o.sign_base = "https://127.0.0.1:" + std::to_string(env_->sim->http_port()) + o.path;
  Reply r = C().Call(o);
  EXPECT_EQ(r.status, 200) << r.body;
  o.sign_base = "";  // the URL actually connected to (the https port): not what WC signs
  r = C().Call(o);
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_EQ(r.json()["message"], "Invalid signature - provided signature does not match.");
  o.sign_base = "http://127.0.0.1:" + std::to_string(env_->sim->http_port()) + o.path;
  EXPECT_EQ(C().Call(o).status, 401);  // the http scheme is wrong over https
}

TEST(KeyStoreBaseUrl, SchemeSwappedHostPortAndPathKept) {
  KeyStore k("http://shop.example:8080");
  EXPECT_EQ(k.BaseUrl(true, "/wp-json/wc/v3/orders"),
            "https://shop.example:8080/wp-json/wc/v3/orders");
  EXPECT_EQ(k.BaseUrl(false, "/wp-json/wc/v3/orders"),
            "http://shop.example:8080/wp-json/wc/v3/orders");
  EXPECT_EQ(k.BaseUrl(false, "//wp-json/x"), "http://shop.example:8080/wp-json/x");  // ltrim
  KeyStore sub("https://example.com/shop/");
  EXPECT_EQ(sub.BaseUrl(false, "/shop/wp-json/wc/v3/orders"),
            "http://example.com/shop/wp-json/wc/v3/orders");
  EXPECT_EQ(sub.BaseUrl(true, "/wp-json/wc/v3/orders"),  // not under the home path: appended
            "https://example.com/shop/wp-json/wc/v3/orders");
  EXPECT_EQ(sub.BaseUrl(true, "/shopping/x"), "https://example.com/shop/shopping/x");
  KeyStore v6("http://[::1]:8080");
  EXPECT_EQ(v6.BaseUrl(true, "/wp-json/"), "https://[::1]:8080/wp-json/");
}

TEST_F(Server, OAuthSignedForAnotherHostFails) {
  CallOptions o;
  o.sign_base = "http://localhost:" + std::to_string(env_->sim->http_port()) + o.path;
  const Reply r = C().Call(o);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.json()["message"], "Invalid signature - provided signature does not match.");
}

TEST_F(Server, TimestampWindowIsFifteenMinutes) {
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  CallOptions o;
  o.timestamp = now - 14 * 60;
  EXPECT_EQ(C().Call(o).status, 200);
  o.timestamp = now + 14 * 60;
  EXPECT_EQ(C().Call(o).status, 200);
  o.timestamp = now - 16 * 60;
  Reply r = C().Call(o);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.json()["message"], "Invalid timestamp.");
  o.timestamp = now + 16 * 60;
  EXPECT_EQ(C().Call(o).status, 401);
}

TEST_F(Server, NonceReplayRejectedPerKey) {
  CallOptions o;
  o.nonce = "n" + std::to_string(std::time(nullptr)) + "replay";
  EXPECT_EQ(C().Call(o).status, 200);
  Reply r = C().Call(o);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.json()["message"], "Invalid nonce - nonce has already been used.");
  // The same nonce with another key is fine.
  o.key = "ck_wcsim_rw";
  o.secret = "cs_wcsim_rw";
  EXPECT_EQ(C().Call(o).status, 200);
}

TEST_F(Server, MissingOAuthParametersListed) {
  Reply r = C().Raw("GET", false,
                    "/wp-json/wc/v3/orders?oauth_consumer_key=ck_wcsim_read&oauth_signature=x");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.json()["code"], "woocommerce_rest_authentication_missing_parameter");
  EXPECT_EQ(r.json()["message"],
            "Missing OAuth parameter oauth_timestamp, oauth_nonce, oauth_signature_method");
}

TEST_F(Server, BasicAndQueryOnlyOverHttps) {
  for (AuthMode mode : {AuthMode::kBasic, AuthMode::kQuery}) {
    CallOptions o;
    o.auth = mode;
    o.https = false;
    Reply r = C().Call(o);
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.json()["code"], "woocommerce_rest_cannot_view");
    o.https = true;
    r = C().Call(o);
    EXPECT_EQ(r.status, 200) << r.body;
    o.secret = "cs_wrong";
    r = C().Call(o);
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.json()["message"], "Consumer secret is invalid.");
    o.key = "ck_unknown";
    r = C().Call(o);
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.json()["code"], "woocommerce_rest_cannot_view");
  }
}

TEST_F(Server, SingleResourceUnauthenticatedWording) {
  CallOptions o;
  o.auth = AuthMode::kNone;
  o.path = "/wp-json/wc/v3/orders/" + std::to_string(env_->store->orders[5].id);
  Reply r = C().Call(o);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.json()["message"], "Sorry, you cannot view this resource.");
}

TEST_F(Server, WritePermissionProbe) {
  CallOptions o;
  o.method = "POST";
  o.path = "/wp-json/wc/v3/wcsim-probe-does-not-exist";
  Reply r = C().Call(o);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.json()["message"], "The API key provided does not have write permissions.");
  for (const char* k : {"write", "rw"}) {
    o.key = std::string("ck_wcsim_") + k;
    o.secret = std::string("cs_wcsim_") + k;
    r = C().Call(o);
    EXPECT_EQ(r.status, 404) << k;
    EXPECT_EQ(r.json()["code"], "rest_no_route");
  }
  // A write-only key cannot read.
  CallOptions g;
  g.key = "ck_wcsim_write";
  g.secret = "cs_wcsim_write";
  r = C().Call(g);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.json()["message"], "The API key provided does not have read permissions.");
  // Any write verb with a read key is refused before routing.
  for (const char* m : {"PUT", "PATCH", "DELETE"}) {
    CallOptions w;
    w.method = m;
    w.path = "/wp-json/wc/v3/orders/" + std::to_string(env_->store->orders[0].id);
    EXPECT_EQ(C().Call(w).status, 401) << m;
  }
}

TEST_F(Server, RevokedKeyIsUnknown) {
  ASSERT_EQ(Control("POST", "/__wcsim/keys/revoke", R"({"consumer_key":"ck_wcsim_read"})").status,
            200);
  Reply r = C().Call(CallOptions{});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.json()["message"], "Consumer key is invalid.");
  CallOptions b;
  b.https = true;
  b.auth = AuthMode::kBasic;
  EXPECT_EQ(C().Call(b).json()["code"], "woocommerce_rest_cannot_view");
  ASSERT_EQ(Control("POST", "/__wcsim/keys/restore", R"({"consumer_key":"ck_wcsim_read"})").status,
            200);
  EXPECT_EQ(C().Call(CallOptions{}).status, 200);
  EXPECT_EQ(Control("POST", "/__wcsim/keys/revoke", R"({"consumer_key":"ck_nope"})").status, 404);
  EXPECT_EQ(Control("POST", "/__wcsim/keys/revoke", "not json").status, 400);
}

TEST_F(Server, StrippedAuthorizationHeader) {
  ASSERT_EQ(Control("POST", "/__wcsim/faults", R"({"strip_auth_header":true})").status, 200);
  CallOptions b;
  b.https = true;
  b.auth = AuthMode::kBasic;
  EXPECT_EQ(C().Call(b).status, 401);
  CallOptions h;
  h.auth = AuthMode::kOAuthHeader;
  EXPECT_EQ(C().Call(h).status, 401);
  EXPECT_EQ(C().Call(CallOptions{}).status, 200);  // OAuth in the query still works
}

TEST_F(Server, RestRouteFormIsNotKeyAuthenticatedOn10) {
  CallOptions o;
  o.path = "/";
  o.params = {{"rest_route", "/wc/v3/orders"}};
  Reply r = C().Call(o);
  EXPECT_EQ(r.status, 401);
  o.params = {{"rest_route", "/"}};
  o.auth = AuthMode::kNone;
  EXPECT_EQ(C().Call(o).status, 200);
}

// ---------------------------------------------------------------- pagination & filters

TEST_F(Server, PagingThroughAllOrders) {
  std::set<int64_t> ids;
  int64_t total = -1;
  for (int page = 1; page < 50; ++page) {
    Reply r = Get("/wp-json/wc/v3/orders",
                  {{"per_page", "100"}, {"page", std::to_string(page)}, {"_fields", "id"}});
    ASSERT_EQ(r.status, 200);
    const json j = r.json();
    if (j.empty()) break;
    total = std::stoll(r.header("X-WP-Total"));
    for (const auto& o : j) ids.insert(o["id"].get<int64_t>());
  }
  EXPECT_EQ(static_cast<int64_t>(ids.size()), total);
  EXPECT_EQ(total, CountNonDraft(*env_->store));
}

TEST_F(Server, LinkHeaderEchoesParams) {
  Reply r = Get("/wp-json/wc/v3/orders", {{"per_page", "5"}, {"search", "a"}});
  ASSERT_EQ(r.status, 200);
  const std::string link = r.header("Link");
  EXPECT_NE(link.find("rel=\"next\""), std::string::npos) << link;
  EXPECT_NE(link.find("per_page=5&search=a"), std::string::npos) << link;
  EXPECT_NE(link.find("oauth_signature="), std::string::npos) << link;
  // (cpp-httplib's client percent-decodes header values; on the wire this is status%5B0%5D.)
  EXPECT_NE(link.find("status[0]=any&dp=2&context=view&page=2"), std::string::npos) << link;
  EXPECT_EQ(link.find("rel=\"prev\""), std::string::npos);
}

TEST_F(Server, OrdersPastLastPageAreEmptyWithZeroTotals) {
  Reply r = Get("/wp-json/wc/v3/orders", {{"per_page", "100"}, {"page", "999"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "[]");
  EXPECT_EQ(r.header("X-WP-Total"), "0");
  EXPECT_EQ(r.header("X-WP-TotalPages"), "0");
  EXPECT_NE(r.header("Link").find("page=0"), std::string::npos);
  // Posts-based lists keep their totals past the end.
  Reply p = Get("/wp-json/wc/v3/products", {{"per_page", "100"}, {"page", "9"}});
  EXPECT_EQ(p.body, "[]");
  EXPECT_EQ(p.header("X-WP-Total"), "60");
}

TEST_F(Server, PerPageAndPageValidation) {
  for (const char* bad : {"0", "101", "1000", "-1", "99999999999999999999"}) {
    Reply r = Get("/wp-json/wc/v3/orders", {{"per_page", bad}});
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_EQ(r.json()["code"], "rest_invalid_param");
    EXPECT_TRUE(r.json()["data"]["params"].contains("per_page"));
  }
  Reply r = Get("/wp-json/wc/v3/orders", {{"per_page", "abc"}});
  EXPECT_EQ(r.json()["data"]["details"]["per_page"]["code"], "rest_invalid_type");
  r = Get("/wp-json/wc/v3/customers", {{"page", "0"}, {"per_page", "0"}});
  EXPECT_EQ(r.json()["message"], "Invalid parameter(s): page, per_page");
}

TEST_F(Server, OffsetAndOrder) {
  Reply a = Get("/wp-json/wc/v3/orders",
                {{"per_page", "3"}, {"orderby", "id"}, {"order", "asc"}, {"_fields", "id"}});
  Reply b = Get(
      "/wp-json/wc/v3/orders",
      {{"per_page", "2"}, {"orderby", "id"}, {"order", "asc"}, {"offset", "1"}, {"_fields", "id"}});
  ASSERT_EQ(a.status, 200);
  ASSERT_EQ(b.status, 200);
  EXPECT_EQ(a.json()[1]["id"], b.json()[0]["id"]);
  EXPECT_LT(a.json()[0]["id"].get<int64_t>(), a.json()[1]["id"].get<int64_t>());
}

TEST_F(Server, StatusFilters) {
  Reply r = Get("/wp-json/wc/v3/orders",
                {{"status", "processing,on-hold"}, {"per_page", "100"}, {"_fields", "status"}});
  ASSERT_EQ(r.status, 200);
  for (const auto& o : r.json())
    EXPECT_TRUE(o["status"] == "processing" || o["status"] == "on-hold");
  Reply arr = C().Raw("GET", false, "/wp-json/wc/v3/orders?status[]=completed");  // unsigned
  EXPECT_EQ(arr.status, 401);
  r = Get("/wp-json/wc/v3/orders", {{"status", "completed,bogus"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.json()["message"].get<std::string>().find("status"), std::string::npos);
  EXPECT_NE(r.json()["data"]["params"]["status"].get<std::string>().find("status[1]"),
            std::string::npos);
}

TEST_F(Server, DateFiltersLocalAndGmt) {
  const Store& s = *env_->store;
  const Order& mid = s.orders[s.orders.size() / 2];
  const LocalDateTime local = s.tz.ToLocal(mid.created);
  Reply r = Get("/wp-json/wc/v3/orders", {{"after", local.ToString()},
                                          {"per_page", "100"},
                                          {"order", "asc"},
                                          {"_fields", "id,date_created"}});
  ASSERT_EQ(r.status, 200);
  ASSERT_FALSE(r.json().empty());
  for (const auto& o : r.json()) EXPECT_GT(o["date_created"].get<std::string>(), local.ToString());
  const std::string gmt = LocalDateTime::FromEpochSecondsAsUtc(mid.created).ToString();
  Reply g =
      Get("/wp-json/wc/v3/orders", {{"after", gmt}, {"dates_are_gmt", "true"}, {"_fields", "id"}});
  EXPECT_EQ(r.header("X-WP-Total"), g.header("X-WP-Total"));
  for (const char* bad : {"2026-13-45", "yesterday", "2026-11-01"}) {
    Reply e = Get("/wp-json/wc/v3/orders", {{"modified_after", bad}});
    EXPECT_EQ(e.status, 400) << bad;
    EXPECT_EQ(e.json()["data"]["details"]["modified_after"]["code"], "rest_invalid_date");
  }
}

TEST_F(Server, FieldsNestedIntoObjectsAndLists) {
  Reply r = Get("/wp-json/wc/v3/orders",
                {{"_fields", "id,billing.email,line_items.name"}, {"per_page", "2"}});
  ASSERT_EQ(r.status, 200);
  for (const auto& o : r.json()) {
    EXPECT_EQ(o.size(), 2u) << o.dump();
    EXPECT_TRUE(o.contains("id"));
    EXPECT_EQ(o["billing"].size(), 1u);
    EXPECT_TRUE(o["billing"].contains("email"));
    EXPECT_FALSE(o.contains("line_items"));
  }
}

TEST_F(Server, FieldsEmptyListAndScalarSubFields) {
  // rest_filter_response_fields(): an empty wp_parse_list() result filters nothing; "id.x"
  // keeps the scalar id; "_links.self" keeps only that link list.
  Reply all = Get("/wp-json/wc/v3/orders", {{"per_page", "1"}});
  Reply empty = Get("/wp-json/wc/v3/orders", {{"per_page", "1"}, {"_fields", " , "}});
  ASSERT_EQ(empty.status, 200);
  EXPECT_EQ(empty.json(), all.json());
  Reply sub =
      Get("/wp-json/wc/v3/orders", {{"per_page", "1"}, {"_fields", "id.x,_links.self,nothing"}});
  ASSERT_EQ(sub.status, 200);
  const json o = sub.json()[0];
  EXPECT_EQ(o.size(), 2u) << o.dump();
  EXPECT_EQ(o["id"], all.json()[0]["id"]);
  EXPECT_EQ(o["_links"].size(), 1u);
  EXPECT_TRUE(o["_links"].contains("self"));
  Reply single = Get("/wp-json/wc/v3/orders/" + std::to_string(o["id"].get<int64_t>()),
                     {{"_fields", "id,billing.city"}});
  EXPECT_EQ(single.json().size(), 2u) << single.body;
  EXPECT_EQ(single.json()["billing"].size(), 1u);
  // The wire format is PHP's json_encode: escaped slashes, ASCII only.
  EXPECT_NE(all.body.find("http:\\/\\/127.0.0.1"), std::string::npos);
  for (unsigned char c : all.body) ASSERT_LT(c, 0x80);
}

TEST_F(Server, IncludeExcludeAndNonNumeric) {
  const auto id1 = env_->store->orders[10].id, id2 = env_->store->orders[20].id;
  Reply r = Get("/wp-json/wc/v3/orders",
                {{"include", std::to_string(id1) + "," + std::to_string(id2)}, {"_fields", "id"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json().size(), 2u);
  r = Get("/wp-json/wc/v3/orders", {{"include", "abc"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "[]");
  r = Get("/wp-json/wc/v3/orders", {{"exclude", std::to_string(id1)}, {"per_page", "1"}});
  EXPECT_EQ(std::stoll(r.header("X-WP-Total")), CountNonDraft(*env_->store) - 1);
}

TEST_F(Server, HeadReturnsTotalsWithoutBody) {
  CallOptions o;
  o.method = "HEAD";
  o.params = {{"per_page", "1"}};
  Reply r = C().Call(o);
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(std::stoll(r.header("X-WP-Total")), CountNonDraft(*env_->store));
}

TEST_F(Server, CustomersRoleAllAddsStaff) {
  Reply a = Get("/wp-json/wc/v3/customers", {{"per_page", "1"}});
  Reply b = Get("/wp-json/wc/v3/customers", {{"per_page", "1"}, {"role", "all"}});
  EXPECT_EQ(std::stoll(b.header("X-WP-Total")), std::stoll(a.header("X-WP-Total")) + 2);
  Reply bad = Get("/wp-json/wc/v3/customers", {{"role", "pirate"}});
  EXPECT_EQ(bad.status, 400);
}

TEST_F(Server, CustomersOrderedByNameThenIdAcrossMutations) {
  // The name order is cached per store version: check it against names computed here, with a
  // filter, both directions, and again after new customers arrive.
  auto check = [&](const std::string& tag) {
    const Store& s = *env_->store;
    const uint32_t excluded = s.customers[s.customers.size() / 2].id;
    for (bool asc : {true, false}) {
      std::vector<std::pair<std::string, int64_t>> expect;
      for (const auto& cu : s.customers) {
        if (cu.staff || cu.id == excluded) continue;
        const Person p = s.PersonFor(cu.id, false);
        expect.emplace_back(p.first + " " + p.last, cu.id);
      }
      std::sort(expect.begin(), expect.end());
      if (!asc) std::reverse(expect.begin(), expect.end());
      std::vector<int64_t> got;
      for (int page = 1; page < 100; ++page) {
        Reply r = Get("/wp-json/wc/v3/customers", {{"per_page", "100"},
                                                   {"page", std::to_string(page)},
                                                   {"order", asc ? "asc" : "desc"},
                                                   {"exclude", std::to_string(excluded)},
                                                   {"_fields", "id"}});
        ASSERT_EQ(r.status, 200) << r.body;
        const json arr = r.json();
        for (const auto& c : arr) got.push_back(c["id"].get<int64_t>());
        if (arr.size() < 100) break;
      }
      ASSERT_EQ(got.size(), expect.size()) << tag;
      for (size_t i = 0; i < got.size(); ++i)
        ASSERT_EQ(got[i], expect[i].second) << tag << " " << i;
    }
  };
  check("before");
  Reply m = Control("POST", "/__wcsim/mutate", R"({"advance_seconds":60,"new_customers":7})");
  ASSERT_EQ(m.status, 200) << m.body;
  check("after new customers");
}

TEST_F(Server, NotFoundCodes) {
  EXPECT_EQ(Get("/wp-json/wc/v3/orders/99999999").json()["code"],
            "woocommerce_rest_shop_order_invalid_id");
  EXPECT_EQ(Get("/wp-json/wc/v3/products/99999999").json()["code"],
            "woocommerce_rest_product_invalid_id");
  EXPECT_EQ(Get("/wp-json/wc/v3/customers/99999999").json()["code"], "wc_user_invalid_id");
  EXPECT_EQ(Get("/wp-json/wc/v3/coupons/99999999").json()["code"],
            "woocommerce_rest_shop_coupon_invalid_id");
  Reply r = Get("/wp-json/wc/v3/orders/99999999/refunds");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "[]");
  r = Get("/wp-json/wc/v3/products/99999999/variations");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("X-WP-Total"), "0");
}

TEST_F(Server, PaymentsRoutes) {
  for (const char* route : {"deposits", "transactions", "disputes"}) {
    Reply r =
        Get(std::string("/wp-json/wc/v3/payments/") + route, {{"pagesize", "10"}, {"page", "1"}});
    ASSERT_EQ(r.status, 200) << route << r.body;
    const json j = r.json();
    ASSERT_TRUE(j["data"].is_array());
    EXPECT_LE(j["data"].size(), 10u);
    EXPECT_TRUE(j["total_count"].is_number_integer());
  }
  Reply t = Get("/wp-json/wc/v3/payments/transactions", {{"pagesize", "5"}});
  EXPECT_EQ(t.json()["total_count"].get<int64_t>(), static_cast<int64_t>(env_->store->txns.size()));
  EXPECT_TRUE(t.json()["data"][0]["amount"].is_number_integer());
  CallOptions none;
  none.auth = AuthMode::kNone;
  none.path = "/wp-json/wc/v3/payments/deposits";
  EXPECT_EQ(C().Call(none).json()["code"], "rest_forbidden");
}

TEST_F(Server, DiscoveryIsPublic) {
  Reply r = C().Raw("GET", false, "/wp-json/");
  ASSERT_EQ(r.status, 200);
  const json j = r.json();
  EXPECT_EQ(j["timezone_string"], "America/New_York");
  EXPECT_TRUE(j["gmt_offset"].is_number());
  EXPECT_EQ(j["home"].get<std::string>(), env_->sim->home_url());
  Reply idx = C().Raw("GET", false, "/wp-json/wc/v3");
  ASSERT_EQ(idx.status, 200);
  EXPECT_TRUE(idx.json()["routes"].contains("/wc/v3/payments/deposits"));
  EXPECT_TRUE(idx.json()["routes"].contains("/wc/v3/refunds"));
}

// ---------------------------------------------------------------- faults

TEST_F(Server, FailNextAndRetryAfter) {
  ASSERT_EQ(Control("POST", "/__wcsim/faults", R"({"fail_next":2,"error_statuses":[429]})").status,
            200);
  Reply a = C().Call(CallOptions{});
  EXPECT_EQ(a.status, 429);
  EXPECT_EQ(a.header("Retry-After"), "1");
  EXPECT_EQ(C().Call(CallOptions{}).status, 429);
  EXPECT_EQ(C().Call(CallOptions{}).status, 200);
  // Control routes are never faulted.
  ASSERT_EQ(
      Control("POST", "/__wcsim/faults", R"({"error_rate":1.0,"error_statuses":[503]})").status,
      200);
  EXPECT_EQ(C().Call(CallOptions{}).status, 503);
  EXPECT_EQ(Control("GET", "/__wcsim/stats").status, 200);
  EXPECT_EQ(Control("GET", "/__wcsim/faults").json()["error_rate"], 1.0);
}

TEST_F(Server, BodyFaults) {
  ASSERT_EQ(Control("POST", "/__wcsim/faults", R"({"html_error_rate":1.0})").status, 200);
  Reply h = C().Call(CallOptions{});
  EXPECT_EQ(h.status, 200);
  EXPECT_NE(h.body.find("critical error"), std::string::npos);
  Control("DELETE", "/__wcsim/faults");
  ASSERT_EQ(Control("POST", "/__wcsim/faults", R"({"php_notice_rate":1.0})").status, 200);
  Reply n = C().Call(CallOptions{});
  EXPECT_EQ(n.body.rfind("<br />", 0), 0u);
  EXPECT_TRUE(n.json().is_discarded());
  Control("DELETE", "/__wcsim/faults");
  ASSERT_EQ(Control("POST", "/__wcsim/faults", R"({"malformed_rate":1.0})").status, 200);
  EXPECT_TRUE(C().Call(CallOptions{}).json().is_discarded());
  Control("DELETE", "/__wcsim/faults");
  ASSERT_EQ(Control("POST", "/__wcsim/faults", R"({"truncate_rate":1.0})").status, 200);
  Reply t = C().Call(CallOptions{});
  EXPECT_TRUE(t.status == 0 || t.json().is_discarded()) << t.status;
  Control("DELETE", "/__wcsim/faults");
  ASSERT_EQ(Control("POST", "/__wcsim/faults", R"({"reset_rate":1.0})").status, 200);
  Reply z = C().Call(CallOptions{});
  EXPECT_TRUE(z.status == 0 || z.json().is_discarded()) << z.status;
}

TEST_F(Server, Latency) {
  ASSERT_EQ(
      Control("POST", "/__wcsim/faults", R"({"latency_ms":150,"latency_jitter_ms":20})").status,
      200);
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(C().Call(CallOptions{}).status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(150));
}

TEST_F(Server, FaultValidation) {
  EXPECT_EQ(Control("POST", "/__wcsim/faults", R"({"error_rate":2})").status, 400);
  EXPECT_EQ(Control("POST", "/__wcsim/faults", R"({"error_statuses":[200]})").status, 400);
  EXPECT_EQ(Control("POST", "/__wcsim/faults", R"({"nonsense":1})").status, 400);
  EXPECT_EQ(Control("POST", "/__wcsim/faults", R"([1,2])").status, 400);
  EXPECT_EQ(Control("POST", "/__wcsim/faults", "{").status, 400);
  EXPECT_EQ(Control("GET", "/__wcsim/faults").json()["error_rate"], 0.0);
}

// ---------------------------------------------------------------- control API

TEST_F(Server, RequestLogWithoutSecrets) {
  Control("DELETE", "/__wcsim/requests");
  CallOptions q;
  q.https = true;
  q.auth = AuthMode::kQuery;
  ASSERT_EQ(C().Call(q).status, 200);
  ASSERT_EQ(C().Call(CallOptions{}).status, 200);
  const json log = Control("GET", "/__wcsim/requests").json();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0]["auth"], "query");
  EXPECT_EQ(log[1]["auth"], "oauth");
  EXPECT_EQ(log[0]["status"], 200);
  EXPECT_EQ(log[0]["path"], "/wp-json/wc/v3/orders");
  for (const auto& e : log) {
    EXPECT_EQ(e["query"].get<std::string>().find("consumer_secret"), std::string::npos);
    EXPECT_EQ(e["query"].get<std::string>().find("oauth_signature="), std::string::npos);
  }
}

TEST_F(Server, PaymentsDateAfterAndBeforeFilter) {
  const auto& txns = env_->store->txns;
  ASSERT_GT(txns.size(), 10u);
  std::vector<int64_t> dates;
  for (const auto& t : txns) dates.push_back(t.created);
  std::sort(dates.begin(), dates.end());
  const int64_t cut = dates[dates.size() / 2];
  const std::string cut_text = LocalDateTime::FromEpochSecondsAsUtc(cut).ToString();
  int64_t after = 0, before = 0;
  for (int64_t d : dates) {
    after += d > cut ? 1 : 0;
    before += d < cut ? 1 : 0;
  }
  Reply a =
      Get("/wp-json/wc/v3/payments/transactions",
          {{"date_after", cut_text}, {"pagesize", "100"}, {"sort", "date"}, {"direction", "asc"}});
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.json()["total_count"].get<int64_t>(), after);
  Reply b = Get("/wp-json/wc/v3/payments/transactions", {{"date_before", cut_text}});
  EXPECT_EQ(b.json()["total_count"].get<int64_t>(), before);
  // An unreadable date filters nothing (hostile input is not an error here).
  Reply bad = Get("/wp-json/wc/v3/payments/transactions", {{"date_after", "yesterday'--"}});
  ASSERT_EQ(bad.status, 200);
  EXPECT_EQ(bad.json()["total_count"].get<int64_t>(), static_cast<int64_t>(txns.size()));
}

TEST_F(Server, StatsMatchApiTotals) {
  const json s = Control("GET", "/__wcsim/stats").json();
  Reply o = Get("/wp-json/wc/v3/orders", {{"per_page", "1"}});
  EXPECT_EQ(s["orders"]["count"].get<int64_t>(), std::stoll(o.header("X-WP-Total")));
  Reply p = Get("/wp-json/wc/v3/products", {{"per_page", "1"}});
  EXPECT_EQ(s["products"]["count"].get<int64_t>(), std::stoll(p.header("X-WP-Total")));
  Reply c = Get("/wp-json/wc/v3/customers", {{"per_page", "1"}});
  EXPECT_EQ(s["customers"]["count"].get<int64_t>(), std::stoll(c.header("X-WP-Total")));
  Reply r = Get("/wp-json/wc/v3/refunds", {{"per_page", "1"}});
  EXPECT_EQ(s["refunds"]["count"].get<int64_t>(), std::stoll(r.header("X-WP-Total")));
  Reply cat = Get("/wp-json/wc/v3/products/categories", {{"per_page", "1"}});
  EXPECT_EQ(s["categories"]["count"].get<int64_t>(), std::stoll(cat.header("X-WP-Total")));
  int64_t by_method = 0;
  for (const auto& [method, n] : s["orders"]["by_payment_method"].items())
    by_method += n.get<int64_t>();
  EXPECT_EQ(by_method, s["orders"]["count"].get<int64_t>());
  EXPECT_GE(s["line_items"]["count"].get<int64_t>(), s["orders"]["count"].get<int64_t>());
  EXPECT_TRUE(s["transactions"]["amount_sum"].is_number_integer());
  EXPECT_TRUE(s["disputes"]["amount_sum"].is_number_integer());
}

TEST_F(Server, MutateThenIncrementalSync) {
  const json before = Control("GET", "/__wcsim/stats").json();
  const std::string since = before["now_local"];
  const json cs = Control("POST", "/__wcsim/mutate",
                          R"({"advance_seconds":3600,"new_orders":4,"status_changes":3,"refunds":2,
                              "stock_changes":3,"delete_products":1,"delete_coupons":1,"new_customers":2})")
                      .json();
  ASSERT_EQ(cs["created"]["orders"].size(), 4u);
  std::set<int64_t> expect;
  for (const auto& id : cs["created"]["orders"]) expect.insert(id.get<int64_t>());
  for (const auto& id : cs["updated"]["orders"]) expect.insert(id.get<int64_t>());
  Reply r = Get("/wp-json/wc/v3/orders",
                {{"modified_after", since}, {"per_page", "100"}, {"_fields", "id"}});
  ASSERT_EQ(r.status, 200);
  std::set<int64_t> got;
  for (const auto& o : r.json()) got.insert(o["id"].get<int64_t>());
  // Drafts are not listed by status=any.
  for (auto it = expect.begin(); it != expect.end();) {
    const Order* o = env_->store->FindOrder(static_cast<uint32_t>(*it));
    it = o->status == OrderStatus::kCheckoutDraft ? expect.erase(it) : std::next(it);
  }
  EXPECT_EQ(got, expect);
  // Trashed: still readable by id with status "trash", gone from the default lists.
  const auto deleted = cs["deleted"]["products"][0].get<int64_t>();
  Reply trashed = Get("/wp-json/wc/v3/products/" + std::to_string(deleted));
  EXPECT_EQ(trashed.status, 200);
  EXPECT_EQ(trashed.json()["status"], "trash");
  Reply list = Get("/wp-json/wc/v3/products", {{"per_page", "100"}, {"_fields", "id"}});
  for (const auto& p : list.json()) EXPECT_NE(p["id"].get<int64_t>(), deleted);
  const auto coupon = cs["deleted"]["coupons"][0].get<int64_t>();
  Reply tc = Get("/wp-json/wc/v3/coupons/" + std::to_string(coupon));
  EXPECT_EQ(tc.status, 200);
  EXPECT_EQ(tc.json()["status"], "trash");
  Reply coupons = Get("/wp-json/wc/v3/coupons", {{"per_page", "100"}, {"_fields", "id"}});
  for (const auto& c : coupons.json()) EXPECT_NE(c["id"].get<int64_t>(), coupon);
  for (const auto& id : cs["created"]["customers"]) {
    EXPECT_EQ(Get("/wp-json/wc/v3/customers/" + std::to_string(id.get<int64_t>())).status, 200);
  }
  for (const auto& id : cs["created"]["refunds"]) {
    Reply rr = Get("/wp-json/wc/v3/refunds", {{"include", std::to_string(id.get<int64_t>())}});
    EXPECT_EQ(rr.json().size(), 1u);
  }
}

TEST_F(Server, TrashedAnswerByIdPurgedAre404) {
  const json cs = Control("POST", "/__wcsim/mutate",
                          R"({"advance_seconds":60,"delete_products":2,"delete_coupons":2})")
                      .json();
  ASSERT_EQ(cs["deleted"]["products"].size(), 2u) << cs.dump();
  const int64_t trashed = cs["deleted"]["products"][0].get<int64_t>();
  const int64_t trashed_coupon = cs["deleted"]["coupons"][0].get<int64_t>();
  auto ids = [&](const std::string& path, std::vector<std::pair<std::string, std::string>> q) {
    q.emplace_back("per_page", "100");
    q.emplace_back("_fields", "id,status");
    std::set<int64_t> out;
    for (const auto& x : Get(path, q).json()) out.insert(x["id"].get<int64_t>());
    return out;
  };
  EXPECT_EQ(Get("/wp-json/wc/v3/products/" + std::to_string(trashed)).json()["status"], "trash");
  EXPECT_TRUE(ids("/wp-json/wc/v3/products", {{"status", "trash"}}).count(trashed));
  EXPECT_FALSE(ids("/wp-json/wc/v3/products", {}).count(trashed));
  EXPECT_FALSE(ids("/wp-json/wc/v3/products", {{"status", "publish"}}).count(trashed));
  // Emptying the trash (force delete): 404 with the real codes, gone from every list.
  const json purged =
      Control("POST", "/__wcsim/mutate", R"({"purge_products":20,"purge_coupons":20})").json();
  std::set<int64_t> gone, gone_coupons;
  for (const auto& id : purged["purged"]["products"]) gone.insert(id.get<int64_t>());
  for (const auto& id : purged["purged"]["coupons"]) gone_coupons.insert(id.get<int64_t>());
  EXPECT_TRUE(gone.count(trashed)) << purged.dump();  // the trash is emptied first
  EXPECT_TRUE(gone_coupons.count(trashed_coupon));
  EXPECT_GE(gone.size(), 2u);
  for (int64_t id : gone) {
    Reply r = Get("/wp-json/wc/v3/products/" + std::to_string(id));
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.json()["code"], "woocommerce_rest_product_invalid_id");
    EXPECT_FALSE(ids("/wp-json/wc/v3/products", {{"status", "trash"}}).count(id));
    EXPECT_EQ(Get("/wp-json/wc/v3/products/" + std::to_string(id) + "/variations").body, "[]");
  }
  for (int64_t id : gone_coupons) {
    Reply r = Get("/wp-json/wc/v3/coupons/" + std::to_string(id));
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.json()["code"], "woocommerce_rest_shop_coupon_invalid_id");
  }
  // Stats and list totals agree after the deletions.
  const json s = Control("GET", "/__wcsim/stats").json();
  Reply p = Get("/wp-json/wc/v3/products", {{"per_page", "1"}});
  EXPECT_EQ(s["products"]["count"].get<int64_t>(), std::stoll(p.header("X-WP-Total")));
  EXPECT_EQ(Control("POST", "/__wcsim/mutate", R"({"purge_products":-1})").status, 400);
}

TEST_F(Server, MutateValidation) {
  EXPECT_EQ(Control("POST", "/__wcsim/mutate", R"({"new_orders":-1})").status, 400);
  EXPECT_EQ(Control("POST", "/__wcsim/mutate", R"({"new_orders":"3"})").status, 400);
  EXPECT_EQ(Control("POST", "/__wcsim/mutate", R"({"bogus":1})").status, 400);
  EXPECT_EQ(Control("POST", "/__wcsim/mutate", "[]").status, 400);
  EXPECT_EQ(Control("GET", "/__wcsim/nothing").status, 404);
}

// ---------------------------------------------------------------- hostile input

TEST_F(Server, HostileInput) {
  // Huge query string.
  Reply big = C().Raw("GET", false, "/wp-json/wc/v3/orders?x=" + std::string(60000, 'a'));
  EXPECT_TRUE(big.status == 401 || big.status == 414 || big.status == 400 || big.status == 0)
      << big.status;
  // Thousands of parameters.
  std::string many = "/wp-json/wc/v3/orders?";
  for (int i = 0; i < 3000; ++i) many += "p" + std::to_string(i) + "=1&";
  EXPECT_NE(C().Raw("GET", false, many).status, 500);
  // Broken encodings and bracket soup.
  for (const char* t :
       {"/wp-json/wc/v3/orders?%zz=%&&==&a[=1&b]=2&[]=3&c[][]=4",
        "/wp-json/%2e%2e/%2e%2e/etc/passwd", "/wp-json/wc/v3/orders/%00",
        "/wp-json/wc/v3/orders/18446744073709551616", "/wp-json/wc/v3/orders?per_page=1e3",
        "/wp-json////wc//v3", "/?rest_route=", "/nothing-here"}) {
    Reply r = C().Raw("GET", false, t);
    EXPECT_GT(r.status, 0) << t;
    EXPECT_NE(r.status, 500) << t;
  }
  // Garbage Authorization headers.
  for (const char* h : {"OAuth", "OAuth ,,,,==,\"\"", "Basic !!!!", "Basic ", "Bearer x",
                        "OAuth oauth_consumer_key=\"ck_wcsim_read\", oauth_signature=\"%ZZ\""}) {
    Reply r = C().Raw("GET", true, "/wp-json/wc/v3/orders", "", {{"Authorization", h}});
    EXPECT_EQ(r.status, 401) << h;
  }
  // Large body on a write route with a read key.
  Reply w = C().Raw("POST", false, "/wp-json/wc/v3/orders", std::string(2 << 20, '{'));
  EXPECT_NE(w.status, 500);
}

// ---------------------------------------------------------------- configurations

TEST(ServerConfig, OlderVersionsDropFeatures) {
  SimulatorOptions opt;
  opt.wc_version = "5.7.0";
  opt.https = false;
  SimInstance s = StartSim(SmallStore(), opt);
  CallOptions o;
  o.params = {{"modified_after", "2030-01-01T00:00:00"}, {"per_page", "1"}};
  Reply r = s.client->Call(o);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(std::stoll(r.header("X-WP-Total")), CountNonDraft(*s.store));  // ignored
  o.params = {{"modified_after", "yesterday"}};
  EXPECT_EQ(s.client->Call(o).status, 200);  // not even validated
  CallOptions refunds;
  refunds.path = "/wp-json/wc/v3/refunds";
  EXPECT_EQ(s.client->Call(refunds).status, 404);
  const json idx = s.client->Raw("GET", false, "/wp-json/wc/v3").json();
  EXPECT_FALSE(idx["routes"]["/wc/v3/orders"]["endpoints"][0]["args"].contains("modified_after"));
}

TEST(ServerConfig, Version89HasNoStoreWideRefunds) {
  SimulatorOptions opt;
  opt.wc_version = "8.9.1";
  opt.https = false;
  SimInstance s = StartSim(SmallStore(), opt);
  CallOptions refunds;
  refunds.path = "/wp-json/wc/v3/refunds";
  Reply r = s.client->Call(refunds);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.json()["code"], "rest_no_route");
  CallOptions o;
  o.params = {{"modified_after", "2030-01-01T00:00:00"}};
  EXPECT_EQ(s.client->Call(o).header("X-WP-Total"), "0");
}

TEST(ServerConfig, RestRouteAuthenticatesFrom111) {
  SimulatorOptions opt;
  opt.wc_version = "11.1.0";
  opt.https = false;
  SimInstance s = StartSim(SmallStore(), opt);
  CallOptions o;
  o.path = "/";
  o.params = {{"rest_route", "/wc/v3/orders"}};
  EXPECT_EQ(s.client->Call(o).status, 200);
}

TEST(ServerConfig, NoWooPayments) {
  GenOptions g = SmallStore();
  g.woopayments = false;
  SimulatorOptions opt;
  opt.https = false;
  SimInstance s = StartSim(g, opt);
  CallOptions o;
  o.path = "/wp-json/wc/v3/payments/deposits";
  Reply r = s.client->Call(o);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.json()["code"], "rest_no_route");
  const json idx = s.client->Raw("GET", false, "/wp-json/wc/v3").json();
  EXPECT_FALSE(idx["routes"].contains("/wc/v3/payments/deposits"));
}

TEST(ServerConfig, HomeUrlDrivesTheSignatureBase) {
  SimulatorOptions opt;
  opt.https = false;
  opt.home_url = "http://shop.example.test";
  opt.key = "ck_custom";
  opt.secret = "cs_custom";
  opt.permissions = "read_write";
  SimInstance s = StartSim(SmallStore(), opt);
  CallOptions o;
  o.key = "ck_custom";
  o.secret = "cs_custom";
  EXPECT_EQ(s.client->Call(o).status, 401);  // signed with the URL we connected to
  o.sign_base = "http://shop.example.test/wp-json/wc/v3/orders";
  EXPECT_EQ(s.client->Call(o).status, 200);
  const json root = s.client->Raw("GET", false, "/wp-json/").json();
  EXPECT_EQ(root["home"], "http://shop.example.test");
}

}  // namespace
}  // namespace clever::wcsim::testing
