#include "testing/wcsim_process.h"

#include <httplib.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace clever::test {

StatusOr<std::unique_ptr<WcsimProcess>> WcsimProcess::Start(const std::string& binary,
                                                            const std::vector<std::string>& args) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "wcsim_test_XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) return InternalError("mkdtemp failed");
  std::unique_ptr<WcsimProcess> p(new WcsimProcess());
  p->dir_ = tmpl;
  const std::string ready = p->dir_ + "/ready.json";
  std::vector<std::string> argv{binary};
  argv.insert(argv.end(), args.begin(), args.end());
  for (const char* a : {"--bind", "127.0.0.1", "--port", "0", "--cert-dir"}) argv.emplace_back(a);
  argv.push_back(p->dir_);
  argv.emplace_back("--ready-file");
  argv.push_back(ready);
  CLEVER_ASSIGN_OR_RETURN(p->child_, ChildProcess::Start(argv));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(ready);
    std::stringstream text;
    text << in.rdbuf();
    auto j = nlohmann::json::parse(text.str(), nullptr, false);
    if (!j.is_discarded() && j.is_object() && j.contains("http_port")) {
      p->http_port_ = j["http_port"].get<int>();
      p->https_port_ = j.value("https_port", 0);
      p->ca_cert_ = j.value("ca_cert", "");
      return p;
    }
    if (kill(p->child_->pid(), 0) != 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return UnavailableError("wcsim did not write its ready file: " + binary);
}

WcsimProcess::~WcsimProcess() {
  child_.reset();  // SIGTERM, then SIGKILL
  std::error_code ec;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
}

std::string WcsimProcess::http_url() const {
  return "http://127.0.0.1:" + std::to_string(http_port_);
}
std::string WcsimProcess::https_url() const {
  return "https://127.0.0.1:" + std::to_string(https_port_);
}

StatusOr<nlohmann::json> WcsimProcess::Control(const std::string& method, const std::string& path,
                                               const nlohmann::json& body) const {
  httplib::Client client("127.0.0.1", http_port_);
  client.set_connection_timeout(10);
  client.set_read_timeout(60);
  const std::string text = body.is_null() ? std::string() : body.dump();
  auto call = [&]() -> httplib::Result {
    if (method == "GET") return client.Get(path.c_str());
    if (method == "POST") return client.Post(path.c_str(), text, "application/json");
    return client.Delete(path.c_str());
  };
  if (method != "GET" && method != "POST" && method != "DELETE") {
    return InvalidArgumentError("unsupported method " + method);
  }
  httplib::Result res = call();
  if (!res) return UnavailableError("wcsim control " + method + " " + path + " failed");
  if (res->status < 200 || res->status > 299) {
    return InternalError("wcsim control " + method + " " + path + ": " +
                         std::to_string(res->status) + " " + res->body);
  }
  auto j = nlohmann::json::parse(res->body, nullptr, false);
  if (j.is_discarded()) return DataLossError("wcsim control answer is not JSON: " + res->body);
  return j;
}

Status WcsimProcess::SetFaults(const nlohmann::json& faults) const {
  return Control("POST", "/__wcsim/faults", faults).status();
}
Status WcsimProcess::ClearFaults() const { return Control("DELETE", "/__wcsim/faults").status(); }
Status WcsimProcess::ClearRequests() const {
  return Control("DELETE", "/__wcsim/requests").status();
}
Status WcsimProcess::RevokeKey(const std::string& consumer_key) const {
  return Control("POST", "/__wcsim/keys/revoke", {{"consumer_key", consumer_key}}).status();
}
Status WcsimProcess::RestoreKey(const std::string& consumer_key) const {
  return Control("POST", "/__wcsim/keys/restore", {{"consumer_key", consumer_key}}).status();
}

}  // namespace clever::test
