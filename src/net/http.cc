#include "net/http.h"

#include <strings.h>

namespace clever::net {

std::string HttpResponse::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() && strncasecmp(key.data(), name.data(), name.size()) == 0) {
      return value;
    }
  }
  return "";
}

bool IsTlsError(const Status& status) {
  return status.code() == StatusCode::kFailedPrecondition &&
         status.message().find(kTlsErrorMarker) != std::string::npos;
}

bool IsBlockedAddress(const Status& status) {
  return status.code() == StatusCode::kFailedPrecondition &&
         status.message().find(kBlockedAddressMarker) != std::string::npos;
}

bool IsIdempotent(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS" || method == "PUT" ||
         method == "DELETE" || method == "TRACE";
}

}  // namespace clever::net
