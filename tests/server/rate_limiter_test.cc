#include "server/rate_limiter.h"

#include <gtest/gtest.h>

namespace clever::server {
namespace {

TEST(LoginRateLimiterTest, BlocksAfterMaxFailuresUntilWindowPasses) {
  FakeClock clock;
  LoginRateLimiter limiter(
      clock, {.max_failures = 3, .max_failures_per_ip = 100, .window_s = 600, .max_keys = 100});
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(limiter.RetryAfter("1.2.3.4", "a@b.c"), 0);
    limiter.RecordFailure("1.2.3.4", "a@b.c");
  }
  EXPECT_GT(limiter.RetryAfter("1.2.3.4", "a@b.c"), 0);
  EXPECT_EQ(limiter.RetryAfter("1.2.3.4", "other@b.c"), 0);  // other email, same IP
  EXPECT_EQ(limiter.RetryAfter("5.6.7.8", "a@b.c"), 0);      // same email, other IP
  clock.Advance(std::chrono::seconds(601));
  EXPECT_EQ(limiter.RetryAfter("1.2.3.4", "a@b.c"), 0);
}

TEST(LoginRateLimiterTest, PerIpLimitStopsTryingManyEmails) {
  FakeClock clock;
  LoginRateLimiter limiter(
      clock, {.max_failures = 5, .max_failures_per_ip = 10, .window_s = 600, .max_keys = 1000});
  for (int i = 0; i < 10; ++i) limiter.RecordFailure("9.9.9.9", "u" + std::to_string(i) + "@x.y");
  EXPECT_GT(limiter.RetryAfter("9.9.9.9", "fresh@x.y"), 0);
}

TEST(LoginRateLimiterTest, SuccessClearsTheEmailKey) {
  FakeClock clock;
  LoginRateLimiter limiter(
      clock, {.max_failures = 2, .max_failures_per_ip = 100, .window_s = 600, .max_keys = 100});
  limiter.RecordFailure("ip", "e");
  limiter.RecordSuccess("ip", "e");
  limiter.RecordFailure("ip", "e");
  EXPECT_EQ(limiter.RetryAfter("ip", "e"), 0);
}

TEST(LoginRateLimiterTest, MemoryStaysBoundedUnderAFloodOfKeys) {
  FakeClock clock;
  LoginRateLimiter limiter(
      clock, {.max_failures = 5, .max_failures_per_ip = 50, .window_s = 600, .max_keys = 200});
  for (int i = 0; i < 20000; ++i) {
    limiter.RecordFailure("10.0." + std::to_string(i % 250) + "." + std::to_string(i / 250),
                          "user" + std::to_string(i) + "@x.y");
    ASSERT_LE(limiter.tracked_keys(), 201u);
  }
}

}  // namespace
}  // namespace clever::server
