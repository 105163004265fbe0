// FakeStore: an in-memory WooCommerce store behind woo::Api, for sync tests (until wcsim is on
// main). Deterministic from a seed; thread-safe; can mutate, inject faults and log requests.
// It returns sensitive fields (order keys, IPs, meta_data, gateway settings, dispute evidence)
// unless `_fields` trims them, exactly so tests can prove the sync never stores them.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "woo/client.h"

namespace clever::sync::testing {

struct FakeOptions {
  uint32_t seed = 1;
  int customers = 40;
  int orders = 300;
  int products = 12;  // a third of them variable
  int coupons = 6;
  bool woopayments = true;
  // WooPayments disputes, one every 3 days up to now; up to 5 they are all open (needs_response),
  // beyond that only every 7th of the newest 120 is (under_review), the rest won or lost.
  int disputes = 5;
  bool refunds_route = true;     // /wc/v3/refunds (WC >= 9.0)
  bool variations_route = true;  // /wc/v3/variations (WC >= 10.3)
  bool modified_after = true;    // `modified_after` in the orders route args (WC >= 5.8)
  int decimals = 2;
  bool ignore_orderby = false;  // lists come newest first whatever `orderby` says
};

struct Faults {
  double rate = 0;     // probability that a request fails in one of the ways below
  int latency_us = 0;  // real sleep per request
  // The next `truncate_times` answers of `truncate_route` (exactly) come back cut in half.
  std::string truncate_route;
  int truncate_times = 0;
};

struct Mutation {
  int new_orders = 0, status_changes = 0, refunds = 0, stock_changes = 0, delete_products = 0,
      delete_coupons = 0, new_customers = 0, delete_orders = 0, delete_customers = 0;
  int64_t advance_seconds = 3600;
  // Customers whose billing city changes: with date_modified moved (as WooCommerce does on every
  // profile or billing/shipping meta change), or silently (a change that bypasses it).
  int customer_changes = 0, silent_customer_changes = 0;
  // Variations whose stock changes: saved through WooCommerce's CRUD (the variation's
  // date_modified moves, and the deferred product sync saves its parent: the parent's moves too),
  // or silently (a direct meta write by a plugin: neither moves).
  int variation_changes = 0, silent_variation_changes = 0;
  // Open disputes (oldest first) that are decided (won): a status change, no date moves.
  int dispute_decisions = 0;
};

struct RequestLogEntry {
  std::string route;
  woo::Params params;
};

class FakeStore {
 public:
  explicit FakeStore(FakeOptions options);

  // A fresh Api for one worker (what woo::ApiFactory returns).
  std::unique_ptr<woo::Api> NewApi();
  woo::ApiFactory Factory() {
    return [this] { return NewApi(); };
  }
  StatusOr<woo::Response> Get(const std::string& route, const woo::Params& params);

  void SetFaults(Faults f);
  void Mutate(const Mutation& m);
  // Called before every request with the request number (0-based); for "mutate during sync".
  void SetHook(std::function<void(int64_t)> hook);

  std::vector<RequestLogEntry> requests();
  void ClearRequests();
  int64_t request_count() const { return count_.load(); }

  // Ground truth for comparisons.
  struct Stats {
    int64_t customers = 0, orders = 0, order_total_minor = 0, line_items = 0, line_total_minor = 0,
            products = 0, variations = 0, categories = 0, coupons = 0, refunds = 0,
            refund_amount_minor = 0, payouts = 0, payout_amount_minor = 0, disputes = 0,
            transactions = 0, gateways = 0;
  };
  Stats stats();
  std::vector<int64_t> OrderIds();  // live (non-trash) orders

  // Secrets planted in the data; none may ever reach the database.
  static std::vector<std::string> Secrets();

 private:
  nlohmann::json MakeOrder(int64_t id, int64_t created);
  nlohmann::json MakeRefund(int64_t id, nlohmann::json& order, int64_t created);
  std::string Now(int64_t t, bool gmt) const;
  StatusOr<woo::Response> Route(const std::string& route, const woo::Params& params);
  StatusOr<woo::Response> List(const std::vector<nlohmann::json>& items, const woo::Params& p,
                               bool zero_total_past_end);
  StatusOr<woo::Response> Wrapper(const std::vector<nlohmann::json>& items, const woo::Params& p,
                                  bool with_total);

  FakeOptions options_;
  std::mutex mu_;
  std::mt19937 rng_;
  std::mt19937 fault_rng_;
  Faults faults_;
  std::function<void(int64_t)> hook_;
  std::atomic<int64_t> count_{0};
  std::vector<RequestLogEntry> log_;
  int64_t now_ = 0;  // unix seconds, the store's clock
  int64_t next_id_ = 100;
  std::vector<nlohmann::json> customers_, orders_, products_, variations_, categories_, coupons_,
      refunds_, gateways_, transactions_, payouts_, disputes_;
};

}  // namespace clever::sync::testing
