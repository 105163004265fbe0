// HubServer over real HTTP on 127.0.0.1 (port 0), with a SQLite file database and fake ports.
#include "server/hub_server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "server/accounts.h"
#include "store/schema.h"
#include "tests/server/fakes.h"

namespace clever::server {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using testing::FakeAsk;
using testing::FakeConnectors;
using testing::FakeSync;
using testing::kGoodKey;
using testing::kGoodSecret;

constexpr const char* kPassword = "correct horse battery";

struct LoggedIn {
  std::string cookie;  // "clever_session=..."
  std::string token;
  std::string csrf;
  json user;
};

class HubServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    dir_ = fs::temp_directory_path() /
           ("clever_hub_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "web");
    std::ofstream(dir_ / "web" / "index.html") << "<!doctype html><title>Clever</title>";
    std::ofstream(dir_ / "web" / "app.js") << "console.log('hi')";
    std::ofstream(dir_ / "secret.txt") << "TOPSECRET";
    db_path_ = (dir_ / "clever.db").string();
    {
      auto db = store::OpenSqlite(db_path_);
      ASSERT_TRUE(db.ok()) << db.status();
      ASSERT_TRUE(store::Migrate(**db).ok());
      Accounts accounts(**db, clock_, 3600, PasswordCost::kTestOnlyMinimum);
      merchant_a_ = *accounts.CreateMerchant("Shop A");
      merchant_b_ = *accounts.CreateMerchant("Shop B");
      ASSERT_TRUE(accounts.CreateUser(merchant_a_, "ann@a.test", kPassword, "owner").ok());
      ASSERT_TRUE(accounts.CreateUser(merchant_a_, "al@a.test", kPassword).ok());
      ASSERT_TRUE(accounts.CreateUser(merchant_b_, "bea@b.test", kPassword, "owner").ok());
    }
    pool_ = std::make_unique<DatabasePool>([path = db_path_] { return store::OpenSqlite(path); });
    HubDeps deps;
    deps.db = pool_.get();
    deps.clock = &clock_;
    deps.connectors = &connectors_;
    deps.sync = &sync_;
    deps.ask = &ask_;
    deps.log = [this](const std::string& line) {
      std::lock_guard<std::mutex> lock(log_mu_);
      log_.push_back(line);
    };
    HubOptions options;
    options.web_root = (dir_ / "web").string();
    options.max_body_bytes = 16 * 1024;
    options.threads = 8;
    options.rate_limit.max_failures = 4;
    server_ = std::make_unique<HubServer>(deps, options);
    auto port = server_->Bind("127.0.0.1", 0);
    ASSERT_TRUE(port.ok()) << port.status();
    port_ = *port;
    thread_ = std::thread([this] { (void)server_->Listen(); });
    for (int i = 0; i < 500 && !server_->is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ASSERT_TRUE(server_->is_running());
  }

  void TearDown() override {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
    fs::remove_all(dir_);
  }

  httplib::Client Client() {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(20, 0);
    return c;
  }

  // Records every response body so tests can assert no credential ever leaves the server.
  void Remember(const httplib::Result& r) {
    if (r) bodies_.push_back(r->body);
  }

  httplib::Result Post(const std::string& path, const json& body, const LoggedIn* who,
                       bool with_csrf = true) {
    httplib::Headers h;
    if (who != nullptr) {
      h.emplace("Cookie", who->cookie);
      if (with_csrf) h.emplace("X-CSRF-Token", who->csrf);
    }
    auto r = Client().Post(path.c_str(), h, body.dump(), "application/json");
    Remember(r);
    return r;
  }
  httplib::Result Get(const std::string& path, const LoggedIn* who) {
    httplib::Headers h;
    if (who != nullptr) h.emplace("Cookie", who->cookie);
    auto r = Client().Get(path.c_str(), h);
    Remember(r);
    return r;
  }
  httplib::Result Delete(const std::string& path, const LoggedIn* who, bool with_csrf = true) {
    httplib::Headers h;
    if (who != nullptr) {
      h.emplace("Cookie", who->cookie);
      if (with_csrf) h.emplace("X-CSRF-Token", who->csrf);
    }
    auto r = Client().Delete(path.c_str(), h);
    Remember(r);
    return r;
  }

  static std::string TokenFromSetCookie(const std::string& set_cookie) {
    auto eq = set_cookie.find('=');
    auto semi = set_cookie.find(';');
    return set_cookie.substr(eq + 1, semi - eq - 1);
  }

  LoggedIn Login(const std::string& email, const std::string& prior_cookie = "") {
    httplib::Headers h;
    if (!prior_cookie.empty()) h.emplace("Cookie", prior_cookie);
    auto r = Client().Post("/api/login", h, json{{"email", email}, {"password", kPassword}}.dump(),
                           "application/json");
    LoggedIn who;
    EXPECT_TRUE(r);
    if (!r) return who;
    EXPECT_EQ(r->status, 200) << r->body;
    std::string set_cookie = r->get_header_value("Set-Cookie");
    who.token = TokenFromSetCookie(set_cookie);
    who.cookie = "clever_session=" + who.token;
    auto body = json::parse(r->body);
    who.csrf = body.value("csrf_token", "");
    who.user = body["user"];
    return who;
  }

  int64_t AddGoodConnector(const LoggedIn& who, const std::string& name, const std::string& url) {
    auto r = Post("/api/connectors",
                  {{"name", name},
                   {"url", url},
                   {"consumer_key", kGoodKey},
                   {"consumer_secret", kGoodSecret}},
                  &who);
    EXPECT_TRUE(r);
    if (!r) return 0;
    EXPECT_EQ(r->status, 201) << r->body;
    return json::parse(r->body)["connector"]["id"].get<int64_t>();
  }

  int64_t NewConversation(const LoggedIn& who) {
    auto r = Post("/api/conversations", json::object(), &who);
    EXPECT_TRUE(r);
    EXPECT_EQ(r->status, 201) << r->body;
    return json::parse(r->body)["conversation"]["id"].get<int64_t>();
  }

  fs::path dir_;
  std::string db_path_;
  FakeClock clock_;
  FakeConnectors connectors_;
  FakeSync sync_;
  FakeAsk ask_;
  std::unique_ptr<DatabasePool> pool_;
  std::unique_ptr<HubServer> server_;
  std::thread thread_;
  int port_ = 0;
  int64_t merchant_a_ = 0, merchant_b_ = 0;
  std::mutex log_mu_;
  std::vector<std::string> log_;
  std::vector<std::string> bodies_;
};

TEST_F(HubServerTest, HealthzAndStaticFilesWithSecurityHeaders) {
  auto h = Get("/healthz", nullptr);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status, 200);
  auto index = Get("/", nullptr);
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  EXPECT_EQ(index->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(index->get_header_value("X-Content-Type-Options"), "nosniff");
  std::string csp = index->get_header_value("Content-Security-Policy");
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos);
  auto js = Get("/app.js", nullptr);
  ASSERT_TRUE(js);
  EXPECT_EQ(js->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
}

TEST_F(HubServerTest, PathTraversalOnStaticFilesIsRefused) {
  for (const char* path :
       {"/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/%2e%2e%2fsecret.txt",
        "/app.js/../../secret.txt", "/..\\secret.txt", "/%00index.html", "/.%2e/secret.txt"}) {
    auto r = Get(path, nullptr);
    ASSERT_TRUE(r) << path;
    EXPECT_GE(r->status, 400) << path;
    EXPECT_LT(r->status, 500) << path;
    EXPECT_EQ(r->body.find("TOPSECRET"), std::string::npos) << path;
  }
}

TEST_F(HubServerTest, ApiNeedsASession) {
  for (const char* path : {"/api/me", "/api/connectors", "/api/conversations"}) {
    auto r = Get(path, nullptr);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401) << path;
    EXPECT_EQ(json::parse(r->body)["error"]["code"], "unauthenticated");
  }
  LoggedIn forged{"clever_session=" + std::string(64, 'a'), std::string(64, 'a'), "x", {}};
  auto r = Get("/api/me", &forged);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  auto unknown = Get("/api/nope", nullptr);
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_EQ(json::parse(unknown->body)["error"]["code"], "not_found");
}

TEST_F(HubServerTest, LoginSetsAStrictHttpOnlyCookieAndMeWorks) {
  auto r =
      Client().Post("/api/login", json{{"email", "Ann@A.test"}, {"password", kPassword}}.dump(),
                    "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  std::string cookie = r->get_header_value("Set-Cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_NE(cookie.find("Path=/"), std::string::npos);
  EXPECT_EQ(cookie.find("Secure"), std::string::npos);  // plain HTTP on loopback
  LoggedIn ann = Login("ann@a.test");
  auto me = Get("/api/me", &ann);
  ASSERT_TRUE(me);
  ASSERT_EQ(me->status, 200);
  auto body = json::parse(me->body);
  EXPECT_EQ(body["user"]["email"], "ann@a.test");
  EXPECT_EQ(body["user"]["merchant"]["name"], "Shop A");
  EXPECT_EQ(body["csrf_token"], ann.csrf);
  EXPECT_FALSE(body["user"].contains("password_hash"));
}

TEST_F(HubServerTest, WrongPasswordsAreRateLimited) {
  for (int i = 0; i < 4; ++i) {
    auto r = Client().Post("/api/login", json{{"email", "ann@a.test"}, {"password", "nope"}}.dump(),
                           "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401);
  }
  auto blocked =
      Client().Post("/api/login", json{{"email", "ann@a.test"}, {"password", kPassword}}.dump(),
                    "application/json");
  ASSERT_TRUE(blocked);
  EXPECT_EQ(blocked->status, 429);
  EXPECT_FALSE(blocked->get_header_value("Retry-After").empty());
  // Another account from the same address is not locked out by ann's failures.
  LoggedIn bea = Login("bea@b.test");
  EXPECT_FALSE(bea.csrf.empty());
  clock_.Advance(std::chrono::minutes(16));
  LoggedIn ann = Login("ann@a.test");
  EXPECT_FALSE(ann.csrf.empty());
}

TEST_F(HubServerTest, SessionFixationIsImpossible) {
  // An attacker plants a cookie value in the victim's browser, then the victim logs in.
  std::string planted(64, 'b');
  LoggedIn victim = Login("ann@a.test", "clever_session=" + planted);
  EXPECT_NE(victim.token, planted);
  LoggedIn attacker{"clever_session=" + planted, planted, victim.csrf, {}};
  auto r = Get("/api/me", &attacker);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  // Even a valid session id presented at login is replaced (and dropped), never reused.
  LoggedIn again = Login("ann@a.test", victim.cookie);
  EXPECT_NE(again.token, victim.token);
  auto old = Get("/api/me", &victim);
  ASSERT_TRUE(old);
  EXPECT_EQ(old->status, 401);
  auto fresh = Get("/api/me", &again);
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->status, 200);
}

TEST_F(HubServerTest, LogoutEndsTheSession) {
  LoggedIn ann = Login("ann@a.test");
  auto r = Post("/api/logout", json::object(), &ann);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->get_header_value("Set-Cookie").find("Max-Age=0"), std::string::npos);
  auto me = Get("/api/me", &ann);
  ASSERT_TRUE(me);
  EXPECT_EQ(me->status, 401);
}

TEST_F(HubServerTest, CsrfTokenIsRequiredOnStateChangingRequests) {
  LoggedIn ann = Login("ann@a.test");
  int64_t id = AddGoodConnector(ann, "Main", "shop-a.example");
  json add = {{"name", "X"},
              {"url", "x.example"},
              {"consumer_key", kGoodKey},
              {"consumer_secret", kGoodSecret}};
  auto no_token = Post("/api/connectors", add, &ann, /*with_csrf=*/false);
  ASSERT_TRUE(no_token);
  EXPECT_EQ(no_token->status, 403);
  EXPECT_EQ(json::parse(no_token->body)["error"]["code"], "csrf");
  LoggedIn wrong = ann;
  wrong.csrf = std::string(64, '0');
  auto bad = Post("/api/connectors", add, &wrong);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 403);
  // Another session's token does not work either.
  LoggedIn al = Login("al@a.test");
  LoggedIn mixed = ann;
  mixed.csrf = al.csrf;
  auto cross = Delete("/api/connectors/" + std::to_string(id), &mixed);
  ASSERT_TRUE(cross);
  EXPECT_EQ(cross->status, 403);
  auto del = Delete("/api/connectors/" + std::to_string(id), &ann, /*with_csrf=*/false);
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 403);
  auto logout = Post("/api/logout", json::object(), &ann, /*with_csrf=*/false);
  ASSERT_TRUE(logout);
  EXPECT_EQ(logout->status, 403);
  // Nothing was changed by the refused requests.
  auto list = connectors_.List(merchant_a_);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 1u);
  // A request from another origin is refused even with the right token.
  httplib::Headers h = {
      {"Cookie", ann.cookie}, {"X-CSRF-Token", ann.csrf}, {"Origin", "https://evil.example"}};
  auto evil = Client().Post("/api/conversations", h, "{}", "application/json");
  ASSERT_TRUE(evil);
  EXPECT_EQ(evil->status, 403);
}

TEST_F(HubServerTest, ConnectorProblemsComeBackWithFieldAndHint) {
  LoggedIn ann = Login("ann@a.test");
  auto wrong_secret = Post("/api/connectors",
                           {{"name", "Main"},
                            {"url", "shop-a.example"},
                            {"consumer_key", kGoodKey},
                            {"consumer_secret", "cs_wrong"}},
                           &ann);
  ASSERT_TRUE(wrong_secret);
  EXPECT_EQ(wrong_secret->status, 422);
  auto e = json::parse(wrong_secret->body)["error"];
  EXPECT_EQ(e["code"], "wrong_secret");
  EXPECT_EQ(e["field"], "consumer_secret");
  EXPECT_FALSE(e["hint"].get<std::string>().empty());
  auto name_in_url = Post("/api/connectors",
                          {{"name", "Main"},
                           {"url", "My Shop"},
                           {"consumer_key", kGoodKey},
                           {"consumer_secret", kGoodSecret}},
                          &ann);
  ASSERT_TRUE(name_in_url);
  EXPECT_EQ(json::parse(name_in_url->body)["error"]["field"], "url");
  AddGoodConnector(ann, "Main", "shop-a.example");
  EXPECT_EQ(sync_.sync_now_calls(), 1);  // first sync starts at once after Connect
  // The same domain by another merchant is a duplicate too.
  LoggedIn bea = Login("bea@b.test");
  auto dup = Post("/api/connectors",
                  {{"name", "Mine"},
                   {"url", "https://shop-a.example/"},
                   {"consumer_key", kGoodKey},
                   {"consumer_secret", kGoodSecret}},
                  &bea);
  ASSERT_TRUE(dup);
  EXPECT_EQ(dup->status, 409);
  EXPECT_EQ(json::parse(dup->body)["error"]["code"], "duplicate_domain");
  EXPECT_EQ(json::parse(dup->body)["error"]["field"], "url");
  auto not_string = Post("/api/connectors", {{"name", 5}}, &ann);
  ASSERT_TRUE(not_string);
  EXPECT_EQ(not_string->status, 400);
  EXPECT_EQ(json::parse(not_string->body)["error"]["field"], "name");
}

TEST_F(HubServerTest, ConnectorLifecycleAndSyncStatus) {
  LoggedIn ann = Login("ann@a.test");
  int64_t id = AddGoodConnector(ann, "Main", "shop-a.example");
  std::string base = "/api/connectors/" + std::to_string(id);
  auto list = Get("/api/connectors", &ann);
  ASSERT_TRUE(list);
  auto connectors = json::parse(list->body)["connectors"];
  ASSERT_EQ(connectors.size(), 1u);
  EXPECT_EQ(connectors[0]["key_hint"], "ck_...cdef");
  ASSERT_EQ(connectors[0]["sync"].size(), 9u);
  EXPECT_EQ(connectors[0]["sync"][6]["category"], "payouts");
  EXPECT_EQ(connectors[0]["sync"][6]["state"], "not_available");
  auto off = Post(base + "/enabled", {{"enabled", false}}, &ann);
  ASSERT_TRUE(off);
  EXPECT_EQ(off->status, 200);
  EXPECT_FALSE(json::parse(off->body)["connector"]["enabled"].get<bool>());
  auto bad = Post(base + "/enabled", {{"enabled", "yes"}}, &ann);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  auto test = Post(base + "/test", json::object(), &ann);
  ASSERT_TRUE(test);
  EXPECT_EQ(test->status, 200);
  auto sync = Post(base + "/sync", json::object(), &ann);
  ASSERT_TRUE(sync);
  EXPECT_EQ(sync->status, 202);
  auto status = Get(base + "/sync", &ann);
  ASSERT_TRUE(status);
  EXPECT_EQ(json::parse(status->body)["sync"].size(), 9u);
  auto del = Delete(base, &ann);
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 200);
  EXPECT_EQ(sync_.forgotten(), std::vector<int64_t>{id});
  auto gone = Delete(base, &ann);
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->status, 404);
}

TEST_F(HubServerTest, AMerchantSeesOnlyItsOwnStoresAndConversations) {
  LoggedIn ann = Login("ann@a.test");
  LoggedIn al = Login("al@a.test");  // ann's team mate
  LoggedIn bea = Login("bea@b.test");
  int64_t store = AddGoodConnector(ann, "Main", "shop-a.example");
  int64_t conv = NewConversation(ann);
  auto asked = Post("/api/conversations/" + std::to_string(conv) + "/messages",
                    {{"question", "net sales last month"}}, &ann);
  ASSERT_TRUE(asked);
  ASSERT_EQ(asked->status, 200) << asked->body;

  auto b_list = Get("/api/connectors", &bea);
  ASSERT_TRUE(b_list);
  EXPECT_TRUE(json::parse(b_list->body)["connectors"].empty());
  auto b_convs = Get("/api/conversations", &bea);
  ASSERT_TRUE(b_convs);
  EXPECT_TRUE(json::parse(b_convs->body)["conversations"].empty());
  std::string s = std::to_string(store), c = std::to_string(conv);
  EXPECT_EQ(Get("/api/conversations/" + c, &bea)->status, 404);
  EXPECT_EQ(Get("/api/connectors/" + s + "/sync", &bea)->status, 404);
  EXPECT_EQ(Delete("/api/connectors/" + s, &bea)->status, 404);
  EXPECT_EQ(Post("/api/connectors/" + s + "/enabled", {{"enabled", false}}, &bea)->status, 404);
  EXPECT_EQ(Post("/api/connectors/" + s + "/test", json::object(), &bea)->status, 404);
  EXPECT_EQ(Delete("/api/conversations/" + c, &bea)->status, 404);
  EXPECT_EQ(Post("/api/conversations/" + c + "/messages", {{"question", "sales?"}}, &bea)->status,
            404);
  // Bea's own conversation cannot be pointed at ann's store.
  int64_t bconv = NewConversation(bea);
  auto steal = Post("/api/conversations/" + std::to_string(bconv) + "/messages",
                    {{"question", "net sales"}, {"store_ids", {store}}}, &bea);
  ASSERT_TRUE(steal);
  EXPECT_EQ(steal->status, 404);
  auto none = Post("/api/conversations/" + std::to_string(bconv) + "/messages",
                   {{"question", "net sales"}}, &bea);
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 409);  // bea has no store switched on
  // The team mate shares the merchant's stores and conversations.
  EXPECT_EQ(json::parse(Get("/api/connectors", &al)->body)["connectors"].size(), 1u);
  EXPECT_EQ(Get("/api/conversations/" + c, &al)->status, 200);
}

TEST_F(HubServerTest, AskKeepsTheConversationAndPassesContext) {
  LoggedIn ann = Login("ann@a.test");
  int64_t store = AddGoodConnector(ann, "Main", "shop-a.example");
  int64_t conv = NewConversation(ann);
  std::string path = "/api/conversations/" + std::to_string(conv) + "/messages";
  auto first = Post(path, {{"question", "What were net sales last month?"}}, &ann);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200) << first->body;
  auto answer = json::parse(first->body)["answer"];
  EXPECT_EQ(answer["status"], "answered");
  EXPECT_EQ(answer["store_ids"], json::array({store}));
  EXPECT_EQ(ask_.last().context, "");
  auto follow = Post(path, {{"question", "and the month before?"}}, &ann);
  ASSERT_TRUE(follow);
  ASSERT_EQ(follow->status, 200);
  EXPECT_EQ(ask_.last().context, "net_sales");
  auto out = Post(path, {{"question", "what's the weather tomorrow?"}}, &ann);
  ASSERT_TRUE(out);
  EXPECT_EQ(json::parse(out->body)["answer"]["status"], "out_of_scope");
  auto conversation = Get("/api/conversations/" + std::to_string(conv), &ann);
  ASSERT_TRUE(conversation);
  auto body = json::parse(conversation->body);
  ASSERT_EQ(body["messages"].size(), 6u);
  EXPECT_EQ(body["messages"][0]["text"], "What were net sales last month?");
  EXPECT_EQ(body["messages"][3]["answer"]["answer"],
            "In the month before, net sales were $3,100.00.");
  EXPECT_EQ(body["conversation"]["title"], "What were net sales last month?");
  auto empty = Post(path, {{"question", "   "}}, &ann);
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 400);
}

TEST_F(HubServerTest, AskStreamsServerSentEvents) {
  LoggedIn ann = Login("ann@a.test");
  AddGoodConnector(ann, "Main", "shop-a.example");
  int64_t conv = NewConversation(ann);
  httplib::Headers h = {
      {"Cookie", ann.cookie}, {"X-CSRF-Token", ann.csrf}, {"Accept", "text/event-stream"}};
  auto r = Client().Post(("/api/conversations/" + std::to_string(conv) + "/messages").c_str(), h,
                         json{{"question", "top products last month"}}.dump(), "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/event-stream");
  std::vector<std::string> events;
  std::istringstream in(r->body);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("event: ", 0) == 0) events.push_back(line.substr(7));
  }
  EXPECT_EQ(events,
            (std::vector<std::string>{"status", "status", "text", "table", "chart", "done"}));
  auto done_pos = r->body.find("event: done\ndata: ");
  ASSERT_NE(done_pos, std::string::npos);
  auto done =
      json::parse(r->body.substr(done_pos + 18, r->body.find('\n', done_pos + 18) - done_pos - 18));
  EXPECT_EQ(done["answer"]["table"]["rows"].size(), 3u);
  // The stored conversation has the answer too.
  auto conversation = Get("/api/conversations/" + std::to_string(conv), &ann);
  EXPECT_EQ(json::parse(conversation->body)["messages"].size(), 2u);
}

TEST_F(HubServerTest, MalformedOversizedAndHostileRequestsGet4xxWithoutHarm) {
  LoggedIn ann = Login("ann@a.test");
  httplib::Headers h = {{"Cookie", ann.cookie}, {"X-CSRF-Token", ann.csrf}};
  struct Case {
    std::string body, type;
    int status;
  };
  std::string deep(8000, '[');
  const Case cases[] = {
      {"{not json", "application/json", 400},
      {"[1,2,3]", "application/json", 400},
      {"\"str\"", "application/json", 400},
      {"", "application/json", 400},
      {"{\"title\": \"\xff\xfe\"}", "application/json", 400},
      {deep, "application/json", 400},
      {"title=x", "application/x-www-form-urlencoded", 415},
      {"{\"title\": \"x\"}", "text/plain", 415},
      {std::string(20000, 'x'), "application/json", 413},
      {"{\"title\": \"" + std::string(300, 'x') + "\"}", "application/json", 400},
  };
  for (const auto& c : cases) {
    auto r = Client().Post("/api/conversations", h, c.body, c.type.c_str());
    ASSERT_TRUE(r) << c.body.substr(0, 40);
    EXPECT_EQ(r->status, c.status) << c.body.substr(0, 40);
    auto j = json::parse(r->body, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r->body;
    if (!j.is_discarded()) {
      EXPECT_TRUE(j.contains("error")) << r->body;
    }
  }
  int64_t conv = NewConversation(ann);
  auto huge_question = Post("/api/conversations/" + std::to_string(conv) + "/messages",
                            {{"question", std::string(5000, 'q')}}, &ann);
  ASSERT_TRUE(huge_question);
  EXPECT_EQ(huge_question->status, 400);
  auto huge_header = Client().Get("/api/me", {{"Cookie", std::string(20000, 'c')}});
  if (huge_header) {
    EXPECT_GE(huge_header->status, 400);
  }
  auto bad_id = Get("/api/conversations/99999999999999999999999", &ann);
  ASSERT_TRUE(bad_id);
  EXPECT_EQ(bad_id->status, 404);
  // The server is still healthy and the data intact.
  auto health = Get("/healthz", nullptr);
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  auto convs = Get("/api/conversations", &ann);
  EXPECT_EQ(json::parse(convs->body)["conversations"].size(), 1u);
}

TEST_F(HubServerTest, CredentialsAreNeverReturnedOrLogged) {
  LoggedIn ann = Login("ann@a.test");
  int64_t id = AddGoodConnector(ann, "Main", "shop-a.example");
  (void)Post("/api/connectors/" + std::to_string(id) + "/test", json::object(), &ann);
  (void)Get("/api/connectors", &ann);
  (void)Get("/api/connectors/" + std::to_string(id) + "/sync", &ann);
  (void)Get("/api/me?token=" + ann.token, &ann);
  (void)Post("/api/connectors",
             {{"name", "Main"},
              {"url", "shop-a.example"},
              {"consumer_key", kGoodKey},
              {"consumer_secret", kGoodSecret}},
             &ann);
  ASSERT_FALSE(bodies_.empty());
  for (const auto& body : bodies_) {
    EXPECT_EQ(body.find(kGoodSecret), std::string::npos) << body;
    EXPECT_EQ(body.find(kGoodKey), std::string::npos) << body;
    EXPECT_EQ(body.find(ann.token), std::string::npos) << body;
    EXPECT_EQ(body.find("argon2"), std::string::npos) << body;
  }
  std::lock_guard<std::mutex> lock(log_mu_);
  ASSERT_FALSE(log_.empty());
  for (const auto& line : log_) {
    EXPECT_EQ(line.find(kGoodSecret), std::string::npos) << line;
    EXPECT_EQ(line.find(ann.token), std::string::npos) << line;
    EXPECT_EQ(line.find(ann.csrf), std::string::npos) << line;
    EXPECT_EQ(line.find(kPassword), std::string::npos) << line;
    EXPECT_EQ(line.find("token="), std::string::npos) << line;
    auto j = json::parse(line, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << line;
  }
}

TEST_F(HubServerTest, StopsCleanlyWhileClientsAreConnected) {
  LoggedIn ann = Login("ann@a.test");
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  for (int i = 0; i < 4; ++i) {
    clients.emplace_back([&] {
      for (int j = 0; j < 20; ++j) {
        auto r = Client().Get("/api/me");  // 401s; exercises the request path
        if (r && r->status == 401) ++ok;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), 80);
  server_->Stop();
  thread_.join();
  EXPECT_FALSE(server_->is_running());
}

}  // namespace
}  // namespace clever::server

namespace clever::server {
namespace {

// Built-in TLS: the session cookie gets Secure and HSTS is sent. The certificate is made with the
// openssl command line (Debian's openssl package, always present with libssl).
TEST(HubServerTlsTest, ServesHttpsWithSecureCookies) {
  ASSERT_TRUE(InitCrypto().ok());
  fs::path dir = fs::temp_directory_path() / ("clever_hub_tls_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string cert = (dir / "cert.pem").string(), key = (dir / "key.pem").string();
  std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -keyout " + key + " -out " + cert +
                    " -days 1 -subj /CN=127.0.0.1 >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::string db_path = (dir / "clever.db").string();
  FakeClock clock;
  {
    auto db = store::OpenSqlite(db_path);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(store::Migrate(**db).ok());
    Accounts accounts(**db, clock, 3600, PasswordCost::kTestOnlyMinimum);
    auto m = accounts.CreateMerchant("TLS shop");
    ASSERT_TRUE(accounts.CreateUser(*m, "t@t.test", kPassword).ok());
  }
  DatabasePool pool([db_path] { return store::OpenSqlite(db_path); });
  FakeConnectors connectors;
  FakeSync sync;
  FakeAsk ask;
  HubDeps deps{&pool, &clock, &connectors, &sync, &ask, [](const std::string&) {}};
  HubOptions options;
  options.tls_cert = cert;
  options.tls_key = key;
  options.threads = 4;
  HubServer server(deps, options);
  auto port = server.Bind("127.0.0.1", 0);
  ASSERT_TRUE(port.ok()) << port.status();
  std::thread t([&] { (void)server.Listen(); });
  for (int i = 0; i < 500 && !server.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  httplib::SSLClient client("127.0.0.1", *port);
  client.enable_server_certificate_verification(false);
  auto r = client.Post("/api/login", json{{"email", "t@t.test"}, {"password", kPassword}}.dump(),
                       "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->get_header_value("Set-Cookie").find("; Secure"), std::string::npos);
  EXPECT_FALSE(r->get_header_value("Strict-Transport-Security").empty());
  server.Stop();
  t.join();
  HubOptions bad;
  bad.tls_cert = (dir / "missing.pem").string();
  bad.tls_key = key;
  HubServer broken(deps, bad);
  EXPECT_EQ(broken.Bind("127.0.0.1", 0).status().code(), StatusCode::kInvalidArgument);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace clever::server
