#include "woo/oauth1.h"

#include <gtest/gtest.h>

#include <set>

namespace clever::woo {
namespace {

TEST(OAuth1SignerTest, PercentEncodesPerRfc3986) {
  EXPECT_EQ(PercentEncode("abcXYZ019-._~"), "abcXYZ019-._~");
  EXPECT_EQ(PercentEncode("a b+c/d=e&f"), "a%20b%2Bc%2Fd%3De%26f");
  EXPECT_EQ(PercentEncode("\xC3\xA9"), "%C3%A9");
  EXPECT_EQ(PercentEncode(std::string("\0", 1)), "%00");
}

// RFC 5849 section 3.4.1.1's example base string, with two WooCommerce differences: its repeated
// "a3" key is dropped (PHP keeps only the last value of a repeated key; Clever never repeats
// one), and "c2" sorts before "c@" because WooCommerce sorts the decoded keys (uksort strcmp
// before encoding) where RFC 5849 sorts encoded ones ("c%40" < "c2").
TEST(OAuth1SignerTest, BaseStringMatchesRfc5849Example) {
  const Params params = {{"b5", "=%3D"},
                         {"a3", "2 q"},
                         {"c@", ""},
                         {"a2", "r b"},
                         {"oauth_consumer_key", "9djdj82h48djs9d2"},
                         {"oauth_token", "kkk9d7dh3k39sjv7"},
                         {"oauth_signature_method", "HMAC-SHA1"},
                         {"oauth_timestamp", "137131201"},
                         {"oauth_nonce", "7d8f3e4a"},
                         {"c2", ""}};
  EXPECT_EQ(SignatureBaseString("post", "http://example.com/request", params),
            "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26b5%3D%253D%"
            "25253D%26c2%3D%26c%2540%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%"
            "3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%"
            "26oauth_token%3Dkkk9d7dh3k39sjv7");
}

// Expected values computed independently with Python's hmac (as serve_dump.py verifies them).
TEST(OAuth1SignerTest, SignsLikeWooCommerceWithSha256) {
  const Params params = {{"per_page", "100"}, {"page", "2"}, {"_fields", "id,total"}};
  const Params signed_params =
      SignOAuth1("GET", "http://shop.example/wp-json/wc/v3/orders", params,
                 Credentials{"ck_abc", "cs_secret"}, 1700000000, "nonce123");
  ASSERT_EQ(signed_params.size(), 8u);
  EXPECT_EQ(signed_params.back().first, "oauth_signature");
  EXPECT_EQ(signed_params.back().second, "vEW9paQ4O8PeYF1DW2y77Lkv0rhnG7oTWdFNq9qCnM4=");
}

TEST(OAuth1SignerTest, SignsPhpArrayKeysAsPhpParsesThem) {
  const Params params = {{"include[]", "1"}, {"include[]", "2"}};
  const Params signed_params =
      SignOAuth1("GET", "http://shop.example/wp-json/wc/v3/orders", params,
                 Credentials{"ck_abc", "cs_secret"}, 1, "n", SignatureMethod::kHmacSha1);
  EXPECT_EQ(signed_params.back().second, "knQVo1L9R5sHwpPlcEyk+sdU9mQ=");
  // The keys sent stay as given; only the signature uses PHP's indices.
  EXPECT_EQ(signed_params[0].first, "include[]");
}

TEST(OAuth1SignerTest, EncodesUnicodeAndReservedCharactersInValues) {
  const Params params = {{"search", "a b~c/\xC3\xA9"}};
  const Params signed_params =
      SignOAuth1("GET", "http://shop.example/blog/wp-json/wc/v3/products", params,
                 Credentials{"ck_abc", "cs_secret"}, 1, "n");
  EXPECT_EQ(signed_params.back().second, "7aPXaWqZiAYUEsWIUELvpWyFYYNHDJpVcx/G8MWRYl4=");
}

TEST(OAuth1SignerTest, SignatureDependsOnEveryInput) {
  const Credentials c{"ck_abc", "cs_secret"};
  const std::string base = "http://shop.example/wp-json/wc/v3/orders";
  const std::string s0 = SignOAuth1("GET", base, {{"page", "1"}}, c, 1, "n").back().second;
  EXPECT_NE(s0, SignOAuth1("GET", base, {{"page", "2"}}, c, 1, "n").back().second);
  EXPECT_NE(s0, SignOAuth1("HEAD", base, {{"page", "1"}}, c, 1, "n").back().second);
  EXPECT_NE(s0, SignOAuth1("GET", base, {{"page", "1"}}, c, 2, "n").back().second);
  EXPECT_NE(s0, SignOAuth1("GET", base, {{"page", "1"}}, c, 1, "m").back().second);
  EXPECT_NE(s0, SignOAuth1("GET", "https://shop.example/wp-json/wc/v3/orders", {{"page", "1"}}, c,
                           1, "n")
                    .back()
                    .second);
  EXPECT_NE(s0, SignOAuth1("GET", base, {{"page", "1"}}, Credentials{"ck_abc", "cs_other"}, 1, "n")
                    .back()
                    .second);
}

TEST(OAuth1SignerTest, NoncesAreRandomAlphanumeric) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string n = RandomNonce();
    ASSERT_EQ(n.size(), 32u);
    for (const char c : n) ASSERT_TRUE(std::isalnum(static_cast<unsigned char>(c)));
    seen.insert(n);
  }
  EXPECT_EQ(seen.size(), 200u);
}

}  // namespace
}  // namespace clever::woo
