// FakeTransport: an in-memory net::HttpTransport for tests. Answers are scripted by method + URL
// path (query ignored): a queue of one-shot answers is used first, then a sticky default, then
// 404. Every request is recorded. Also a Handler hook for answers computed from the request.
// Not thread-safe. (Namespace clever::test, not clever::testing, so that gtest's ::testing stays
// reachable as testing:: inside namespace clever.)
//
//   test::FakeTransport t;
//   t.Respond("GET", "/wp-json/", test::Json(200, R"({"namespaces":["wc/v3"]})"));
//   t.Enqueue("GET", "/wp-json/wc/v3/orders", test::Json(503, "{}"));   // first call only
//   t.Fail("GET", "/wp-json/wc/v3/orders", UnavailableError("reset"));    // transport error
//   ... run code under test ...
//   EXPECT_EQ(t.requests().size(), 3u);
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "net/http.h"

namespace clever::test {

// A response with a JSON content type.
net::HttpResponse Json(int status, std::string body, net::Headers extra_headers = {});

// The path of an absolute URL ("/wp-json/wc/v3/orders"), without query or fragment.
std::string UrlPath(const std::string& url);
// The decoded query parameters of a URL, in order.
std::vector<std::pair<std::string, std::string>> UrlQuery(const std::string& url);

class FakeTransport : public net::HttpTransport {
 public:
  using Answer = StatusOr<net::HttpResponse>;
  using Handler = std::function<std::optional<Answer>(const net::HttpRequest&)>;

  StatusOr<net::HttpResponse> Send(const net::HttpRequest& request) override;

  // Sticky answer for method + path.
  void Respond(const std::string& method, const std::string& path, net::HttpResponse response);
  // One-shot answers, used in order before the sticky one.
  void Enqueue(const std::string& method, const std::string& path, Answer answer);
  // Sticky transport error for method + path.
  void Fail(const std::string& method, const std::string& path, Status status);
  // Consulted first; nullopt falls through to the scripted answers.
  void SetHandler(Handler handler) { handler_ = std::move(handler); }

  [[nodiscard]] const std::vector<net::HttpRequest>& requests() const { return requests_; }
  // Requests whose method and path match.
  [[nodiscard]] std::vector<net::HttpRequest> RequestsTo(const std::string& method,
                                                         const std::string& path) const;
  void ClearRequests() { requests_.clear(); }

 private:
  using Key = std::pair<std::string, std::string>;
  std::map<Key, std::deque<Answer>> queued_;
  std::map<Key, Answer> sticky_;
  Handler handler_;
  std::vector<net::HttpRequest> requests_;
};

// Forwards to a transport owned elsewhere: hand it out from a transport factory that must return
// unique_ptr while the test keeps inspecting the shared FakeTransport.
class ForwardingTransport : public net::HttpTransport {
 public:
  explicit ForwardingTransport(net::HttpTransport& target) : target_(target) {}
  StatusOr<net::HttpResponse> Send(const net::HttpRequest& request) override {
    return target_.Send(request);
  }

 private:
  net::HttpTransport& target_;
};

}  // namespace clever::test
