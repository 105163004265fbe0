// wcsim HTTP + HTTPS servers (cpp-httplib) around the REST layer (api.h), with fault injection,
// a request log and the /__wcsim/ control API.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "store.h"

namespace clever::wcsim {

struct FaultConfig {
  int latency_ms = 0;
  int latency_jitter_ms = 0;
  double error_rate = 0;
  std::vector<int> error_statuses = {500, 502, 503, 429};
  double truncate_rate = 0;
  double malformed_rate = 0;
  double html_error_rate = 0;
  double php_notice_rate = 0;
  double reset_rate = 0;
  bool strip_auth_header = false;
  int fail_next = 0;

  nlohmann::json ToJson() const;
  // Applies the fields present in `j`; returns an error for wrong types / out-of-range values.
  Status Apply(const nlohmann::json& j);
};

struct SimulatorOptions {
  std::string bind = "127.0.0.1";
  int port = 0;
  int https_port = 0;
  bool https = true;
  std::string cert_dir;  // empty: a fresh temporary directory
  std::string home_url;  // empty: http://<bind>:<port>
  std::string wc_version = "10.0.2";
  std::string data_dir;  // static route data; empty: compiled-in default
  // The configured key (defaults to the read key); the three fixed keys always exist.
  std::string key = "ck_wcsim_read";
  std::string secret = "cs_wcsim_read";
  std::string permissions = "read";
  std::string ready_file;
  FaultConfig faults;
  uint64_t fault_seed = 1;
  int threads = 8;
};

struct RequestRecord {
  std::string method, path, query;
  int status = 0;
  std::string auth;
  std::string consumer_key;
};

class Simulator {
 public:
  Simulator(std::unique_ptr<Store> store, SimulatorOptions options);
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  // Binds, loads static data, generates the certificate and starts serving in background
  // threads. Writes the ready file when set.
  Status Start();
  void Stop();

  int http_port() const;
  int https_port() const;  // 0 when HTTPS is off
  std::string ca_cert_path() const;
  std::string home_url() const;
  Store& store();
  std::vector<RequestRecord> Requests() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Writes a self-signed certificate (SAN 127.0.0.1, ::1, localhost; usable as its own CA) and
// key as cert.pem / key.pem into `dir`.
Status WriteSelfSignedCert(const std::string& dir);

}  // namespace clever::wcsim
