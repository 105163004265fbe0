#include "woo/discovery.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "testing/fake_transport.h"
#include "woo/api.h"

namespace clever::woo {
namespace {

std::string Golden(const std::string& name) {
  std::ifstream in(std::string(CLEVER_WOO_TESTDATA) + "/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Endpoint Store(const std::string& url) {
  Endpoint e;
  e.store_url = url;
  return e;
}

TEST(DiscoveryTest, ReadsRealWooCommerceIndexes) {
  test::FakeTransport t;
  t.Respond("GET", "/wp-json/", test::Json(200, Golden("wp_json_root_fields.json")));
  t.Respond("GET", "/wp-json/wc/v3", test::Json(200, Golden("wc_v3_index.json")));
  StatusOr<StoreIndex> index = Discover(t, Store("https://shop.example"), nullptr);
  ASSERT_TRUE(index.ok()) << index.status();
  EXPECT_EQ(index->name, "Northwind Outfitters");
  EXPECT_EQ(index->home, "http://127.0.0.1:8080");
  EXPECT_EQ(index->timezone_string, "America/New_York");
  EXPECT_DOUBLE_EQ(index->gmt_offset, -5);
  EXPECT_TRUE(index->features.has_wc_v3);
  EXPECT_TRUE(index->features.has_analytics);
  EXPECT_TRUE(index->features.has_refunds_route);        // WC 10.0.2 has /refunds
  EXPECT_TRUE(index->features.supports_modified_after);  // in the orders GET args
  EXPECT_TRUE(index->features.supports_dates_are_gmt);
  EXPECT_FALSE(index->features.has_variations_route);  // store-wide /variations is WC >= 10.3
  EXPECT_FALSE(index->features.has_woopayments);       // the recorded store had no WooPayments
  EXPECT_GT(index->routes.size(), 50u);
  // Both indexes are public: no credentials were sent.
  for (const auto& r : t.requests()) {
    EXPECT_EQ(r.url.find("consumer"), std::string::npos);
    for (const auto& [k, v] : r.headers) EXPECT_NE(k, "Authorization");
  }
}

TEST(DiscoveryTest, DetectsFeaturesFromRouteTable) {
  StoreIndex index;
  ASSERT_TRUE(ApplyRouteIndex(R"({"routes":{
      "/wc/v3/orders":{"endpoints":[{"methods":["POST"],"args":{"modified_after":{}}}]},
      "/wc/v3/variations":{}, "/wc/v3/payments/deposits":{}}})",
                              index)
                  .ok());
  EXPECT_TRUE(index.features.has_variations_route);
  EXPECT_TRUE(index.features.has_woopayments);
  EXPECT_FALSE(index.features.supports_modified_after);  // only a POST endpoint lists it
  EXPECT_FALSE(index.features.has_refunds_route);
  StoreIndex empty_args;
  ASSERT_TRUE(ApplyRouteIndex(
                  R"({"routes":{"/wc/v3/orders":{"endpoints":[{"methods":["GET"],"args":[]}]}}})",
                  empty_args)
                  .ok());
  EXPECT_FALSE(empty_args.features.supports_modified_after);
}

TEST(DiscoveryTest, NotWordPressAndNoWooCommerce) {
  test::FakeTransport html;
  html.Respond("GET", "/wp-json/", test::Json(200, "<html><body>Welcome</body></html>"));
  EXPECT_EQ(Discover(html, Store("https://x.example"), nullptr).status().code(),
            StatusCode::kNotFound);
  test::FakeTransport missing;  // 404 for everything
  EXPECT_EQ(Discover(missing, Store("https://x.example"), nullptr).status().code(),
            StatusCode::kNotFound);
  test::FakeTransport other_json;
  other_json.Respond("GET", "/wp-json/", test::Json(200, "{\"hello\":1}"));
  EXPECT_EQ(Discover(other_json, Store("https://x.example"), nullptr).status().code(),
            StatusCode::kNotFound);
  test::FakeTransport plain_wp;
  plain_wp.Respond("GET", "/wp-json/",
                   test::Json(200, R"({"name":"Blog","namespaces":["wp/v2","oembed/1.0"]})"));
  StatusOr<StoreIndex> wp = Discover(plain_wp, Store("https://x.example"), nullptr);
  ASSERT_TRUE(wp.ok());
  EXPECT_FALSE(wp->features.has_wc_v3);
}

TEST(DiscoveryTest, RedirectIsReportedWithoutQuery) {
  test::FakeTransport t;
  net::HttpResponse r = test::Json(301, "");
  r.headers.emplace_back("location", "https://www.x.example/wp-json/?secret=1");
  t.Respond("GET", "/wp-json/", r);
  Status s = Discover(t, Store("https://x.example"), nullptr).status();
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("https://www.x.example/wp-json/"), std::string::npos);
  EXPECT_EQ(s.message().find("secret"), std::string::npos);
}

TEST(DiscoveryTest, ProtectedRouteIndexFallsBackToSignedRequest) {
  test::FakeTransport t;
  t.Respond("GET", "/wp-json/", test::Json(200, R"({"namespaces":["wc/v3"],"home":"http://x"})"));
  t.SetHandler([](const net::HttpRequest& req) -> std::optional<test::FakeTransport::Answer> {
    if (test::UrlPath(req.url) != "/wp-json/wc/v3") return std::nullopt;
    if (req.url.find("oauth_signature") == std::string::npos) {
      return test::Json(401, R"({"code":"woocommerce_rest_cannot_view","message":"x","data":{"status":401}})");
    }
    return test::Json(200, R"({"routes":{"/wc/v3/refunds":{}}})");
  });
  Endpoint e = Store("http://x.example");
  e.auth = AuthMode::kOAuth1;
  FakeClock clock;
  auto api = MakeApi(e, Credentials{"ck_a", "cs_b"}, t, clock);
  StatusOr<StoreIndex> index = Discover(t, e, api.get());
  ASSERT_TRUE(index.ok()) << index.status();
  EXPECT_TRUE(index->features.has_refunds_route);
}

TEST(DiscoveryTest, GmtOffsetAsString) {
  StatusOr<StoreIndex> i = ParseRootIndex(R"({"namespaces":[],"gmt_offset":"5.5"})");
  ASSERT_TRUE(i.ok());
  EXPECT_DOUBLE_EQ(i->gmt_offset, 5.5);
  EXPECT_EQ(ParseRootIndex("{").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(ParseRootIndex("[]").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace clever::woo
