#include "server/http_error.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace clever::server {
namespace {

TEST(HttpErrorTest, MapsEveryCode) {
  struct Case {
    Status status;
    int http;
    const char* code;
  };
  const Case cases[] = {
      {InvalidArgumentError("x"), 400, "invalid_argument"},
      {UnauthenticatedError("x"), 401, "unauthenticated"},
      {PermissionDeniedError("x"), 403, "permission_denied"},
      {NotFoundError("x"), 404, "not_found"},
      {AlreadyExistsError("x"), 409, "already_exists"},
      {FailedPreconditionError("x"), 409, "failed_precondition"},
      {DataLossError("x"), 502, "data_loss"},
      {UnavailableError("x"), 503, "unavailable"},
      {DeadlineExceededError("x"), 504, "deadline_exceeded"},
      {InternalError("x"), 500, "internal"},
  };
  for (const auto& c : cases) {
    HttpError e = HttpErrorFor(c.status);
    EXPECT_EQ(e.http_status, c.http) << c.status;
    EXPECT_EQ(e.code, c.code) << c.status;
  }
}

TEST(HttpErrorTest, InternalMessagesAreNotReturned) {
  HttpError e = HttpErrorFor(InternalError("sqlite: no such column users.password_hash"));
  EXPECT_EQ(e.message.find("password_hash"), std::string::npos);
  EXPECT_EQ(HttpErrorFor(OkStatus()).http_status, 500);
}

TEST(HttpErrorTest, JsonCarriesFieldAndHintAndSurvivesInvalidUtf8) {
  HttpError e{422, "wrong_secret", "bad \xff secret", "consumer_secret", "paste it again"};
  auto j = nlohmann::json::parse(ErrorJson(e));
  EXPECT_EQ(j["error"]["code"], "wrong_secret");
  EXPECT_EQ(j["error"]["field"], "consumer_secret");
  EXPECT_EQ(j["error"]["hint"], "paste it again");
  auto bare = nlohmann::json::parse(ErrorJson(HttpErrorFor(NotFoundError("gone"))));
  EXPECT_FALSE(bare["error"].contains("field"));
  EXPECT_EQ(bare["error"]["message"], "gone");
}

}  // namespace
}  // namespace clever::server
