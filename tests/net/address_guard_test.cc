#include "net/address_guard.h"

#include <gtest/gtest.h>

#include "net/http.h"

namespace clever::net {
namespace {

TEST(AddressGuardTest, RefusesEveryNonPublicRange) {
  const char* blocked[] = {
      "0.0.0.0", "0.1.2.3", "10.0.0.1", "10.255.255.255", "100.64.0.1", "100.127.255.254",
      "127.0.0.1", "127.1.2.3", "169.254.169.254", "172.16.0.1", "172.31.255.255",
      "192.168.1.1", "192.0.2.5", "198.18.0.1", "224.0.0.1", "239.255.255.250",
      "240.0.0.1", "255.255.255.255",
      // IPv6
      "::", "::1", "[::1]", "fc00::1", "fd12:3456::1", "fe80::1", "febf::1", "fec0::1",
      "ff02::1", "2001:db8::1",
      // IPv4 inside IPv6
      "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::ffff:0.0.0.0",
      "::127.0.0.1", "64:ff9b::a00:1", "2002:7f00:1::1", "2002:c0a8:101::1",
      "::ffff:0:127.0.0.1",
  };
  for (const char* ip : blocked) EXPECT_FALSE(IsPublicAddress(ip)) << ip;
}

TEST(AddressGuardTest, AllowsPublicAddresses) {
  const char* allowed[] = {"1.1.1.1", "8.8.8.8", "93.184.216.34", "100.63.255.255",
                           "100.128.0.1", "172.15.255.255", "172.32.0.1", "192.169.0.1",
                           "2606:4700:4700::1111", "2a00:1450:4001:80b::200e",
                           "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"};
  for (const char* ip : allowed) EXPECT_TRUE(IsPublicAddress(ip)) << ip;
}

TEST(AddressGuardTest, GarbageIsNeverPublic) {
  for (const char* bad : {"", "localhost", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4x",
                          "::g", "[::1", "example.com", "1.1.1.1 ", " 1.1.1.1"}) {
    EXPECT_FALSE(IsPublicAddress(bad)) << bad;
  }
  EXPECT_FALSE(IsPublicAddress(std::string(100000, '1')));
}

TEST(AddressGuardTest, RecognisesIpLiterals) {
  EXPECT_TRUE(IsIpLiteral("127.0.0.1"));
  EXPECT_TRUE(IsIpLiteral("[::1]"));
  EXPECT_TRUE(IsIpLiteral("::1"));
  EXPECT_FALSE(IsIpLiteral("localhost"));
  EXPECT_FALSE(IsIpLiteral("shop.example"));
}

TEST(AddressGuardTest, ResolvedLoopbackNameIsRefusedUnlessAllowed) {
  StatusOr<std::string> refused = ResolveAllowed("localhost", false);
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(IsBlockedAddress(refused.status())) << refused.status();
  StatusOr<std::string> allowed = ResolveAllowed("localhost", true);
  ASSERT_TRUE(allowed.ok()) << allowed.status();
  EXPECT_FALSE(IsPublicAddress(*allowed));
}

TEST(AddressGuardTest, UnresolvableHostIsUnavailable) {
  StatusOr<std::string> r = ResolveAllowed("no-such-host.invalid", false);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace clever::net
