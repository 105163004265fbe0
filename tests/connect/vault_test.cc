#include "connect/vault.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "testing/tls_cert.h"

namespace clever::connect {
namespace {

class VaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv("CLEVER_MASTER_KEY");
    home_ = test::MakeTempDir("clever-vault-");
    ASSERT_FALSE(home_.empty());
  }
  void TearDown() override {
    unsetenv("CLEVER_MASTER_KEY");
    std::filesystem::remove_all(home_);
  }
  std::string home_;
};

TEST_F(VaultTest, RoundTripsAndBindsAssociatedData) {
  StatusOr<Vault> v = Vault::Open(home_);
  ASSERT_TRUE(v.ok()) << v.status();
  StatusOr<std::string> sealed = v->Seal("{\"cs\":\"cs_topsecret\"}", "shop.example");
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(sealed->find("cs_topsecret"), std::string::npos);
  StatusOr<std::string> opened = v->Unseal(*sealed, "shop.example");
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, "{\"cs\":\"cs_topsecret\"}");
  EXPECT_EQ(v->Unseal(*sealed, "other.example").status().code(), StatusCode::kDataLoss);
  // Two seals of the same text differ (random nonce).
  EXPECT_NE(*sealed, *v->Seal("{\"cs\":\"cs_topsecret\"}", "shop.example"));
}

TEST_F(VaultTest, KeyFileIsCreatedOnceWithMode0600AndReused) {
  StatusOr<Vault> first = Vault::Open(home_);
  ASSERT_TRUE(first.ok());
  struct stat st {};
  ASSERT_EQ(stat((home_ + "/master.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  const std::string sealed = *first->Seal("x", "d");
  StatusOr<Vault> second = Vault::Open(home_);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second->Unseal(sealed, "d"), "x");
}

TEST_F(VaultTest, WrongKeyAndTamperingAreDetected) {
  StatusOr<Vault> v = Vault::FromKey(std::string(32, 'k'));
  StatusOr<Vault> other = Vault::FromKey(std::string(32, 'j'));
  ASSERT_TRUE(v.ok() && other.ok());
  const std::string sealed = *v->Seal("secret", "d");
  EXPECT_EQ(other->Unseal(sealed, "d").status().code(), StatusCode::kDataLoss);
  for (size_t i = 4; i < sealed.size() - 2; i += 7) {
    std::string tampered = sealed;
    tampered[i] = tampered[i] == 'A' ? 'B' : 'A';
    StatusOr<std::string> r = v->Unseal(tampered, "d");
    EXPECT_FALSE(r.ok()) << i;
  }
  for (const std::string& junk : {std::string(""), std::string("not base64!"), std::string("AAAA"),
                                  std::string(100000, 'A')}) {
    EXPECT_EQ(v->Unseal(junk, "d").status().code(), StatusCode::kDataLoss);
  }
}

TEST_F(VaultTest, MasterKeyFromEnvironmentHexOrBase64) {
  setenv("CLEVER_MASTER_KEY", std::string(64, 'a').c_str(), 1);
  StatusOr<Vault> hex = Vault::Open(home_);
  ASSERT_TRUE(hex.ok()) << hex.status();
  EXPECT_FALSE(std::filesystem::exists(home_ + "/master.key"));
  const std::string sealed = *hex->Seal("x", "d");
  // Same 32 bytes (0xaa...) in base64.
  setenv("CLEVER_MASTER_KEY", "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqo=", 1);
  StatusOr<Vault> b64 = Vault::Open(home_);
  ASSERT_TRUE(b64.ok()) << b64.status();
  EXPECT_EQ(*b64->Unseal(sealed, "d"), "x");
  for (const char* bad : {"short", "zz", "qqqq", "not-a-key-at-all-but-long-enough-to-look-like-one"}) {
    setenv("CLEVER_MASTER_KEY", bad, 1);
    EXPECT_EQ(Vault::Open(home_).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST_F(VaultTest, RefusesKeyFileReadableByOthersOrCorrupt) {
  ASSERT_TRUE(Vault::Open(home_).ok());
  const std::string path = home_ + "/master.key";
  chmod(path.c_str(), 0644);
  EXPECT_EQ(Vault::Open(home_).status().code(), StatusCode::kFailedPrecondition);
  chmod(path.c_str(), 0600);
  std::ofstream(path) << "garbage";
  EXPECT_EQ(Vault::Open(home_).status().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace clever::connect
