// The SSRF guard: which IP addresses a store URL may lead to. A store is somewhere on the public
// internet; an address in a private, loopback, link-local, shared (CGNAT), multicast, reserved or
// unspecified range means a typo at best and an attack on the machine's neighbourhood at worst.
// IPv4-mapped, IPv4-compatible, NAT64 and 6to4 IPv6 addresses are judged by the IPv4 inside.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace clever::net {

// True when `ip` (a numeric IPv4 or IPv6 literal, IPv6 without brackets) is a public unicast
// address. False for anything that does not parse.
[[nodiscard]] bool IsPublicAddress(std::string_view ip);

// True when `host` is a numeric IP literal (IPv6 with or without brackets).
[[nodiscard]] bool IsIpLiteral(std::string_view host);

// Resolves `host` and returns the numeric addresses (IPv4 and IPv6, in resolver order).
// kUnavailable when resolution fails.
StatusOr<std::vector<std::string>> ResolveHost(const std::string& host);

// Resolves `host` and returns the first address allowed to be contacted: a public one, or any
// when `allow_private_network`. kFailedPrecondition (message contains kBlockedAddressMarker) when
// every address is private; kUnavailable when resolution fails.
StatusOr<std::string> ResolveAllowed(const std::string& host, bool allow_private_network);

}  // namespace clever::net
