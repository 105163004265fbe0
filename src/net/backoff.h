// Retry policy: jittered exponential backoff (envoy's JitteredExponentialBackOffStrategy) with an
// injected Random, honouring Retry-After, retrying idempotent requests only.
//
//   net::SeededRandom random(42);
//   net::Backoff backoff(net::BackoffOptions{}, random);
//   auto delay = backoff.Delay(attempt, RetryAfterFrom(response, clock));
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"
#include "net/http.h"

namespace clever::net {

// Source of randomness for jitter. Not thread-safe.
class Random {
 public:
  virtual ~Random() = default;
  // Uniform in [0, 1).
  virtual double Uniform01() = 0;
};

class SeededRandom : public Random {
 public:
  explicit SeededRandom(uint64_t seed) : engine_(seed) {}
  double Uniform01() override { return std::uniform_real_distribution<double>(0.0, 1.0)(engine_); }

 private:
  std::mt19937_64 engine_;
};

struct BackoffOptions {
  int max_attempts = 4;                               // first try included; 1 = no retries
  std::chrono::milliseconds initial{500};             // ceiling of the first delay
  std::chrono::milliseconds max_delay{30'000};        // ceiling of any computed delay
  std::chrono::milliseconds max_retry_after{120'000};  // a longer Retry-After ends the retries
  double multiplier = 2.0;
};

class Backoff {
 public:
  Backoff(BackoffOptions options, Random& random) : options_(options), random_(random) {}
  // Delay before attempt `attempt` + 1 (attempt counts from 1). "Full jitter": uniform in
  // [ceiling/2, ceiling) where ceiling = min(initial * multiplier^(attempt-1), max_delay). A
  // server's Retry-After wins over the computed delay when longer.
  std::chrono::milliseconds Delay(int attempt, std::optional<std::chrono::milliseconds> retry_after);
  [[nodiscard]] const BackoffOptions& options() const { return options_; }

 private:
  BackoffOptions options_;
  Random& random_;
};

// Parses a Retry-After value: delta seconds ("120") or an HTTP-date ("Wed, 21 Oct 2015 07:28:00
// GMT", relative to clock.Now()). nullopt for anything else; negative results become 0.
std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view value, Clock& clock);

// True for HTTP statuses worth retrying: 408, 425, 429, 500, 502, 503, 504, 520-524.
[[nodiscard]] bool IsRetryableHttpStatus(int status);

// Sends requests built by `build` (called again per attempt, so signatures and nonces are fresh)
// until one gets a non-retryable outcome or the attempts run out. Retries only idempotent
// methods, on retryable transport errors (IsRetryable) and retryable HTTP statuses, sleeping on
// `clock`. Returns the last response or error; a retryable status as the last outcome is
// returned as a response (the caller maps it).
template <typename BuildFn>
StatusOr<HttpResponse> SendWithRetry(HttpTransport& transport, const BuildFn& build,
                                     Backoff& backoff, Clock& clock);

}  // namespace clever::net

#include "net/backoff_inl.h"  // IWYU pragma: keep
