#include "testing/fake_transport.h"

namespace clever::test {
namespace {

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string Decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && Hex(s[i + 1]) >= 0 && Hex(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(Hex(s[i + 1]) * 16 + Hex(s[i + 2])));
      i += 2;
    } else if (s[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

}  // namespace

net::HttpResponse Json(int status, std::string body, net::Headers extra_headers) {
  net::HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers.emplace_back("content-type", "application/json; charset=UTF-8");
  for (auto& h : extra_headers) r.headers.push_back(std::move(h));
  return r;
}

std::string UrlPath(const std::string& url) {
  size_t start = url.find("://");
  start = start == std::string::npos ? 0 : url.find('/', start + 3);
  if (start == std::string::npos) return "/";
  const size_t end = url.find_first_of("?#", start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

std::vector<std::pair<std::string, std::string>> UrlQuery(const std::string& url) {
  std::vector<std::pair<std::string, std::string>> out;
  const size_t q = url.find('?');
  if (q == std::string::npos) return out;
  std::string rest = url.substr(q + 1);
  if (const size_t hash = rest.find('#'); hash != std::string::npos) rest.resize(hash);
  size_t pos = 0;
  while (pos <= rest.size()) {
    const size_t amp = rest.find('&', pos);
    const std::string part =
        rest.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    if (!part.empty()) {
      const size_t eq = part.find('=');
      out.emplace_back(Decode(part.substr(0, eq)),
                       eq == std::string::npos ? "" : Decode(part.substr(eq + 1)));
    }
    if (amp == std::string::npos) break;
    pos = amp + 1;
  }
  return out;
}

StatusOr<net::HttpResponse> FakeTransport::Send(const net::HttpRequest& request) {
  requests_.push_back(request);
  if (handler_) {
    if (std::optional<Answer> a = handler_(request)) return *a;
  }
  const Key key{request.method, UrlPath(request.url)};
  if (auto it = queued_.find(key); it != queued_.end() && !it->second.empty()) {
    Answer a = it->second.front();
    it->second.pop_front();
    return a;
  }
  if (auto it = sticky_.find(key); it != sticky_.end()) return it->second;
  return Json(
      404,
      R"({"code":"rest_no_route","message":"No route was found matching the URL and request method.","data":{"status":404}})");
}

void FakeTransport::Respond(const std::string& method, const std::string& path,
                            net::HttpResponse response) {
  sticky_.insert_or_assign(Key{method, path}, Answer(std::move(response)));
}

void FakeTransport::Enqueue(const std::string& method, const std::string& path, Answer answer) {
  queued_[Key{method, path}].push_back(std::move(answer));
}

void FakeTransport::Fail(const std::string& method, const std::string& path, Status status) {
  sticky_.insert_or_assign(Key{method, path}, Answer(std::move(status)));
}

std::vector<net::HttpRequest> FakeTransport::RequestsTo(const std::string& method,
                                                        const std::string& path) const {
  std::vector<net::HttpRequest> out;
  for (const auto& r : requests_) {
    if (r.method == method && UrlPath(r.url) == path) out.push_back(r);
  }
  return out;
}

}  // namespace clever::test
