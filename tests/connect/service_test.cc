#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "connect/connectors.h"
#include "fake_store.h"
#include "store/schema.h"

namespace clever::connect {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::OpenSqlite(":memory:");
    ASSERT_TRUE(db.ok());
    db_ = std::move(db).value();
    ASSERT_TRUE(store::Migrate(*db_).ok());
    store_.Install(transport_);
    MakeService(false);
  }
  void MakeService(bool allow_private) {
    ServiceOptions options{.clock = clock_,
                           .transport_factory =
                               [this](const net::TransportOptions& o)
                               -> StatusOr<std::unique_ptr<net::HttpTransport>> {
                             last_options_ = o;
                             return std::unique_ptr<net::HttpTransport>(
                                 std::make_unique<test::ForwardingTransport>(transport_));
                           },
                           .allow_private_network = allow_private,
                           .check_timeout_ms = 1000,
                           .timeout_ms = 1000,
                           .api_options = {}};
    service_ = std::make_unique<ConnectorService>(*db_, vault_, std::move(options));
  }
  NewConnector Input(const std::string& name = "Shop") {
    NewConnector n;
    n.name = name;
    n.url = store_.scheme + "://" + store_.host;
    n.consumer_key = store_.key;
    n.consumer_secret = store_.secret;
    return n;
  }
  std::string ProblemCode(const CheckOutcome& out) {
    return out.problem ? out.problem->code : "(none)";
  }
  bool HasWarning(const CheckOutcome& out, const std::string& code) {
    for (const auto& w : out.warnings) {
      if (w.code == code) return true;
    }
    return false;
  }
  int64_t Count(const std::string& sql) {
    return store::AsInt(db_->Query(sql)->rows.at(0).at(0));
  }

  FakeStore store_;
  test::FakeTransport transport_;
  FakeClock clock_;
  Vault vault_ = *Vault::FromKey(std::string(32, 'v'));
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<ConnectorService> service_;
  net::TransportOptions last_options_;
};

TEST_F(ServiceTest, AddsReadKeyOverHttpsWithBasicAndSavesNoSecret) {
  CheckOutcome out = service_->Add(Input());
  ASSERT_FALSE(out.problem) << out.problem->code << ": " << out.problem->message;
  EXPECT_TRUE(out.warnings.empty());
  EXPECT_EQ(out.connector.store_url, "https://shop.example");
  EXPECT_EQ(out.connector.store_domain, "shop.example");
  EXPECT_EQ(out.connector.auth_mode, "basic");
  EXPECT_EQ(out.connector.key_scope, "read");
  EXPECT_EQ(out.connector.key_hint, "ck_..." + store_.key.substr(store_.key.size() - 4));
  // The one non-GET request is the probe.
  int posts = 0;
  for (const auto& r : transport_.requests()) {
    if (r.method != "GET") {
      ++posts;
      EXPECT_EQ(r.method, "POST");
      EXPECT_THAT(r.url, HasSubstr("/wp-json/wc/v3/clever-scope-probe-"));
    }
  }
  EXPECT_EQ(posts, 1);
  auto rows = db_->Query("SELECT credentials_sealed, key_hint, store_url FROM connectors");
  ASSERT_TRUE(rows.ok());
  for (const auto& cell : rows->rows.at(0)) {
    EXPECT_THAT(store::AsString(cell), Not(HasSubstr(store_.secret)));
    EXPECT_THAT(store::AsString(cell), Not(HasSubstr(store_.key)));
  }
  auto listed = service_->List(0);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].name, "Shop");
  EXPECT_TRUE((*listed)[0].enabled);
}

TEST_F(ServiceTest, PlainHttpUsesOAuthSignedAgainstHome) {
  store_.scheme = "http";
  store_.home = "http://shop.example";
  CheckOutcome out = service_->Add(Input());
  ASSERT_FALSE(out.problem) << out.problem->message;
  EXPECT_EQ(out.connector.auth_mode, "oauth1");
  for (const auto& r : transport_.requests()) {
    EXPECT_THAT(r.url, Not(HasSubstr("consumer_secret")));
    for (const auto& [k, v] : r.headers) EXPECT_NE(k, "Authorization");
  }
  StatusOr<woo::Endpoint> e = service_->EndpointOf(out.connector.id);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->home_url, "http://shop.example");
  EXPECT_EQ(e->auth, woo::AuthMode::kOAuth1);
}

TEST_F(ServiceTest, CredentialFormatProblemsSendNoRequest) {
  struct Case {
    std::string ck, cs, code, field;
  };
  const std::string ck = store_.key, cs = store_.secret;
  const Case cases[] = {
      {"", cs, "key_missing", "consumer_key"},
      {ck, "", "secret_missing", "consumer_secret"},
      {" " + ck, cs, "spaces_pasted", "consumer_key"},
      {ck + "\n", cs, "spaces_pasted", "consumer_key"},
      {ck.substr(0, 10) + " " + ck.substr(10), cs, "spaces_pasted", "consumer_key"},
      {ck, cs + " ", "spaces_pasted", "consumer_secret"},
      {ck, "\t" + cs, "spaces_pasted", "consumer_secret"},
      {cs, ck, "key_secret_swapped", "consumer_key"},
      {"abc123", cs, "key_format", "consumer_key"},
      {"ck_abc-def", cs, "key_format", "consumer_key"},
      {"ck_" + std::string(300, 'a'), cs, "key_format", "consumer_key"},
      {ck, "secret", "secret_format", "consumer_secret"},
      {ck, "cs_\xC3\xA9", "secret_format", "consumer_secret"},
  };
  for (const Case& c : cases) {
    NewConnector in = Input();
    in.consumer_key = c.ck;
    in.consumer_secret = c.cs;
    CheckOutcome out = service_->Add(in);
    ASSERT_TRUE(out.problem) << c.code;
    EXPECT_EQ(out.problem->code, c.code);
    EXPECT_EQ(out.problem->field, c.field) << c.code;
    EXPECT_THAT(out.problem->message, Not(HasSubstr(cs))) << c.code;
  }
  EXPECT_TRUE(transport_.requests().empty());
}

TEST_F(ServiceTest, NameAndUrlProblems) {
  NewConnector in = Input("  ");
  EXPECT_EQ(ProblemCode(service_->Add(in)), "name_missing");
  in = Input(std::string(101, 'n'));
  EXPECT_EQ(ProblemCode(service_->Add(in)), "name_invalid");
  in = Input("bad\x01name");
  EXPECT_EQ(ProblemCode(service_->Add(in)), "name_invalid");
  in = Input();
  in.url = "My Shop";
  EXPECT_EQ(ProblemCode(service_->Add(in)), "url_looks_like_name");
  in.url = "https://127.0.0.1:8443";
  EXPECT_EQ(ProblemCode(service_->Add(in)), "url_ip_literal");
  in = Input();
  in.ca_file = "/nonexistent/ca.pem";
  EXPECT_EQ(ProblemCode(service_->Add(in)), "ca_file_unreadable");
  EXPECT_TRUE(transport_.requests().empty());
}

TEST_F(ServiceTest, EachCredentialFailureHasItsOwnProblem) {
  struct Case {
    std::string name;
    std::function<void(FakeStore&, NewConnector&)> setup;
    std::string code;
  };
  const std::vector<Case> cases = {
      {"unknown key https", [](FakeStore&, NewConnector& n) { n.consumer_key = "ck_ffffffffffffffffffffffffffffffffffffffff"; }, "wrong_key"},
      {"unknown key oauth", [](FakeStore& s, NewConnector& n) { s.scheme = "http"; n.url = "http://shop.example"; n.consumer_key = "ck_ffffffffffffffffffffffffffffffffffffffff"; }, "wrong_key"},
      {"wrong secret basic", [](FakeStore&, NewConnector& n) { n.consumer_secret = "cs_ffffffffffffffffffffffffffffffffffffffff"; }, "wrong_secret"},
      {"wrong secret oauth", [](FakeStore& s, NewConnector& n) { s.scheme = "http"; n.url = "http://shop.example"; n.consumer_secret = "cs_ffffffffffffffffffffffffffffffffffffffff"; }, "wrong_secret"},
      {"wrong secret, header stripped", [](FakeStore& s, NewConnector& n) { s.strip_auth_header = true; n.consumer_secret = "cs_ffffffffffffffffffffffffffffffffffffffff"; }, "wrong_secret"},
      {"write-only key", [](FakeStore& s, NewConnector&) { s.permissions = "write"; }, "key_write_only"},
      {"user lacks permission", [](FakeStore& s, NewConnector&) { s.user_can_view = false; }, "user_lacks_permission"},
      {"key of another store", [](FakeStore& s, NewConnector& n) { s.home = "https://other-shop.example"; n.consumer_key = "ck_ffffffffffffffffffffffffffffffffffffffff"; }, "url_mismatch"},
      {"not wordpress", [](FakeStore& s, NewConnector&) { s.wordpress = false; }, "not_wordpress"},
      {"no woocommerce", [](FakeStore& s, NewConnector&) { s.woocommerce = false; }, "woocommerce_not_found"},
      {"waf page", [](FakeStore& s, NewConnector&) { s.waf_blocks_api = true; }, "not_json"},
      {"tls", [](FakeStore& s, NewConnector&) { s.transport_error = FailedPreconditionError(std::string(net::kTlsErrorMarker) + " with https://shop.example/wp-json/: certificate has expired"); }, "tls_certificate"},
      {"private address", [](FakeStore& s, NewConnector&) { s.transport_error = FailedPreconditionError(std::string(net::kBlockedAddressMarker) + ": shop.example resolves to 10.0.0.1"); }, "private_address"},
      {"unreachable", [](FakeStore& s, NewConnector&) { s.transport_error = UnavailableError("could not connect to https://shop.example/wp-json/: Connection refused"); }, "unreachable"},
      {"timeout", [](FakeStore& s, NewConnector&) { s.transport_error = DeadlineExceededError("no answer within 1000 ms"); }, "unreachable"},
  };
  std::set<std::string> messages;
  for (const Case& c : cases) {
    FakeStore fresh;
    store_ = fresh;
    NewConnector in = Input();
    c.setup(store_, in);
    transport_.ClearRequests();
    CheckOutcome out = service_->Add(in);
    ASSERT_TRUE(out.problem) << c.name;
    EXPECT_EQ(out.problem->code, c.code) << c.name << ": " << out.problem->message;
    EXPECT_FALSE(out.problem->hint.empty()) << c.name;
    EXPECT_THAT(out.problem->message, Not(HasSubstr(in.consumer_secret))) << c.name;
    EXPECT_THAT(out.problem->hint, Not(HasSubstr(in.consumer_secret))) << c.name;
    messages.insert(out.problem->message);
    EXPECT_EQ(Count("SELECT count(*) FROM connectors"), 0) << c.name;
    for (const auto& r : transport_.requests()) EXPECT_EQ(r.method, "GET") << c.name;
  }
  EXPECT_GE(messages.size(), cases.size() - 3);  // distinct wording per kind
}

TEST_F(ServiceTest, StrippedAuthorizationHeaderFallsBackToQueryAuthWithWarning) {
  store_.strip_auth_header = true;
  CheckOutcome out = service_->Add(Input());
  ASSERT_FALSE(out.problem) << out.problem->message;
  EXPECT_EQ(out.connector.auth_mode, "query");
  EXPECT_TRUE(HasWarning(out, "auth_header_stripped"));
  StatusOr<woo::ApiFactory> factory = service_->OpenApi(out.connector.id);
  ASSERT_TRUE(factory.ok());
  auto api = (*factory)();
  StatusOr<woo::Response> r = api->Get("wc/v3/orders", {});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->total, 1);
}

TEST_F(ServiceTest, WritableKeyIsAcceptedWithWarningAndProbeCanBeDisabled) {
  store_.permissions = "read_write";
  CheckOutcome out = service_->Add(Input());
  ASSERT_FALSE(out.problem);
  EXPECT_EQ(out.connector.key_scope, "read_write");
  ASSERT_TRUE(HasWarning(out, "key_can_write"));
  EXPECT_THAT(out.warnings[0].hint, HasSubstr("Read key"));
  ASSERT_TRUE(service_->Remove(0, "Shop").ok());

  transport_.ClearRequests();
  NewConnector in = Input();
  in.scope_probe = false;
  out = service_->Add(in);
  ASSERT_FALSE(out.problem);
  EXPECT_EQ(out.connector.key_scope, "unknown");
  for (const auto& r : transport_.requests()) EXPECT_EQ(r.method, "GET");
  // `test` of a connector added without the probe does not probe either.
  transport_.ClearRequests();
  EXPECT_FALSE(service_->Test(0, "Shop").problem);
  for (const auto& r : transport_.requests()) EXPECT_EQ(r.method, "GET");
}

TEST_F(ServiceTest, WwwVariantIsAdoptedFromTheStoresHomeUrl) {
  store_.home = "https://www.shop.example";
  CheckOutcome out = service_->Add(Input());
  ASSERT_FALSE(out.problem) << out.problem->message;
  EXPECT_EQ(out.connector.store_url, "https://www.shop.example");
  EXPECT_TRUE(HasWarning(out, "url_adjusted"));
}

TEST_F(ServiceTest, DifferentHomeWithWorkingKeyIsAWarning) {
  store_.home = "https://other-name.example";
  CheckOutcome out = service_->Add(Input());
  ASSERT_FALSE(out.problem) << out.problem->message;
  EXPECT_TRUE(HasWarning(out, "home_url_differs"));
}

TEST_F(ServiceTest, DuplicateDomainAcrossMerchantsAndSpellings) {
  ASSERT_FALSE(service_->Add(Input()).problem);
  NewConnector again = Input("Shop again");
  again.url = "HTTP://Shop.Example/wp-admin/";
  CheckOutcome out = service_->Add(again);
  ASSERT_TRUE(out.problem);
  EXPECT_EQ(out.problem->code, "duplicate_domain");
  EXPECT_THAT(out.problem->message, HasSubstr("\"Shop\""));
  EXPECT_THAT(out.problem->hint, HasSubstr("Remove the existing connector first"));
  EXPECT_THAT(out.problem->hint, HasSubstr("team member"));
  NewConnector other_merchant = Input("Theirs");
  other_merchant.merchant_id = 7;
  out = service_->Add(other_merchant);
  ASSERT_TRUE(out.problem);
  EXPECT_EQ(out.problem->code, "duplicate_domain");
  EXPECT_THAT(out.problem->message, Not(HasSubstr("\"Shop\"")));  // no other merchant's names
  // A sub-directory store on the same host is another store.
  NewConnector sub = Input("Sub");
  sub.url = "https://shop.example/de";
  EXPECT_FALSE(service_->Add(sub).problem);
  NewConnector same_name = Input("Shop");
  same_name.url = "https://shop.example/fr";
  EXPECT_EQ(ProblemCode(service_->Add(same_name)), "duplicate_name");
}

TEST_F(ServiceTest, TestDetectsRevokedKeyAndRecordsTheCheck) {
  ASSERT_FALSE(service_->Add(Input()).problem);
  clock_.Advance(std::chrono::hours(2));
  CheckOutcome ok = service_->Test(0, "Shop");
  ASSERT_FALSE(ok.problem);
  EXPECT_NE(ok.connector.last_checked_at, ok.connector.created_at);
  store_.revoked = true;
  CheckOutcome revoked = service_->Test(0, "Shop");
  ASSERT_TRUE(revoked.problem);
  EXPECT_EQ(revoked.problem->code, "key_revoked");
  EXPECT_EQ(ProblemCode(service_->Test(0, "Nope")), "not_found");
}

TEST_F(ServiceTest, SealedCredentialsAreBoundToTheirStoreDomain) {
  ASSERT_FALSE(service_->Add(Input()).problem);
  NewConnector sub = Input("Sub");
  sub.url = "https://shop.example/de";
  ASSERT_FALSE(service_->Add(sub).problem);
  ASSERT_TRUE(db_->Execute("UPDATE connectors SET credentials_sealed = (SELECT credentials_sealed "
                           "FROM connectors WHERE name = 'Shop') WHERE name = 'Sub'")
                  .ok());
  EXPECT_EQ(ProblemCode(service_->Test(0, "Sub")), "vault_error");
  auto id = service_->Find(0, "Sub")->id;
  EXPECT_EQ(service_->OpenApi(id).status().code(), StatusCode::kDataLoss);
}

TEST_F(ServiceTest, RemoveDeletesTheStoresSyncedRowsOnly) {
  const int64_t mine = service_->Add(Input()).connector.id;
  NewConnector sub = Input("Other");
  sub.url = "https://shop.example/other";
  const int64_t other = service_->Add(sub).connector.id;
  ASSERT_GT(mine, 0);
  ASSERT_GT(other, 0);
  for (int64_t id : {mine, other}) {
    ASSERT_TRUE(db_->Execute("INSERT INTO customers (store_id, id) VALUES (?, 1)", {id}).ok());
    ASSERT_TRUE(db_->Execute("INSERT INTO sync_state (store_id, category) VALUES (?, 'orders')", {id}).ok());
    ASSERT_TRUE(db_->Execute("INSERT INTO store_info (store_id) VALUES (?)", {id}).ok());
  }
  ASSERT_TRUE(service_->Remove(0, "Shop").ok());
  EXPECT_EQ(Count("SELECT count(*) FROM customers WHERE store_id = " + std::to_string(mine)), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM sync_state WHERE store_id = " + std::to_string(mine)), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM store_info WHERE store_id = " + std::to_string(mine)), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM customers WHERE store_id = " + std::to_string(other)), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM connectors"), 1);
  EXPECT_EQ(service_->Remove(0, "Shop").code(), StatusCode::kNotFound);
  // The domain is free again.
  EXPECT_FALSE(service_->Add(Input()).problem);
}

TEST_F(ServiceTest, EnableDisableAndLookups) {
  const int64_t id = service_->Add(Input()).connector.id;
  ASSERT_TRUE(service_->SetEnabled(0, "Shop", false).ok());
  EXPECT_FALSE(service_->Get(id)->enabled);
  EXPECT_FALSE(service_->Find(0, " Shop ")->enabled);
  ASSERT_TRUE(service_->SetEnabled(0, "Shop", true).ok());
  EXPECT_TRUE(service_->Get(id)->enabled);
  EXPECT_EQ(service_->SetEnabled(0, "Nope", true).code(), StatusCode::kNotFound);
  EXPECT_EQ(service_->Get(999).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(service_->List(5)->empty());
}

TEST_F(ServiceTest, OpenApiMakesGetOnlyClientsWithTheConnectorsSettings) {
  NewConnector in = Input();
  const int64_t id = service_->Add(in).connector.id;
  StatusOr<woo::ApiFactory> factory = service_->OpenApi(id);
  ASSERT_TRUE(factory.ok());
  transport_.ClearRequests();
  auto a = (*factory)();
  auto b = (*factory)();
  ASSERT_TRUE(a->Get("wc/v3/orders", {{"per_page", "100"}}).ok());
  ASSERT_TRUE(b->Get("wc/v3/orders", {}).ok());
  EXPECT_EQ(transport_.requests().size(), 2u);
  EXPECT_FALSE(last_options_.allow_private_network);
  EXPECT_EQ(last_options_.default_timeout_ms, 1000);
}

}  // namespace
}  // namespace clever::connect
