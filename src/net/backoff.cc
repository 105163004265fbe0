#include "net/backoff.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <string>

namespace clever::net {

std::chrono::milliseconds Backoff::Delay(int attempt,
                                         std::optional<std::chrono::milliseconds> retry_after) {
  const double exponent = std::max(0, attempt - 1);
  double ceiling = static_cast<double>(options_.initial.count()) *
                   std::pow(options_.multiplier, std::min(exponent, 60.0));
  ceiling = std::min(ceiling, static_cast<double>(options_.max_delay.count()));
  const double jittered = ceiling / 2.0 + random_.Uniform01() * (ceiling / 2.0);
  auto delay = std::chrono::milliseconds(static_cast<int64_t>(jittered));
  if (retry_after && *retry_after > delay) delay = *retry_after;
  return delay;
}

std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view value, Clock& clock) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (value.empty() || value.size() > 64) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (value.size() > 9) return std::chrono::milliseconds(int64_t{999'999'999} * 1000);
    return std::chrono::milliseconds(std::stoll(std::string(value)) * 1000);
  }
  // IMF-fixdate, the only date form servers send today: "Sun, 06 Nov 1994 08:49:37 GMT".
  std::tm tm{};
  const std::string text(value);
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  const int64_t when = timegm(&tm);
  const int64_t now = clock.NowUnixSeconds();
  return std::chrono::milliseconds(std::max<int64_t>(0, when - now) * 1000);
}

bool IsRetryableHttpStatus(int status) {
  return status == 408 || status == 425 || status == 429 || status == 500 || status == 502 ||
         status == 503 || status == 504 || (status >= 520 && status <= 524);
}

}  // namespace clever::net
