#include "connect/store_url.h"

#include <gtest/gtest.h>

namespace clever::connect {
namespace {

struct Accepted {
  std::string input;
  std::string canonical;
  std::string domain;
};

TEST(StoreUrlTest, AcceptsAndCanonicalises) {
  const Accepted cases[] = {
      {"mystore.com", "https://mystore.com", "mystore.com"},
      {"  mystore.com \t\n", "https://mystore.com", "mystore.com"},
      {"https://mystore.com/", "https://mystore.com", "mystore.com"},
      {"https://MyStore.COM/wp-admin", "https://mystore.com", "mystore.com"},
      {"HTTPS://MyStore.com/wp-admin/admin.php?page=wc-settings&tab=advanced&section=keys",
       "https://mystore.com", "mystore.com"},
      {"https://mystore.com/wp-json/wc/v3/orders?per_page=1", "https://mystore.com",
       "mystore.com"},
      {"https://example.com/shop/wp-json/", "https://example.com/shop", "example.com/shop"},
      {"https://example.com/shop/", "https://example.com/shop", "example.com/shop"},
      {"https://example.com/Shop//Blog/", "https://example.com/Shop/Blog", "example.com/Shop/Blog"},
      {"http://mystore.com:80/", "http://mystore.com", "mystore.com"},
      {"https://mystore.com:443", "https://mystore.com", "mystore.com"},
      {"https://mystore.com:8443/", "https://mystore.com:8443", "mystore.com:8443"},
      {"http://mystore.com:443", "http://mystore.com:443", "mystore.com:443"},
      {"mystore.com:8080/blog", "https://mystore.com:8080/blog", "mystore.com:8080/blog"},
      {"https://mystore.com./", "https://mystore.com", "mystore.com"},
      {"https://shop.mystore.co.uk/index.php/wp-json/", "https://shop.mystore.co.uk",
       "shop.mystore.co.uk"},
      {"https://xn--bcher-kva.example", "https://xn--bcher-kva.example", "xn--bcher-kva.example"},
      {"https://b\xC3\xBC" "cher.example/", "https://xn--bcher-kva.example",
       "xn--bcher-kva.example"},
      {"https://B\xC3\x9C" "CHER.example/", "https://xn--bcher-kva.example",
       "xn--bcher-kva.example"},
      {"https://example.com/caf\xC3\xA9", "https://example.com/caf%C3%A9", "example.com/caf%C3%A9"},
  };
  for (const Accepted& c : cases) {
    auto r = ParseStoreUrl(c.input);
    const StoreUrl* url = std::get_if<StoreUrl>(&r);
    ASSERT_NE(url, nullptr) << c.input << ": " << std::get<Problem>(r).code << " "
                            << std::get<Problem>(r).message;
    EXPECT_EQ(url->Canonical(), c.canonical) << c.input;
    EXPECT_EQ(url->Domain(), c.domain) << c.input;
  }
}

struct Refused {
  std::string input;
  std::string code;
};

TEST(StoreUrlTest, RefusesWithOneCodePerReason) {
  const Refused cases[] = {
      {"", "url_empty"},
      {"   ", "url_empty"},
      {"My Shop", "url_looks_like_name"},
      {"myshop", "url_looks_like_name"},
      {"Bob's Outdoor Gear", "url_looks_like_name"},
      {"https://myshop", "url_looks_like_name"},
      {"my shop.com", "url_looks_like_name"},
      {"ftp://mystore.com", "url_unsupported_scheme"},
      {"javascript:alert(1)", "url_unsupported_scheme"},
      {"file:///etc/passwd", "url_unsupported_scheme"},
      {"mailto:me@mystore.com", "url_unsupported_scheme"},
      {"https:mystore.com", "url_bad_host"},
      {"https://user:pass@mystore.com", "url_userinfo"},
      {"https://mystore.com@evil.example", "url_userinfo"},
      {"https://mystore.com/#/shop", "url_fragment"},
      {"https://mystore.com:0", "url_bad_port"},
      {"https://mystore.com:65536", "url_bad_port"},
      {"https://mystore.com:abc", "url_bad_port"},
      {"https://mystore.com:", "url_bad_port"},
      {"https://-bad-.com", "url_bad_host"},
      {"https://a..com", "url_bad_host"},
      {"https://under_score.com", "url_bad_host"},
      {"https://%6D%79store.com", "url_bad_host"},
      {"https://" + std::string(64, 'a') + ".com", "url_bad_host"},
      {"https://127.0.0.1", "url_ip_literal"},
      {"https://[::1]:8080/", "url_ip_literal"},
      {"https://8.8.8.8/", "url_ip_literal"},
      {"http://localhost:8080", "url_private_host"},
      {"http://shop.localhost", "url_private_host"},
      {"https://mystore.com/../etc", "url_bad_path"},
      {"https://mystore.com/a<b>", "url_bad_path"},
      {"https://mystore.com/a\"b", "url_bad_path"},
      {"https://mystore.com/\x01", "url_control_chars"},
      {"mystore.com\x7f", "url_control_chars"},
      {"https://mystore.com/\xFF", "url_invalid_utf8"},
      {"https://mystore.com/\xC0\xAF", "url_invalid_utf8"},     // overlong '/'
      {"https://mystore.com/\xED\xA0\x80", "url_invalid_utf8"},  // surrogate
      {"https://mystore.com/\xE2\x82", "url_invalid_utf8"},      // truncated
      {"https://xn--.com", "url_bad_host"},
      {"https://\xE2\x98\x83\xE2\x80\x8D.com", "url_idn_invalid"},
      {"https://" + std::string(300, 'a') + "." + std::string(300, 'b') + ".com", "url_bad_host"},
      {"https://" + std::string(1000, 'a') + "." + std::string(1000, 'b') + ".com", "url_too_long"},
      {"https://mystore.com/" + std::string(1990, 'a'), "url_too_long"},
      {"https://mystore.com/" + std::string(300, 'a'), "url_too_long"},
      {std::string(100 * 1024, 'a') + ".com", "url_too_long"},
  };
  for (const Refused& c : cases) {
    auto r = ParseStoreUrl(c.input);
    const Problem* p = std::get_if<Problem>(&r);
    ASSERT_NE(p, nullptr) << c.input.substr(0, 80) << " was accepted as "
                          << std::get<StoreUrl>(r).Canonical();
    EXPECT_EQ(p->code, c.code) << c.input.substr(0, 80) << ": " << p->message;
    EXPECT_EQ(p->field, "url");
    EXPECT_FALSE(p->message.empty());
    EXPECT_FALSE(p->hint.empty());
    EXPECT_LT(p->message.size(), 400u) << "messages stay short for huge inputs";
  }
}

TEST(StoreUrlTest, IpLiteralsAndLocalhostOnlyWithPrivateNetworkAllowed) {
  const UrlRules allow{.allow_private_network = true};
  for (const std::string& ok : {std::string("http://127.0.0.1:8080"), std::string("https://[::1]:8443/"),
                                std::string("http://localhost:9000/shop"), std::string("http://intranet-shop/")}) {
    auto r = ParseStoreUrl(ok, allow);
    ASSERT_TRUE(std::holds_alternative<StoreUrl>(r)) << ok << ": " << std::get<Problem>(r).code;
  }
  EXPECT_EQ(std::get<StoreUrl>(ParseStoreUrl("http://127.0.0.1:8080/", allow)).Canonical(),
            "http://127.0.0.1:8080");
  EXPECT_EQ(std::get<StoreUrl>(ParseStoreUrl("https://[::1]:8443/", allow)).Domain(), "[::1]:8443");
  EXPECT_EQ(std::get<Problem>(ParseStoreUrl("http://::1/", allow)).code, "url_bad_host");
}

TEST(StoreUrlTest, SameStoreSameDomainAcrossSchemesAndSpellings) {
  const std::string a = std::get<StoreUrl>(ParseStoreUrl("http://MyStore.com/")).Domain();
  const std::string b = std::get<StoreUrl>(ParseStoreUrl("https://mystore.com/wp-admin")).Domain();
  const std::string c = std::get<StoreUrl>(ParseStoreUrl("mystore.com")).Domain();
  EXPECT_EQ(a, b);
  EXPECT_EQ(b, c);
}

}  // namespace
}  // namespace clever::connect
