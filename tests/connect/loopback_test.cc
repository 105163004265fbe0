// ConnectorService and the `clever connector` commands against a real loopback store:
// /work/shared/eval/serve_dump.py (an independent Python implementation of WooCommerce's
// authentication, incl. OAuth 1.0a signature checking), over http and over https with a
// self-signed certificate.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "connect/connectors.h"
#include "store/schema.h"
#include "testing/child_process.h"
#include "testing/tls_cert.h"

namespace clever::connect {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kKey = "ck_3f9a1c0b7d2e4f6a8b1c3d5e7f9a0b2c4d6e8f0a";
constexpr const char* kSecret = "cs_5e7f9a0b2c4d6e8f0a1b3c5d7e9f1a2b4c6d8e0f";

// A serve_dump.py store on 127.0.0.1, port 0.
class DumpStore {
 public:
  explicit DumpStore(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> argv = {"python3", CLEVER_SERVE_DUMP, "--dump", CLEVER_SAMPLE_STORE,
                                     "--port", "0", "--key", kKey, "--secret", kSecret};
    argv.insert(argv.end(), extra.begin(), extra.end());
    auto child = test::ChildProcess::Start(argv);
    EXPECT_TRUE(child.ok());
    child_ = std::move(child).value();
    std::optional<std::string> line = child_->ReadLine(std::chrono::seconds(20));
    EXPECT_TRUE(line.has_value()) << "serve_dump.py did not start";
    if (!line) return;
    const size_t at = line->find(" at ");
    const size_t end = line->find(" (", at);
    url_ = line->substr(at + 4, end - at - 4);
  }
  [[nodiscard]] const std::string& url() const { return url_; }

 private:
  std::unique_ptr<test::ChildProcess> child_;
  std::string url_;
};

// One plain-http store shared by the tests that only read from it (startup costs seconds).
DumpStore& SharedStore() {
  static DumpStore store;  // destroyed (and its process killed) at exit
  return store;
}

class LoopbackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::OpenSqlite(":memory:");
    ASSERT_TRUE(db.ok());
    db_ = std::move(db).value();
    ASSERT_TRUE(store::Migrate(*db_).ok());
  }
  ConnectorService Service(bool allow_private = true) {
    return ConnectorService(*db_, vault_,
                            ServiceOptions{.clock = Clock::Real(),
                                           .transport_factory = CurlTransportFactory(),
                                           .allow_private_network = allow_private,
                                           .check_timeout_ms = 10000,
                                           .timeout_ms = 10000,
                                           .api_options = {}});
  }
  static NewConnector Input(const std::string& url) {
    NewConnector n;
    n.name = "Loopback";
    n.url = url;
    n.consumer_key = kKey;
    n.consumer_secret = kSecret;
    return n;
  }
  Vault vault_ = *Vault::FromKey(std::string(32, 'L'));
  std::unique_ptr<store::Database> db_;
};

TEST_F(LoopbackTest, OAuthOverHttpIsVerifiedByAnIndependentImplementation) {
  DumpStore& store = SharedStore();
  ASSERT_FALSE(store.url().empty());
  ConnectorService service = Service();
  CheckOutcome out = service.Add(Input(store.url()));
  ASSERT_FALSE(out.problem) << out.problem->code << ": " << out.problem->message;
  EXPECT_EQ(out.connector.auth_mode, "oauth1");
  StatusOr<woo::ApiFactory> factory = service.OpenApi(out.connector.id);
  ASSERT_TRUE(factory.ok());
  auto api = (*factory)();
  StatusOr<woo::Response> page =
      api->Get("wc/v3/orders", {{"per_page", "5"}, {"page", "2"}, {"status", "completed"},
                                {"status", "processing"}});
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_GT(page->total, 5);
  EXPECT_EQ(page->headers.count("link"), 0u);
  EXPECT_EQ(page->body.front(), '[');
}

TEST_F(LoopbackTest, WrongSecretAndUnknownKeyOverOAuth) {
  DumpStore& store = SharedStore();
  ConnectorService service = Service();
  NewConnector in = Input(store.url());
  in.consumer_secret = "cs_0000000000000000000000000000000000000000";
  CheckOutcome out = service.Add(in);
  ASSERT_TRUE(out.problem);
  EXPECT_EQ(out.problem->code, "wrong_secret");
  in = Input(store.url());
  in.consumer_key = "ck_0000000000000000000000000000000000000000";
  out = service.Add(in);
  ASSERT_TRUE(out.problem);
  EXPECT_EQ(out.problem->code, "wrong_key");
}

TEST_F(LoopbackTest, HttpsBasicWithCaFileAndCertificateProblemWithout) {
  StatusOr<test::TlsFiles> tls = test::MakeSelfSignedCert();
  ASSERT_TRUE(tls.ok()) << tls.status();
  DumpStore store({"--tls-cert", tls->cert_pem, "--tls-key", tls->key_pem});
  ASSERT_THAT(store.url(), HasSubstr("https://"));
  ConnectorService service = Service();
  CheckOutcome no_ca = service.Add(Input(store.url()));
  ASSERT_TRUE(no_ca.problem);
  EXPECT_EQ(no_ca.problem->code, "tls_certificate");
  NewConnector in = Input(store.url());
  in.ca_file = tls->cert_pem;
  CheckOutcome out = service.Add(in);
  ASSERT_FALSE(out.problem) << out.problem->code << ": " << out.problem->message;
  EXPECT_EQ(out.connector.auth_mode, "basic");
  auto api = (*service.OpenApi(out.connector.id))();
  StatusOr<woo::Response> r = api->Get("wc/v3/products", {{"per_page", "3"}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_GT(r->total, 0);
  std::filesystem::remove_all(tls->dir);
}

TEST_F(LoopbackTest, NotWordPressUnreachableAndPrivateAddresses) {
  DumpStore plain({"--plain-permalinks"});  // no /wp-json/ path at all
  ConnectorService service = Service();
  EXPECT_EQ(service.Add(Input(plain.url())).problem->code, "not_wordpress");
  // A port nothing listens on: bind one, then close it.
  std::string dead_url;
  {
    auto t = test::ChildProcess::Start({"python3", "-c",
                                        "import socket;s=socket.socket();s.bind(('127.0.0.1',0));"
                                        "print(s.getsockname()[1],flush=True)"});
    ASSERT_TRUE(t.ok());
    dead_url = "http://127.0.0.1:" + (*t)->ReadLine(std::chrono::seconds(10)).value_or("1");
  }
  EXPECT_EQ(service.Add(Input(dead_url)).problem->code, "unreachable");
  ConnectorService strict = Service(false);
  EXPECT_EQ(strict.Add(Input(plain.url())).problem->code, "url_ip_literal");
  NewConnector local = Input("http://localhost:1/");
  EXPECT_EQ(strict.Add(local).problem->code, "url_private_host");
}

// Runs `clever connector ...` in-process; returns exit code, stdout+stderr in `output`.
int RunCli(std::vector<std::string> args, std::string& output) {
  CLI::App app{"clever"};
  app.require_subcommand(1);
  cli::CliState state;
  cli::RegisterConnectorCommands(app, state);
  args.insert(args.begin(), "clever");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  std::stringstream captured;
  std::streambuf* out = std::cout.rdbuf(captured.rdbuf());
  std::streambuf* err = std::cerr.rdbuf(captured.rdbuf());
  int code = 0;
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
    code = state.exit_code;
  } catch (const CLI::ParseError& e) {
    code = app.exit(e, captured, captured);
  }
  std::cout.rdbuf(out);
  std::cerr.rdbuf(err);
  output += captured.str();
  return code;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(ConnectorCliTest, SecretNeverAppearsInOutputOrDatabase) {
  DumpStore& store = SharedStore();
  const std::string home = test::MakeTempDir("clever-cli-");
  setenv("CLEVER_ALLOW_PRIVATE_NETWORK", "1", 1);
  unsetenv("CLEVER_MASTER_KEY");
  unsetenv("CLEVER_DATABASE_URL");
  std::string output;
  EXPECT_EQ(RunCli({"connector", "add", "--home", home, "--name", "Dump", "--url", store.url(),
                    "--key", kKey, "--secret", kSecret},
                   output),
            0)
      << output;
  EXPECT_THAT(output, HasSubstr("Connected \"Dump\""));
  EXPECT_EQ(RunCli({"connector", "list", "--home", home}, output), 0);
  EXPECT_EQ(RunCli({"connector", "list", "--json", "--home", home}, output), 0);
  EXPECT_THAT(output, HasSubstr("\"key_hint\": \"ck_...8f0a\""));
  EXPECT_EQ(RunCli({"connector", "test", "Dump", "--home", home}, output), 0) << output;
  EXPECT_EQ(RunCli({"connector", "disable", "Dump", "--home", home}, output), 0);
  EXPECT_EQ(RunCli({"connector", "enable", "Dump", "--home", home}, output), 0);
  // Failures: non-zero exit, message and hint on stderr, still no secret.
  std::string failure;
  EXPECT_EQ(RunCli({"connector", "add", "--home", home, "--name", "Again", "--url", store.url(),
                    "--key", kKey, "--secret", kSecret},
                   failure),
            1);
  EXPECT_THAT(failure, HasSubstr("already connected"));
  EXPECT_THAT(failure, HasSubstr("hint:"));
  EXPECT_EQ(RunCli({"connector", "add", "--home", home, "--name", "Bad", "--url", "My Shop",
                    "--key", kKey, "--secret", kSecret},
                   failure),
            1);
  EXPECT_THAT(failure, HasSubstr("looks like a store name"));
  EXPECT_EQ(RunCli({"connector", "test", "Nope", "--home", home}, failure), 1);
  EXPECT_NE(RunCli({"connector", "add", "--home", home}, failure), 0);  // missing options
  output += failure;

  EXPECT_THAT(output, Not(HasSubstr(kSecret)));
  EXPECT_THAT(output, Not(HasSubstr(std::string(kSecret).substr(3))));
  EXPECT_THAT(output, Not(HasSubstr(kKey)));  // only the ck_... hint
  for (const auto& entry : std::filesystem::directory_iterator(home)) {
    const std::string bytes = ReadAll(entry.path());
    EXPECT_THAT(bytes, Not(HasSubstr(std::string(kSecret).substr(3)))) << entry.path();
    EXPECT_THAT(bytes, Not(HasSubstr(std::string(kKey).substr(3)))) << entry.path();
  }
  EXPECT_EQ(RunCli({"connector", "remove", "Dump", "--home", home}, output), 0);
  std::filesystem::remove_all(home);
  unsetenv("CLEVER_ALLOW_PRIVATE_NETWORK");
}

}  // namespace
}  // namespace clever::connect
