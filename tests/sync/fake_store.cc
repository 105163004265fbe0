#include "tests/sync/fake_store.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "common/dates.h"
#include "common/money.h"

namespace clever::sync::testing {
namespace {

using json = nlohmann::json;

std::string Money2(int64_t minor, int decimals) { return FormatMoneyPlain(Money{minor}, decimals); }

int64_t MinorOf(const json& v, int decimals) {
  if (!v.is_string()) return 0;
  auto m = ParseMoney(v.get<std::string>(), decimals);
  return m.ok() ? m->minor : 0;
}

std::string ParamOf(const woo::Params& p, const std::string& key, const std::string& def = "") {
  for (const auto& [k, v] : p) {
    if (k == key) return v;
  }
  return def;
}

std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string part;
  while (std::getline(in, part, ',')) {
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

// WordPress `_fields`: top-level keys, dotted paths into objects; a dotted path into a list drops
// the list (WooCommerce 10.0.2 behaviour).
json ApplyFields(const json& item, const std::string& fields) {
  if (fields.empty()) return item;
  json out = json::object();
  for (const auto& f : Split(fields)) {
    size_t dot = f.find('.');
    std::string top = f.substr(0, dot);
    if (!item.contains(top)) continue;
    if (dot == std::string::npos) {
      out[top] = item[top];
    } else if (item[top].is_object()) {
      std::string sub = f.substr(dot + 1);
      if (!out.contains(top)) out[top] = json::object();
      if (item[top].contains(sub)) out[top][sub] = item[top][sub];
    }
  }
  if (item.contains("id")) out["id"] = item["id"];
  return out;
}

}  // namespace

FakeStore::FakeStore(FakeOptions options)
    : options_(options), rng_(options.seed), fault_rng_(options.seed * 7 + 1) {
  now_ = 1'790'000'000;  // 2026-09-22
  const int dp = options_.decimals;
  // Categories.
  for (int i = 1; i <= 4; ++i) {
    categories_.push_back({{"id", 10 + i},
                           {"name", "Category " + std::to_string(i)},
                           {"slug", "cat-" + std::to_string(i)},
                           {"parent", i > 2 ? 11 : 0},
                           {"count", 0},
                           {"description", "desc"},
                           {"image", nullptr}});
  }
  // Customers.
  for (int i = 1; i <= options_.customers; ++i) {
    int64_t t = now_ - 400 * 86400 + i * 3600;
    customers_.push_back({{"id", i + 1},
                          {"date_created", Now(t, false)},
                          {"date_created_gmt", Now(t, true)},
                          {"date_modified", Now(t, false)},
                          {"date_modified_gmt", Now(t, true)},
                          {"email", "c" + std::to_string(i) + "@example.com"},
                          {"first_name", "First" + std::to_string(i)},
                          {"last_name", "Last"},
                          {"role", i % 7 == 0 ? "subscriber" : "customer"},
                          {"username", "user_secret_" + std::to_string(i)},
                          {"avatar_url", "https://secure.gravatar.com/avatar/SECRETHASH"},
                          {"is_paying_customer", i % 2 == 0},
                          {"billing",
                           {{"first_name", "First"},
                            {"last_name", "Last"},
                            {"company", ""},
                            {"address_1", "1 SECRET street"},
                            {"address_2", ""},
                            {"city", "Town"},
                            {"state", "NY"},
                            {"postcode", "10001"},
                            {"country", "US"},
                            {"email", "c" + std::to_string(i) + "@example.com"},
                            {"phone", "555"}}},
                          {"shipping",
                           {{"first_name", "First"},
                            {"city", "Town"},
                            {"state", "NY"},
                            {"postcode", "10001"},
                            {"country", "US"},
                            {"address_1", "1 SECRET street"}}},
                          {"meta_data", json::array({{{"id", 1},
                                                      {"key", "_stripe_customer_id"},
                                                      {"value", "cus_SECRETMETA"}}})}});
  }
  // Products and variations.
  int64_t var_id = 90000;
  for (int i = 1; i <= options_.products; ++i) {
    bool variable = i % 3 == 0;
    int64_t t = now_ - 500 * 86400 + i * 60;
    json p = {{"id", 1000 + i},
              {"name", "Product " + std::to_string(i)},
              {"slug", "product-" + std::to_string(i)},
              {"type", variable ? "variable" : "simple"},
              {"status", "publish"},
              {"sku", "SKU" + std::to_string(i)},
              {"price", variable ? "" : Money2(1000 + i * 250, dp)},
              {"regular_price", variable ? "" : Money2(1000 + i * 250, dp)},
              {"sale_price", ""},
              {"on_sale", false},
              {"total_sales", i * 3},
              {"manage_stock", !variable},
              {"stock_quantity", variable ? json(nullptr) : json(50 + i)},
              {"stock_status", "instock"},
              {"backorders", "no"},
              {"low_stock_amount", nullptr},
              {"parent_id", 0},
              {"date_created", Now(t, false)},
              {"date_created_gmt", Now(t, true)},
              {"date_modified", Now(t, false)},
              {"date_modified_gmt", Now(t, true)},
              {"categories", json::array({{{"id", 11 + i % 4},
                                           {"name", "Category " + std::to_string(1 + i % 4)},
                                           {"slug", "cat-" + std::to_string(1 + i % 4)}}})},
              {"tags", json::array()},
              {"attributes", json::array()},
              {"downloads", json::array({{{"id", "d1"}, {"file", "https://x/SECRETFILE.zip"}}})},
              {"post_password", "SECRETPOSTPASS"},
              {"description", "<p>long</p>"},
              {"meta_data", json::array()},
              {"variations", json::array()}};
    if (variable) {
      for (int v = 0; v < 3; ++v) {
        ++var_id;
        p["variations"].push_back(var_id);
        variations_.push_back(
            {{"id", var_id},
             {"parent_id", 1000 + i},
             {"name", "Product " + std::to_string(i) + " - Size " + std::to_string(v)},
             {"sku", "SKU" + std::to_string(i) + "-" + std::to_string(v)},
             {"status", "publish"},
             {"price", Money2(1500 + v * 100, dp)},
             {"regular_price", Money2(1500 + v * 100, dp)},
             {"sale_price", ""},
             {"on_sale", false},
             {"manage_stock", v == 2 ? json("parent") : json(true)},
             {"stock_quantity", 10 + v},
             {"stock_status", "instock"},
             {"attributes",
              json::array({{{"id", 1}, {"name", "Size"}, {"option", std::to_string(v)}}})},
             {"date_created_gmt", Now(t, true)},
             {"date_modified_gmt", Now(t, true)},
             {"meta_data", json::array()}});
      }
    }
    products_.push_back(p);
  }
  // Coupons.
  for (int i = 1; i <= options_.coupons; ++i) {
    int64_t t = now_ - 300 * 86400 + i * 60;
    coupons_.push_back({{"id", 5000 + i},
                        {"code", "SAVE" + std::to_string(i)},
                        {"status", "publish"},
                        {"discount_type", i % 2 ? "percent" : "fixed_cart"},
                        {"amount", i % 2 ? "10" : Money2(500, dp)},
                        {"usage_count", i},
                        {"usage_limit", nullptr},
                        {"usage_limit_per_user", 1},
                        {"date_expires", nullptr},
                        {"date_expires_gmt", nullptr},
                        {"free_shipping", false},
                        {"minimum_amount", Money2(0, dp)},
                        {"maximum_amount", ""},
                        {"individual_use", false},
                        {"exclude_sale_items", false},
                        {"email_restrictions", json::array({"SECRETEMAIL@restrict.com"})},
                        {"used_by", json::array({"SECRETGUEST@used.com"})},
                        {"date_created", Now(t, false)},
                        {"date_created_gmt", Now(t, true)},
                        {"date_modified_gmt", Now(t, true)}});
  }
  // Orders (and some refunds).
  for (int i = 0; i < options_.orders; ++i) {
    int64_t created = now_ - 200 * 86400 + i * (200 * 86400 / std::max(1, options_.orders));
    json o = MakeOrder(next_id_++, created);
    if (i % 9 == 4) {
      refunds_.push_back(MakeRefund(next_id_++, o, created + 3600));
    }
    orders_.push_back(o);
  }
  // Gateways.
  gateways_ = {{{"id", "woocommerce_payments"},
                {"title", "Card"},
                {"enabled", true},
                {"method_title", "WooPayments"},
                {"order", ""},
                {"settings", {{"api_key", {{"value", "sk_live_SECRETGATEWAY"}}}}}},
               {{"id", "cod"},
                {"title", "Cash on delivery"},
                {"enabled", false},
                {"method_title", "Cash on delivery"},
                {"settings", json::object()}}};
  // WooPayments.
  for (int i = 0; i < 25; ++i) {
    payouts_.push_back({{"id", "po_" + std::to_string(1000 + i)},
                        {"date", (now_ - (25 - i) * 86400 * 7) * 1000},
                        {"created", now_ - (25 - i) * 86400 * 7 - 86400},
                        {"type", "deposit"},
                        {"amount", 10000 + i * 37},
                        {"fee", 0},
                        {"status", "paid"},
                        {"currency", "usd"},
                        {"automatic", true},
                        {"bankAccount", "SECRETBANK •••• 3000"}});
  }
  for (int i = 0; i < options_.disputes; ++i) {
    const int n = options_.disputes;
    std::string status = "needs_response";
    if (n > 5) {
      status = (i >= n - 120 && i % 7 == 0) ? "under_review" : (i % 2 == 0 ? "won" : "lost");
    }
    std::string created = Now(now_ - static_cast<int64_t>(n - i) * 3 * 86400, true);
    created[10] = ' ';
    disputes_.push_back({{"wcpay_disputes_cache_id", i},
                         {"dispute_id", "dp_" + std::to_string(i)},
                         {"charge_id", "ch_" + std::to_string(i)},
                         {"order_number", std::to_string(100 + i)},
                         {"amount", 2500 + i},
                         {"currency", "usd"},
                         {"reason", "fraudulent"},
                         {"status", status},
                         {"created", n > 5 ? created : std::string("2026-09-01 10:00:00")},
                         {"due_by", "2026-09-20 10:00:00"},
                         {"source", "visa"},
                         {"customer_email", "SECRETDISPUTE@x.com"},
                         {"evidence", {{"customer_email_address", "SECRETEVIDENCE@x.com"}}}});
  }
  for (const auto& o : orders_) {
    if (o["date_paid_gmt"].is_null()) continue;
    transactions_.push_back({{"transaction_id", "txn_" + std::to_string(o["id"].get<int64_t>())},
                             {"date", o["date_paid_gmt"]},
                             {"type", "charge"},
                             {"channel", "online"},
                             {"source", "visa"},
                             {"source_identifier", "SECRETLAST4"},
                             {"customer_email", "SECRETTXN@x.com"},
                             {"amount", MinorOf(o["total"], dp)},
                             {"fees", 30},
                             {"net", MinorOf(o["total"], dp) - 30},
                             {"currency", "usd"},
                             {"order_id", o["id"]},
                             {"deposit_id", "po_1000"},
                             {"deposit_status", "paid"},
                             {"available_on", "2026-09-01"},
                             {"risk_level", 0}});
  }
}

std::string FakeStore::Now(int64_t t, bool gmt) const {
  return LocalDateTime::FromEpochSecondsAsUtc(gmt ? t : t - 5 * 3600).ToString();
}

json FakeStore::MakeOrder(int64_t id, int64_t created) {
  const int dp = options_.decimals;
  static const char* const kStatuses[] = {"completed", "processing", "completed", "on-hold",
                                          "completed", "cancelled",  "pending",   "refunded"};
  std::string status = kStatuses[rng_() % 8];
  int items = 1 + static_cast<int>(rng_() % 3);
  json lines = json::array();
  int64_t subtotal = 0;
  for (int k = 0; k < items; ++k) {
    const json& p = products_[rng_() % products_.size()];
    int64_t qty = 1 + rng_() % 3;
    int64_t unit = 1000 + static_cast<int64_t>(rng_() % 5000);
    int64_t total = qty * unit;
    subtotal += total;
    int64_t variation = 0;
    if (p["type"] == "variable" && !p["variations"].empty()) variation = p["variations"][0];
    lines.push_back(
        {{"id", id * 10 + k},
         {"name", p["name"]},
         {"product_id", p["id"]},
         {"variation_id", variation},
         {"quantity", qty},
         {"tax_class", ""},
         {"subtotal", Money2(total, dp)},
         {"subtotal_tax", Money2(0, dp)},
         {"total", Money2(total, dp)},
         {"total_tax", Money2(0, dp)},
         {"taxes", json::array()},
         {"meta_data",
          json::array({{{"id", 9}, {"key", "engraving"}, {"value", "SECRETENGRAVING"}}})},
         {"sku", p["sku"]},
         {"price", static_cast<double>(unit) / 100.0},
         {"image", {{"id", ""}, {"src", ""}}},
         {"parent_name", nullptr}});
  }
  int64_t shipping = (rng_() % 2) ? 500 : 0;
  json coupon_lines = json::array();
  int64_t discount = 0;
  if (rng_() % 5 == 0 && !coupons_.empty()) {
    discount = 100;
    coupon_lines.push_back({{"id", id * 10 + 8},
                            {"code", coupons_[rng_() % coupons_.size()]["code"]},
                            {"discount", Money2(discount, dp)},
                            {"discount_tax", Money2(0, dp)},
                            {"discount_type", "fixed_cart"},
                            {"meta_data", json::array()}});
  }
  int64_t customer = (rng_() % 3 == 0 || customers_.empty())
                         ? 0
                         : customers_[rng_() % customers_.size()]["id"].get<int64_t>();
  bool paid = status == "completed" || status == "processing" || status == "refunded";
  int64_t modified = created + 120;
  return {{"id", id},
          {"parent_id", 0},
          {"number", std::to_string(id)},
          {"order_key", "wc_order_SECRETKEY" + std::to_string(id)},
          {"created_via", "checkout"},
          {"version", "10.0.2"},
          {"status", status},
          {"currency", "USD"},
          {"date_created", Now(created, false)},
          {"date_created_gmt", Now(created, true)},
          {"date_modified", Now(modified, false)},
          {"date_modified_gmt", Now(modified, true)},
          {"date_paid", paid ? json(Now(created + 60, false)) : json(nullptr)},
          {"date_paid_gmt", paid ? json(Now(created + 60, true)) : json(nullptr)},
          {"date_completed", nullptr},
          {"date_completed_gmt", nullptr},
          {"discount_total", Money2(discount, dp)},
          {"discount_tax", Money2(0, dp)},
          {"shipping_total", Money2(shipping, dp)},
          {"shipping_tax", Money2(0, dp)},
          {"cart_tax", Money2(0, dp)},
          {"total", Money2(subtotal + shipping - discount, dp)},
          {"total_tax", Money2(0, dp)},
          {"prices_include_tax", false},
          {"customer_id", customer},
          {"customer_ip_address", "203.0.113.77"},
          {"customer_user_agent", "SECRETAGENT/1.0"},
          {"customer_note", "SECRETNOTE"},
          {"billing",
           {{"first_name", "Buyer"},
            {"last_name", std::to_string(id % 50)},
            {"company", ""},
            {"address_1", "9 SECRET road"},
            {"city", "Town"},
            {"state", "NY"},
            {"postcode", "10001"},
            {"country", "US"},
            {"email", "buyer" + std::to_string(id % 50) + "@example.com"},
            {"phone", ""}}},
          {"shipping",
           {{"first_name", "Buyer"},
            {"city", "Town"},
            {"state", "NY"},
            {"postcode", "10001"},
            {"country", "US"},
            {"address_1", "9 SECRET road"}}},
          {"payment_method", "woocommerce_payments"},
          {"payment_method_title", "Card"},
          {"transaction_id", paid ? "pi_" + std::to_string(id) : ""},
          {"cart_hash", "SECRETCARTHASH"},
          {"meta_data",
           json::array({{{"id", 1}, {"key", "_stripe_source_id"}, {"value", "src_SECRETMETA"}}})},
          {"line_items", lines},
          {"tax_lines", json::array()},
          {"shipping_lines", shipping > 0 ? json::array({{{"id", id * 10 + 7},
                                                          {"method_title", "Flat rate"},
                                                          {"method_id", "flat_rate"},
                                                          {"instance_id", "1"},
                                                          {"total", Money2(shipping, dp)},
                                                          {"total_tax", Money2(0, dp)},
                                                          {"taxes", json::array()},
                                                          {"meta_data", json::array()}}})
                                          : json::array()},
          {"fee_lines", json::array()},
          {"coupon_lines", coupon_lines},
          {"refunds", json::array()},
          {"payment_url", "https://shop.example/checkout/order-pay/SECRETPAYURL"},
          {"is_editable", false},
          {"needs_payment", false}};
}

json FakeStore::MakeRefund(int64_t id, json& order, int64_t created) {
  const int dp = options_.decimals;
  int64_t order_id = order["id"];
  const json& li = order["line_items"][0];
  int64_t amount = MinorOf(li["total"], dp) / 2;
  const int64_t t = created;
  order["refunds"].push_back(
      {{"id", id}, {"reason", "damaged"}, {"total", "-" + Money2(amount, dp)}});
  order["date_modified_gmt"] = Now(t, true);  // WC >= 7.6 bumps the order on refund
  order["date_modified"] = Now(t, false);
  return {{"id", id},
          {"parent_id", order_id},
          {"date_created", Now(t, false)},
          {"date_created_gmt", Now(t, true)},
          {"amount", Money2(amount, dp)},
          {"reason", "damaged"},
          {"refunded_by", 1},
          {"refunded_payment", true},
          {"meta_data", json::array({{{"key", "_wcpay_refund_id"}, {"value", "re_SECRETMETA"}}})},
          {"line_items", json::array({{{"id", id * 10},
                                       {"product_id", li["product_id"]},
                                       {"variation_id", li["variation_id"]},
                                       {"quantity", -1},
                                       {"total", "-" + Money2(amount, dp)},
                                       {"total_tax", Money2(0, dp)},
                                       {"meta_data", json::array()}}})},
          {"shipping_lines", json::array()},
          {"fee_lines", json::array()},
          {"_links",
           {{"up", json::array({{{"href", "https://shop.example/wp-json/wc/v3/orders/" +
                                              std::to_string(order_id)}}})}}}};
}

class FakeApi : public woo::Api {
 public:
  explicit FakeApi(FakeStore& store) : store_(store) {}
  StatusOr<woo::Response> Get(const std::string& route, const woo::Params& params) override {
    return store_.Get(route, params);
  }

 private:
  FakeStore& store_;
};

std::unique_ptr<woo::Api> FakeStore::NewApi() { return std::make_unique<FakeApi>(*this); }

void FakeStore::SetFaults(Faults f) {
  std::lock_guard<std::mutex> lock(mu_);
  faults_ = f;
}
void FakeStore::SetHook(std::function<void(int64_t)> hook) {
  std::lock_guard<std::mutex> lock(mu_);
  hook_ = std::move(hook);
}
std::vector<RequestLogEntry> FakeStore::requests() {
  std::lock_guard<std::mutex> lock(mu_);
  return log_;
}
void FakeStore::ClearRequests() {
  std::lock_guard<std::mutex> lock(mu_);
  log_.clear();
}

std::vector<std::string> FakeStore::Secrets() {
  return {"SECRETKEY",      "SECRETMETA",     "SECRETPAYURL",    "203.0.113.77",  "SECRETAGENT",
          "SECRETNOTE",     "SECRETCARTHASH", "SECRETENGRAVING", "SECRETGATEWAY", "SECRETEVIDENCE",
          "SECRETDISPUTE",  "SECRETTXN",      "SECRETLAST4",     "SECRETBANK",    "SECRETFILE",
          "SECRETPOSTPASS", "SECRETHASH",     "user_secret_",    "SECRET street", "SECRET road",
          "SECRETEMAIL",    "SECRETGUEST"};
}

StatusOr<woo::Response> FakeStore::Get(const std::string& route, const woo::Params& params) {
  int64_t n = count_.fetch_add(1);
  std::function<void(int64_t)> hook;
  Faults faults;
  int fault = -1;
  {
    std::lock_guard<std::mutex> lock(mu_);
    log_.push_back({route, params});
    hook = hook_;
    faults = faults_;
    if (faults.rate > 0 && std::uniform_real_distribution<double>(0, 1)(fault_rng_) < faults.rate) {
      fault = static_cast<int>(fault_rng_() % 8);
    }
    if (faults_.truncate_times > 0 && route == faults_.truncate_route) {
      --faults_.truncate_times;
      fault = 5;
    }
  }
  if (hook) hook(n);
  if (faults.latency_us > 0)
    std::this_thread::sleep_for(std::chrono::microseconds(faults.latency_us));
  switch (fault) {
    case 0:
      return UnavailableError("the store answered HTTP 500 (internal_server_error)");
    case 1:
      return UnavailableError("the store answered HTTP 502");
    case 2:
      return UnavailableError("the store answered HTTP 503; Retry-After: 1");
    case 3:
      return UnavailableError("the store answered HTTP 429 Too Many Requests; retry-after=2");
    case 4:
      return UnavailableError("connection reset by peer");
    default:
      break;
  }
  StatusOr<woo::Response> r = [&] {
    std::lock_guard<std::mutex> lock(mu_);
    return Route(route, params);
  }();
  if (!r.ok()) return r;
  if (fault == 5 && r->body.size() > 2) {
    r->body.resize(r->body.size() / 2);  // truncated
  } else if (fault == 6) {
    r->body =
        "<!DOCTYPE html><html><head><style>body{color:red}</style></head><body><h1>Error "
        "establishing a database connection</h1></body></html>";
  } else if (fault == 7) {
    r->body =
        "<br />\n<b>Notice</b>:  Undefined index: foo in <b>/var/www/wp-content/plugins/x.php"
        "</b> on line <b>12</b><br />\n" +
        r->body;
  }
  return r;
}

StatusOr<woo::Response> FakeStore::List(const std::vector<json>& items, const woo::Params& p,
                                        bool zero_total_past_end) {
  int per_page = 10;
  int64_t page = 1, offset = -1;
  try {
    per_page = std::stoi(ParamOf(p, "per_page", "10"));
    page = std::stoll(ParamOf(p, "page", "1"));
    std::string off = ParamOf(p, "offset");
    if (!off.empty()) offset = std::stoll(off);
  } catch (...) {
    return InvalidArgumentError("rest_invalid_param: Invalid parameter(s): per_page");
  }
  if (per_page < 1 || per_page > 100 || page < 1) {
    return InvalidArgumentError("rest_invalid_param: Invalid parameter(s): per_page");
  }
  std::vector<const json*> sel;
  std::string modified_after = ParamOf(p, "modified_after");
  bool gmt = ParamOf(p, "dates_are_gmt") == "true";
  std::set<int64_t> include;
  for (const auto& s : Split(ParamOf(p, "include"))) include.insert(std::stoll(s));
  std::string status = ParamOf(p, "status", "any");
  for (const auto& item : items) {
    if (status == "any" && item.contains("status") && item["status"] == "trash") continue;
    if (!include.empty() && include.count(item["id"].get<int64_t>()) == 0) continue;
    if (!modified_after.empty() && options_.modified_after) {
      std::string key = gmt ? "date_modified_gmt" : "date_modified";
      std::string m = item.contains(key) && item[key].is_string() ? item[key].get<std::string>()
                      : item.contains("date_created_gmt")
                          ? item["date_created_gmt"].get<std::string>()
                          : "";
      if (!(m > modified_after)) continue;
    }
    sel.push_back(&item);
  }
  std::string orderby = ParamOf(p, "orderby", "date");
  bool asc = ParamOf(p, "order", "desc") == "asc";
  if (options_.ignore_orderby) {
    orderby = "date";
    asc = false;
  }
  auto key = [&](const json* j) {
    std::string d;
    if (orderby == "modified" && j->contains("date_modified_gmt")) {
      d = (*j)["date_modified_gmt"].get<std::string>();
    } else if (orderby == "date" && j->contains("date_created_gmt")) {
      d = (*j)["date_created_gmt"].get<std::string>();
    }
    return std::make_pair(d, (*j)["id"].get<int64_t>());
  };
  std::stable_sort(sel.begin(), sel.end(), [&](const json* a, const json* b) {
    return asc ? key(a) < key(b) : key(b) < key(a);
  });
  int64_t total = static_cast<int64_t>(sel.size());
  int64_t start = offset >= 0 ? offset : (page - 1) * per_page;
  json body = json::array();
  std::string fields = ParamOf(p, "_fields");
  for (int64_t i = start; i < std::min<int64_t>(total, start + per_page); ++i) {
    body.push_back(ApplyFields(*sel[static_cast<size_t>(i)], fields));
  }
  woo::Response r;
  r.body = body.dump();
  r.total = (zero_total_past_end && start >= total && total > 0) ? 0 : total;
  r.total_pages = r.total == 0 ? 0 : (r.total + per_page - 1) / per_page;
  char date[64];
  std::time_t t = now_;
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  r.headers["date"] = date;
  return r;
}

StatusOr<woo::Response> FakeStore::Wrapper(const std::vector<json>& items, const woo::Params& p,
                                           bool with_total) {
  int64_t page = std::stoll(ParamOf(p, "page", "1"));
  int64_t size = std::stoll(ParamOf(p, "pagesize", "25"));
  if (page < 1 || size < 1) return InvalidArgumentError("wcpay_bad_request: Error: invalid page");
  std::string after = ParamOf(p, "date_after");
  std::vector<const json*> sel;
  for (const auto& item : items) {
    if (!after.empty() && item.contains("date") && item["date"].is_string()) {
      std::string d = item["date"].get<std::string>();
      if (d.size() > 10) d[10] = ' ';
      if (!(d > after)) continue;
    }
    sel.push_back(&item);
  }
  // WooPayments sorts by `sort` (newest first unless `direction=asc`); without it, as stored.
  const std::string sort = ParamOf(p, "sort");
  if (!sort.empty()) {
    const bool asc = ParamOf(p, "direction", "desc") == "asc";
    std::stable_sort(sel.begin(), sel.end(), [&](const json* a, const json* b) {
      if (!a->contains(sort) || !b->contains(sort)) return false;
      return asc ? (*a)[sort] < (*b)[sort] : (*b)[sort] < (*a)[sort];
    });
  }
  json data = json::array();
  for (int64_t i = (page - 1) * size;
       i < std::min<int64_t>(static_cast<int64_t>(sel.size()), page * size); ++i) {
    data.push_back(*sel[static_cast<size_t>(i)]);
  }
  json body = {{"data", data}};
  if (with_total) body["total_count"] = sel.size();
  woo::Response r;
  r.body = body.dump();
  return r;
}

StatusOr<woo::Response> FakeStore::Route(const std::string& route, const woo::Params& p) {
  auto no_route = [] {
    return NotFoundError("rest_no_route: No route was found matching the URL and request method.");
  };
  auto one = [](const json& j) {
    woo::Response r;
    r.body = j.dump();
    return StatusOr<woo::Response>(r);
  };
  if (route.empty()) {
    json idx = {{"name", "Fake Shop"},
                {"url", "https://shop.example"},
                {"home", "https://shop.example"},
                {"gmt_offset", -5},
                {"timezone_string", "America/New_York"},
                {"namespaces", json::array({"wc/v3"})}};
    return one(ApplyFields(idx, ParamOf(p, "_fields")));
  }
  if (route == "wc/v3") {
    json routes = json::object();
    for (const char* r : {"/wc/v3/customers", "/wc/v3/products", "/wc/v3/coupons",
                          "/wc/v3/products/categories", "/wc/v3/payment_gateways", "/wc/v3/reports",
                          "/wc/v3/reports/sales", "/wc/v3/settings/general"}) {
      routes[r] = {{"namespace", "wc/v3"}, {"methods", {"GET"}}};
    }
    json args = {{"page", json::object()}, {"per_page", json::object()}};
    if (options_.modified_after) {
      args["modified_after"] = json::object();
      args["dates_are_gmt"] = json::object();
    }
    routes["/wc/v3/orders"] = {
        {"namespace", "wc/v3"},
        {"methods", {"GET", "POST"}},
        {"endpoints", json::array({{{"methods", {"GET"}}, {"args", args}},
                                   {{"methods", {"POST"}}, {"args", json::object()}}})}};
    if (options_.refunds_route) routes["/wc/v3/refunds"] = json::object();
    if (options_.variations_route) routes["/wc/v3/variations"] = json::object();
    if (options_.woopayments) {
      routes["/wc/v3/payments/deposits"] = json::object();
      routes["/wc/v3/payments/disputes"] = json::object();
      routes["/wc/v3/payments/transactions"] = json::object();
    }
    return one({{"namespace", "wc/v3"}, {"routes", routes}});
  }
  if (route == "wc/v3/settings/general") {
    json list = json::array(
        {{{"id", "woocommerce_currency"}, {"value", "USD"}},
         {{"id", "woocommerce_price_num_decimals"}, {"value", std::to_string(options_.decimals)}}});
    json out = json::array();
    for (auto& item : list) out.push_back(ApplyFields(item, ParamOf(p, "_fields")));
    return one(out);
  }
  if (route == "wc/v3/customers") {
    std::vector<json> sel;
    std::string role = ParamOf(p, "role", "customer");
    for (const auto& c : customers_) {
      if (role == "all" || c["role"] == role) sel.push_back(c);
    }
    woo::Params q;
    for (const auto& kv : p) {
      if (kv.first != "modified_after") q.push_back(kv);  // no date filter on customers
    }
    return List(sel, q, false);
  }
  if (route == "wc/v3/orders") return List(orders_, p, true);
  if (route == "wc/v3/products") return List(products_, p, false);
  if (route == "wc/v3/coupons") return List(coupons_, p, false);
  if (route == "wc/v3/products/categories") return List(categories_, p, false);
  if (route == "wc/v3/variations") {
    if (!options_.variations_route) return no_route();
    return List(variations_, p, false);
  }
  if (route == "wc/v3/refunds") {
    if (!options_.refunds_route) return no_route();
    return List(refunds_, p, true);
  }
  if (route.rfind("wc/v3/products/", 0) == 0 && route.size() > 26 &&
      route.substr(route.size() - 11) == "/variations") {
    int64_t parent = std::stoll(route.substr(15));
    std::vector<json> sel;
    for (const auto& v : variations_) {
      if (v["parent_id"] == parent) sel.push_back(v);
    }
    return List(sel, p, false);
  }
  if (route.rfind("wc/v3/orders/", 0) == 0 && route.size() > 21 &&
      route.substr(route.size() - 8) == "/refunds") {
    int64_t order = std::stoll(route.substr(13));
    std::vector<json> sel;
    for (const auto& r : refunds_) {
      if (r["parent_id"] == order) {
        json copy = r;
        copy.erase("parent_id");  // per-order refunds carry no parent_id
        sel.push_back(copy);
      }
    }
    return List(sel, p, true);
  }
  if (route == "wc/v3/payment_gateways") {
    json out = json::array();
    for (const auto& g : gateways_) out.push_back(ApplyFields(g, ParamOf(p, "_fields")));
    return one(out);
  }
  if (route.rfind("wc/v3/payments/", 0) == 0) {
    if (!options_.woopayments) return no_route();
    if (route == "wc/v3/payments/deposits") return Wrapper(payouts_, p, true);
    if (route == "wc/v3/payments/disputes") return Wrapper(disputes_, p, false);
    if (route == "wc/v3/payments/transactions") return Wrapper(transactions_, p, false);
    return no_route();
  }
  if (route.rfind("wc/v3/reports/", 0) == 0) {
    if (route == "wc/v3/reports/sales") {
      int64_t total = 0;
      for (const auto& o : orders_) total += MinorOf(o["total"], options_.decimals);
      return one(json::array({{{"total_sales", Money2(total, options_.decimals)},
                               {"net_sales", Money2(total, options_.decimals)},
                               {"total_orders", orders_.size()},
                               {"total_items", orders_.size() * 2},
                               {"total_tax", "0.00"},
                               {"total_shipping", "0.00"},
                               {"total_refunds", 12.5},
                               {"total_discount", "0.00"},
                               {"total_customers", 3},
                               {"totals", json::object()}}}));
    }
    std::map<std::string, int64_t> counts;
    if (route == "wc/v3/reports/orders/totals") {
      for (const auto& o : orders_) counts[o["status"].get<std::string>()]++;
    } else if (route == "wc/v3/reports/products/totals") {
      for (const auto& x : products_) counts[x["type"].get<std::string>()]++;
    } else if (route == "wc/v3/reports/customers/totals") {
      for (const auto& c : customers_) counts[c["is_paying_customer"] ? "paying" : "non_paying"]++;
    } else if (route == "wc/v3/reports/coupons/totals") {
      for (const auto& c : coupons_) counts[c["discount_type"].get<std::string>()]++;
    } else {
      return no_route();
    }
    json out = json::array();
    for (const auto& [slug, n] : counts)
      out.push_back({{"slug", slug}, {"name", slug}, {"total", n}});
    return one(out);
  }
  return no_route();
}

void FakeStore::Mutate(const Mutation& m) {
  std::lock_guard<std::mutex> lock(mu_);
  now_ += m.advance_seconds;
  auto touch = [&](json& j) {
    j["date_modified_gmt"] = Now(now_, true);
    if (j.contains("date_modified")) j["date_modified"] = Now(now_, false);
  };
  for (int i = 0; i < m.new_customers; ++i) {
    json c = customers_.back();
    c["id"] = customers_.back()["id"].get<int64_t>() + 1;
    c["email"] = "new" + std::to_string(c["id"].get<int64_t>()) + "@example.com";
    touch(c);
    customers_.push_back(c);
  }
  for (int i = 0; i < m.delete_customers && !customers_.empty(); ++i) {
    customers_.erase(customers_.begin() + static_cast<long>(rng_() % customers_.size()));
  }
  for (int i = 0; i < m.customer_changes + m.silent_customer_changes && !customers_.empty(); ++i) {
    json& c = customers_[static_cast<size_t>(i) % customers_.size()];
    c["billing"]["city"] = "Moved" + std::to_string(now_) + "-" + std::to_string(i);
    if (i < m.customer_changes) touch(c);
  }
  for (int i = 0, decided = 0;
       i < static_cast<int>(disputes_.size()) && decided < m.dispute_decisions; ++i) {
    json& d = disputes_[static_cast<size_t>(i)];
    if (d["status"] == "won" || d["status"] == "lost") continue;
    d["status"] = "won";
    ++decided;
  }
  for (int i = 0; i < m.new_orders; ++i) {
    json o = MakeOrder(next_id_++, now_ - 30);
    touch(o);
    if (!o["date_paid_gmt"].is_null()) {
      transactions_.push_back({{"transaction_id", "txn_" + std::to_string(o["id"].get<int64_t>())},
                               {"date", Now(now_, true)},
                               {"type", "charge"},
                               {"amount", MinorOf(o["total"], options_.decimals)},
                               {"fees", 30},
                               {"net", MinorOf(o["total"], options_.decimals) - 30},
                               {"currency", "usd"},
                               {"order_id", o["id"]},
                               {"customer_email", "SECRETTXN@x.com"}});
    }
    orders_.push_back(o);
  }
  for (int i = 0; i < m.status_changes && !orders_.empty(); ++i) {
    json& o = orders_[rng_() % orders_.size()];
    o["status"] = o["status"] == "completed" ? "refunded" : "completed";
    touch(o);
  }
  for (int i = 0; i < m.refunds && !orders_.empty(); ++i) {
    json& o = orders_[rng_() % orders_.size()];
    refunds_.push_back(MakeRefund(next_id_++, o, now_));
  }
  for (int i = 0; i < m.stock_changes && !products_.empty(); ++i) {
    json& pr = products_[rng_() % products_.size()];
    if (pr["stock_quantity"].is_number())
      pr["stock_quantity"] = pr["stock_quantity"].get<int64_t>() - 1;
    touch(pr);
  }
  for (int i = 0; i < m.variation_changes + m.silent_variation_changes && !variations_.empty();
       ++i) {
    json& v = variations_[rng_() % variations_.size()];
    if (v["stock_quantity"].is_number())
      v["stock_quantity"] = v["stock_quantity"].get<int64_t>() - 1;
    if (i >= m.variation_changes) continue;
    touch(v);
    for (auto& pr : products_) {
      if (pr["id"] == v["parent_id"]) touch(pr);  // WC_Product_Variable::sync saves the parent
    }
  }
  for (int i = 0; i < m.delete_products && products_.size() > 1; ++i) {
    size_t at = rng_() % products_.size();
    int64_t id = products_[at]["id"];
    products_.erase(products_.begin() + static_cast<long>(at));
    variations_.erase(std::remove_if(variations_.begin(), variations_.end(),
                                     [&](const json& v) { return v["parent_id"] == id; }),
                      variations_.end());
  }
  for (int i = 0; i < m.delete_coupons && !coupons_.empty(); ++i) {
    coupons_.erase(coupons_.begin() + static_cast<long>(rng_() % coupons_.size()));
  }
  for (int i = 0; i < m.delete_orders && !orders_.empty(); ++i) {
    size_t at = rng_() % orders_.size();
    int64_t id = orders_[at]["id"];
    orders_.erase(orders_.begin() + static_cast<long>(at));
    refunds_.erase(std::remove_if(refunds_.begin(), refunds_.end(),
                                  [&](const json& r) { return r["parent_id"] == id; }),
                   refunds_.end());
  }
}

FakeStore::Stats FakeStore::stats() {
  std::lock_guard<std::mutex> lock(mu_);
  const int dp = options_.decimals;
  Stats s;
  s.customers = static_cast<int64_t>(customers_.size());
  for (const auto& o : orders_) {
    if (o["status"] == "trash") continue;
    ++s.orders;
    s.order_total_minor += MinorOf(o["total"], dp);
    for (const auto& li : o["line_items"]) {
      ++s.line_items;
      s.line_total_minor += MinorOf(li["total"], dp);
    }
  }
  s.products = static_cast<int64_t>(products_.size());
  s.variations = static_cast<int64_t>(variations_.size());
  s.categories = static_cast<int64_t>(categories_.size());
  s.coupons = static_cast<int64_t>(coupons_.size());
  for (const auto& r : refunds_) {
    ++s.refunds;
    s.refund_amount_minor += MinorOf(r["amount"], dp);
  }
  if (options_.woopayments) {
    s.payouts = static_cast<int64_t>(payouts_.size());
    for (const auto& p : payouts_) s.payout_amount_minor += p["amount"].get<int64_t>();
    s.disputes = static_cast<int64_t>(disputes_.size());
    s.transactions = static_cast<int64_t>(transactions_.size());
  }
  s.gateways = static_cast<int64_t>(gateways_.size());
  return s;
}

std::vector<int64_t> FakeStore::OrderIds() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<int64_t> ids;
  for (const auto& o : orders_) ids.push_back(o["id"]);
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace clever::sync::testing
