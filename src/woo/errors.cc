#include "woo/errors.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "woo/internal/simd_json.h"

namespace clever::woo {
namespace {

std::string_view TrimWs(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string StripTags(std::string_view line) {
  std::string out;
  bool in_tag = false;
  for (const char c : line) {
    if (c == '<') {
      in_tag = true;
    } else if (c == '>') {
      in_tag = false;
    } else if (!in_tag) {
      out.push_back(c);
    }
  }
  return out;
}

bool IsPhpDiagnosticLine(std::string_view raw) {
  const std::string stripped = StripTags(raw);
  std::string_view line = TrimWs(stripped);
  if (line.empty()) return true;
  if (line.rfind("PHP ", 0) == 0) line.remove_prefix(4);
  static constexpr std::array<std::string_view, 4> kPrefixes = {
      "Notice:", "Warning:", "Deprecated:", "Strict Standards:"};
  return std::any_of(kPrefixes.begin(), kPrefixes.end(),
                     [&](std::string_view p) { return line.rfind(p, 0) == 0; });
}

bool PrefixIsPhpDiagnostics(std::string_view prefix) {
  bool any = false;
  while (!prefix.empty()) {
    const size_t nl = prefix.find('\n');
    const std::string_view line = prefix.substr(0, nl);
    if (!IsPhpDiagnosticLine(line)) return false;
    any = any || !TrimWs(StripTags(line)).empty();
    if (nl == std::string_view::npos) break;
    prefix.remove_prefix(nl + 1);
  }
  return any;
}

// simdjson first (every page goes through here: nlohmann's validator cost a full parse's
// time); what simdjson refuses is asked of nlohmann, the judge before, so the answer is unchanged.
bool IsJson(std::string_view text) {
  if (text.empty()) return false;
  return internal::SimdAccepts(text) || nlohmann::json::accept(text.begin(), text.end());
}

std::string Sentence(const WooError& e, int http_status) {
  const std::string& m = e.message;
  auto has = [&](std::string_view needle) { return m.find(needle) != std::string::npos; };
  if (e.code == "woocommerce_rest_authentication_error") {
    if (has("Consumer secret is invalid")) {
      return "The Consumer Secret doesn't match this key. Copy both key and secret again or "
             "create a new Read key.";
    }
    if (has("Consumer key is invalid")) {
      return "This Consumer Key doesn't exist on your store (revoked or mistyped). Create a new "
             "Read key.";
    }
    if (has("Invalid signature")) {
      return "The store rejected our request signature. Check that the WordPress Address and "
             "Site Address in Settings > General use the same host and http/https as the URL "
             "you entered.";
    }
    if (has("Invalid timestamp")) {
      return "The store's clock appears to be off by more than 15 minutes; ask your host to "
             "enable NTP time sync.";
    }
    if (has("does not have read permissions")) {
      return "This key is Write-only. Edit it to Read (recommended) in WooCommerce > Settings > "
             "Advanced > REST API and reconnect.";
    }
    if (has("does not have write permissions")) {
      return "This key is read-only, so the store refused a write request.";
    }
    return "The store refused the API key.";
  }
  if (e.code == "woocommerce_rest_cannot_view" || e.code == "rest_forbidden" ||
      e.code == "invalid_username" || e.code == "incorrect_password") {
    if (http_status == 403) {
      return "The key belongs to a WordPress user without access to this data. Create the key "
             "for an Administrator or Shop Manager.";
    }
    return "The store treated our request as anonymous: the key is unknown or revoked, or the "
           "host did not pass our credentials to WooCommerce (ask your host to allow the "
           "Authorization header, e.g. CGIPassAuth On, and make sure the store uses pretty "
           "permalinks).";
  }
  if (e.code == "rest_no_route") {
    return "The store does not offer this part of the WooCommerce API (a plugin may be missing "
           "or the store URL may be wrong).";
  }
  if (e.code == "rest_invalid_param" || e.code == "rest_missing_callback_param") {
    return "The store rejected a request parameter.";
  }
  if (http_status == 429) return "The store or its host is rate-limiting our requests.";
  if (http_status >= 500) return "The store had a server error; try again later.";
  return "The store refused the request.";
}

Status WithCode(int http_status, std::string message) {
  switch (http_status) {
    case 400:
      return InvalidArgumentError(std::move(message));
    case 401:
      return UnauthenticatedError(std::move(message));
    case 403:
      return PermissionDeniedError(std::move(message));
    case 404:
      return NotFoundError(std::move(message));
    default:
      // A redirect we did not follow (another host or scheme) will not go away by retrying.
      if (http_status >= 300 && http_status < 400)
        return FailedPreconditionError(std::move(message));
      return UnavailableError(std::move(message));
  }
}

}  // namespace

std::string Excerpt(std::string_view text, size_t max) {
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
      continue;
    }
    if (out.size() >= max) {
      // Do not cut inside a UTF-8 sequence.
      while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xc0) == 0x80) {
        out.pop_back();
      }
      if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xc0) out.pop_back();
      return out + "...";
    }
    out.push_back(ch);
  }
  return out;
}

std::optional<WooError> WooErrorOf(const Status& status) {
  const std::string& m = status.message();
  const std::string open = "[WooCommerce: ";
  const size_t start = m.rfind(open);
  if (start == std::string::npos) return std::nullopt;
  const size_t code_end = m.find(" \"", start + open.size());
  const size_t http = m.rfind("\", HTTP ");
  if (code_end == std::string::npos || http == std::string::npos || http < code_end) {
    return std::nullopt;
  }
  WooError e;
  e.code = m.substr(start + open.size(), code_end - start - open.size());
  e.message = m.substr(code_end + 2, http - code_end - 2);
  e.status = std::atoi(m.c_str() + http + 8);
  return e;
}

std::optional<WooError> ParseWooError(std::string_view body) {
  nlohmann::json j = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  auto code = j.find("code");
  auto message = j.find("message");
  if (code == j.end() || !code->is_string()) return std::nullopt;
  WooError e;
  e.code = code->get<std::string>();
  if (message != j.end() && message->is_string()) e.message = message->get<std::string>();
  auto data = j.find("data");
  if (data != j.end() && data->is_object()) {
    auto status = data->find("status");
    if (status != data->end() && status->is_number_integer()) e.status = status->get<int>();
  }
  return e;
}

StatusOr<std::string_view> LocateJson(std::string_view body) {
  std::string_view text = body;
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.remove_prefix(3);
  text = TrimWs(text);
  if (text.empty()) return DataLossError("The store sent an empty answer where data was expected.");
  if (text.front() == '{' || text.front() == '[') {
    if (IsJson(text)) return text;
    return DataLossError("The store's answer was cut off or malformed (not valid JSON).");
  }
  // PHP diagnostics before the JSON: try the first few '{'/'[' that start a line (or follow a
  // tag), within a bounded prefix, so hostile input cannot make this quadratic.
  constexpr size_t kMaxPrefix = 64 * 1024;
  int candidates = 0;
  for (size_t pos = text.find_first_of("{["); pos != std::string_view::npos && pos < kMaxPrefix;
       pos = text.find_first_of("{[", pos + 1)) {
    const char before = text[pos - 1];
    if (before != '\n' && before != '>' && before != '\r') continue;
    if (++candidates > 8) break;
    if (!PrefixIsPhpDiagnostics(text.substr(0, pos))) break;
    if (IsJson(text.substr(pos))) return text.substr(pos);
  }
  if (text.front() == '<' || text.find("<html") != std::string_view::npos ||
      text.find("<HTML") != std::string_view::npos) {
    return DataLossError(
        "The store answered with a web page instead of data (a firewall, security plugin, "
        "maintenance mode or PHP error may be in the way): \"" +
        Excerpt(StripTags(text.substr(0, 2048))) + "\"");
  }
  return DataLossError("The store's answer is not the JSON data we asked for: \"" +
                       Excerpt(text.substr(0, 2048)) + "\"");
}

Status MapErrorResponse(int http_status, std::string_view body, std::string_view retry_after) {
  std::string tail = "HTTP " + std::to_string(http_status);
  if (!retry_after.empty()) tail += ", retry after " + Excerpt(retry_after, 40);
  StatusOr<std::string_view> json = LocateJson(body);
  std::optional<WooError> error;
  if (json.ok()) error = ParseWooError(*json);
  if (!error) {
    std::string sentence;
    if (http_status == 429) {
      sentence = "The store or its host is rate-limiting our requests.";
    } else if (http_status >= 500) {
      sentence = "The store had a server error or is in maintenance; try again later.";
    } else if (http_status == 404) {
      sentence = "Nothing was found at this address (is it the WooCommerce store's URL?).";
    } else if (http_status == 401 || http_status == 403) {
      sentence =
          "The store (or a firewall in front of it) refused the request without a WooCommerce "
          "error.";
    } else if (http_status >= 300 && http_status < 400) {
      sentence = "The store redirected the request elsewhere; use the store's final address.";
    } else {
      sentence = "The store answered with an unexpected error.";
    }
    const std::string excerpt = Excerpt(StripTags(body.substr(0, 2048)), 120);
    if (!excerpt.empty() && excerpt.find_first_not_of(' ') != std::string::npos) {
      tail += ", body: \"" + excerpt + "\"";
    }
    return WithCode(http_status, sentence + " [" + tail + "]");
  }
  return WithCode(http_status, Sentence(*error, http_status) +
                                   " [WooCommerce: " + Excerpt(error->code, 80) + " \"" +
                                   Excerpt(error->message) + "\", " + tail + "]");
}

}  // namespace clever::woo
