#include "bench/sync/synthetic_store.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <thread>

#include "common/dates.h"

namespace clever::bench {
namespace {

std::string Param(const woo::Params& p, const std::string& k, const std::string& def = "") {
  for (const auto& [key, v] : p) {
    if (key == k) return v;
  }
  return def;
}

std::string Iso(int64_t t) { return LocalDateTime::FromEpochSecondsAsUtc(t).ToString(); }

constexpr int64_t kFirstId = 1000;
constexpr int64_t kStart = 1'700'000'000;

class SyntheticApi : public woo::Api {
 public:
  explicit SyntheticApi(SyntheticStore& s) : store_(s) {}
  StatusOr<woo::Response> Get(const std::string& route, const woo::Params& params) override {
    return store_.Get(route, params);
  }

 private:
  SyntheticStore& store_;
};

}  // namespace

SyntheticStore::SyntheticStore(int64_t orders, int latency_ms)
    : orders_(orders), latency_ms_(latency_ms) {}

woo::ApiFactory SyntheticStore::Factory() {
  return [this] { return std::make_unique<SyntheticApi>(*this); };
}

std::vector<std::pair<std::string, woo::Params>> SyntheticStore::TakeLog() {
  std::lock_guard<std::mutex> lock(mu_);
  return std::move(log_);
}

void SyntheticStore::Change(int64_t n, int64_t n_new) {
  std::lock_guard<std::mutex> lock(mu_);
  now_ += 3600;
  int64_t stride = std::max<int64_t>(1, orders_ / std::max<int64_t>(1, n));
  for (int64_t i = 0; i < n; ++i) modified_[kFirstId + (i * stride) % orders_] = now_;
  for (int64_t i = 0; i < n_new; ++i) modified_[kFirstId + orders_ + i] = now_;
  orders_ += n_new;
}

std::string SyntheticStore::Order(int64_t id, int64_t modified) const {
  const int64_t created = kStart + (id - kFirstId) * 60;
  const int64_t total = 2000 + (id * 7919) % 20000;
  const bool changed = modified != created + 120;
  char buf[4096];
  int n = std::snprintf(
      buf, sizeof buf,
      R"({"id":%lld,"parent_id":0,"number":"%lld","status":"%s","currency":"USD","created_via":"checkout",)"
      R"("date_created":"%s","date_created_gmt":"%s","date_modified":"%s","date_modified_gmt":"%s",)"
      R"("date_paid":"%s","date_paid_gmt":"%s","date_completed":null,"date_completed_gmt":null,)"
      R"("customer_id":%lld,"prices_include_tax":false,"discount_total":"0.00","discount_tax":"0.00",)"
      R"("shipping_total":"5.00","shipping_tax":"0.00","cart_tax":"0.00","total":"%lld.%02lld","total_tax":"0.00",)"
      R"("payment_method":"stripe","payment_method_title":"Credit card","transaction_id":"pi_%lld",)"
      R"("billing":{"first_name":"Ann","last_name":"Buyer%lld","company":"","email":"buyer%lld@example.com",)"
      R"("phone":"555-0100","city":"Springfield","state":"IL","postcode":"62701","country":"US"},)"
      R"("shipping":{"city":"Springfield","state":"IL","postcode":"62701","country":"US"},)"
      R"("line_items":[{"id":%lld,"name":"Ceramic Pour-Over Dripper","product_id":101,"variation_id":0,)"
      R"("quantity":1,"tax_class":"","subtotal":"%lld.%02lld","subtotal_tax":"0.00","total":"%lld.%02lld",)"
      R"("total_tax":"0.00","taxes":[],"meta_data":[],"sku":"CPD","price":12.5,"image":{"id":"","src":""},"parent_name":null},)"
      R"({"id":%lld,"name":"Paper Filters","product_id":102,"variation_id":0,"quantity":2,"tax_class":"",)"
      R"("subtotal":"5.00","subtotal_tax":"0.00","total":"5.00","total_tax":"0.00","taxes":[],"meta_data":[],)"
      R"("sku":"PF","price":2.5,"image":{"id":"","src":""},"parent_name":null}],)"
      R"("tax_lines":[],"shipping_lines":[{"id":%lld,"method_title":"Flat rate","method_id":"flat_rate",)"
      R"("instance_id":"1","total":"5.00","total_tax":"0.00","taxes":[],"meta_data":[]}],)"
      R"("fee_lines":[],"coupon_lines":[],"refunds":[]})",
      static_cast<long long>(id), static_cast<long long>(id), changed ? "completed" : "processing",
      Iso(created - 18000).c_str(), Iso(created).c_str(), Iso(modified - 18000).c_str(),
      Iso(modified).c_str(), Iso(created + 30 - 18000).c_str(), Iso(created + 30).c_str(),
      static_cast<long long>(id % 500), static_cast<long long>(total / 100),
      static_cast<long long>(total % 100), static_cast<long long>(id),
      static_cast<long long>(id % 97), static_cast<long long>(id % 97),
      static_cast<long long>(id * 10), static_cast<long long>((total - 1500) / 100),
      static_cast<long long>((total - 1500) % 100), static_cast<long long>((total - 1500) / 100),
      static_cast<long long>((total - 1500) % 100), static_cast<long long>(id * 10 + 1),
      static_cast<long long>(id * 10 + 2));
  return std::string(buf, static_cast<size_t>(std::max(0, n)));
}

StatusOr<woo::Response> SyntheticStore::Get(const std::string& route, const woo::Params& p) {
  int64_t orders = 0;
  std::map<int64_t, int64_t> changed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    log_.emplace_back(route, p);
    orders = orders_;
    if (!Param(p, "modified_after").empty()) changed = modified_;
  }
  if (latency_ms_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(latency_ms_.load()));
  woo::Response r;
  r.headers["date"] = "Fri, 27 Nov 2026 23:49:00 GMT";
  auto list = [&](const std::string& body, int64_t total) {
    r.body = body;
    r.total = total;
    return r;
  };
  if (route.empty()) {
    return list(
        R"({"name":"Bench","url":"http://bench","home":"http://bench","gmt_offset":-5,"timezone_string":"America/New_York","namespaces":["wc/v3"]})",
        -1);
  }
  if (route == "wc/v3") {
    return list(
        R"({"routes":{"/wc/v3/orders":{"endpoints":[{"methods":["GET"],"args":{"modified_after":{},"dates_are_gmt":{}}}]},"/wc/v3/refunds":{},"/wc/v3/variations":{}}})",
        -1);
  }
  if (route == "wc/v3/settings/general") {
    return list(
        R"([{"id":"woocommerce_currency","value":"USD"},{"id":"woocommerce_price_num_decimals","value":"2"}])",
        -1);
  }
  if (route == "wc/v3/orders") {
    const int64_t per_page = std::stoll(Param(p, "per_page", "10"));
    const int64_t offset = std::stoll(Param(p, "offset", "0"));
    const bool ids_only = Param(p, "_fields") == "id";
    std::vector<std::pair<int64_t, int64_t>> rows;  // id, modified
    int64_t total = orders;
    std::string after = Param(p, "modified_after");
    if (!after.empty()) {
      std::vector<std::pair<int64_t, int64_t>> all;
      for (const auto& [id, m] : changed) {
        if (Iso(m) > after) all.emplace_back(m, id);
      }
      std::sort(all.begin(), all.end());
      total = static_cast<int64_t>(all.size());
      for (int64_t i = offset; i < std::min(total, offset + per_page); ++i) {
        rows.emplace_back(all[static_cast<size_t>(i)].second, all[static_cast<size_t>(i)].first);
      }
    } else {
      std::lock_guard<std::mutex> lock(mu_);
      for (int64_t i = offset; i < std::min(orders, offset + per_page); ++i) {
        int64_t id = kFirstId + i;
        auto it = modified_.find(id);
        rows.emplace_back(id, it != modified_.end() ? it->second : kStart + i * 60 + 120);
      }
    }
    std::string body = "[";
    for (size_t i = 0; i < rows.size(); ++i) {
      if (i) body += ",";
      body += ids_only ? "{\"id\":" + std::to_string(rows[i].first) + "}"
                       : Order(rows[i].first, rows[i].second);
    }
    body += "]";
    return list(body, total);
  }
  if (route == "wc/v3/payment_gateways") {
    return list(R"([{"id":"stripe","title":"Credit card","enabled":true,"method_title":"Stripe"}])",
                -1);
  }
  if (route.rfind("wc/v3/reports/", 0) == 0) {
    if (route == "wc/v3/reports/sales") {
      return list(
          R"([{"total_sales":"1.00","net_sales":"1.00","total_orders":1,"total_items":1,"total_tax":"0.00","total_shipping":"0.00","total_refunds":0,"total_discount":"0.00","total_customers":0}])",
          -1);
    }
    return list(R"([{"slug":"completed","name":"Completed","total":1}])", -1);
  }
  if (route.rfind("wc/v3/payments/", 0) == 0) {
    return NotFoundError("rest_no_route: No route was found matching the URL and request method.");
  }
  // customers, products, categories, coupons, refunds, variations: empty stores.
  return list("[]", 0);
}

}  // namespace clever::bench
