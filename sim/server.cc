#include "server.h"

#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <random>
#include <thread>

#include "api.h"
#include "auth.h"
#include "render.h"

#ifndef WCSIM_DATA_DIR
#define WCSIM_DATA_DIR "sim/data"
#endif

namespace clever::wcsim {

namespace {

constexpr size_t kMaxLog = 200000;

bool IsLoopback(const std::string& addr) {
  return addr.rfind("127.", 0) == 0 || addr == "::1" || addr.rfind("::ffff:127.", 0) == 0;
}

std::string RedactQuery(std::string_view query) {
  std::string out;
  size_t pos = 0;
  while (pos <= query.size()) {
    const size_t amp = query.find('&', pos);
    std::string_view part =
        query.substr(pos, amp == std::string_view::npos ? std::string_view::npos : amp - pos);
    pos = amp == std::string_view::npos ? query.size() + 1 : amp + 1;
    if (part.empty()) continue;
    const std::string_view key = part.substr(0, part.find('='));
    if (key == "consumer_secret" || key == "oauth_signature") continue;
    if (!out.empty()) out += "&";
    out += part;
  }
  return out;
}

std::string HtmlCriticalError() {
  return "<!DOCTYPE html>\n<html lang=\"en-US\">\n<head>\n<meta http-equiv=\"Content-Type\" "
         "content=\"text/html; charset=utf-8\" />\n<title>WordPress &rsaquo; "
         "Error</title>\n</head>\n"
         "<body id=\"error-page\">\n<div class=\"wp-die-message\"><p>There has been a critical "
         "error "
         "on this website.</p><p><a href=\"https://wordpress.org/documentation/article/"
         "faq-troubleshooting/\">Learn more about troubleshooting WordPress.</a></p></div></body>\n"
         "</html>\n";
}

std::string NginxError(int status) {
  const char* text = status == 502   ? "502 Bad Gateway"
                     : status == 503 ? "503 Service Temporarily Unavailable"
                                     : "504 Gateway Time-out";
  return std::string("<html>\r\n<head><title>") + text +
         "</title></head>\r\n<body>\r\n<center><h1>" + text +
         "</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n";
}

}  // namespace

nlohmann::json FaultConfig::ToJson() const {
  return nlohmann::json{{"latency_ms", latency_ms},
                        {"latency_jitter_ms", latency_jitter_ms},
                        {"error_rate", error_rate},
                        {"error_statuses", error_statuses},
                        {"truncate_rate", truncate_rate},
                        {"malformed_rate", malformed_rate},
                        {"html_error_rate", html_error_rate},
                        {"php_notice_rate", php_notice_rate},
                        {"reset_rate", reset_rate},
                        {"strip_auth_header", strip_auth_header},
                        {"fail_next", fail_next}};
}

Status FaultConfig::Apply(const nlohmann::json& j) {
  if (!j.is_object()) return InvalidArgumentError("faults must be a JSON object");
  FaultConfig next = *this;
  for (auto& [k, v] : j.items()) {
    auto rate = [&](double& field) -> Status {
      if (!v.is_number()) return InvalidArgumentError(k + " must be a number");
      const double d = v.get<double>();
      if (!(d >= 0 && d <= 1)) return InvalidArgumentError(k + " must be within 0..1");
      field = d;
      return OkStatus();
    };
    auto integer = [&](int& field, int max) -> Status {
      if (!v.is_number_integer()) return InvalidArgumentError(k + " must be an integer");
      const int64_t n = v.get<int64_t>();
      if (n < 0 || n > max) return InvalidArgumentError(k + " out of range");
      field = static_cast<int>(n);
      return OkStatus();
    };
    Status s;
    if (k == "latency_ms")
      s = integer(next.latency_ms, 60000);
    else if (k == "latency_jitter_ms")
      s = integer(next.latency_jitter_ms, 60000);
    else if (k == "error_rate")
      s = rate(next.error_rate);
    else if (k == "truncate_rate")
      s = rate(next.truncate_rate);
    else if (k == "malformed_rate")
      s = rate(next.malformed_rate);
    else if (k == "html_error_rate")
      s = rate(next.html_error_rate);
    else if (k == "php_notice_rate")
      s = rate(next.php_notice_rate);
    else if (k == "reset_rate")
      s = rate(next.reset_rate);
    else if (k == "fail_next")
      s = integer(next.fail_next, 1000000);
    else if (k == "strip_auth_header") {
      if (!v.is_boolean())
        s = InvalidArgumentError("strip_auth_header must be a boolean");
      else
        next.strip_auth_header = v.get<bool>();
    } else if (k == "error_statuses") {
      if (!v.is_array() || v.empty() || v.size() > 16) {
        s = InvalidArgumentError("error_statuses must be a non-empty array");
      } else {
        std::vector<int> st;
        for (auto& x : v) {
          if (!x.is_number_integer() || x.get<int>() < 400 || x.get<int>() > 599) {
            s = InvalidArgumentError("error_statuses entries must be 400..599");
            break;
          }
          st.push_back(x.get<int>());
        }
        if (s.ok()) next.error_statuses = st;
      }
    } else {
      s = InvalidArgumentError("unknown fault " + k);
    }
    if (!s.ok()) return s;
  }
  *this = next;
  return OkStatus();
}

Status WriteSelfSignedCert(const std::string& dir) {
  EVP_PKEY* pkey = EVP_EC_gen("P-256");
  if (pkey == nullptr) return InternalError("EC key generation failed");
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x),
                   static_cast<long>(std::random_device{}() & 0x7fffffff));
  X509_gmtime_adj(X509_getm_notBefore(x), -86400);
  X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 365);
  X509_set_pubkey(x, pkey);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("wcsim"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
  X509_set_issuer_name(x, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
  const std::pair<int, const char*> exts[] = {
      {NID_subject_alt_name, "IP:127.0.0.1,IP:::1,DNS:localhost"},
      {NID_basic_constraints, "critical,CA:TRUE"},
      {NID_key_usage, "critical,digitalSignature,keyCertSign"},
      {NID_ext_key_usage, "serverAuth"},
      {NID_subject_key_identifier, "hash"}};
  for (const auto& [nid, value] : exts) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    if (ext == nullptr) {
      X509_free(x);
      EVP_PKEY_free(pkey);
      return InternalError("certificate extension failed");
    }
    X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
  }
  if (X509_sign(x, pkey, EVP_sha256()) == 0) {
    X509_free(x);
    EVP_PKEY_free(pkey);
    return InternalError("certificate signing failed");
  }
  const std::string cert_path = dir + "/cert.pem";
  const std::string key_path = dir + "/key.pem";
  FILE* cf = std::fopen(cert_path.c_str(), "w");
  FILE* kf = std::fopen(key_path.c_str(), "w");
  bool ok = cf != nullptr && kf != nullptr;
  if (ok)
    ok = PEM_write_X509(cf, x) == 1 &&
         PEM_write_PrivateKey(kf, pkey, nullptr, nullptr, 0, nullptr, nullptr) == 1;
  if (cf) std::fclose(cf);
  if (kf) std::fclose(kf);
  X509_free(x);
  EVP_PKEY_free(pkey);
  if (!ok) return InternalError("cannot write certificate to " + dir);
  return OkStatus();
}

struct Simulator::Impl {
  std::unique_ptr<Store> store;
  SimulatorOptions opt;
  std::unique_ptr<httplib::Server> http;
  std::unique_ptr<httplib::SSLServer> https;
  std::unique_ptr<KeyStore> keys;
  std::unique_ptr<Api> api;
  std::thread http_thread, https_thread;
  int http_port = 0, https_port = 0;
  std::string cert_dir, home;

  mutable std::mutex mu;  // faults, log, rng
  FaultConfig faults;
  std::vector<RequestRecord> log;
  std::mt19937_64 rng;

  double Roll() {
    std::lock_guard lock(mu);
    return std::uniform_real_distribution<double>(0, 1)(rng);
  }

  void Record(const httplib::Request& req, int status, const std::string& auth,
              const std::string& ck) {
    std::string query;
    if (const size_t q = req.target.find('?'); q != std::string::npos)
      query = RedactQuery(req.target.substr(q + 1));
    std::string path = req.target.substr(0, req.target.find('?'));
    std::lock_guard lock(mu);
    if (log.size() >= kMaxLog)
      log.erase(log.begin(), log.begin() + static_cast<long>(kMaxLog / 10));
    log.push_back(RequestRecord{req.method, path, query, status, auth, ck});
  }

  static void SendJson(httplib::Response& res, int status, const nlohmann::json& j) {
    res.status = status;
    res.set_content(j.dump(), "application/json; charset=UTF-8");
  }

  void Handle(const httplib::Request& req, httplib::Response& res, bool is_https) {
    const std::string path = req.target.substr(0, req.target.find('?'));
    if (path.rfind("/__wcsim/", 0) == 0 || path == "/__wcsim") {
      Control(req, res, path);
      return;
    }
    FaultConfig f;
    {
      std::lock_guard lock(mu);
      f = faults;
    }
    const bool rest_like =
        path.rfind("/wp-json", 0) == 0 || req.target.find("rest_route=") != std::string::npos;
    if (rest_like) {
      int delay = f.latency_ms;
      if (f.latency_jitter_ms > 0) {
        std::lock_guard lock(mu);
        delay += std::uniform_int_distribution<int>(0, f.latency_jitter_ms)(rng);
      }
      if (delay > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay));
      int error_status = 0;
      {
        std::lock_guard lock(mu);
        if (faults.fail_next > 0) {
          --faults.fail_next;
          error_status = faults.error_statuses[static_cast<size_t>(faults.fail_next) %
                                               faults.error_statuses.size()];
        }
      }
      if (error_status == 0 && f.error_rate > 0 && Roll() < f.error_rate) {
        std::lock_guard lock(mu);
        error_status = f.error_statuses[rng() % f.error_statuses.size()];
      }
      if (error_status != 0) {
        res.status = error_status;
        if (error_status == 429) {
          res.set_header("Retry-After", "1");
          res.set_content(
              "{\"code\":\"too_many_requests\",\"message\":\"Too many "
              "requests.\",\"data\":{\"status\":429}}",
              "application/json; charset=UTF-8");
        } else if (error_status == 500) {
          res.set_content(HtmlCriticalError(), "text/html; charset=UTF-8");
        } else {
          res.set_content(NginxError(error_status), "text/html");
        }
        Record(req, error_status, "fault", "");
        return;
      }
    }
    RestRequest rr;
    rr.method = req.method;
    rr.https = is_https;
    rr.target = req.target;
    if (!f.strip_auth_header) rr.authorization = req.get_header_value("Authorization");
    rr.now = static_cast<int64_t>(std::time(nullptr));
    RestResponse out = api->Handle(rr);
    std::string content_type = "application/json; charset=UTF-8";
    for (const auto& [k, v] : out.headers) {
      if (k == "Content-Type")
        content_type = v;
      else
        res.set_header(k, v);
    }
    res.status = out.status;
    std::string body = std::move(out.body);
    Record(req, out.status, out.auth, out.consumer_key);
    if (rest_like && out.is_rest && req.method != "HEAD") {
      if (f.html_error_rate > 0 && Roll() < f.html_error_rate) {
        res.status = 200;
        res.set_content(HtmlCriticalError(), "text/html; charset=UTF-8");
        return;
      }
      if (f.php_notice_rate > 0 && Roll() < f.php_notice_rate) {
        body =
            "<br />\n<b>Deprecated</b>:  Creation of dynamic property "
            "WC_Gateway_Legacy::$settings_api is "
            "deprecated in <b>/var/www/shop/wp-content/plugins/legacy-gateway/gateway.php</b> on "
            "line "
            "<b>42</b><br />\n" +
            body;
      }
      if (f.malformed_rate > 0 && Roll() < f.malformed_rate && body.size() > 2) {
        body.insert(body.size() / 2, "\",\u0001}{");
      }
      if (f.truncate_rate > 0 && Roll() < f.truncate_rate && body.size() > 1) {
        auto shared = std::make_shared<std::string>(std::move(body));
        res.set_content_provider(shared->size(), content_type,
                                 [shared](size_t offset, size_t, httplib::DataSink& sink) {
                                   if (offset == 0) sink.write(shared->data(), shared->size() / 2);
                                   return offset == 0;
                                 });
        return;
      }
      if (f.reset_rate > 0 && Roll() < f.reset_rate && body.size() > 1) {
        auto shared = std::make_shared<std::string>(std::move(body));
        res.set_chunked_content_provider(
            content_type, [shared](size_t offset, httplib::DataSink& sink) {
              if (offset == 0) {
                sink.write(shared->data(), shared->size() / 3);
                return true;
              }
              return false;  // abort: the connection is closed mid-body
            });
        return;
      }
    }
    res.set_content(std::move(body), content_type);
  }

  nlohmann::json Stats() {
    std::shared_lock lock(store->mu);
    const Store& s = *store;
    nlohmann::json by_status = nlohmann::json::object();
    nlohmann::json by_payment = nlohmann::json::object();
    int64_t count = 0, sum = 0, item_count = 0, item_sum = 0;
    int64_t per[kOrderStatusCount] = {};
    int64_t per_payment[kPaymentCount] = {};
    for (const auto& o : s.orders) {
      per[static_cast<int>(o.status)]++;
      if (o.status == OrderStatus::kCheckoutDraft) continue;
      ++count;
      sum += o.total;
      per_payment[static_cast<int>(o.payment)]++;
      item_count += o.n_items;
      for (uint32_t i = 0; i < o.n_items; ++i) item_sum += s.items[o.first_item + i].total;
    }
    for (int i = 0; i < kOrderStatusCount; ++i)
      by_status[StatusSlug(static_cast<OrderStatus>(i))] = per[i];
    for (int i = 0; i < kPaymentCount; ++i) {
      // As rendered: card payments are "stripe" on a store without WooPayments (render.cc).
      const auto p = static_cast<Payment>(i);
      const std::string id = IsWooPayments(p) && !s.options.woopayments ? "stripe" : PaymentId(p);
      by_payment[id] = by_payment.value(id, int64_t{0}) + per_payment[i];
    }
    int64_t customers = 0;
    for (const auto& c : s.customers) customers += c.staff ? 0 : 1;
    int64_t products = 0, variations = 0;
    for (const auto& p : s.products) {
      if (p.trashed) continue;
      ++products;
      variations += static_cast<int64_t>(p.variations.size());
    }
    int64_t coupons = 0;
    for (const auto& c : s.coupons) coupons += c.trashed ? 0 : 1;
    int64_t refund_sum = 0;
    for (const auto& r : s.refunds) refund_sum += r.amount;
    int64_t payout_sum = 0, dispute_sum = 0, txn_sum = 0;
    for (const auto& d : s.deposits) payout_sum += d.amount;
    for (const auto& d : s.disputes) dispute_sum += d.amount;
    for (const auto& t : s.txns) txn_sum += t.amount;
    const bool wcpay = s.options.woopayments;
    return nlohmann::json{
        {"orders",
         {{"count", count},
          {"total_sum", Cents(sum)},
          {"by_status", by_status},
          {"by_payment_method", by_payment}}},
        {"line_items", {{"count", item_count}, {"total_sum", Cents(item_sum)}}},
        {"categories", {{"count", s.categories.size()}}},
        {"customers", {{"count", customers}}},
        {"products", {{"count", products}}},
        {"variations", {{"count", variations}}},
        {"coupons", {{"count", coupons}}},
        {"refunds", {{"count", s.refunds.size()}, {"amount_sum", Cents(refund_sum)}}},
        {"payouts",
         {{"count", wcpay ? s.deposits.size() : 0}, {"amount_sum", wcpay ? payout_sum : 0}}},
        {"disputes",
         {{"count", wcpay ? s.disputes.size() : 0}, {"amount_sum", wcpay ? dispute_sum : 0}}},
        {"transactions",
         {{"count", wcpay ? s.txns.size() : 0}, {"amount_sum", wcpay ? txn_sum : 0}}},
        {"now", GmtIso(s.now)},
        {"now_local", LocalIso(s, s.now)}};
  }

  void Control(const httplib::Request& req, httplib::Response& res, const std::string& path) {
    if (!IsLoopback(req.remote_addr)) {
      SendJson(res, 403, {{"error", "control API is loopback only"}});
      return;
    }
    auto body_json = [&]() -> std::optional<nlohmann::json> {
      if (req.body.empty()) return nlohmann::json::object();
      auto j = nlohmann::json::parse(req.body, nullptr, false);
      if (j.is_discarded() || !j.is_object()) return std::nullopt;
      return j;
    };
    const std::string& m = req.method;
    if (path == "/__wcsim/health") {
      SendJson(res, 200, {{"ok", true}});
    } else if (path == "/__wcsim/stats" && (m == "GET" || m == "HEAD")) {
      SendJson(res, 200, Stats());
    } else if (path == "/__wcsim/requests") {
      if (m == "DELETE") {
        std::lock_guard lock(mu);
        log.clear();
        SendJson(res, 200, {{"cleared", true}});
        return;
      }
      nlohmann::json arr = nlohmann::json::array();
      std::lock_guard lock(mu);
      for (const auto& r : log) {
        arr.push_back({{"method", r.method},
                       {"path", r.path},
                       {"query", r.query},
                       {"status", r.status},
                       {"auth", r.auth},
                       {"consumer_key", r.consumer_key}});
      }
      SendJson(res, 200, arr);
    } else if (path == "/__wcsim/faults") {
      if (m == "DELETE") {
        std::lock_guard lock(mu);
        faults = FaultConfig{};
        SendJson(res, 200, faults.ToJson());
      } else if (m == "POST" || m == "PUT") {
        auto j = body_json();
        if (!j) {
          SendJson(res, 400, {{"error", "body must be a JSON object"}});
          return;
        }
        std::lock_guard lock(mu);
        Status s = faults.Apply(*j);
        if (!s.ok()) {
          SendJson(res, 400, {{"error", s.message()}});
          return;
        }
        SendJson(res, 200, faults.ToJson());
      } else {
        std::lock_guard lock(mu);
        SendJson(res, 200, faults.ToJson());
      }
    } else if (path == "/__wcsim/mutate" && m == "POST") {
      auto j = body_json();
      if (!j) {
        SendJson(res, 400, {{"error", "body must be a JSON object"}});
        return;
      }
      MutateRequest mr;
      std::string bad;
      auto field = [&](const char* name, int& out, int max) {
        if (!j->contains(name)) return;
        const auto& v = (*j)[name];
        if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > max) {
          bad = std::string(name) + " must be an integer in 0.." + std::to_string(max);
          return;
        }
        out = static_cast<int>(v.get<int64_t>());
      };
      if (j->contains("advance_seconds")) {
        const auto& v = (*j)["advance_seconds"];
        if (!v.is_number_integer() || v.get<int64_t>() < 0 ||
            v.get<int64_t>() > 10LL * 365 * 86400) {
          bad = "advance_seconds must be an integer in 0..315360000";
        } else {
          mr.advance_seconds = v.get<int64_t>();
        }
      }
      field("new_orders", mr.new_orders, 100000);
      field("status_changes", mr.status_changes, 100000);
      field("refunds", mr.refunds, 100000);
      field("stock_changes", mr.stock_changes, 100000);
      field("delete_products", mr.delete_products, 10000);
      field("delete_coupons", mr.delete_coupons, 10000);
      field("new_customers", mr.new_customers, 100000);
      field("purge_products", mr.purge_products, 10000);
      field("purge_coupons", mr.purge_coupons, 10000);
      for (auto& [k, v] : j->items()) {
        static const std::set<std::string> kKnown = {
            "advance_seconds", "new_orders",      "status_changes", "refunds",
            "stock_changes",   "delete_products", "delete_coupons", "new_customers",
            "purge_products",  "purge_coupons"};
        if (kKnown.count(k) == 0) bad = "unknown field " + k;
      }
      if (!bad.empty()) {
        SendJson(res, 400, {{"error", bad}});
        return;
      }
      ChangeSet cs;
      {
        std::unique_lock lock(store->mu);
        cs = store->Mutate(mr);
      }
      SendJson(res, 200,
               {{"created",
                 {{"orders", cs.created_orders},
                  {"customers", cs.created_customers},
                  {"refunds", cs.created_refunds}}},
                {"updated",
                 {{"orders", cs.updated_orders},
                  {"products", cs.updated_products},
                  {"product_stock", cs.stock_products},
                  {"variations", cs.updated_variations}}},
                {"deleted", {{"products", cs.deleted_products}, {"coupons", cs.deleted_coupons}}},
                {"purged", {{"products", cs.purged_products}, {"coupons", cs.purged_coupons}}}});
    } else if ((path == "/__wcsim/keys/revoke" || path == "/__wcsim/keys/restore") && m == "POST") {
      auto j = body_json();
      if (!j || !j->contains("consumer_key") || !(*j)["consumer_key"].is_string()) {
        SendJson(res, 400, {{"error", "body must be {\"consumer_key\":\"ck_...\"}"}});
        return;
      }
      const std::string ck = (*j)["consumer_key"].get<std::string>();
      if (!keys->SetRevoked(ck, path == "/__wcsim/keys/revoke")) {
        SendJson(res, 404, {{"error", "unknown consumer_key"}});
        return;
      }
      SendJson(res, 200, {{"consumer_key", ck}, {"revoked", path == "/__wcsim/keys/revoke"}});
    } else if (path == "/__wcsim/keys" && m == "GET") {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& k : keys->List()) {
        arr.push_back({{"consumer_key", k.consumer_key},
                       {"permissions", k.permissions},
                       {"revoked", k.revoked}});
      }
      SendJson(res, 200, arr);
    } else if (path == "/__wcsim/dump" && m == "GET") {
      Dump(req, res);
    } else {
      SendJson(res, 404, {{"error", "unknown control route"}});
    }
  }

  void Dump(const httplib::Request& req, httplib::Response& res) {
    const std::string category =
        req.has_param("category") ? req.get_param_value("category") : "orders";
    int64_t limit = 1000, offset = 0;
    try {
      if (req.has_param("limit")) limit = std::stoll(req.get_param_value("limit"));
      if (req.has_param("offset")) offset = std::stoll(req.get_param_value("offset"));
    } catch (...) {
      SendJson(res, 400, {{"error", "limit/offset must be integers"}});
      return;
    }
    limit = std::clamp<int64_t>(limit, 0, 100000);
    offset = std::max<int64_t>(0, offset);
    std::shared_lock lock(store->mu);
    RenderContext rc{*store, home};
    Json arr = Json::array();
    auto slice = [&](auto& vec, auto render, auto keep) {
      int64_t i = 0;
      for (const auto& x : vec) {
        if (!keep(x)) continue;
        if (i++ < offset) continue;
        if (static_cast<int64_t>(arr.size()) >= limit) break;
        arr.push_back(render(x));
      }
    };
    auto all = [](const auto&) { return true; };
    if (category == "orders")
      slice(
          store->orders, [&](const Order& o) { return OrderJson(rc, o); }, all);
    else if (category == "customers")
      slice(
          store->customers, [&](const Customer& c) { return CustomerJson(rc, c); }, all);
    else if (category == "products")
      slice(
          store->products, [&](const Product& p) { return ProductJson(rc, p); },
          [](const Product& p) { return !p.trashed; });
    else if (category == "variations")
      slice(
          store->variations, [&](const Variation& v) { return VariationJson(rc, v); }, all);
    else if (category == "coupons")
      slice(
          store->coupons, [&](const Coupon& c) { return CouponJson(rc, c); },
          [](const Coupon& c) { return !c.trashed; });
    else if (category == "refunds")
      slice(
          store->refunds, [&](const Refund& r) { return RefundJson(rc, r, true); }, all);
    else if (category == "transactions")
      slice(
          store->txns, [&](const Txn& t) { return TransactionJson(rc, t); }, all);
    else {
      SendJson(res, 400, {{"error", "unknown category"}});
      return;
    }
    res.status = 200;
    res.set_content(arr.dump(), "application/json; charset=UTF-8");
  }

  void Register(httplib::Server& srv, bool is_https) {
    auto h = [this, is_https](const httplib::Request& req, httplib::Response& res) {
      Handle(req, res, is_https);
    };
    srv.Get(R"(.*)", h);
    srv.Post(R"(.*)", h);
    srv.Put(R"(.*)", h);
    srv.Patch(R"(.*)", h);
    srv.Delete(R"(.*)", h);
    srv.Options(R"(.*)", h);
    srv.set_payload_max_length(1 << 20);
    const int threads = opt.threads;
    srv.new_task_queue = [threads] {
      return new httplib::ThreadPool(static_cast<size_t>(threads));
    };
    srv.set_keep_alive_max_count(1000);
    // Web servers in front of WordPress disable Nagle on their sockets (Apache httpd always,
    // ap_sock_disable_nagle; nginx `tcp_nodelay on` by default on keep-alive connections).
    // Without it httplib's separate writes of headers and body left the body waiting for the
    // client's delayed ACK: ~40 ms on most small answers over loopback.
    srv.set_tcp_nodelay(true);
  }
};

Simulator::Simulator(std::unique_ptr<Store> store, SimulatorOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->store = std::move(store);
  impl_->opt = std::move(options);
  impl_->faults = impl_->opt.faults;
  impl_->rng.seed(impl_->opt.fault_seed);
}

Simulator::~Simulator() { Stop(); }

Status Simulator::Start() {
  Impl& d = *impl_;
  d.http = std::make_unique<httplib::Server>();
  d.Register(*d.http, false);
  if (d.opt.port == 0) {
    d.http_port = d.http->bind_to_any_port(d.opt.bind);
    if (d.http_port <= 0) return UnavailableError("cannot bind http on " + d.opt.bind);
  } else {
    if (!d.http->bind_to_port(d.opt.bind, d.opt.port)) {
      return UnavailableError("cannot bind http port " + std::to_string(d.opt.port));
    }
    d.http_port = d.opt.port;
  }
  if (d.opt.https) {
    d.cert_dir = d.opt.cert_dir;
    if (d.cert_dir.empty()) {
      char tmpl[] = "/tmp/wcsim-cert-XXXXXX";
      if (mkdtemp(tmpl) == nullptr) return InternalError("mkdtemp failed");
      d.cert_dir = tmpl;
    }
    CLEVER_RETURN_IF_ERROR(WriteSelfSignedCert(d.cert_dir));
    d.https = std::make_unique<httplib::SSLServer>((d.cert_dir + "/cert.pem").c_str(),
                                                   (d.cert_dir + "/key.pem").c_str());
    if (!d.https->is_valid()) return InternalError("TLS server setup failed");
    d.Register(*d.https, true);
    if (d.opt.https_port == 0) {
      d.https_port = d.https->bind_to_any_port(d.opt.bind);
      if (d.https_port <= 0) return UnavailableError("cannot bind https");
    } else {
      if (!d.https->bind_to_port(d.opt.bind, d.opt.https_port)) {
        return UnavailableError("cannot bind https port " + std::to_string(d.opt.https_port));
      }
      d.https_port = d.opt.https_port;
    }
  }
  const std::string host =
      d.opt.bind.find(':') != std::string::npos ? "[" + d.opt.bind + "]" : d.opt.bind;
  d.home = d.opt.home_url.empty()
               ? "http://" + (host == "0.0.0.0" ? std::string("127.0.0.1") : host) + ":" +
                     std::to_string(d.http_port)
               : d.opt.home_url;
  while (!d.home.empty() && d.home.back() == '/') d.home.pop_back();
  d.keys = std::make_unique<KeyStore>(d.home);
  d.keys->Add({"ck_wcsim_read", "cs_wcsim_read", "read", false});
  d.keys->Add({"ck_wcsim_write", "cs_wcsim_write", "write", false});
  d.keys->Add({"ck_wcsim_rw", "cs_wcsim_rw", "read_write", false});
  d.keys->Add({d.opt.key, d.opt.secret, d.opt.permissions, false});
  ApiOptions ao;
  ao.home_url = d.home;
  ao.wc_version = d.opt.wc_version;
  ao.data_dir = d.opt.data_dir.empty() ? WCSIM_DATA_DIR : d.opt.data_dir;
  d.api = std::make_unique<Api>(*d.store, *d.keys, ao);
  std::string err;
  if (!d.api->Load(&err)) return FailedPreconditionError(err);
  d.http_thread = std::thread([&d] { d.http->listen_after_bind(); });
  if (d.https) d.https_thread = std::thread([&d] { d.https->listen_after_bind(); });
  for (int i = 0; i < 500 && (!d.http->is_running() || (d.https && !d.https->is_running())); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (!d.opt.ready_file.empty()) {
    const std::string tmp = d.opt.ready_file + ".tmp";
    std::ofstream out(tmp);
    out << nlohmann::json{{"http_port", d.http_port},
                          {"https_port", d.https_port},
                          {"ca_cert", d.https ? d.cert_dir + "/cert.pem" : ""},
                          {"home_url", d.home}}
               .dump()
        << "\n";
    out.close();
    if (std::rename(tmp.c_str(), d.opt.ready_file.c_str()) != 0) {
      return InternalError("cannot write ready file " + d.opt.ready_file);
    }
  }
  return OkStatus();
}

void Simulator::Stop() {
  Impl& d = *impl_;
  if (d.http) d.http->stop();
  if (d.https) d.https->stop();
  if (d.http_thread.joinable()) d.http_thread.join();
  if (d.https_thread.joinable()) d.https_thread.join();
}

int Simulator::http_port() const { return impl_->http_port; }
int Simulator::https_port() const { return impl_->https_port; }
std::string Simulator::ca_cert_path() const {
  return impl_->https ? impl_->cert_dir + "/cert.pem" : "";
}
std::string Simulator::home_url() const { return impl_->home; }
Store& Simulator::store() { return *impl_->store; }
std::vector<RequestRecord> Simulator::Requests() const {
  std::lock_guard lock(impl_->mu);
  return impl_->log;
}

}  // namespace clever::wcsim
