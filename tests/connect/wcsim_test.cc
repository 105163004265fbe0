// The connector checks against wcsim (sim/), in-process on loopback: the fixed keys
// ck_wcsim_read / ck_wcsim_write / ck_wcsim_rw, the strip-auth-header fault, key revocation
// through the control API, and the request log (exactly one non-GET: the scope probe).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include "connect/connectors.h"
#include "sim/server.h"
#include "sim/store.h"
#include "store/schema.h"

namespace clever::connect {
namespace {

using ::testing::HasSubstr;

class WcsimTest : public ::testing::Test {
 protected:
  void Start(bool strip_auth_header = false) {
    wcsim::GenOptions gen;
    gen.orders = 50;
    gen.products = 10;
    gen.days = 30;
    wcsim::SimulatorOptions options;
    options.faults.strip_auth_header = strip_auth_header;
    options.threads = 2;
    sim_ = std::make_unique<wcsim::Simulator>(wcsim::Store::Generate(gen), options);
    ASSERT_TRUE(sim_->Start().ok());
    auto db = store::OpenSqlite(":memory:");
    ASSERT_TRUE(db.ok());
    db_ = std::move(db).value();
    ASSERT_TRUE(store::Migrate(*db_).ok());
    service_ = std::make_unique<ConnectorService>(
        *db_, vault_,
        ServiceOptions{.clock = Clock::Real(),
                       .transport_factory = CurlTransportFactory(),
                       .allow_private_network = true,
                       .check_timeout_ms = 10000,
                       .timeout_ms = 10000,
                       .api_options = {}});
  }
  void TearDown() override {
    if (sim_) sim_->Stop();
  }
  std::string HttpUrl() const { return "http://127.0.0.1:" + std::to_string(sim_->http_port()); }
  std::string HttpsUrl() const { return "https://127.0.0.1:" + std::to_string(sim_->https_port()); }
  NewConnector Input(const std::string& url, const std::string& kind) {
    NewConnector n;
    n.name = "Sim " + kind;
    n.url = url;
    n.consumer_key = "ck_wcsim_" + kind;
    n.consumer_secret = "cs_wcsim_" + kind;
    if (url.rfind("https", 0) == 0) n.ca_file = sim_->ca_cert_path();
    return n;
  }
  static bool HasWarning(const CheckOutcome& out, const std::string& code) {
    for (const auto& w : out.warnings) {
      if (w.code == code) return true;
    }
    return false;
  }

  std::unique_ptr<wcsim::Simulator> sim_;
  Vault vault_ = *Vault::FromKey(std::string(32, 'W'));
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<ConnectorService> service_;
};

TEST_F(WcsimTest, ReadKeyOverOAuthAndBasicWithTheProbeAsTheOnlyNonGet) {
  Start();
  CheckOutcome http = service_->Add(Input(HttpUrl(), "read"));
  ASSERT_FALSE(http.problem) << http.problem->code << ": " << http.problem->message;
  EXPECT_EQ(http.connector.auth_mode, "oauth1");
  EXPECT_EQ(http.connector.key_scope, "read");
  EXPECT_TRUE(http.warnings.empty());
  ASSERT_TRUE(service_->Remove(0, "Sim read").ok());
  CheckOutcome https = service_->Add(Input(HttpsUrl(), "read"));
  ASSERT_FALSE(https.problem) << https.problem->code << ": " << https.problem->message;
  EXPECT_EQ(https.connector.auth_mode, "basic");
  EXPECT_EQ(https.connector.key_scope, "read");
  // A client from OpenApi reads pages.
  auto api = (*service_->OpenApi(https.connector.id))();
  StatusOr<woo::Response> page = api->Get("wc/v3/orders", {{"per_page", "10"}});
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->total, 50);
  int non_get = 0;
  for (const auto& r : sim_->Requests()) {
    if (r.method != "GET") {
      ++non_get;
      EXPECT_EQ(r.method, "POST");
      EXPECT_THAT(r.path, HasSubstr("/wp-json/wc/v3/clever-scope-probe-"));
    }
  }
  EXPECT_EQ(non_get, 2);  // one probe per Add
}

TEST_F(WcsimTest, WriteCapableAndWriteOnlyKeys) {
  Start();
  CheckOutcome rw = service_->Add(Input(HttpUrl(), "rw"));
  ASSERT_FALSE(rw.problem) << rw.problem->message;
  EXPECT_EQ(rw.connector.key_scope, "read_write");
  EXPECT_TRUE(HasWarning(rw, "key_can_write"));
  ASSERT_TRUE(service_->Remove(0, "Sim rw").ok());
  CheckOutcome write_only = service_->Add(Input(HttpUrl(), "write"));
  ASSERT_TRUE(write_only.problem);
  EXPECT_EQ(write_only.problem->code, "key_write_only");
}

TEST_F(WcsimTest, WrongSecretAndUnknownKeyOverHttps) {
  Start();
  NewConnector in = Input(HttpsUrl(), "read");
  in.consumer_secret = "cs_wcsim_wrong";
  EXPECT_EQ(service_->Add(in).problem->code, "wrong_secret");
  in = Input(HttpsUrl(), "read");
  in.consumer_key = "ck_wcsim_nobody";
  EXPECT_EQ(service_->Add(in).problem->code, "wrong_key");
  in = Input(HttpUrl(), "read");
  in.consumer_secret = "cs_wcsim_wrong";
  EXPECT_EQ(service_->Add(in).problem->code, "wrong_secret");
}

TEST_F(WcsimTest, StrippedAuthorizationHeaderFallsBackToQueryCredentials) {
  Start(/*strip_auth_header=*/true);
  CheckOutcome out = service_->Add(Input(HttpsUrl(), "read"));
  ASSERT_FALSE(out.problem) << out.problem->code << ": " << out.problem->message;
  EXPECT_EQ(out.connector.auth_mode, "query");
  EXPECT_TRUE(HasWarning(out, "auth_header_stripped"));
}

TEST_F(WcsimTest, RevokedKeyIsReportedByTest) {
  Start();
  ASSERT_FALSE(service_->Add(Input(HttpUrl(), "read")).problem);
  EXPECT_FALSE(service_->Test(0, "Sim read").problem);
  httplib::Client control("127.0.0.1", sim_->http_port());
  auto res = control.Post("/__wcsim/keys/revoke", R"({"consumer_key":"ck_wcsim_read"})",
                          "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  CheckOutcome out = service_->Test(0, "Sim read");
  ASSERT_TRUE(out.problem);
  EXPECT_EQ(out.problem->code, "key_revoked");
}

}  // namespace
}  // namespace clever::connect
