#include "connect/store_url.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "net/address_guard.h"

#if CLEVER_HAVE_IDN2
#include <idn2.h>
#endif

namespace clever::connect {
namespace {

constexpr size_t kMaxInput = 2000;

Problem UrlProblem(std::string code, std::string message, std::string hint) {
  return Problem{"url", std::move(code), std::move(message), std::move(hint)};
}

constexpr const char* kExampleHint =
    "Enter your store's web address, for example https://mystore.com (or mystore.com).";

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      n = 1;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      n = 2;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    for (size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return false;
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;  // overlong, out of range or a surrogate
    }
    i += n + 1;
  }
  return true;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return c < 0x80 ? static_cast<char>(std::tolower(c)) : static_cast<char>(c);
  });
  return out;
}

bool IsUnreservedPathChar(unsigned char c) {
  return std::isalnum(c) || std::string_view("-._~!$&'()*+,;=:@%").find(static_cast<char>(c)) !=
                                std::string_view::npos;
}

bool ValidLabel(std::string_view label) {
  if (label.empty() || label.size() > 63) return false;
  if (label.front() == '-' || label.back() == '-') return false;
  return std::all_of(label.begin(), label.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '-'; });
}

// Host text -> lower-case ASCII host, or a Problem.
std::variant<std::string, Problem> NormalizeHost(std::string_view raw) {
  if (raw.empty()) {
    return UrlProblem("url_bad_host", "The address has no host name.", kExampleHint);
  }
  if (raw.find('%') != std::string_view::npos) {
    return UrlProblem("url_bad_host", "The host name contains percent-encoding.", kExampleHint);
  }
  std::string host = Lower(raw);
  while (!host.empty() && host.back() == '.') host.pop_back();  // "shop.com." is "shop.com"
  const bool ascii = std::all_of(host.begin(), host.end(),
                                 [](unsigned char c) { return c < 0x80; });
  if (!ascii) {
#if CLEVER_HAVE_IDN2
    char* out = nullptr;
    const int rc =
        idn2_to_ascii_8z(host.c_str(), &out, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
    if (rc != IDN2_OK || out == nullptr) {
      return UrlProblem("url_idn_invalid",
                        "The international domain name \"" + host +
                            "\" is not valid (" + idn2_strerror(rc) + ").",
                        "Check the spelling, or enter the xn-- form your host shows for it.");
    }
    host = Lower(out);
    idn2_free(out);
#else
    return UrlProblem("url_idn_unsupported",
                      "International domain names can't be entered directly in this build.",
                      "Enter the xn-- (punycode) form of your domain name, which your host or "
                      "registrar shows.");
#endif
  }
  if (host.size() > 253) {
    return UrlProblem("url_bad_host", "The host name is longer than 253 characters.",
                      kExampleHint);
  }
  size_t start = 0;
  while (start <= host.size()) {
    const size_t dot = host.find('.', start);
    const std::string_view label =
        std::string_view(host).substr(start, dot == std::string::npos ? std::string::npos
                                                                      : dot - start);
    if (!ValidLabel(label)) {
      return UrlProblem("url_bad_host",
                        "\"" + host + "\" is not a valid host name.", kExampleHint);
    }
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return host;
}

bool LooksLikeScheme(std::string_view text, size_t colon) {
  if (colon == 0 || !std::isalpha(static_cast<unsigned char>(text[0]))) return false;
  for (size_t i = 0; i < colon; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (!std::isalnum(c) && c != '+' && c != '-' && c != '.') return false;
  }
  // "mystore.com:8080" is a host and port, not a scheme.
  size_t end = colon + 1;
  while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) ++end;
  const bool port_like = end > colon + 1 && (end == text.size() || text[end] == '/');
  return !port_like;
}

}  // namespace

std::string StoreUrl::Canonical() const {
  std::string out = scheme + "://" + host;
  if (port != 0) out += ":" + std::to_string(port);
  return out + path;
}

std::string StoreUrl::Domain() const {
  std::string out = host;
  if (port != 0) out += ":" + std::to_string(port);
  return out + path;
}

std::variant<StoreUrl, Problem> ParseStoreUrl(std::string_view input, const UrlRules& rules) {
  if (input.size() > kMaxInput * 4) {
    return UrlProblem("url_too_long", "The store address is far too long to be a web address.",
                      kExampleHint);
  }
  while (!input.empty() && IsSpace(input.front())) input.remove_prefix(1);
  while (!input.empty() && IsSpace(input.back())) input.remove_suffix(1);
  if (input.empty()) {
    return UrlProblem("url_empty", "The store address is empty.", kExampleHint);
  }
  if (input.size() > kMaxInput) {
    return UrlProblem("url_too_long",
                      "The store address is longer than 2,000 characters.", kExampleHint);
  }
  if (!ValidUtf8(input)) {
    return UrlProblem("url_invalid_utf8", "The store address contains invalid characters.",
                      "Type the address again instead of pasting it.");
  }
  if (std::any_of(input.begin(), input.end(), [](unsigned char c) {
        return (c < 0x20 && !IsSpace(static_cast<char>(c))) || c == 0x7f;
      })) {
    return UrlProblem("url_control_chars",
                      "The store address contains invisible control characters.",
                      "Type the address again instead of pasting it.");
  }
  const bool has_space = std::any_of(input.begin(), input.end(), [](char c) { return IsSpace(c); });
  const size_t scheme_sep = input.find("://");
  const size_t first_colon = input.find(':');
  const bool has_scheme = first_colon != std::string_view::npos &&
                          LooksLikeScheme(input, first_colon);
  if (has_space || (!has_scheme && input.find('.') == std::string_view::npos &&
                    input.find('[') == std::string_view::npos &&
                    Lower(input.substr(0, input.find_first_of(":/"))) != "localhost")) {
    return UrlProblem(
        "url_looks_like_name",
        "\"" + std::string(input.substr(0, 80)) +
            "\" looks like a store name, not a web address.",
        "Put the name in the Name field, and your store's web address (like https://mystore.com) "
        "in the URL field.");
  }

  std::string_view rest = input;
  std::string scheme = "https";
  if (has_scheme) {
    scheme = Lower(input.substr(0, first_colon));
    if (scheme != "http" && scheme != "https") {
      return UrlProblem("url_unsupported_scheme",
                        "Only http:// and https:// store addresses are supported (got \"" +
                            std::string(input.substr(0, std::min<size_t>(first_colon, 20))) +
                            ":\").",
                        kExampleHint);
    }
    if (scheme_sep != first_colon) {
      return UrlProblem("url_bad_host", "The address is missing \"//\" after \"" + scheme + ":\".",
                        kExampleHint);
    }
    rest = input.substr(scheme_sep + 3);
  }
  if (rest.find('#') != std::string_view::npos) {
    return UrlProblem("url_fragment",
                      "The store address contains a \"#\" part, which isn't part of a store "
                      "address.",
                      "Remove everything from \"#\" on.");
  }
  const size_t query = rest.find('?');
  if (query != std::string_view::npos) rest = rest.substr(0, query);  // pasted admin URLs
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos) {
    return UrlProblem("url_userinfo",
                      "The store address contains a user name or password (\"user@\"), which "
                      "Clever never sends.",
                      "Remove the part before \"@\"; the API key goes in the key fields.");
  }

  // Host and port.
  std::string_view host_text = authority;
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      return UrlProblem("url_bad_host", "The IPv6 address is missing \"]\".", kExampleHint);
    }
    host_text = authority.substr(0, close + 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        return UrlProblem("url_bad_host", "Unexpected text after the IPv6 address.", kExampleHint);
      }
      port_text = after.substr(1);
    }
  } else if (const size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host_text = authority.substr(0, colon);
    port_text = authority.substr(colon + 1);
  }
  int port = 0;
  if (authority.size() != host_text.size()) {
    if (port_text.empty() || port_text.size() > 5 ||
        !std::all_of(port_text.begin(), port_text.end(),
                     [](unsigned char c) { return std::isdigit(c); }) ||
        std::stoi(std::string(port_text)) < 1 || std::stoi(std::string(port_text)) > 65535) {
      return UrlProblem("url_bad_port", "The port in the store address is not a number from 1 to 65535.",
                        kExampleHint);
    }
    port = std::stoi(std::string(port_text));
    if ((scheme == "https" && port == 443) || (scheme == "http" && port == 80)) port = 0;
  }

  std::string host;
  if (net::IsIpLiteral(host_text)) {
    if (host_text.front() != '[' && host_text.find(':') != std::string_view::npos) {
      return UrlProblem("url_bad_host", "Put an IPv6 address in brackets: https://[2001:db8::1]/.",
                        kExampleHint);
    }
    if (!rules.allow_private_network) {
      return UrlProblem("url_ip_literal",
                        "Store addresses must be domain names, not IP addresses.",
                        "Use your store's domain name (self-hosters with an intranet store can "
                        "pass --allow-private-network).");
    }
    host = Lower(host_text);
  } else {
    auto normalized = NormalizeHost(host_text);
    if (auto* p = std::get_if<Problem>(&normalized)) return *p;
    host = std::get<std::string>(normalized);
    if ((host == "localhost" || (host.size() > 10 && host.ends_with(".localhost"))) &&
        !rules.allow_private_network) {
      return UrlProblem("url_private_host", "\"localhost\" is this computer, not a store.",
                        "Use your store's public web address (or pass --allow-private-network "
                        "for a store on your own network).");
    }
    if (host.find('.') == std::string::npos && host != "localhost" &&
        !rules.allow_private_network) {
      return UrlProblem("url_looks_like_name",
                        "\"" + host + "\" looks like a store name, not a web address.",
                        "Put the name in the Name field, and your store's web address (like "
                        "https://mystore.com) in the URL field.");
    }
  }

  // Path: keep the WordPress sub-directory, cut at the first WordPress-internal segment.
  std::vector<std::string_view> segments;
  size_t pos = 0;
  while (pos < path.size()) {
    const size_t next = path.find('/', pos);
    std::string_view seg = path.substr(pos, next == std::string_view::npos ? std::string_view::npos
                                                                           : next - pos);
    if (!seg.empty()) segments.push_back(seg);
    if (next == std::string_view::npos) break;
    pos = next + 1;
  }
  std::string canonical_path;
  for (std::string_view seg : segments) {
    const std::string lower = Lower(seg);
    if (lower == "wp-json" || lower == "wp-admin" || lower == "wp-login.php" ||
        lower == "index.php" || lower == "wp-content" || lower == "wp-includes" ||
        lower == "xmlrpc.php") {
      break;
    }
    if (seg == "." || seg == "..") {
      return UrlProblem("url_bad_path", "The store address contains \".\" or \"..\" folders.",
                        kExampleHint);
    }
    if (!std::all_of(seg.begin(), seg.end(),
                     [](unsigned char c) { return c >= 0x80 || IsUnreservedPathChar(c); })) {
      return UrlProblem("url_bad_path", "The folder part of the store address has characters "
                                        "that can't be in a web address.",
                        kExampleHint);
    }
    canonical_path += "/";
    for (const char ch : seg) {  // non-ASCII folder names are sent percent-encoded
      const auto c = static_cast<unsigned char>(ch);
      if (c < 0x80) {
        canonical_path += ch;
      } else {
        static constexpr char kHex[] = "0123456789ABCDEF";
        canonical_path += '%';
        canonical_path += kHex[c >> 4];
        canonical_path += kHex[c & 15];
      }
    }
  }
  StoreUrl url{scheme, host, port, canonical_path};
  if (url.Canonical().size() > 255) {
    return UrlProblem("url_too_long", "The store address is longer than 255 characters.",
                      kExampleHint);
  }
  return url;
}

}  // namespace clever::connect
