// A synthetic WooCommerce store for the sync benchmark: orders are generated from their id on
// every request (nothing held in memory but the ids changed since the start), so the benchmark
// process's peak RSS is the sync's own. Implements woo::Api (GET only), with optional latency.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "woo/client.h"

namespace clever::bench {

class SyntheticStore {
 public:
  explicit SyntheticStore(int64_t orders, int latency_ms = 0);
  woo::ApiFactory Factory();
  StatusOr<woo::Response> Get(const std::string& route, const woo::Params& params);
  // Marks `n` orders (spread over the id range) modified now and adds `n_new` orders.
  void Change(int64_t n, int64_t n_new);
  void set_latency_ms(int ms) { latency_ms_ = ms; }
  // Every request so far (route, params), for the raw download replay.
  std::vector<std::pair<std::string, woo::Params>> TakeLog();
  int64_t orders() const { return orders_; }

 private:
  std::string Order(int64_t id, int64_t modified) const;
  int64_t orders_;
  std::atomic<int> latency_ms_;
  std::mutex mu_;
  int64_t now_ = 1'790'000'000;
  std::map<int64_t, int64_t> modified_;  // id -> modified (only changed orders)
  std::vector<std::pair<std::string, woo::Params>> log_;
};

}  // namespace clever::bench
