// LoginRateLimiter: counts failed logins per key (client IP + email) in a sliding window and
// refuses further attempts once `max_failures` is reached, until the window has passed. Memory is
// bounded: at most `max_keys` keys are tracked; when full, expired keys are swept and then the
// least recently failed ones are dropped. A second, looser limit per IP alone stops one client
// from trying many emails. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "common/clock.h"

namespace clever::server {

struct RateLimitOptions {
  int max_failures = 5;          // per IP + email
  int max_failures_per_ip = 50;  // per IP, any email
  int64_t window_s = 15 * 60;
  size_t max_keys = 10000;
};

class LoginRateLimiter {
 public:
  LoginRateLimiter(Clock& clock, RateLimitOptions options = {});

  // Seconds to wait before another attempt is allowed; 0 = allowed now.
  int64_t RetryAfter(const std::string& ip, const std::string& email);
  void RecordFailure(const std::string& ip, const std::string& email);
  // A successful login clears the IP + email key.
  void RecordSuccess(const std::string& ip, const std::string& email);
  size_t tracked_keys();

 private:
  struct Entry {
    int failures = 0;
    int64_t window_start = 0;
    int64_t last = 0;
  };
  int64_t RetryAfterLocked(const std::string& key, int limit, int64_t now);
  void BumpLocked(const std::string& key, int64_t now);
  void EvictLocked(int64_t now);

  Clock& clock_;
  RateLimitOptions options_;
  std::mutex mu_;
  std::map<std::string, Entry> entries_;
};

}  // namespace clever::server
