#include "woo/errors.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace clever::woo {
namespace {

using ::testing::HasSubstr;

std::string Golden(const std::string& name) {
  std::ifstream in(std::string(CLEVER_WOO_TESTDATA) + "/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(MapErrorResponseTest, MapsStatusesToCodes) {
  EXPECT_EQ(MapErrorResponse(400, Golden("err_per_page_1000.json")).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(MapErrorResponse(401, Golden("err_unknown_key_oauth.json")).code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(MapErrorResponse(403, R"({"code":"woocommerce_rest_cannot_view","message":"Sorry, you cannot list resources.","data":{"status":403}})")
                .code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(MapErrorResponse(404, Golden("err_unknown_route.json")).code(), StatusCode::kNotFound);
  for (int s : {429, 500, 502, 503, 504, 520}) {
    EXPECT_EQ(MapErrorResponse(s, "<html>busy</html>").code(), StatusCode::kUnavailable) << s;
  }
  EXPECT_EQ(MapErrorResponse(302, "").code(), StatusCode::kFailedPrecondition);
}

TEST(MapErrorResponseTest, MessagesAreMerchantFacingAndCarryTheWooCode) {
  const Status wrong_secret = MapErrorResponse(401, Golden("err_wrong_secret_basic_https.json"));
  EXPECT_THAT(wrong_secret.message(), HasSubstr("Consumer Secret doesn't match"));
  const Status no_route = MapErrorResponse(404, Golden("err_unknown_route.json"));
  EXPECT_THAT(no_route.message(), HasSubstr("rest_no_route"));
  const Status write_only = MapErrorResponse(401, Golden("err_write_key_read.json"));
  EXPECT_THAT(write_only.message(), HasSubstr("Write-only"));
  const Status busy = MapErrorResponse(429, "", "30");
  EXPECT_THAT(busy.message(), HasSubstr("retry after 30"));
}

TEST(MapErrorResponseTest, WooErrorRoundTripsThroughTheStatus) {
  const Status s = MapErrorResponse(401, Golden("err_wrong_secret_oauth.json"));
  std::optional<WooError> e = WooErrorOf(s);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->code, "woocommerce_rest_authentication_error");
  EXPECT_EQ(e->message, "Invalid signature - provided signature does not match.");
  EXPECT_EQ(e->status, 401);
  EXPECT_FALSE(WooErrorOf(MapErrorResponse(503, "<html></html>")).has_value());
  EXPECT_FALSE(WooErrorOf(UnavailableError("reset")).has_value());
}

TEST(LocateJsonTest, AcceptsJsonWithBomAndWhitespace) {
  EXPECT_EQ(*LocateJson("  [1,2]\n"), "[1,2]");
  EXPECT_EQ(*LocateJson("\xEF\xBB\xBF{\"a\":1}"), "{\"a\":1}");
}

TEST(LocateJsonTest, ToleratesPhpNoticesBeforeJson) {
  const std::string html_notice =
      "<br />\n<b>Notice</b>:  Undefined index: foo in <b>/var/www/wp-content/plugins/x.php</b> "
      "on line <b>12</b><br />\n[{\"id\":1}]";
  EXPECT_EQ(*LocateJson(html_notice), "[{\"id\":1}]");
  const std::string text_notices =
      "PHP Deprecated:  Function x is deprecated in /a.php on line 3\nWarning: y in /b.php on "
      "line [4]\n{\"id\":2}";
  EXPECT_EQ(*LocateJson(text_notices), "{\"id\":2}");
}

TEST(LocateJsonTest, RefusesHtmlPagesTruncatedAndOtherPrefixes) {
  for (const std::string& body :
       {std::string("<!DOCTYPE html><html><body>Critical error</body></html>"),
        std::string("[{\"id\":1},{\"id\""), std::string(""), std::string("   "),
        std::string("Fatal error: Allowed memory size exhausted\n{\"id\":1}"),
        std::string("hello {\"id\":1}"), std::string("<br />\n<b>Notice</b>: x\n[1,"),
        std::string("Notice: x\n") + std::string(100000, 'a') + "\n{}"}) {
    StatusOr<std::string_view> r = LocateJson(body);
    ASSERT_FALSE(r.ok()) << body.substr(0, 60);
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  }
}

TEST(LocateJsonTest, HostileHugeInputIsBounded) {
  std::string body = "Notice: x\n";
  for (int i = 0; i < 20000; ++i) body += "\n{";  // many candidate starts, none valid
  StatusOr<std::string_view> r = LocateJson(body);
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
}

TEST(ExcerptTest, DropsControlCharactersAndCutsAtUtf8Boundaries) {
  EXPECT_EQ(Excerpt("a\nb\tc"), "a b c");
  const std::string long_text = std::string(159, 'x') + "\xC3\xA9" + "yyyy";
  const std::string e = Excerpt(long_text);
  EXPECT_EQ(e, std::string(159, 'x') + "...");
}

TEST(ParseWooErrorTest, ParsesShapesDefensively) {
  EXPECT_FALSE(ParseWooError("[]").has_value());
  EXPECT_FALSE(ParseWooError("{\"message\":\"x\"}").has_value());
  EXPECT_FALSE(ParseWooError("{\"code\":5}").has_value());
  auto e = ParseWooError(R"({"code":"x","message":"m","data":null})");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->status, 0);
}

}  // namespace
}  // namespace clever::woo
