// CurlTransport against real cpp-httplib servers on 127.0.0.1, port 0.
#include "net/curl_transport.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <zlib.h>

#include <atomic>
#include <memory>
#include <set>
#include <thread>

#include "common/clock.h"
#include "net/backoff.h"
#include "testing/tls_cert.h"

namespace clever::net {
namespace {

// Runs a server on a loopback port in a thread; stops and joins on destruction.
class LocalServer {
 public:
  explicit LocalServer(std::unique_ptr<httplib::Server> server) : server_(std::move(server)) {
    port_ = server_->bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    while (!server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  LocalServer() : LocalServer(std::make_unique<httplib::Server>()) {}
  ~LocalServer() {
    server_->stop();
    thread_.join();
  }
  httplib::Server& server() { return *server_; }
  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] std::string url(const std::string& path, const std::string& host = "127.0.0.1",
                                const std::string& scheme = "http") const {
    return scheme + "://" + host + ":" + std::to_string(port_) + path;
  }

 private:
  std::unique_ptr<httplib::Server> server_;
  int port_ = 0;
  std::thread thread_;
};

std::string Gzip(const std::string& text) {
  z_stream zs{};
  deflateInit2(&zs, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(compressBound(text.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  zs.avail_in = static_cast<uInt>(text.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::unique_ptr<CurlTransport> MakeTransport(TransportOptions o = {}) {
  if (o.ca_file.empty()) o.allow_private_network = true;
  auto t = CurlTransport::Create(o);
  EXPECT_TRUE(t.ok()) << t.status();
  return std::move(t).value();
}

HttpRequest Get(const std::string& url, int timeout_ms = 5000) {
  return HttpRequest{.method = "GET", .url = url, .headers = {}, .body = "",
                     .timeout_ms = timeout_ms};
}

TEST(CurlTransportTest, ReusesOneConnectionAcrossRequests) {
  LocalServer s;
  std::mutex mu;
  std::set<int> client_ports;
  s.server().Get("/ping", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu);
    client_ports.insert(req.remote_port);
    res.set_content("{\"ok\":true}", "application/json");
  });
  auto t = MakeTransport();
  for (int i = 0; i < 4; ++i) {  // httplib closes after 5 per connection
    StatusOr<HttpResponse> r = t->Send(Get(s.url("/ping")));
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "{\"ok\":true}");
    EXPECT_EQ(r->Header("Content-Type"), "application/json");
  }
  EXPECT_EQ(t->connections_opened(), 1);
  EXPECT_EQ(client_ports.size(), 1u);
}

TEST(CurlTransportTest, AcceptsAndDecodesGzip) {
  LocalServer s;
  const std::string body(50000, 'x');
  std::string accept;
  s.server().Get("/z", [&](const httplib::Request& req, httplib::Response& res) {
    accept = req.get_header_value("Accept-Encoding");
    res.set_header("Content-Encoding", "gzip");
    res.set_content(Gzip(body), "application/json");
  });
  auto t = MakeTransport();
  StatusOr<HttpResponse> r = t->Send(Get(s.url("/z")));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_NE(accept.find("gzip"), std::string::npos) << accept;
  EXPECT_EQ(r->body, body);
}

TEST(CurlTransportTest, TimesOutAsDeadlineExceeded) {
  LocalServer s;
  s.server().Get("/slow", [](const httplib::Request&, httplib::Response& res) {
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    res.set_content("{}", "application/json");
  });
  auto t = MakeTransport();
  StatusOr<HttpResponse> r = t->Send(Get(s.url("/slow?consumer_secret=cs_hidden"), 150));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(r.status().message().find("cs_hidden"), std::string::npos) << r.status();
}

TEST(CurlTransportTest, RetryAfterIsHonouredThroughSendWithRetry) {
  LocalServer s;
  std::atomic<int> calls{0};
  s.server().Get("/busy", [&](const httplib::Request&, httplib::Response& res) {
    if (calls++ == 0) {
      res.status = 429;
      res.set_header("Retry-After", "2");
      res.set_content("{}", "application/json");
      return;
    }
    res.set_content("[1]", "application/json");
  });
  auto t = MakeTransport();
  FakeClock clock;
  SeededRandom random(3);
  Backoff backoff(BackoffOptions{}, random);
  StatusOr<HttpResponse> r =
      SendWithRetry(*t, [&] { return Get(s.url("/busy")); }, backoff, clock);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(calls.load(), 2);
  EXPECT_GE(clock.total_slept(), std::chrono::milliseconds(2000));
}

TEST(CurlTransportTest, FollowsSameOriginRedirectButNeverCrossOrigin) {
  LocalServer a, b;
  std::atomic<int> b_calls{0};
  std::string auth_seen;
  b.server().Get("/steal", [&](const httplib::Request&, httplib::Response& res) {
    ++b_calls;
    res.set_content("{}", "application/json");
  });
  a.server().Get("/same", [&](const httplib::Request&, httplib::Response& res) {
    res.set_redirect("/target", 301);
  });
  a.server().Get("/target", [&](const httplib::Request& req, httplib::Response& res) {
    auth_seen = req.get_header_value("Authorization");
    res.set_content("{\"here\":1}", "application/json");
  });
  a.server().Get("/away", [&](const httplib::Request&, httplib::Response& res) {
    res.set_redirect(b.url("/steal"), 302);
  });
  a.server().Get("/otherhost", [&](const httplib::Request&, httplib::Response& res) {
    res.set_redirect(a.url("/target", "localhost"), 302);
  });
  auto t = MakeTransport();
  HttpRequest req = Get(a.url("/same"));
  req.headers.emplace_back("Authorization", "Basic c2VjcmV0");
  StatusOr<HttpResponse> r = t->Send(req);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(auth_seen, "Basic c2VjcmV0");

  req.url = a.url("/away");
  r = t->Send(req);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 302);  // handed back, not followed
  req.url = a.url("/otherhost");
  r = t->Send(req);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 302);
  EXPECT_EQ(b_calls.load(), 0);
}

TEST(CurlTransportTest, SsrfGuardRefusesLoopbackBeforeConnecting) {
  LocalServer s;
  std::atomic<int> calls{0};
  s.server().Get("/x", [&](const httplib::Request&, httplib::Response& res) {
    ++calls;
    res.set_content("{}", "application/json");
  });
  TransportOptions o;
  o.allow_private_network = false;
  auto created = CurlTransport::Create(o);
  ASSERT_TRUE(created.ok());
  for (const std::string& host : std::vector<std::string>{"127.0.0.1", "localhost"}) {
    StatusOr<HttpResponse> r = (*created)->Send(Get(s.url("/x", host)));
    ASSERT_FALSE(r.ok()) << host;
    EXPECT_TRUE(IsBlockedAddress(r.status())) << r.status();
  }
  StatusOr<HttpResponse> r = (*created)->Send(Get("http://[::ffff:127.0.0.1]:" +
                                                  std::to_string(s.port()) + "/x"));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(IsBlockedAddress(r.status())) << r.status();
  EXPECT_EQ(calls.load(), 0);
}

TEST(CurlTransportTest, RefusesNonHttpSchemesAndMalformedUrls) {
  auto t = MakeTransport();
  for (const std::string& url : std::vector<std::string>{"file:///etc/passwd", "gopher://127.0.0.1/", "not a url", "",
                                "ftp://127.0.0.1/"}) {
    StatusOr<HttpResponse> r = t->Send(Get(url));
    ASSERT_FALSE(r.ok()) << url;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << url << " " << r.status();
  }
}

TEST(CurlTransportTest, ConnectionRefusedIsUnavailable) {
  int port = 0;
  {
    LocalServer s;
    port = s.port();
  }
  auto t = MakeTransport();
  StatusOr<HttpResponse> r = t->Send(Get("http://127.0.0.1:" + std::to_string(port) + "/"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable) << r.status();
}

TEST(CurlTransportTest, HttpsVerifiedWithCaFileAndRejectedWithout) {
  StatusOr<test::TlsFiles> tls = test::MakeSelfSignedCert();
  ASSERT_TRUE(tls.ok()) << tls.status();
  LocalServer s(std::make_unique<httplib::SSLServer>(tls->cert_pem.c_str(), tls->key_pem.c_str()));
  s.server().Get("/secure", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("{\"tls\":true}", "application/json");
  });
  TransportOptions with_ca;
  with_ca.ca_file = tls->cert_pem;
  with_ca.allow_private_network = true;
  auto trusted = MakeTransport(with_ca);
  StatusOr<HttpResponse> ok = trusted->Send(Get(s.url("/secure", "localhost", "https")));
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->body, "{\"tls\":true}");

  auto untrusted = MakeTransport();
  StatusOr<HttpResponse> bad = untrusted->Send(Get(s.url("/secure", "localhost", "https")));
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(IsTlsError(bad.status())) << bad.status();
}

TEST(CurlTransportTest, UnreadableCaFileIsRefusedAtCreate) {
  TransportOptions o;
  o.ca_file = "/nonexistent/ca.pem";
  auto t = CurlTransport::Create(o);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument);
}

TEST(CurlTransportTest, OversizedBodyIsDataLoss) {
  LocalServer s;
  s.server().Get("/big", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string(200000, 'a'), "application/json");
  });
  TransportOptions o;
  o.allow_private_network = true;
  o.max_body_bytes = 1000;
  auto t = MakeTransport(o);
  StatusOr<HttpResponse> r = t->Send(Get(s.url("/big")));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
}

TEST(RedactUrlTest, DropsQueryAndFragment) {
  EXPECT_EQ(RedactUrl("https://s.example/a?consumer_secret=cs_x#f"), "https://s.example/a");
  EXPECT_EQ(RedactUrl("https://s.example/a"), "https://s.example/a");
}

}  // namespace
}  // namespace clever::net
