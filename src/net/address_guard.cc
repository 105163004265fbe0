#include "net/address_guard.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <cstring>

#include "net/http.h"

namespace clever::net {
namespace {

bool InV4(uint32_t addr, uint32_t net, int bits) {
  const uint32_t mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
  return (addr & mask) == (net & mask);
}

constexpr uint32_t V4(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
  return (a << 24) | (b << 16) | (c << 8) | d;
}

bool IsPublicV4(uint32_t a) {
  struct Range {
    uint32_t net;
    int bits;
  };
  static constexpr std::array<Range, 17> kBlocked = {{
      {V4(0, 0, 0, 0), 8},         // "this network", incl. 0.0.0.0
      {V4(10, 0, 0, 0), 8},        // private
      {V4(100, 64, 0, 0), 10},     // shared address space (CGNAT)
      {V4(127, 0, 0, 0), 8},       // loopback
      {V4(169, 254, 0, 0), 16},    // link-local (cloud metadata lives here)
      {V4(172, 16, 0, 0), 12},     // private
      {V4(192, 0, 0, 0), 24},      // IETF protocol assignments
      {V4(192, 0, 2, 0), 24},      // TEST-NET-1
      {V4(192, 88, 99, 0), 24},    // 6to4 relay anycast
      {V4(192, 168, 0, 0), 16},    // private
      {V4(198, 18, 0, 0), 15},     // benchmarking
      {V4(198, 51, 100, 0), 24},   // TEST-NET-2
      {V4(203, 0, 113, 0), 24},    // TEST-NET-3
      {V4(224, 0, 0, 0), 4},       // multicast
      {V4(240, 0, 0, 0), 4},       // reserved, incl. broadcast
      {V4(255, 255, 255, 255), 32},
      {V4(192, 31, 196, 0), 24},  // AS112
  }};
  for (const Range& r : kBlocked) {
    if (InV4(a, r.net, r.bits)) return false;
  }
  return true;
}

uint32_t V4At(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

bool IsPublicV6(const unsigned char* b) {
  static constexpr unsigned char kZero[16] = {};
  // ::/96 covers :: (unspecified), ::1 (loopback) and the deprecated IPv4-compatible form.
  if (std::memcmp(b, kZero, 12) == 0) {
    const uint32_t v4 = V4At(b + 12);
    return v4 > 1 && IsPublicV4(v4);
  }
  // ::ffff:a.b.c.d (IPv4-mapped) and ::ffff:0:a.b.c.d (IPv4-translated).
  static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  static constexpr unsigned char kTranslated[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0};
  if (std::memcmp(b, kMapped, 12) == 0 || std::memcmp(b, kTranslated, 12) == 0) {
    return IsPublicV4(V4At(b + 12));
  }
  // 64:ff9b::/96 and 64:ff9b:1::/48 (NAT64) embed an IPv4 address in the last 32 bits.
  static constexpr unsigned char kNat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
  if (std::memcmp(b, kNat64, 12) == 0) return IsPublicV4(V4At(b + 12));
  if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b[4] == 0 && b[5] == 1) {
    return false;  // local-use NAT64
  }
  if (b[0] == 0x20 && b[1] == 0x02) return IsPublicV4(V4At(b + 2));  // 6to4
  if ((b[0] & 0xfe) == 0xfc) return false;                           // fc00::/7 unique local
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return false;           // fe80::/10 link-local
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return false;           // fec0::/10 site-local
  if (b[0] == 0xff) return false;                                    // multicast
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return false;  // 2001:db8::/32
  if (b[0] == 0x01 && b[1] == 0x00 && std::memcmp(b + 2, kZero, 6) == 0) return false;  // 100::/64
  // Global unicast is 2000::/3; everything else is reserved.
  return (b[0] & 0xe0) == 0x20;
}

std::string_view StripBrackets(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    return host.substr(1, host.size() - 2);
  }
  return host;
}

}  // namespace

bool IsPublicAddress(std::string_view ip) {
  ip = StripBrackets(ip);
  if (ip.empty() || ip.size() > 64) return false;
  const std::string text(ip);
  unsigned char buf[16];
  if (inet_pton(AF_INET, text.c_str(), buf) == 1) return IsPublicV4(V4At(buf));
  if (inet_pton(AF_INET6, text.c_str(), buf) == 1) return IsPublicV6(buf);
  return false;
}

bool IsIpLiteral(std::string_view host) {
  host = StripBrackets(host);
  if (host.empty() || host.size() > 64) return false;
  const std::string text(host);
  unsigned char buf[16];
  return inet_pton(AF_INET, text.c_str(), buf) == 1 || inet_pton(AF_INET6, text.c_str(), buf) == 1;
}

StatusOr<std::vector<std::string>> ResolveHost(const std::string& host) {
  const std::string bare(StripBrackets(host));
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* result = nullptr;
  const int rc = getaddrinfo(bare.c_str(), nullptr, &hints, &result);
  if (rc != 0) {
    return UnavailableError("could not resolve host " + bare + ": " + gai_strerror(rc));
  }
  std::vector<std::string> out;
  for (addrinfo* ai = result; ai != nullptr; ai = ai->ai_next) {
    char text[INET6_ADDRSTRLEN] = {};
    if (ai->ai_family == AF_INET) {
      inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(ai->ai_addr)->sin_addr, text,
                sizeof(text));
    } else if (ai->ai_family == AF_INET6) {
      inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(ai->ai_addr)->sin6_addr, text,
                sizeof(text));
    } else {
      continue;
    }
    bool seen = false;
    for (const auto& s : out) seen = seen || s == text;
    if (!seen) out.emplace_back(text);
  }
  freeaddrinfo(result);
  if (out.empty()) return UnavailableError("could not resolve host " + bare + ": no address");
  return out;
}

StatusOr<std::string> ResolveAllowed(const std::string& host, bool allow_private_network) {
  CLEVER_ASSIGN_OR_RETURN(std::vector<std::string> addresses, ResolveHost(host));
  for (const std::string& a : addresses) {
    if (allow_private_network || IsPublicAddress(a)) return a;
  }
  return FailedPreconditionError(std::string(kBlockedAddressMarker) + ": " +
                                 std::string(StripBrackets(host)) + " resolves to " +
                                 addresses.front() +
                                 ", which is not a public internet address");
}

}  // namespace clever::net
