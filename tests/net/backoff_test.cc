#include "net/backoff.h"

#include <gtest/gtest.h>

#include <deque>

#include "common/clock.h"
#include "testing/fake_transport.h"

namespace clever::net {
namespace {

using std::chrono::milliseconds;

class FixedRandom : public Random {
 public:
  explicit FixedRandom(double v) : v_(v) {}
  double Uniform01() override { return v_; }

 private:
  double v_;
};

TEST(BackoffTest, GrowsExponentiallyWithinJitterBoundsAndCaps) {
  BackoffOptions o;
  o.initial = milliseconds(100);
  o.max_delay = milliseconds(1000);
  FixedRandom low(0.0), high(0.999999);
  Backoff lo(o, low), hi(o, high);
  EXPECT_EQ(lo.Delay(1, std::nullopt), milliseconds(50));
  EXPECT_EQ(hi.Delay(1, std::nullopt), milliseconds(99));
  EXPECT_EQ(lo.Delay(2, std::nullopt), milliseconds(100));
  EXPECT_EQ(lo.Delay(3, std::nullopt), milliseconds(200));
  EXPECT_EQ(lo.Delay(10, std::nullopt), milliseconds(500));  // capped at max_delay / 2
  EXPECT_EQ(hi.Delay(10, std::nullopt), milliseconds(999));
  EXPECT_EQ(hi.Delay(100000, std::nullopt), milliseconds(999));  // no overflow
}

TEST(BackoffTest, SeededJitterIsDeterministicAndInRange) {
  BackoffOptions o;
  SeededRandom a(7), b(7);
  Backoff x(o, a), y(o, b);
  for (int attempt = 1; attempt < 8; ++attempt) {
    const auto d = x.Delay(attempt, std::nullopt);
    EXPECT_EQ(d, y.Delay(attempt, std::nullopt));
    EXPECT_GE(d.count(), 250);
    EXPECT_LT(d.count(), 30000);
  }
}

TEST(BackoffTest, RetryAfterWinsWhenLonger) {
  FixedRandom r(0.0);
  Backoff b(BackoffOptions{}, r);
  EXPECT_EQ(b.Delay(1, milliseconds(7000)), milliseconds(7000));
  EXPECT_EQ(b.Delay(1, milliseconds(1)), milliseconds(250));
}

TEST(ParseRetryAfterTest, SecondsAndHttpDates) {
  FakeClock clock(std::chrono::system_clock::time_point(std::chrono::seconds(1445412480)));
  EXPECT_EQ(ParseRetryAfter("120", clock), milliseconds(120000));
  EXPECT_EQ(ParseRetryAfter(" 0 ", clock), milliseconds(0));
  // 1445412480 = Wed, 21 Oct 2015 07:28:00 GMT
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", clock), milliseconds(30000));
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:27:00 GMT", clock), milliseconds(0));
  EXPECT_EQ(ParseRetryAfter("", clock), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("-5", clock), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("soon", clock), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("1.5", clock), std::nullopt);
  EXPECT_EQ(ParseRetryAfter(std::string(100000, '9'), clock), std::nullopt);
  EXPECT_TRUE(ParseRetryAfter("99999999999999999999", clock).has_value());  // huge: clamped
}

TEST(RetryTest, RetriesIdempotentFailuresWithFreshRequestsAndHonoursRetryAfter) {
  test::FakeTransport t;
  t.Enqueue("GET", "/x", test::Json(503, "{}", {{"retry-after", "3"}}));
  t.Enqueue("GET", "/x", Status(UnavailableError("connection reset")));
  t.Respond("GET", "/x", test::Json(200, "[]"));
  FakeClock clock;
  SeededRandom random(1);
  Backoff backoff(BackoffOptions{}, random);
  int built = 0;
  auto build = [&] {
    ++built;
    return HttpRequest{.method = "GET", .url = "https://s.example/x?n=" + std::to_string(built),
                       .headers = {}, .body = "", .timeout_ms = 1000};
  };
  StatusOr<HttpResponse> r = SendWithRetry(t, build, backoff, clock);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(built, 3);
  EXPECT_EQ(t.requests()[2].url, "https://s.example/x?n=3");
  EXPECT_GE(clock.total_slept(), milliseconds(3000));
}

TEST(RetryTest, NeverRetriesPost) {
  test::FakeTransport t;
  t.Respond("POST", "/x", test::Json(503, "{}"));
  FakeClock clock;
  SeededRandom random(1);
  Backoff backoff(BackoffOptions{}, random);
  auto build = [] {
    return HttpRequest{.method = "POST", .url = "https://s.example/x", .headers = {}, .body = "",
                       .timeout_ms = 1000};
  };
  StatusOr<HttpResponse> r = SendWithRetry(t, build, backoff, clock);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(t.requests().size(), 1u);
  EXPECT_EQ(clock.total_slept(), milliseconds(0));
}

TEST(RetryTest, GivesUpAfterMaxAttemptsAndOnNonRetryable) {
  test::FakeTransport t;
  t.Respond("GET", "/busy", test::Json(429, "{}"));
  t.Respond("GET", "/gone", test::Json(404, "{}"));
  t.Fail("GET", "/tls", FailedPreconditionError("TLS certificate problem"));
  t.Respond("GET", "/later", test::Json(503, "{}", {{"retry-after", "3600"}}));
  FakeClock clock;
  SeededRandom random(1);
  BackoffOptions o;
  o.max_attempts = 3;
  Backoff backoff(o, random);
  auto get = [&](const std::string& path) {
    return SendWithRetry(
        t,
        [&] {
          return HttpRequest{.method = "GET", .url = "https://s.example" + path, .headers = {},
                             .body = "", .timeout_ms = 1000};
        },
        backoff, clock);
  };
  EXPECT_EQ(get("/busy")->status, 429);
  EXPECT_EQ(t.RequestsTo("GET", "/busy").size(), 3u);
  EXPECT_EQ(get("/gone")->status, 404);
  EXPECT_EQ(t.RequestsTo("GET", "/gone").size(), 1u);
  EXPECT_FALSE(get("/tls").ok());
  EXPECT_EQ(t.RequestsTo("GET", "/tls").size(), 1u);
  EXPECT_EQ(get("/later")->status, 503);  // Retry-After beyond max_retry_after: stop at once
  EXPECT_EQ(t.RequestsTo("GET", "/later").size(), 1u);
}

TEST(HttpTest, IdempotentMethods) {
  EXPECT_TRUE(IsIdempotent("GET"));
  EXPECT_TRUE(IsIdempotent("HEAD"));
  EXPECT_FALSE(IsIdempotent("POST"));
  EXPECT_FALSE(IsIdempotent("PATCH"));
}

}  // namespace
}  // namespace clever::net
