#include "woo/scope_probe.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "testing/fake_transport.h"

namespace clever::woo {
namespace {

std::string Golden(const std::string& name) {
  std::ifstream in(std::string(CLEVER_WOO_TESTDATA) + "/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class ScopeProbeTest : public ::testing::Test {
 protected:
  StatusOr<ScopeProbeResult> Probe(const std::string& url = "https://s.example",
                                   AuthMode auth = AuthMode::kBasic) {
    Endpoint e;
    e.store_url = url;
    e.auth = auth;
    return ProbeWriteScope(e, Credentials{"ck_a", "cs_b"}, transport_, clock_, "abc123");
  }
  void Answer(net::HttpResponse r) {
    transport_.Respond("POST", "/wp-json/wc/v3/clever-scope-probe-abc123", std::move(r));
  }
  test::FakeTransport transport_;
  FakeClock clock_;
};

TEST_F(ScopeProbeTest, ReadKeyIsRefusedWritePermission) {
  Answer(test::Json(401, Golden("err_post_with_read_key.json")));
  StatusOr<ScopeProbeResult> r = Probe();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->scope, KeyScope::kRead);
  ASSERT_EQ(transport_.requests().size(), 1u);
  EXPECT_EQ(transport_.requests()[0].method, "POST");
  EXPECT_TRUE(transport_.requests()[0].body.empty());
}

TEST_F(ScopeProbeTest, WritableKeyReachesRouting) {
  Answer(test::Json(404, Golden("err_unknown_route.json")));
  EXPECT_EQ(Probe()->scope, KeyScope::kCanWrite);
}

TEST_F(ScopeProbeTest, AnythingElseIsInconclusiveAndNeverRetried) {
  Answer(test::Json(403, "<html>Forbidden by WAF</html>"));
  StatusOr<ScopeProbeResult> r = Probe();
  EXPECT_EQ(r->scope, KeyScope::kUnknown);
  EXPECT_NE(r->detail.find("403"), std::string::npos);
  Answer(test::Json(503, "{}"));
  EXPECT_EQ(Probe()->scope, KeyScope::kUnknown);
  EXPECT_EQ(transport_.requests().size(), 2u);
}

TEST_F(ScopeProbeTest, OAuthSignsThePostAndRandomSuffixesDiffer) {
  Answer(test::Json(404, Golden("err_unknown_route.json")));
  ASSERT_TRUE(Probe("http://s.example", AuthMode::kOAuth1).ok());
  EXPECT_NE(transport_.requests()[0].url.find("oauth_signature="), std::string::npos);
  Endpoint e;
  e.store_url = "https://s.example";
  ASSERT_TRUE(ProbeWriteScope(e, Credentials{"ck_a", "cs_b"}, transport_, clock_).ok());
  ASSERT_TRUE(ProbeWriteScope(e, Credentials{"ck_a", "cs_b"}, transport_, clock_).ok());
  const auto& reqs = transport_.requests();
  EXPECT_NE(reqs[1].url, reqs[2].url);
  EXPECT_NE(reqs[1].url.find("/wp-json/wc/v3/clever-scope-probe-"), std::string::npos);
}

}  // namespace
}  // namespace clever::woo
