// Template body of SendWithRetry (net/backoff.h). Not for direct inclusion.
#pragma once

#include "net/backoff.h"

namespace clever::net {

template <typename BuildFn>
StatusOr<HttpResponse> SendWithRetry(HttpTransport& transport, const BuildFn& build,
                                     Backoff& backoff, Clock& clock) {
  for (int attempt = 1;; ++attempt) {
    HttpRequest request = build();
    StatusOr<HttpResponse> result = transport.Send(request);
    const bool last = attempt >= backoff.options().max_attempts || !IsIdempotent(request.method);
    std::optional<std::chrono::milliseconds> retry_after;
    if (result.ok()) {
      if (!IsRetryableHttpStatus(result->status) || last) return result;
      const std::string header = result->Header("retry-after");
      if (!header.empty()) {
        retry_after = ParseRetryAfter(header, clock);
        if (retry_after && *retry_after > backoff.options().max_retry_after) return result;
      }
    } else if (!IsRetryable(result.status()) || last) {
      return result;
    }
    clock.SleepFor(backoff.Delay(attempt, retry_after));
  }
}

}  // namespace clever::net
