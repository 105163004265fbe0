#include "woo/api.h"

#include <openssl/rand.h>

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "woo/errors.h"
#include "woo/internal/signing.h"

namespace clever::woo {
namespace {

int64_t ParseCount(const std::string& text) {
  if (text.empty() || text.size() > 18) return -1;
  if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return -1;
  }
  return std::stoll(text);
}

uint64_t OsSeed() {
  uint64_t seed = 0;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&seed), sizeof(seed)) != 1) std::abort();
  return seed;
}

class RestApi final : public Api {
 public:
  RestApi(Endpoint endpoint, Credentials credentials, net::HttpTransport& transport,
          std::unique_ptr<net::HttpTransport> owned, Clock& clock, ApiOptions options)
      : endpoint_(std::move(endpoint)),
        credentials_(std::move(credentials)),
        owned_(std::move(owned)),
        transport_(transport),
        clock_(clock),
        options_(std::move(options)),
        own_random_(OsSeed()),
        backoff_(options_.backoff, options_.random != nullptr ? *options_.random : own_random_) {}

  StatusOr<Response> Get(const std::string& route, const Params& params) override {
    Status build_error;
    auto build = [&]() -> net::HttpRequest {
      StatusOr<net::HttpRequest> request =
          internal::BuildSignedRequest("GET", endpoint_, credentials_, route, params, clock_,
                                       options_.nonce, options_.signature);
      if (!request.ok()) {
        build_error = request.status();
        net::HttpRequest invalid;
        invalid.method = "INVALID";  // not idempotent: never retried
        return invalid;
      }
      return *std::move(request);
    };
    // Validate once up front so a bad route never reaches the transport.
    {
      StatusOr<net::HttpRequest> probe = internal::BuildSignedRequest(
          "GET", endpoint_, credentials_, route, params, clock_, [] { return std::string(); },
          options_.signature);
      if (!probe.ok()) return probe.status();
    }
    StatusOr<net::HttpResponse> result = net::SendWithRetry(transport_, build, backoff_, clock_);
    if (!build_error.ok()) return build_error;
    if (!result.ok()) return internal::MapTransportError(result.status());
    net::HttpResponse& http = *result;
    if (http.status < 200 || http.status > 299) {
      return MapErrorResponse(http.status, http.body, http.Header("retry-after"));
    }
    CLEVER_ASSIGN_OR_RETURN(std::string_view json, LocateJson(http.body));
    Response response;
    response.status = http.status;
    if (json.data() == http.body.data() && json.size() == http.body.size()) {
      response.body = std::move(http.body);  // the usual case: no copy
    } else {
      response.body = std::string(json);
    }
    response.total = ParseCount(http.Header("x-wp-total"));
    response.total_pages = ParseCount(http.Header("x-wp-totalpages"));
    for (auto& [name, value] : http.headers) {
      if (name == "link" || name == "set-cookie") continue;  // Link echoes credentials
      response.headers.emplace(std::move(name), std::move(value));
    }
    return response;
  }

 private:
  Endpoint endpoint_;
  Credentials credentials_;
  std::unique_ptr<net::HttpTransport> owned_;
  net::HttpTransport& transport_;
  Clock& clock_;
  ApiOptions options_;
  net::SeededRandom own_random_;
  net::Backoff backoff_;
};

}  // namespace

std::unique_ptr<Api> MakeApi(const Endpoint& endpoint, const Credentials& credentials,
                             net::HttpTransport& transport, Clock& clock, ApiOptions options) {
  return std::make_unique<RestApi>(endpoint, credentials, transport, nullptr, clock,
                                   std::move(options));
}

std::unique_ptr<Api> MakeApi(const Endpoint& endpoint, const Credentials& credentials,
                             std::unique_ptr<net::HttpTransport> transport, Clock& clock,
                             ApiOptions options) {
  net::HttpTransport& ref = *transport;
  return std::make_unique<RestApi>(endpoint, credentials, ref, std::move(transport), clock,
                                   std::move(options));
}

net::TransportOptions TransportOptionsFor(const Endpoint& endpoint) {
  net::TransportOptions options;
  options.ca_file = endpoint.ca_file;
  options.allow_private_network = endpoint.allow_private_network;
  options.default_timeout_ms = endpoint.timeout_ms;
  return options;
}

}  // namespace clever::woo
