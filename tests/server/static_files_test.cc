#include "server/static_files.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace clever::server {
namespace {

namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() /
            ("clever_static_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
             "_" + std::to_string(reinterpret_cast<uintptr_t>(this)));
    fs::create_directories(base_ / "web" / "vendor");
    std::ofstream(base_ / "web" / "index.html") << "<!doctype html>";
    std::ofstream(base_ / "web" / "vendor" / "lib.js") << "x";
    std::ofstream(base_ / "web" / ".env") << "SECRET";
    std::ofstream(base_ / "secret.txt") << "SECRET";
    fs::create_symlink(base_ / "secret.txt", base_ / "web" / "link.txt");
    root_ = (base_ / "web").string();
  }
  void TearDown() override { fs::remove_all(base_); }
  fs::path base_;
  std::string root_;
};

TEST_F(StaticFilesTest, ServesIndexAndFilesWithTypes) {
  auto index = ResolveStatic(root_, "/");
  ASSERT_TRUE(index.ok()) << index.status();
  EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
  auto js = ResolveStatic(root_, "/vendor/lib.js");
  ASSERT_TRUE(js.ok());
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("a/b.css"), "text/css; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("a.b/noext"), "application/octet-stream");
}

TEST_F(StaticFilesTest, RefusesTraversalHiddenFilesAndSymlinksOut) {
  for (const char* path : {"/../secret.txt", "/vendor/../../secret.txt", "/..", "/.env",
                           "/vendor/%2e%2e/x", "/..\\secret.txt", "/link.txt", "//etc/passwd",
                           "/vendor//lib.js", "relative", "/index.html\x01", "/C:/x"}) {
    auto r = ResolveStatic(root_, path);
    EXPECT_FALSE(r.ok()) << path;
  }
  EXPECT_EQ(ResolveStatic(root_, "/missing.js").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ResolveStatic(root_, "/vendor").status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(ResolveStatic(root_, "/" + std::string(5000, 'a')).ok());
}

}  // namespace
}  // namespace clever::server
