#include "connect/internal/store_check.h"

#include <algorithm>
#include <variant>

#include "net/http.h"
#include "woo/api.h"
#include "woo/errors.h"
#include "woo/scope_probe.h"

namespace clever::connect::internal {
namespace {

constexpr const char* kKeyHelp =
    "Create a key in WordPress under WooCommerce > Settings > Advanced > REST API > Add key, with "
    "Permissions set to Read, and copy both the Consumer key and the Consumer secret.";

bool HasSpace(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](unsigned char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
  });
}

bool TokenChars(const std::string& s) {
  return std::all_of(s.begin(), s.end(),
                     [](unsigned char c) { return std::isalnum(c) != 0 || c == '_'; });
}

std::string StripWww(const std::string& host) {
  return host.rfind("www.", 0) == 0 ? host.substr(4) : host;
}

Problem UnknownKeyProblem(const StoreCheckInput& input, bool host_mismatch,
                          const std::string& home) {
  if (host_mismatch) {
    return Problem{"url", "url_mismatch",
                   "The store doesn't know this key, and it says its own address is " + home +
                       ", not " + input.url.Canonical() + ". The key probably belongs to another "
                       "store.",
                   "Check that the URL is the store where you created the key, or create a new "
                   "Read key on this store."};
  }
  if (input.recheck) {
    return Problem{"consumer_key", "key_revoked",
                   "The store no longer accepts this key: it was revoked or deleted (or the "
                   "WordPress user who owned it was removed).",
                   std::string("Create a new Read key and add the connector again. ") + kKeyHelp};
  }
  return Problem{"consumer_key", "wrong_key",
                 "The store doesn't recognise this Consumer key (mistyped, from another store, or "
                 "revoked).",
                 kKeyHelp};
}

// Maps a failed read request to its Problem.
Problem ReadProblem(const Status& status, const StoreCheckInput& input, bool host_mismatch,
                    const std::string& home, woo::AuthMode auth) {
  if (std::optional<Problem> p = TransportProblem(status)) return *p;
  const std::optional<woo::WooError> e = woo::WooErrorOf(status);
  const std::string code = e ? e->code : "";
  const std::string msg = e ? e->message : "";
  auto has = [&](const char* needle) { return msg.find(needle) != std::string::npos; };
  if (code == "woocommerce_rest_authentication_error") {
    if (has("Consumer secret is invalid") ||
        (has("provided signature does not match") && auth == woo::AuthMode::kOAuth1)) {
      return Problem{"consumer_secret", "wrong_secret",
                     "The Consumer secret doesn't match this Consumer key.",
                     "Copy the secret again (WooCommerce shows it only once, right after the key "
                     "is created; if you no longer have it, create a new Read key). If the "
                     "secret is right, check that the WordPress Address and Site Address in "
                     "Settings > General match the store URL you entered."};
    }
    if (has("Consumer key is invalid")) return UnknownKeyProblem(input, host_mismatch, home);
    if (has("does not have read permissions")) {
      return Problem{"consumer_key", "key_write_only",
                     "This key is Write-only, so it cannot read your store's data.",
                     "Edit the key in WooCommerce > Settings > Advanced > REST API, set "
                     "Permissions to Read, and try again."};
    }
    if (has("Invalid timestamp")) {
      return Problem{"", "clock_skew",
                     "The store rejected the request time: its clock (or this computer's) is off "
                     "by more than 15 minutes.",
                     "Ask your host to enable time synchronisation (NTP) on the server, and check "
                     "this computer's clock."};
    }
    return Problem{"consumer_key", "auth_failed",
                   "The store refused the key: " + woo::Excerpt(msg), kKeyHelp};
  }
  const bool refused = status.code() == StatusCode::kUnauthenticated ||
                       status.code() == StatusCode::kPermissionDenied;
  if (refused && !e) {
    // 401/403 without a WooCommerce error body: a firewall or security plugin answered.
    return Problem{"url", "not_json",
                   "The store answered with a web page instead of data (HTTP refusal without a "
                   "WooCommerce error). A firewall or security plugin (Cloudflare, Wordfence, "
                   "ModSecurity...) may be blocking API requests.",
                   "Allow requests to /wp-json/wc/v3/ in your firewall or security plugin, or "
                   "ask your host; then try again."};
  }
  if (status.code() == StatusCode::kUnauthenticated) {
    // Anonymous: unknown key (Basic and query credentials both failed, or OAuth).
    return UnknownKeyProblem(input, host_mismatch, home);
  }
  if (status.code() == StatusCode::kPermissionDenied) {
    return Problem{"consumer_key", "user_lacks_permission",
                   "The key works, but the WordPress user it belongs to isn't allowed to view "
                   "orders.",
                   "Create the key for a user with the Administrator or Shop Manager role."};
  }
  if (status.code() == StatusCode::kNotFound) {
    return Problem{"url", "woocommerce_not_found",
                   "WordPress answers at this address, but the WooCommerce REST API doesn't.",
                   "Check that WooCommerce is installed and active, and that Settings > "
                   "Permalinks is not set to Plain."};
  }
  if (status.code() == StatusCode::kDataLoss) {
    return Problem{"url", "not_json",
                   "The store answered with a web page instead of data. A firewall or security "
                   "plugin (Cloudflare, Wordfence, ModSecurity...) or a PHP error may be blocking "
                   "API requests.",
                   "Allow requests to /wp-json/wc/v3/ in your firewall or security plugin, or "
                   "ask your host; then try again."};
  }
  return Problem{"url", "unreachable",
                 "We couldn't read from the store's REST API: " + woo::Excerpt(status.message(), 200),
                 "Check that the store is online, then try again in a few minutes."};
}

}  // namespace

std::string AuthModeName(woo::AuthMode mode) {
  switch (mode) {
    case woo::AuthMode::kBasic:
      return "basic";
    case woo::AuthMode::kQuery:
      return "query";
    case woo::AuthMode::kOAuth1:
      return "oauth1";
  }
  return "basic";
}

woo::AuthMode AuthModeFromName(const std::string& name) {
  if (name == "query") return woo::AuthMode::kQuery;
  if (name == "oauth1") return woo::AuthMode::kOAuth1;
  return woo::AuthMode::kBasic;
}

std::optional<Problem> CheckCredentialFormat(const std::string& consumer_key,
                                             const std::string& consumer_secret) {
  if (consumer_key.empty()) {
    return Problem{"consumer_key", "key_missing", "The Consumer key is empty.", kKeyHelp};
  }
  if (consumer_secret.empty()) {
    return Problem{"consumer_secret", "secret_missing", "The Consumer secret is empty.", kKeyHelp};
  }
  if (HasSpace(consumer_key)) {
    return Problem{"consumer_key", "spaces_pasted",
                   "The Consumer key contains spaces or line breaks, probably from copying it.",
                   "Paste the key again without spaces before, after or inside it."};
  }
  if (HasSpace(consumer_secret)) {
    return Problem{"consumer_secret", "spaces_pasted",
                   "The Consumer secret contains spaces or line breaks, probably from copying it.",
                   "Paste the secret again without spaces before, after or inside it."};
  }
  if (consumer_key.rfind("cs_", 0) == 0 && consumer_secret.rfind("ck_", 0) == 0) {
    return Problem{"consumer_key", "key_secret_swapped",
                   "The Consumer key and the Consumer secret are swapped.",
                   "The key starts with ck_ and the secret with cs_."};
  }
  if (consumer_key.rfind("ck_", 0) != 0 || !TokenChars(consumer_key) ||
      consumer_key.size() > 200) {
    return Problem{"consumer_key", "key_format",
                   "This doesn't look like a WooCommerce Consumer key (it should start with ck_ "
                   "followed by letters and digits).",
                   kKeyHelp};
  }
  if (consumer_secret.rfind("cs_", 0) != 0 || !TokenChars(consumer_secret) ||
      consumer_secret.size() > 200) {
    return Problem{"consumer_secret", "secret_format",
                   "This doesn't look like a WooCommerce Consumer secret (it should start with "
                   "cs_ followed by letters and digits).",
                   kKeyHelp};
  }
  return std::nullopt;
}

std::optional<Problem> TransportProblem(const Status& status) {
  if (net::IsTlsError(status)) {
    return Problem{"url", "tls_certificate",
                   "The store's HTTPS certificate could not be verified (" +
                       woo::Excerpt(status.message(), 200) + ").",
                   "Fix the certificate (expired, self-signed, wrong name or a missing "
                   "intermediate certificate; your host can help). For a store with a private "
                   "certificate authority, pass its certificate with --ca-file. Clever never "
                   "turns verification off."};
  }
  if (net::IsBlockedAddress(status)) {
    return Problem{"url", "private_address",
                   "This address leads to a private or local network (" +
                       woo::Excerpt(status.message(), 200) + "), which Clever doesn't connect to.",
                   "Use the store's public address. For a store on your own network, pass "
                   "--allow-private-network (or set CLEVER_ALLOW_PRIVATE_NETWORK=1)."};
  }
  if (status.code() == StatusCode::kFailedPrecondition &&
      status.message().find("redirects to") != std::string::npos) {
    return Problem{"url", "redirected",
                   "The store sends us to another address: " + woo::Excerpt(status.message(), 240),
                   "Enter the address the store redirects to (for example with or without www, "
                   "or https)."};
  }
  if (status.code() == StatusCode::kUnavailable || status.code() == StatusCode::kDeadlineExceeded) {
    if (woo::WooErrorOf(status) || status.message().find("HTTP ") != std::string::npos) {
      return std::nullopt;  // the store answered (5xx/429): not a transport problem
    }
    return Problem{"url", "unreachable",
                   "We couldn't reach the store (" + woo::Excerpt(status.message(), 200) + ").",
                   "Check the address for typos and that the site is online; a firewall may also "
                   "be blocking us."};
  }
  return std::nullopt;
}

StoreCheckResult CheckStore(const StoreCheckInput& input, net::HttpTransport& transport,
                            Clock& clock) {
  StoreCheckResult result;
  result.url = input.url;
  woo::Endpoint endpoint;
  endpoint.store_url = input.url.Canonical();
  endpoint.ca_file = input.ca_file;
  endpoint.allow_private_network = input.allow_private_network;
  endpoint.timeout_ms = input.timeout_ms;
  endpoint.auth = input.url.scheme == "https" ? woo::AuthMode::kBasic : woo::AuthMode::kOAuth1;
  woo::ApiOptions api_options;
  api_options.backoff.max_attempts = 2;
  api_options.backoff.initial = std::chrono::milliseconds(200);

  // 1. Discovery (public indexes).
  std::unique_ptr<woo::Api> index_api =
      woo::MakeApi(endpoint, input.credentials, transport, clock, api_options);
  StatusOr<woo::StoreIndex> index = woo::Discover(transport, endpoint, index_api.get());
  if (!index.ok()) {
    if (std::optional<Problem> p = TransportProblem(index.status())) {
      result.problem = p;
    } else if (index.status().code() == StatusCode::kNotFound) {
      result.problem = Problem{
          "url", "not_wordpress",
          "This address doesn't look like a WordPress site: there is no WordPress REST API at " +
              endpoint.store_url + "/wp-json/.",
          "Check the URL. If WordPress is installed in a folder, include it (like "
          "https://example.com/shop); if Settings > Permalinks is set to Plain, choose another "
          "setting."};
    } else {
      result.problem = Problem{"url", "unreachable",
                               "The store's REST API didn't answer properly: " +
                                   woo::Excerpt(index.status().message(), 240),
                               "Check that the store is online, then try again in a few minutes."};
    }
    return result;
  }
  result.index = *index;
  if (!index->features.has_wc_v3) {
    result.problem = Problem{"url", "woocommerce_not_found",
                             "This is a WordPress site, but the WooCommerce REST API isn't there.",
                             "Check that WooCommerce (version 3.5 or newer) is installed and "
                             "active on this site."};
    return result;
  }

  // 2. The store's own idea of its address.
  bool host_mismatch = false;
  const std::string home_text = !index->home.empty() ? index->home : index->url;
  if (!home_text.empty()) {
    auto home = ParseStoreUrl(home_text, UrlRules{.allow_private_network = true});
    const StoreUrl* h = std::get_if<StoreUrl>(&home);
    if (h != nullptr && h->Domain() != input.url.Domain()) {
      if (StripWww(h->host) == StripWww(input.url.host) && h->port == input.url.port &&
          h->path == input.url.path) {
        // Same store under www / apex: use the store's own host so nothing redirects.
        result.url.host = h->host;
        result.warnings.push_back(Problem{
            "url", "url_adjusted",
            "Your store calls itself " + h->Canonical() + "; Clever will use " +
                result.url.Canonical() + ".",
            ""});
      } else {
        host_mismatch = true;
      }
    }
    if (h != nullptr && h->scheme == "https" && input.url.scheme == "http" && !host_mismatch) {
      result.warnings.push_back(Problem{
          "url", "https_available",
          "Your store's address uses https, but you entered http. Clever connects over http "
          "with signed requests; using https is safer.",
          "Enter the https:// address."});
    }
  }
  endpoint.store_url = result.url.Canonical();
  result.home_url = home_text.empty() ? endpoint.store_url : home_text;
  endpoint.home_url = result.home_url;

  // 3. A signed read request, with the auth fallbacks.
  const woo::Params read_params = {{"per_page", "1"}, {"_fields", "id"}};
  auto read = [&](woo::AuthMode mode) {
    woo::Endpoint e = endpoint;
    e.auth = mode;
    return woo::MakeApi(e, input.credentials, transport, clock, api_options)
        ->Get("wc/v3/orders", read_params);
  };
  woo::AuthMode mode = endpoint.auth;
  StatusOr<woo::Response> answer = read(mode);
  if (!answer.ok() && mode == woo::AuthMode::kBasic) {
    const auto e = woo::WooErrorOf(answer.status());
    if (answer.status().code() == StatusCode::kUnauthenticated &&
        (!e || e->code == "woocommerce_rest_cannot_view" || e->code == "invalid_username" ||
         e->code == "incorrect_password")) {
      // Anonymous with Basic: the host may strip the Authorization header. WooCommerce reads
      // consumer_key/consumer_secret query parameters first.
      StatusOr<woo::Response> query = read(woo::AuthMode::kQuery);
      const auto qe = query.ok() ? std::nullopt : woo::WooErrorOf(query.status());
      if (query.ok()) {
        mode = woo::AuthMode::kQuery;
        result.warnings.push_back(Problem{
            "", "auth_header_stripped",
            "Your web server removes the Authorization header, so Clever sends the key as URL "
            "parameters instead (over https). They may appear in your server's access logs.",
            "Ask your host to pass the Authorization header to PHP (Apache: CGIPassAuth On), "
            "then run `clever connector test`."});
        answer = std::move(query);
      } else if (qe && qe->code == "woocommerce_rest_authentication_error") {
        answer = std::move(query);  // e.g. "Consumer secret is invalid": the real reason
        mode = woo::AuthMode::kQuery;
      }
    }
  }
  if (!answer.ok()) {
    result.problem = ReadProblem(answer.status(), input, host_mismatch, home_text, mode);
    return result;
  }
  result.auth = mode;
  endpoint.auth = mode;
  if (host_mismatch) {
    result.warnings.push_back(Problem{
        "url", "home_url_differs",
        "The store says its address is " + home_text + ", which differs from " +
            endpoint.store_url + ".",
        "If that is the same store, you can ignore this; otherwise check the WordPress Address "
        "and Site Address in Settings > General."});
  }

  // 4. The write-scope probe (the one non-GET request).
  if (!input.scope_probe) {
    result.key_scope = "unknown";
    return result;
  }
  StatusOr<woo::ScopeProbeResult> probe =
      woo::ProbeWriteScope(endpoint, input.credentials, transport, clock);
  if (probe.ok() && probe->scope == woo::KeyScope::kRead) {
    result.key_scope = "read";
  } else if (probe.ok() && probe->scope == woo::KeyScope::kCanWrite) {
    result.key_scope = "read_write";
    result.warnings.push_back(Problem{
        "consumer_key", "key_can_write",
        "This key can change your store (Read/Write permission). Clever only reads.",
        "Create a Read key instead (WooCommerce > Settings > Advanced > REST API), then remove "
        "this key."});
  } else {
    result.key_scope = "unknown";
    result.warnings.push_back(Problem{
        "consumer_key", "scope_unknown",
        "We couldn't tell whether this key can change your store (" +
            (probe.ok() ? probe->detail : woo::Excerpt(probe.status().message(), 160)) + ").",
        "Make sure the key's Permissions are set to Read."});
  }
  return result;
}

}  // namespace clever::connect::internal
