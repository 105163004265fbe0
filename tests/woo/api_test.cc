#include "woo/api.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "testing/fake_transport.h"
#include "woo/oauth1.h"

namespace clever::woo {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Golden(const std::string& name) {
  std::ifstream in(std::string(CLEVER_WOO_TESTDATA) + "/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::map<std::string, std::string> QueryMap(const std::string& url) {
  std::map<std::string, std::string> m;
  for (auto& [k, v] : test::UrlQuery(url)) m[k] = v;
  return m;
}

class ApiTest : public ::testing::Test {
 protected:
  std::unique_ptr<Api> Make(const std::string& store_url, AuthMode auth,
                            const std::string& home = "") {
    Endpoint e;
    e.store_url = store_url;
    e.home_url = home;
    e.auth = auth;
    ApiOptions o;
    o.random = &random_;
    o.nonce = [this] { return "nonce" + std::to_string(++nonces_); };
    return MakeApi(e, Credentials{"ck_key1234", "cs_secret5678"}, transport_, clock_, o);
  }
  test::FakeTransport transport_;
  FakeClock clock_;
  net::SeededRandom random_{5};
  int nonces_ = 0;
};

TEST_F(ApiTest, HttpsUsesBasicAuthAndCommaLists) {
  transport_.Respond("GET", "/shop/wp-json/wc/v3/orders",
                     test::Json(200, "[{\"id\":1}]",
                                {{"x-wp-total", "42"},
                                 {"x-wp-totalpages", "3"},
                                 {"link", "<https://s.example/shop/wp-json/wc/v3/orders?page=2&"
                                          "consumer_secret=cs_secret5678>; rel=\"next\""}}));
  auto api = Make("https://s.example/shop", AuthMode::kBasic);
  StatusOr<Response> r =
      api->Get("wc/v3/orders", {{"status", "completed"}, {"status", "processing"}, {"page", "1"}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->body, "[{\"id\":1}]");
  EXPECT_EQ(r->total, 42);
  EXPECT_EQ(r->total_pages, 3);
  EXPECT_EQ(r->headers.count("link"), 0u);  // Link echoes credentials: dropped
  const net::HttpRequest& sent = transport_.requests().at(0);
  EXPECT_EQ(sent.method, "GET");
  EXPECT_EQ(test::UrlPath(sent.url), "/shop/wp-json/wc/v3/orders");
  EXPECT_EQ(QueryMap(sent.url)["status"], "completed,processing");
  EXPECT_THAT(sent.url, Not(HasSubstr("cs_")));
  bool has_basic = false;
  for (const auto& [k, v] : sent.headers) {
    has_basic = has_basic || (k == "Authorization" && v == "Basic Y2tfa2V5MTIzNDpjc19zZWNyZXQ1Njc4");
  }
  EXPECT_TRUE(has_basic);
}

TEST_F(ApiTest, QueryAuthPutsKeyInParametersOverHttpsOnly) {
  transport_.Respond("GET", "/wp-json/wc/v3/orders", test::Json(200, "[]"));
  auto api = Make("https://s.example", AuthMode::kQuery);
  ASSERT_TRUE(api->Get("wc/v3/orders", {}).ok());
  auto q = QueryMap(transport_.requests().at(0).url);
  EXPECT_EQ(q["consumer_key"], "ck_key1234");
  EXPECT_EQ(q["consumer_secret"], "cs_secret5678");

  for (AuthMode mode : {AuthMode::kBasic, AuthMode::kQuery}) {
    auto plain = Make("http://s.example", mode);
    StatusOr<Response> refused = plain->Get("wc/v3/orders", {});
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  }
  EXPECT_EQ(transport_.requests().size(), 1u);  // nothing sent in clear
}

TEST_F(ApiTest, HttpSignsWithOAuthAgainstHomeUrlAndResignsEveryRequest) {
  transport_.Respond("GET", "/wp-json/wc/v3/orders", test::Json(200, "[]"));
  // The store is reached at one address but WordPress's Home setting names another.
  auto api = Make("http://10.0.0.5:8080", AuthMode::kOAuth1, "https://shop.example/");
  ASSERT_TRUE(api->Get("wc/v3/orders", {{"per_page", "100"}, {"page", "2"}}).ok());
  ASSERT_TRUE(api->Get("wc/v3/orders", {{"per_page", "100"}, {"page", "3"}}).ok());
  ASSERT_EQ(transport_.requests().size(), 2u);
  std::set<std::string> nonces;
  for (const auto& req : transport_.requests()) {
    auto q = QueryMap(req.url);
    EXPECT_EQ(q["oauth_consumer_key"], "ck_key1234");
    EXPECT_EQ(q["oauth_signature_method"], "HMAC-SHA256");
    EXPECT_EQ(q["oauth_timestamp"], std::to_string(clock_.NowUnixSeconds()));
    nonces.insert(q["oauth_nonce"]);
    // Verify the signature independently: the scheme we connect with, Home's host and path.
    Params unsigned_params;
    for (auto& [k, v] : test::UrlQuery(req.url)) {
      if (k != "oauth_signature") unsigned_params.emplace_back(k, v);
    }
    const std::string base = SignatureBaseString(
        "GET", "http://shop.example/wp-json/wc/v3/orders", unsigned_params);
    EXPECT_EQ(q["oauth_signature"], OAuth1Signature(SignatureMethod::kHmacSha256, "cs_secret5678", base));
    EXPECT_THAT(req.url, Not(HasSubstr("cs_secret5678")));
    for (const auto& [k, v] : req.headers) EXPECT_NE(k, "Authorization");
  }
  EXPECT_EQ(nonces.size(), 2u);
}

TEST_F(ApiTest, RetriesResignWithFreshNonces) {
  transport_.Enqueue("GET", "/wp-json/wc/v3/orders", test::Json(503, "{}"));
  transport_.Enqueue("GET", "/wp-json/wc/v3/orders", Status(UnavailableError("reset")));
  transport_.Respond("GET", "/wp-json/wc/v3/orders", test::Json(200, "[]"));
  auto api = Make("http://s.example", AuthMode::kOAuth1);
  StatusOr<Response> r = api->Get("wc/v3/orders", {});
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(transport_.requests().size(), 3u);
  std::set<std::string> nonces;
  for (const auto& req : transport_.requests()) nonces.insert(QueryMap(req.url)["oauth_nonce"]);
  EXPECT_EQ(nonces.size(), 3u);
  EXPECT_GT(clock_.total_slept().count(), 0);
}

TEST_F(ApiTest, MapsFailures) {
  auto api = Make("https://s.example", AuthMode::kBasic);
  transport_.Respond("GET", "/wp-json/wc/v3/a", test::Json(401, Golden("err_wrong_secret_basic_https.json")));
  transport_.Respond("GET", "/wp-json/wc/v3/b", test::Json(404, Golden("err_unknown_route.json")));
  transport_.Respond("GET", "/wp-json/wc/v3/c", test::Json(400, Golden("err_per_page_1000.json")));
  transport_.Respond("GET", "/wp-json/wc/v3/d", test::Json(200, "<html><body>Blocked by WAF</body></html>"));
  transport_.Respond("GET", "/wp-json/wc/v3/e", test::Json(200, "[{\"id\":1},{\"id"));
  transport_.Respond("GET", "/wp-json/wc/v3/f",
                     test::Json(200, "<br />\n<b>Warning</b>:  x in <b>/a.php</b> on line <b>1</b><br />\n[{\"id\":7}]"));
  transport_.Fail("GET", "/wp-json/wc/v3/g", DeadlineExceededError("no answer within 10 ms"));
  transport_.Fail("GET", "/wp-json/wc/v3/h", FailedPreconditionError("TLS certificate problem with x"));
  transport_.Respond("GET", "/wp-json/wc/v3/i", test::Json(403, "{\"code\":\"woocommerce_rest_cannot_view\",\"message\":\"Sorry, you cannot list resources.\",\"data\":{\"status\":403}}"));
  transport_.Respond("GET", "/wp-json/wc/v3/j", test::Json(500, "<html>Critical error</html>"));
  EXPECT_EQ(api->Get("wc/v3/a", {}).status().code(), StatusCode::kUnauthenticated);
  StatusOr<Response> nf = api->Get("wc/v3/b", {});
  EXPECT_EQ(nf.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(nf.status().message(), HasSubstr("rest_no_route"));
  EXPECT_EQ(api->Get("wc/v3/c", {}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(api->Get("wc/v3/d", {}).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(api->Get("wc/v3/e", {}).status().code(), StatusCode::kDataLoss);
  StatusOr<Response> notice = api->Get("wc/v3/f", {});
  ASSERT_TRUE(notice.ok()) << notice.status();
  EXPECT_EQ(notice->body, "[{\"id\":7}]");
  EXPECT_EQ(api->Get("wc/v3/g", {}).status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(api->Get("wc/v3/h", {}).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(api->Get("wc/v3/i", {}).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(api->Get("wc/v3/j", {}).status().code(), StatusCode::kUnavailable);
  for (const auto& req : transport_.requests()) EXPECT_EQ(req.method, "GET");
}

TEST_F(ApiTest, RejectsHostileRoutesAndReservedParametersWithoutSending) {
  auto api = Make("https://s.example", AuthMode::kBasic);
  for (const std::string& route : std::vector<std::string>{"/wc/v3/orders", "wc/v3/../../wp-admin", "wc/v3/orders?x=1", "wc/v3/orders#f",
        "wc/v3//orders", "wc/v3/or ders", "wc/v3/\x01", std::string(600, 'a'),
        "http://evil.example/"}) {
    EXPECT_EQ(api->Get(route, {}).status().code(), StatusCode::kInvalidArgument) << route;
  }
  EXPECT_EQ(api->Get("wc/v3/orders", {{"oauth_signature", "x"}}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(api->Get("wc/v3/orders", {{"consumer_secret", "x"}}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(api->Get("wc/v3/orders", {{"", "x"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(transport_.requests().empty());
}

TEST_F(ApiTest, EncodesHostileParameterValues) {
  transport_.Respond("GET", "/wp-json/wc/v3/orders", test::Json(200, "[]"));
  auto api = Make("https://s.example", AuthMode::kBasic);
  const std::string value = "a&b=c#d e\r\nX-Injected: 1";
  ASSERT_TRUE(api->Get("wc/v3/orders", {{"search", value}}).ok());
  const std::string& url = transport_.requests().at(0).url;
  EXPECT_EQ(url.find_first_of(" \r\n#"), std::string::npos) << url;
  EXPECT_EQ(QueryMap(url)["search"], value);
}

TEST_F(ApiTest, IndexRouteIsTheWpJsonRoot) {
  transport_.Respond("GET", "/wp-json/", test::Json(200, "{}"));
  auto api = Make("https://s.example", AuthMode::kBasic);
  ASSERT_TRUE(api->Get("", {}).ok());
}

// The only request-sending member of woo::Api is Get: the type cannot send anything else.
static_assert(std::is_same_v<decltype(&Api::Get),
                             StatusOr<Response> (Api::*)(const std::string&, const Params&)>);

}  // namespace
}  // namespace clever::woo
