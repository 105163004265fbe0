#include "server/rate_limiter.h"

#include <algorithm>
#include <vector>

namespace clever::server {

LoginRateLimiter::LoginRateLimiter(Clock& clock, RateLimitOptions options)
    : clock_(clock), options_(options) {}

int64_t LoginRateLimiter::RetryAfterLocked(const std::string& key, int limit, int64_t now) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return 0;
  if (now - it->second.window_start >= options_.window_s) {
    entries_.erase(it);
    return 0;
  }
  if (it->second.failures < limit) return 0;
  return std::max<int64_t>(1, it->second.window_start + options_.window_s - now);
}

int64_t LoginRateLimiter::RetryAfter(const std::string& ip, const std::string& email) {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t now = clock_.NowUnixSeconds();
  return std::max(RetryAfterLocked("e|" + ip + "|" + email, options_.max_failures, now),
                  RetryAfterLocked("i|" + ip, options_.max_failures_per_ip, now));
}

void LoginRateLimiter::BumpLocked(const std::string& key, int64_t now) {
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    if (entries_.size() >= options_.max_keys) EvictLocked(now);
    it = entries_.emplace(key, Entry{0, now, now}).first;
  } else if (now - it->second.window_start >= options_.window_s) {
    it->second = Entry{0, now, now};
  }
  ++it->second.failures;
  it->second.last = now;
}

void LoginRateLimiter::RecordFailure(const std::string& ip, const std::string& email) {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t now = clock_.NowUnixSeconds();
  BumpLocked("e|" + ip + "|" + email, now);
  BumpLocked("i|" + ip, now);
}

void LoginRateLimiter::RecordSuccess(const std::string& ip, const std::string& email) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.erase("e|" + ip + "|" + email);
}

size_t LoginRateLimiter::tracked_keys() {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

void LoginRateLimiter::EvictLocked(int64_t now) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (now - it->second.window_start >= options_.window_s) {
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
  if (entries_.size() < options_.max_keys) return;
  // Still full: drop the oldest quarter by last failure.
  std::vector<std::pair<int64_t, std::string>> by_age;
  by_age.reserve(entries_.size());
  for (const auto& [key, entry] : entries_) by_age.emplace_back(entry.last, key);
  size_t drop = std::max<size_t>(1, by_age.size() / 4);
  std::nth_element(by_age.begin(), by_age.begin() + static_cast<std::ptrdiff_t>(drop - 1),
                   by_age.end());
  for (size_t i = 0; i < drop; ++i) entries_.erase(by_age[i].second);
}

}  // namespace clever::server
