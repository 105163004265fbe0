// WcsimProcess: the real `wcsim` binary (sim/) started as a child process on loopback for a test,
// with random ports (--port 0), a temporary --cert-dir and --ready-file, plus a small client of
// its control API (docs/wcsim.md: /__wcsim/stats, mutate, faults, requests, keys). Stopped
// (SIGTERM, then SIGKILL, by its pid) and its temporary directory removed on destruction.
//
//   auto sim = test::WcsimProcess::Start(WCSIM_BINARY, {"--orders", "400", "--seed", "3"});
//   nlohmann::json stats = *(*sim)->Stats();
//   (*sim)->Mutate({{"new_orders", 5}});
//
// The control calls are thread-safe (each opens its own connection), so a test thread can mutate
// the store or revoke the key while a sync runs.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "testing/child_process.h"

namespace clever::test {

class WcsimProcess {
 public:
  // Starts `binary` with `args` (never --port/--ready-file/--cert-dir: added here) and waits up to
  // 60 s for its ready file.
  static StatusOr<std::unique_ptr<WcsimProcess>> Start(const std::string& binary,
                                                       const std::vector<std::string>& args);
  ~WcsimProcess();
  WcsimProcess(const WcsimProcess&) = delete;
  WcsimProcess& operator=(const WcsimProcess&) = delete;

  [[nodiscard]] int http_port() const { return http_port_; }
  [[nodiscard]] int https_port() const { return https_port_; }
  [[nodiscard]] const std::string& ca_cert() const { return ca_cert_; }
  [[nodiscard]] std::string http_url() const;
  [[nodiscard]] std::string https_url() const;
  [[nodiscard]] pid_t pid() const { return child_->pid(); }

  // One control-API call; the JSON answer of a 2xx, else an error with the body.
  StatusOr<nlohmann::json> Control(const std::string& method, const std::string& path,
                                   const nlohmann::json& body = nullptr) const;
  StatusOr<nlohmann::json> Stats() const { return Control("GET", "/__wcsim/stats"); }
  StatusOr<nlohmann::json> Mutate(const nlohmann::json& request) const {
    return Control("POST", "/__wcsim/mutate", request);
  }
  Status SetFaults(const nlohmann::json& faults) const;
  Status ClearFaults() const;
  // The request log (method, path, query, status, auth, consumer_key per REST request).
  StatusOr<nlohmann::json> Requests() const { return Control("GET", "/__wcsim/requests"); }
  Status ClearRequests() const;
  Status RevokeKey(const std::string& consumer_key) const;
  Status RestoreKey(const std::string& consumer_key) const;

 private:
  WcsimProcess() = default;
  std::unique_ptr<ChildProcess> child_;
  std::string dir_, ca_cert_;
  int http_port_ = 0, https_port_ = 0;
};

}  // namespace clever::test
