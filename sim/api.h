// The WordPress REST layer of wcsim, independent of the HTTP library: parses the query as PHP
// does, authenticates (auth.h), routes, validates parameters against the route index's args,
// paginates and renders. server.h puts it behind cpp-httplib; tests and the benchmark may call
// it in-process.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "auth.h"
#include "store.h"

namespace clever::wcsim {

struct ApiOptions {
  std::string home_url;  // what the store believes its URL is, no trailing slash
  std::string wc_version = "10.0.2";
  std::string data_dir;  // static route data (sim/data)
  std::string site_name = "Northwind Outfitters";
};

struct RestRequest {
  std::string method = "GET";
  bool https = false;
  std::string target;  // raw request target: path?query
  std::string authorization;
  int64_t now = 0;  // server wall clock, unix seconds (auth window)
};

struct RestResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string auth;  // basic | query | oauth | none
  std::string consumer_key;
  bool is_rest = true;  // false for non-REST paths (plain 404 page)
};

// Parses a raw query string the way PHP fills $_GET: '+' and %XX decoding, "a[]" and "a[k]"
// keys flattened to "a[0]" / "a[k]", '.' and ' ' in top-level names turned into '_'.
ParamList ParseQuery(std::string_view query);

// Version "10.0.2" -> comparable integer 100002 (major*10000 + minor*100 + patch).
int VersionNumber(std::string_view version);

class Api {
 public:
  Api(Store& store, KeyStore& keys, ApiOptions options);
  ~Api();
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  // Loads static data (route index etc.). Returns false with a message on failure.
  bool Load(std::string* error);

  RestResponse Handle(const RestRequest& request);

  const ApiOptions& options() const { return options_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  ApiOptions options_;
};

}  // namespace clever::wcsim
