// `--merchant`: the CLI acts for the home's local account by default and for a hub merchant's
// stores with --merchant NAME ("clever demo" connects its store to the "Demo Shop" merchant).
// A command that finds no store of the local account says which merchants have some.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "testing/wcsim_process.h"

namespace clever {
namespace {

struct CliRun {
  int code = -1;
  std::string out;  // stdout and stderr together
};

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

CliRun Clever(const std::vector<std::string>& args) {
  std::string cmd = Quote(CLEVER_CLI_BINARY);
  for (const auto& a : args) cmd += " " + Quote(a);
  cmd += " 2>&1";
  CliRun r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int status = ::pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

class CliMerchantTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto sim = test::WcsimProcess::Start(CLEVER_WCSIM_BINARY, {"--orders", "40", "--seed", "5"});
    ASSERT_TRUE(sim.ok()) << sim.status().message();
    sim_ = std::move(*sim);
    home_ = (std::filesystem::temp_directory_path() /
             ("clever-cli-merchant-" + std::to_string(::getpid())))
                .string();
    std::filesystem::remove_all(home_);
    ASSERT_EQ(Clever({"merchant", "add", "Demo Shop", "--home", home_}).code, 0);
    CliRun add = Clever({"connector", "add", "--home", home_, "--merchant", "Demo Shop", "--name",
                         "shop", "--url", sim_->http_url(), "--key", "ck_wcsim_read", "--secret",
                         "cs_wcsim_read", "--allow-private-network", "--no-scope-probe"});
    ASSERT_EQ(add.code, 0) << add.out;
  }
  void TearDown() override { std::filesystem::remove_all(home_); }

  std::unique_ptr<test::WcsimProcess> sim_;
  std::string home_;
};

TEST_F(CliMerchantTest, LocalAccountCommandsPointToTheMerchantThatHasTheStore) {
  CliRun status = Clever({"status", "--home", home_});
  EXPECT_EQ(status.code, 1);
  EXPECT_NE(status.out.find("no store is connected to the local account"), std::string::npos)
      << status.out;
  EXPECT_NE(status.out.find("--merchant \"Demo Shop\""), std::string::npos) << status.out;

  CliRun list = Clever({"connector", "list", "--home", home_});
  EXPECT_EQ(list.code, 0);
  EXPECT_NE(list.out.find("No connectors yet"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("\"Demo Shop\""), std::string::npos) << list.out;

  CliRun sync = Clever({"sync", "shop", "--home", home_, "--allow-private-network"});
  EXPECT_EQ(sync.code, 1);
  EXPECT_NE(sync.out.find("--merchant \"Demo Shop\""), std::string::npos) << sync.out;
}

TEST_F(CliMerchantTest, MerchantFlagReachesItsStores) {
  CliRun list = Clever({"connector", "list", "--home", home_, "--merchant", "Demo Shop"});
  EXPECT_EQ(list.code, 0);
  EXPECT_NE(list.out.find("shop\t" + sim_->http_url()), std::string::npos) << list.out;

  CliRun sync = Clever(
      {"sync", "shop", "--home", home_, "--merchant", "Demo Shop", "--allow-private-network"});
  EXPECT_EQ(sync.code, 0) << sync.out;
  CliRun status = Clever({"status", "--home", home_, "--merchant", "Demo Shop"});
  EXPECT_EQ(status.code, 0) << status.out;
  EXPECT_NE(status.out.find("shop ("), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("orders"), std::string::npos) << status.out;

  // The same store domain cannot be connected again, by any account.
  CliRun again = Clever({"connector", "add", "--home", home_, "--name", "mine", "--url",
                         sim_->http_url(), "--key", "ck_wcsim_read", "--secret", "cs_wcsim_read",
                         "--allow-private-network", "--no-scope-probe"});
  EXPECT_EQ(again.code, 1);
  EXPECT_NE(again.out.find("Duplicate store domain"), std::string::npos) << again.out;
}

TEST_F(CliMerchantTest, UnknownOrHostileMerchantNamesAreClearErrors) {
  const std::vector<std::string> names = {"Nope", "x' OR 1=1 --", "\"; DROP TABLE connectors;",
                                          std::string(100000, 'm')};
  for (const auto& name : names) {
    CliRun status = Clever({"status", "--home", home_, "--merchant", name});
    EXPECT_EQ(status.code, 1);
    EXPECT_NE(status.out.find("no merchant is named"), std::string::npos)
        << status.out.substr(0, 200);
    CliRun list = Clever({"connector", "list", "--home", home_, "--merchant", name});
    EXPECT_EQ(list.code, 1);
    EXPECT_NE(list.out.find("no merchant is named"), std::string::npos);
  }
  // Nothing was lost: the merchant's store is still there.
  CliRun list = Clever({"connector", "list", "--home", home_, "--merchant", "Demo Shop"});
  EXPECT_NE(list.out.find("shop\t"), std::string::npos) << list.out;
}

}  // namespace
}  // namespace clever
