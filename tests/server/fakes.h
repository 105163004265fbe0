// In-memory stand-ins for the hub's ports (server/ports.h), used by the server tests and by
// hub_fake_server (the browser tests' page-mechanics server). They imitate the contract, not the
// real checks: FakeConnectors accepts exactly one key/secret pair and refuses the classic
// mistakes with the same Problem codes as connect/; FakeSync advances with wall time; FakeAsk
// answers from a small catalogue, including a product name with an XSS payload.
#pragma once

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "server/ports.h"

namespace clever::server::testing {

inline constexpr const char* kGoodKey = "ck_test_read_0123456789abcdef";
inline constexpr const char* kGoodSecret = "cs_test_read_0123456789abcdef";
inline constexpr const char* kXssProductName = "<img src=x onerror=\"window.__xss=1\">Hoodie";

class FakeConnectors : public ConnectorsPort {
 public:
  ConnectorOutcome Add(int64_t merchant_id, const NewConnectorInput& in) override {
    std::lock_guard<std::mutex> lock(mu_);
    ConnectorOutcome out;
    auto refuse = [&](std::string field, std::string code, std::string message, std::string hint) {
      out.problem =
          ConnectorProblem{std::move(field), std::move(code), std::move(message), std::move(hint)};
      return out;
    };
    if (in.name.empty()) {
      return refuse("name", "name_required", "Give the store a name.", "Any name you like.");
    }
    std::string url = in.url;
    if (url.find("://") == std::string::npos) url = "https://" + url;
    std::string host = url.substr(url.find("://") + 3);
    while (!host.empty() && host.back() == '/') host.pop_back();
    if (in.url.find(' ') != std::string::npos || host.find('.') == std::string::npos) {
      return refuse("url", "url_looks_like_name",
                    "This looks like a store name, not a web address.",
                    "Enter the address you type to visit your store, e.g. mystore.com.");
    }
    for (const auto& [id, c] : connectors_) {
      if (c.store_domain == host) {
        return refuse("url", "duplicate_domain",
                      "This store is already connected (store domain " + host + ").",
                      "Remove the existing connector first, or check whether a team member "
                      "already added it.");
      }
      if (c.merchant_id == merchant_id && c.name == in.name) {
        return refuse("name", "duplicate_name", "You already have a store with this name.",
                      "Choose another name.");
      }
    }
    if (in.consumer_key != kGoodKey) {
      return refuse("consumer_key", "wrong_key", "WooCommerce does not know this consumer key.",
                    "Copy the key again from WooCommerce -> Settings -> Advanced -> REST API.");
    }
    if (in.consumer_secret != kGoodSecret) {
      return refuse("consumer_secret", "wrong_secret",
                    "The consumer secret does not match the key.",
                    "The secret is shown only once, when the key is created: create a new Read "
                    "key and paste both values.");
    }
    ConnectorInfo c;
    c.id = next_id_++;
    c.merchant_id = merchant_id;
    c.name = in.name;
    c.store_url = url;
    c.store_domain = host;
    c.key_hint = "ck_..." + in.consumer_key.substr(in.consumer_key.size() - 4);
    c.key_scope = "read";
    c.auth_mode = "basic";
    c.created_at = "2026-01-01T00:00:00Z";
    connectors_[c.id] = c;
    out.connector = c;
    return out;
  }
  StatusOr<std::vector<ConnectorInfo>> List(int64_t merchant_id) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<ConnectorInfo> out;
    for (const auto& [id, c] : connectors_) {
      if (c.merchant_id == merchant_id) out.push_back(c);
    }
    return out;
  }
  Status Remove(int64_t merchant_id, const std::string& name) override {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = connectors_.begin(); it != connectors_.end(); ++it) {
      if (it->second.merchant_id == merchant_id && it->second.name == name) {
        connectors_.erase(it);
        return OkStatus();
      }
    }
    return NotFoundError("No connector named " + name);
  }
  Status SetEnabled(int64_t merchant_id, const std::string& name, bool enabled) override {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [id, c] : connectors_) {
      if (c.merchant_id == merchant_id && c.name == name) {
        c.enabled = enabled;
        return OkStatus();
      }
    }
    return NotFoundError("No connector named " + name);
  }
  ConnectorOutcome Test(int64_t merchant_id, const std::string& name) override {
    std::lock_guard<std::mutex> lock(mu_);
    ConnectorOutcome out;
    for (auto& [id, c] : connectors_) {
      if (c.merchant_id == merchant_id && c.name == name) {
        c.last_checked_at = "2026-01-01T00:05:00Z";
        out.connector = c;
        return out;
      }
    }
    out.problem = ConnectorProblem{"", "not_found", "No such connector.", ""};
    return out;
  }

 private:
  std::mutex mu_;
  int64_t next_id_ = 1;
  std::map<int64_t, ConnectorInfo> connectors_;
};

class FakeSync : public SyncPort {
 public:
  // `records_per_s` of simulated progress per category.
  explicit FakeSync(double records_per_s = 400) : rate_(records_per_s) {}
  void SyncNow(int64_t store_id) override {
    std::lock_guard<std::mutex> lock(mu_);
    started_[store_id] = std::chrono::steady_clock::now();
    ++sync_now_calls_;
  }
  void Forget(int64_t store_id) override {
    std::lock_guard<std::mutex> lock(mu_);
    started_.erase(store_id);
    forgotten_.push_back(store_id);
  }
  StatusOr<std::vector<CategoryProgress>> Progress(int64_t store_id) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<CategoryProgress> out;
    auto it = started_.find(store_id);
    double elapsed =
        it == started_.end()
            ? -1
            : std::chrono::duration<double>(std::chrono::steady_clock::now() - it->second).count();
    const std::vector<std::pair<std::string, int64_t>> totals = {
        {"customers", 300}, {"orders", 1200}, {"products", 80}, {"coupons", 12}, {"refunds", 40},
        {"payments", 1200}, {"payouts", 0},   {"disputes", 0},  {"reports", 6}};
    for (const auto& [category, total] : totals) {
      CategoryProgress p;
      p.category = category;
      p.records_total = total;
      if (category == "payouts" || category == "disputes") {
        p.state = "not_available";
        p.reason = "This store does not use WooPayments.";
        p.hint = "Payouts and disputes come from WooPayments.";
      } else if (elapsed < 0) {
        p.state = "pending";
      } else {
        p.records_done = std::min<int64_t>(total, static_cast<int64_t>(elapsed * rate_));
        p.rate_per_s = rate_;
        if (p.records_done >= total) {
          p.state = "ok";
          p.last_success_at = "2026-01-01T00:01:00Z";
          p.eta_s = 0;
        } else {
          p.state = "syncing";
          p.eta_s = static_cast<int64_t>(static_cast<double>(total - p.records_done) / rate_);
        }
      }
      out.push_back(p);
    }
    return out;
  }
  int sync_now_calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return sync_now_calls_;
  }
  std::vector<int64_t> forgotten() {
    std::lock_guard<std::mutex> lock(mu_);
    return forgotten_;
  }

 private:
  std::mutex mu_;
  double rate_;
  int sync_now_calls_ = 0;
  std::map<int64_t, std::chrono::steady_clock::time_point> started_;
  std::vector<int64_t> forgotten_;
};

class FakeAsk : public AskPort {
 public:
  StatusOr<AskOutput> Ask(const AskInput& in) override {
    using nlohmann::json;
    {
      std::lock_guard<std::mutex> lock(mu_);
      last_ = in;
    }
    std::string q = in.question;
    std::transform(q.begin(), q.end(), q.begin(), [](unsigned char c) { return std::tolower(c); });
    json a;
    AskOutput out;
    if (q.find("weather") != std::string::npos || q.find("traffic") != std::string::npos) {
      a = {{"status", "out_of_scope"},
           {"answer",
            "I can only answer questions about your store's customers, orders, "
            "products, coupons, refunds, payments, payouts, disputes and reports."},
           {"value", nullptr},
           {"table", nullptr},
           {"chart", nullptr},
           {"categories", json::array()}};
      out.context = in.context;
    } else if (q.find("top") != std::string::npos || q.find("best") != std::string::npos) {
      a = {{"status", "answered"},
           {"answer",
            std::string("Your best seller last month was ") + kXssProductName + " with 42 sold."},
           {"value", kXssProductName},
           {"table",
            {{"columns", {"Product", "Items sold", "Net sales"}},
             {"rows",
              {{kXssProductName, 42, "1,260.00"},
               {"Beanie", 30, "540.00"},
               {"Cap", 12, "216.00"}}}}},
           {"chart",
            {{"type", "bar"},
             {"x", {kXssProductName, "Beanie", "Cap"}},
             {"series", {{{"name", "Items sold"}, {"values", {42, 30, 12}}}}}}},
           {"categories", {"orders", "products"}},
           {"plan", {{"metric", "items_sold"}, {"group_by", "product"}, {"limit", 3}}},
           {"definitions", {"Items sold: quantity on completed and processing orders."}},
           {"as_of", "2026-01-01"},
           {"synced_at", "2026-01-01T00:01:00Z"}};
      out.context = "top_products";
    } else {
      bool follow_up =
          !in.context.empty() && (q.find("and ") == 0 || q.find("before") != std::string::npos);
      a = {
          {"status", "answered"},
          {"answer", follow_up ? "In the month before, net sales were $3,100.00."
                               : "Net sales last month were $4,250.00 from 61 orders."},
          {"value", follow_up ? 3100.0 : 4250.0},
          {"table",
           {{"columns", {"Week", "Net sales"}},
            {"rows",
             json::array({json::array({"2025-12-01", 900}), json::array({"2025-12-08", 1200}),
                          json::array({"2025-12-15", 1100}), json::array({"2025-12-22", 1050})})}}},
          {"chart",
           {{"type", "line"},
            {"x", {"2025-12-01", "2025-12-08", "2025-12-15", "2025-12-22"}},
            {"series", {{{"name", "Net sales"}, {"values", {900, 1200, 1100, 1050}}}}}}},
          {"categories", {"orders", "refunds"}},
          {"plan", {{"metric", "net_sales"}, {"period", "last_month"}}},
          {"definitions", {"Net sales: gross sales minus refunds and discounts."}},
          {"as_of", "2026-01-01"},
          {"synced_at", "2026-01-01T00:01:00Z"}};
      out.context = "net_sales";
    }
    a["store_ids"] = in.store_ids;
    out.status = a["status"];
    out.answer_json = a.dump();
    return out;
  }
  AskInput last() {
    std::lock_guard<std::mutex> lock(mu_);
    return last_;
  }

 private:
  std::mutex mu_;
  AskInput last_;
};

}  // namespace clever::server::testing
