// Replays every recorded request of the golden set (a real WooCommerce 10.0.2 store) against
// wcsim and compares status, pagination header presence, error code/message, and the JSON body's
// key sets and value types recursively (not values). Deliberate differences are listed in
// kNotServed / kAllowed below and in docs/wcsim.md.
#include <gtest/gtest.h>

#include <ctime>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "tests/sim/sim_env.h"

namespace clever::wcsim::testing {
namespace {

using nlohmann::json;

json LoadJsonFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str(), nullptr, false);
}

// An empty object when the recordings are missing, so that gtest's discovery at build time still
// lists the tests (FidelityCoverage then fails and says where it looked).
const json& Index() {
  static const json index = [] {
    json loaded = LoadJsonFile(std::string(WCSIM_GOLDEN_DIR) + "/INDEX.json");
    return loaded.is_object() ? loaded : json::object();
  }();
  return index;
}

// Cases wcsim deliberately does not serve (see docs/wcsim.md): Clever reads neither wc/v1 nor
// wc-analytics, so they are not replayed at all rather than skipped.
const std::map<std::string, std::string> kNotServed = {
    {"v1_orders_list", "wc/v1 (legacy shapes) is not implemented"},
    {"v1_orders_list__hpos_only_nosync", "wc/v1 is not implemented"},
};
bool IsAnalytics(const std::string& name) {
  return name.rfind("analytics_", 0) == 0 || name == "err_analytics_bad_interval";
}
bool IsServed(const std::string& name) { return !kNotServed.count(name) && !IsAnalytics(name); }

// The recorded cases that are replayed against wcsim.
std::vector<std::string> CaseNames() {
  std::vector<std::string> names;
  for (auto& [k, v] : Index().items()) {
    if (IsServed(k)) names.push_back(k);
  }
  return names;
}

// ---- shapes
struct Shape {
  std::set<std::string> types;
  std::map<std::string, Shape> keys;
  std::unique_ptr<Shape> elem;
  bool has_object = false;
  bool has_nonempty_array = false;
  Shape() = default;
  Shape(const Shape& o)
      : types(o.types),
        keys(o.keys),
        has_object(o.has_object),
        has_nonempty_array(o.has_nonempty_array) {
    if (o.elem) elem = std::make_unique<Shape>(*o.elem);
  }
};

std::string TypeName(const json& j) {
  if (j.is_null()) return "null";
  if (j.is_boolean()) return "bool";
  if (j.is_number()) return "number";
  if (j.is_string()) return "string";
  if (j.is_array()) return "array";
  return "object";
}

// Objects whose keys are data (dates, route paths), compared by their values' merged shape.
bool MapLike(const std::string& path) {
  return path.ends_with(".routes") || path.ends_with(".totals") || path.ends_with(".settings");
}

void Merge(Shape& s, const json& j, const std::string& path) {
  s.types.insert(TypeName(j));
  if (j.is_object()) {
    s.has_object = true;
    if (MapLike(path)) {
      for (auto& [k, v] : j.items()) Merge(s.keys["*"], v, path + ".*");
    } else {
      for (auto& [k, v] : j.items()) Merge(s.keys[k], v, path + "." + k);
    }
  } else if (j.is_array()) {
    if (!j.empty()) s.has_nonempty_array = true;
    for (const auto& e : j) {
      if (!s.elem) s.elem = std::make_unique<Shape>();
      Merge(*s.elem, e, path + "[]");
    }
  }
}

void Compare(const Shape& g, const Shape& w, const std::string& path,
             std::vector<std::string>& diffs) {
  std::set<std::string> gt = g.types, wt = w.types;
  gt.erase("null");
  wt.erase("null");
  if (!gt.empty() && !wt.empty()) {
    bool common = false;
    for (const auto& t : gt) common = common || wt.count(t) != 0;
    if (!common) {
      std::string a, b;
      for (const auto& t : gt) a += t + " ";
      for (const auto& t : wt) b += t + " ";
      diffs.push_back("type " + path + ": golden {" + a + "} wcsim {" + b + "}");
      return;
    }
  }
  if (g.has_object && w.has_object) {
    for (const auto& [k, v] : g.keys) {
      auto it = w.keys.find(k);
      if (it == w.keys.end())
        diffs.push_back("missing " + path + "." + k);
      else
        Compare(v, it->second, path + "." + k, diffs);
    }
    for (const auto& [k, v] : w.keys) {
      if (g.keys.count(k) == 0) diffs.push_back("extra " + path + "." + k);
    }
  }
  if (g.elem && w.elem) Compare(*g.elem, *w.elem, path + "[]", diffs);
  if (g.has_nonempty_array && !w.has_nonempty_array && wt.count("array") != 0) {
    diffs.push_back("empty " + path + " (golden has elements)");
  }
}

// Differences the recording explains by data (not behaviour): path -> allowed diff prefix.
const std::map<std::string, std::vector<std::string>> kAllowed = {
    // Which optional keys appear depends on the rows on the page.
    {"*",
     {"missing $[]._links.customer", "extra $[]._links.customer", "missing $._links.customer",
      "extra $._links.customer", "empty $[].coupon_lines", "empty $.coupon_lines",
      "empty $[].refunds", "empty $.refunds", "empty $[].tax_lines", "empty $.tax_lines",
      "empty $[].line_items[].taxes", "empty $.line_items[].taxes",
      "empty $[].shipping_lines[].taxes", "empty $.shipping_lines[].taxes",
      "empty $[].shipping_lines[].meta_data", "empty $.shipping_lines[].meta_data",
      "empty $[].line_items[].meta_data", "empty $.line_items[].meta_data", "empty $[].line_items",
      "empty $.line_items", "empty $[].shipping_lines", "empty $.shipping_lines",
      "empty $[].meta_data", "empty $.meta_data", "empty $[].attributes", "empty $[].variations",
      "empty $[].related_ids", "empty $.related_ids", "empty $[].used_by", "empty $.used_by",
      "empty $[].upsell_ids", "empty $[].cross_sell_ids", "empty $.cross_sell_ids",
      "empty $.upsell_ids", "empty $[].fee_lines", "empty $.fee_lines",
      "empty $[].fee_lines[].taxes", "empty $.fee_lines[].taxes", "empty $[].downloads",
      // image.id is a string for simple products and a number for variations (recorded).
      "type $.line_items[].image.id", "type $[].line_items[].image.id"}},
    // wcsim runs with WooPayments: its payments routes add their own args to the index.
    {"wc_v3_index", {"extra $.routes.*.endpoints[].args."}},
    // The root index lists only the wc/v3 routes (not wp/v2, wc/store, wc-admin, ...).
    {"wp_json_root", {"missing $.routes.*", "extra $.routes.*.endpoints[].args."}},
};

bool Allowed(const std::string& name, const std::string& diff) {
  for (const char* key : {"*", name.c_str()}) {
    auto it = kAllowed.find(key);
    if (it == kAllowed.end()) continue;
    for (const auto& prefix : it->second) {
      if (diff == prefix || diff.rfind(prefix + " ", 0) == 0 || diff.rfind(prefix + ":", 0) == 0) {
        return true;
      }
      if (prefix.ends_with(".") || prefix.ends_with("*")) {
        if (diff.rfind(prefix, 0) == 0) return true;
      }
    }
  }
  return false;
}

class Fidelity : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() {
    if (env_ == nullptr) env_ = new SimInstance(StartSim(GoldenLikeOptions()));
  }
  static SimInstance* env_;

  // Golden ids -> ids of analogous objects in the generated store.
  static std::map<std::string, std::string> IdMap() {
    const Store& s = *env_->store;
    std::map<std::string, std::string> m;
    for (auto it = s.orders.rbegin(); it != s.orders.rend(); ++it) {
      const Order& o = *it;
      if (!m.count("1713") && o.customer_id != 0 && o.status == OrderStatus::kCompleted && o.coupon)
        m["1713"] = std::to_string(o.id);
      if (!m.count("1734") && o.customer_id == 0 && o.status == OrderStatus::kProcessing)
        m["1734"] = std::to_string(o.id);
      if (!m.count("529") && o.status == OrderStatus::kCompleted && o.last_refund &&
          s.refunds[o.last_refund - 1].prev_same_order) {
        m["529"] = std::to_string(o.id);
      }
      if (!m.count("325") && o.status == OrderStatus::kRefunded && o.last_refund &&
          s.refunds[o.last_refund - 1].kind == RefundKind::kFull && o.tax_rate) {
        m["325"] = std::to_string(o.id);
        m["1755"] = std::to_string(s.refunds[o.last_refund - 1].id);
      }
    }
    if (!m.count("529")) {
      for (const Order& o : s.orders) {
        if (o.last_refund && o.status != OrderStatus::kRefunded) m["529"] = std::to_string(o.id);
      }
    }
    for (const Order& o : s.orders) {
      if (o.customer_id > 2 && !m.count("22")) m["22"] = std::to_string(o.customer_id);
    }
    for (const Product& p : s.products) {
      if (!p.variable && !m.count("71")) m["71"] = std::to_string(p.id);
      if (p.variable && !m.count("116")) {
        m["116"] = std::to_string(p.id);
        m["117"] = std::to_string(s.variations[p.variations[0]].id);
      }
    }
    m["245"] = std::to_string(s.coupons[6].id);
    return m;
  }
};
SimInstance* Fidelity::env_ = nullptr;

TEST_P(Fidelity, MatchesRecording) {
  const std::string name = GetParam();
  const json& c = Index()[name];
  const auto ids = IdMap();
  // Build the request.
  CallOptions o;
  o.method = c["method"].get<std::string>();
  o.https = c["scheme"] == "https";
  std::string path = c["path"].get<std::string>();
  std::vector<std::pair<std::string, std::string>> params;
  if (const size_t q = path.find("?rest_route="); q != std::string::npos) {
    params.emplace_back("rest_route", path.substr(q + 12));
    path = path.substr(0, q);
  }
  {
    std::string mapped;
    std::stringstream ss(path);
    std::string seg;
    bool first = true;
    while (std::getline(ss, seg, '/')) {
      if (!first) mapped += "/";
      first = false;
      auto it = ids.find(seg);
      mapped += it != ids.end() ? it->second : seg;
    }
    if (path.ends_with("/")) mapped += "/";
    path = mapped;
  }
  o.path = path;
  for (auto& [k, v] : c["params"].items()) {
    std::string value = v.is_string() ? v.get<std::string>() : v.dump();
    if (k == "customer" && ids.count(value)) value = ids.at(value);
    params.emplace_back(k, value);
  }
  o.params = params;
  const std::string auth = c["auth"].get<std::string>();
  if (c["key"] == "write") {
    o.key = "ck_wcsim_write";
    o.secret = "cs_wcsim_write";
  }
  if (c.contains("consumer_key")) o.key = c["consumer_key"].get<std::string>();
  if (c.contains("consumer_secret")) o.secret = c["consumer_secret"].get<std::string>();
  if (c.contains("body")) o.body = c["body"].dump();
  if (auth == "none")
    o.auth = AuthMode::kNone;
  else if (auth == "oauth_header")
    o.auth = AuthMode::kOAuthHeader;
  else if (auth == "basic")
    o.auth = AuthMode::kBasic;
  else if (auth == "query")
    o.auth = AuthMode::kQuery;
  else if (auth == "oauth_sha1")
    o.signature_method = "HMAC-SHA1";
  else if (auth == "oauth_plaintext")
    o.signature_method = "PLAINTEXT";
  else if (auth == "oauth_old_ts")
    o.timestamp = static_cast<int64_t>(std::time(nullptr)) - 3600;
  else if (auth == "oauth_no_nonce")
    o.omit_nonce = true;
  if (o.https && (o.auth == AuthMode::kOAuthQuery || o.auth == AuthMode::kOAuthHeader)) {
    // WooCommerce signs get_home_url($path, 'https'): the home URL with only the scheme swapped.
    // The recorded store's home followed the request host (its https Link headers name the
    // https port), so its client signed the URL it connected to; wcsim's home is fixed
    // (http://127.0.0.1:<http port>), so the equivalent request signs that home in https.
    o.sign_base = "https://127.0.0.1:" + std::to_string(env_->sim->http_port()) + o.path;
  }
  Reply r;
  if (auth == "oauth_replay") {
    o.nonce = "replaynonce" + std::to_string(std::time(nullptr));
    Reply first = env_->client->Call(o);
    ASSERT_EQ(first.status, 200) << first.body;
    r = env_->client->Call(o);
  } else {
    r = env_->client->Call(o);
  }
  ASSERT_NE(r.status, 0) << r.error;
  EXPECT_EQ(r.status, c["status"].get<int>()) << r.body.substr(0, 400);
  EXPECT_EQ(r.has_header("X-WP-Total"), c.contains("X-WP-Total")) << "X-WP-Total presence";
  EXPECT_EQ(r.has_header("X-WP-TotalPages"), c.contains("X-WP-TotalPages"))
      << "X-WP-TotalPages presence";
  if (o.method == "HEAD") return;
  const json golden = LoadJsonFile(std::string(WCSIM_GOLDEN_DIR) + "/" + name + ".json");
  const json mine = r.json();
  ASSERT_FALSE(mine.is_discarded()) << "wcsim body is not JSON: " << r.body.substr(0, 200);
  if (c.contains("error_code") && c["status"].get<int>() >= 400) {
    EXPECT_EQ(mine.value("code", ""), c["error_code"].get<std::string>());
    EXPECT_EQ(mine.value("message", ""), c["error_message"].get<std::string>());
  }
  Shape gs, ws;
  Merge(gs, golden, "$");
  Merge(ws, mine, "$");
  std::vector<std::string> diffs;
  Compare(gs, ws, "$", diffs);
  std::string report;
  for (const auto& d : diffs) {
    if (!Allowed(name, d)) report += "  " + d + "\n";
  }
  EXPECT_TRUE(report.empty()) << "shape differences for " << name << ":\n" << report;
}

// Guards the exclusions: only wc/v1 and wc-analytics cases may be left out, and most of the
// recording must be replayed.
TEST(FidelityCoverage, OnlyV1AndAnalyticsCasesAreLeftOut) {
  ASSERT_FALSE(Index().empty())
      << "the golden recordings are missing: no INDEX.json in " << WCSIM_GOLDEN_DIR
      << " (configure with -DCLEVER_GOLDEN_DIR=<woocommerce-golden folder>; by default the "
         "shared folder beside the repository, ../shared/woocommerce-golden)";
  size_t left_out = 0;
  for (auto& [name, c] : Index().items()) {
    if (IsServed(name)) continue;
    ++left_out;
    const std::string path = c["path"].get<std::string>();
    EXPECT_TRUE(path.find("wc-analytics") != std::string::npos ||
                path.find("wc/v1") != std::string::npos)
        << name << " is left out but is neither wc/v1 nor wc-analytics: " << path;
  }
  EXPECT_LE(left_out, 19u);
  EXPECT_GE(CaseNames().size(), 130u);
}

GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(Fidelity);
INSTANTIATE_TEST_SUITE_P(Golden, Fidelity, ::testing::ValuesIn(CaseNames()),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace clever::wcsim::testing
