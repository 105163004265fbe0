#include "api.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <type_traits>

#include "render.h"

namespace clever::wcsim {

namespace {

constexpr int64_t kDay = 86400;

int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string FormDecode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+') {
      out.push_back(' ');
    } else if (in[i] == '%' && i + 2 < in.size() && HexVal(in[i + 1]) >= 0 &&
               HexVal(in[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexVal(in[i + 1]) * 16 + HexVal(in[i + 2])));
      i += 2;
    } else {
      out.push_back(in[i]);
    }
  }
  return out;
}

// PHP urlencode(): space -> '+', keeps alnum and -_. only.
std::string PhpUrlEncode(std::string_view in) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : in) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.') {
      out.push_back(static_cast<char>(c));
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string Lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

bool ContainsCi(const std::string& hay, const std::string& needle_lower) {
  if (needle_lower.empty()) return true;
  return Lower(hay).find(needle_lower) != std::string::npos;
}

std::optional<int64_t> ParseInt(std::string_view s) {
  std::string t(s);
  while (!t.empty() && t.back() == ' ') t.pop_back();
  while (!t.empty() && t.front() == ' ') t.erase(t.begin());
  if (t.empty() || t.size() > 18) return std::nullopt;
  size_t i = 0;
  bool neg = false;
  if (t[0] == '-' || t[0] == '+') {
    neg = t[0] == '-';
    i = 1;
  }
  if (i >= t.size()) return std::nullopt;
  int64_t v = 0;
  for (; i < t.size(); ++i) {
    if (t[i] < '0' || t[i] > '9') return std::nullopt;
    v = v * 10 + (t[i] - '0');
  }
  return neg ? -v : v;
}

// rest_parse_date(): RFC 3339 date-time; returns UTC-as-wall seconds of the wall clock given, and
// whether an explicit offset was present (then `seconds` is a true UTC instant).
struct ParsedDate {
  int64_t wall = 0;
  bool has_offset = false;
  int64_t utc = 0;
};
std::optional<ParsedDate> ParseRestDate(std::string_view s) {
  // ^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([zZ]|[+-]\d{2}(:?\d{2})?)?$
  auto digits = [&](size_t pos, size_t n) -> std::optional<int> {
    if (pos + n > s.size()) return std::nullopt;
    int v = 0;
    for (size_t i = 0; i < n; ++i) {
      const char c = s[pos + i];
      if (c < '0' || c > '9') return std::nullopt;
      v = v * 10 + (c - '0');
    }
    return v;
  };
  if (s.size() < 19) return std::nullopt;
  auto y = digits(0, 4), mo = digits(5, 2), d = digits(8, 2), h = digits(11, 2), mi = digits(14, 2),
       se = digits(17, 2);
  if (!y || !mo || !d || !h || !mi || !se || s[4] != '-' || s[7] != '-' ||
      (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' || s[16] != ':') {
    return std::nullopt;
  }
  size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    const size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    if (pos == start) return std::nullopt;
  }
  ParsedDate out;
  int offset = 0;
  if (pos < s.size()) {
    if (s[pos] == 'Z' || s[pos] == 'z') {
      out.has_offset = true;
      ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
      const int sign = s[pos] == '-' ? -1 : 1;
      auto oh = digits(pos + 1, 2);
      if (!oh) return std::nullopt;
      pos += 3;
      int om = 0;
      if (pos < s.size() && s[pos] == ':') ++pos;
      if (pos < s.size()) {
        auto m = digits(pos, 2);
        if (!m) return std::nullopt;
        om = *m;
        pos += 2;
      }
      offset = sign * (*oh * 3600 + om * 60);
      out.has_offset = true;
    }
    if (pos != s.size()) return std::nullopt;
  }
  // strtotime() accepts month/day overflow only within sane bounds; reject impossible dates.
  if (*mo < 1 || *mo > 12 || *d < 1 || *d > 31 || *h > 24 || *mi > 59 || *se > 60) {
    return std::nullopt;
  }
  LocalDateTime ldt{CivilDate{*y, *mo, 1}, *h, *mi, *se};
  out.wall = ldt.ToEpochSecondsAsUtc() + static_cast<int64_t>(*d - 1) * kDay;
  out.utc = out.wall - offset;
  return out;
}

std::string WpList(const std::vector<std::string>& items) {
  // wp_sprintf_l: "a", "a and b", "a, b, and c".
  if (items.empty()) return "";
  if (items.size() == 1) return items[0];
  if (items.size() == 2) return items[0] + " and " + items[1];
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i + 1 == items.size()) out += "and ";
    out += items[i];
    if (i + 1 < items.size()) out += ", ";
  }
  return out;
}

std::vector<std::string> SplitList(std::string_view s) {
  // wp_parse_list: preg_split('/[\s,]+/')
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

struct Params {
  const ParamList& list;
  std::optional<std::string> Get(std::string_view name) const {
    std::optional<std::string> v;
    for (const auto& [k, val] : list) {
      if (k == name) v = val;
    }
    return v;
  }
  bool Has(std::string_view name) const {
    for (const auto& [k, val] : list) {
      if (k == name || (k.size() > name.size() && k.compare(0, name.size(), name) == 0 &&
                        k[name.size()] == '[')) {
        return true;
      }
    }
    return false;
  }
  // Array parameter: "a[0]=x&a[1]=y" or "a=x,y".
  std::vector<std::string> List(std::string_view name) const {
    std::vector<std::string> out;
    bool array_form = false;
    for (const auto& [k, val] : list) {
      if (k.size() > name.size() && k.compare(0, name.size(), name) == 0 && k[name.size()] == '[') {
        if (!array_form) out.clear();
        array_form = true;
        out.push_back(val);
      } else if (k == name && !array_form) {
        out = SplitList(val);
      }
    }
    return out;
  }
  std::vector<int64_t> IdList(std::string_view name) const {
    std::vector<int64_t> out;
    for (const auto& v : List(name)) {
      // absint(): non-numeric -> 0
      auto n = ParseInt(v);
      out.push_back(n ? std::llabs(*n) : 0);
    }
    return out;
  }
};

Json ErrorJson(const std::string& code, const std::string& message, int status) {
  return Json{{"code", code}, {"message", message}, {"data", {{"status", status}}}};
}

}  // namespace

int VersionNumber(std::string_view version) {
  int parts[3] = {0, 0, 0};
  int idx = 0;
  for (char c : version) {
    if (c == '.') {
      if (++idx >= 3) break;
    } else if (c >= '0' && c <= '9') {
      parts[idx] = parts[idx] * 10 + (c - '0');
    } else {
      break;
    }
  }
  return parts[0] * 10000 + parts[1] * 100 + parts[2];
}

ParamList ParseQuery(std::string_view query) {
  ParamList out;
  std::map<std::string, int> next_index;
  size_t pos = 0;
  int count = 0;
  while (pos <= query.size() && count < 1000) {  // PHP max_input_vars
    const size_t amp = query.find('&', pos);
    const std::string_view part =
        query.substr(pos, amp == std::string_view::npos ? std::string_view::npos : amp - pos);
    pos = amp == std::string_view::npos ? query.size() + 1 : amp + 1;
    if (part.empty()) continue;
    ++count;
    const size_t eq = part.find('=');
    std::string key = FormDecode(part.substr(0, eq));
    std::string value = eq == std::string_view::npos ? "" : FormDecode(part.substr(eq + 1));
    if (key.empty() || key[0] == '[') continue;
    const size_t bracket = key.find('[');
    std::string top = key.substr(0, bracket);
    for (char& c : top) {
      if (c == '.' || c == ' ') c = '_';
    }
    if (bracket != std::string::npos && key.find(']', bracket) != std::string::npos) {
      const size_t close = key.find(']', bracket);
      std::string sub = key.substr(bracket + 1, close - bracket - 1);
      if (sub.empty())
        sub = std::to_string(next_index[top]++);
      else if (auto n = ParseInt(sub))
        next_index[top] = std::max(next_index[top], static_cast<int>(*n) + 1);
      key = top + "[" + sub + "]" + key.substr(close + 1);
      // A scalar of the same name is replaced by the array.
      std::erase_if(out, [&](const auto& p) { return p.first == top; });
    } else {
      if (bracket != std::string::npos) {
        // Unclosed bracket: PHP turns '[' into '_'.
        key = top + "_" + key.substr(bracket + 1);
      } else {
        key = top;
      }
      // Last scalar wins; an array of the same name is replaced.
      std::erase_if(
          out, [&](const auto& p) { return p.first == key || p.first.rfind(key + "[", 0) == 0; });
    }
    out.emplace_back(std::move(key), std::move(value));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

// Typical rendered size of one order (sizes the page buffer; a page of 100 is ~340 KB).
constexpr size_t kOrderBytes = 3584;

struct Api::Impl {
  Store& store;
  KeyStore& keys;
  const ApiOptions& opt;
  int version = 100002;
  Json route_index;  // /wc/v3 index, adjusted for version / WooPayments
  std::map<std::string, Json> statics;
  std::mutex cache_mu;
  std::map<uint32_t, std::pair<uint64_t, std::shared_ptr<const std::vector<uint32_t>>>>
      status_cache;
  std::shared_ptr<const std::vector<uint32_t>> name_order;
  uint64_t name_order_version = 0;

  Impl(Store& s, KeyStore& k, const ApiOptions& o) : store(s), keys(k), opt(o) {}

  // ---- request-scoped context
  struct Ctx {
    Ctx(const RestRequest& r, std::string path, ParamList pl)
        : req(r), raw_path(std::move(path)), params(std::move(pl)), p{params} {}
    Ctx(const Ctx&) = delete;
    Ctx& operator=(const Ctx&) = delete;
    const RestRequest& req;
    std::string route;  // "/wc/v3/orders"
    std::string raw_path;
    ParamList params;
    Params p;
    bool authenticated = false;
    RestResponse res;
    std::string route_key;
    bool head = false;
  };

  static void BaseHeaders(RestResponse& res) {
    res.headers.emplace_back("Content-Type", "application/json; charset=UTF-8");
    res.headers.emplace_back("X-Robots-Tag", "noindex");
    res.headers.emplace_back("X-Content-Type-Options", "nosniff");
    res.headers.emplace_back("Access-Control-Expose-Headers", "X-WP-Total, X-WP-TotalPages, Link");
    res.headers.emplace_back(
        "Access-Control-Allow-Headers",
        "Authorization, X-WP-Nonce, Content-Disposition, Content-MD5, Content-Type");
    res.headers.emplace_back("Expires", "Wed, 11 Jan 1984 05:00:00 GMT");
    res.headers.emplace_back("Cache-Control",
                             "no-cache, must-revalidate, max-age=0, no-store, private");
  }

  void ApiLink(RestResponse& res) const {
    res.headers.emplace_back("Link", "<" + opt.home_url + "/wp-json/>; rel=\"https://api.w.org/\"");
  }

  static void SetJson(RestResponse& res, int status, const Json& body) {
    res.status = status;
    res.body.clear();
    JsonWriter w(&res.body);
    WriteJson(w, body);
  }

  void Error(Ctx& c, int status, const std::string& code, const std::string& message) {
    SetJson(c.res, status, ErrorJson(code, message, status));
  }

  // ---- static data
  bool LoadStatic(std::string* error) {
    version = VersionNumber(opt.wc_version);
    const char* names[] = {"wc_v3_index",           "data",
                           "data_continents",       "data_countries",
                           "data_country_us",       "data_currencies",
                           "data_currency_current", "settings_general",
                           "settings_groups",       "system_status",
                           "system_status_tools",   "payment_gateways",
                           "shipping_zones",        "shipping_zone_methods",
                           "shipping_methods",      "tax_classes",
                           "product_attributes",    "product_attribute_terms"};
    for (const char* name : names) {
      const std::string path = opt.data_dir + "/" + name + ".json";
      std::ifstream in(path);
      if (!in) {
        *error = "cannot read " + path;
        return false;
      }
      std::stringstream ss;
      ss << in.rdbuf();
      Json j = Json::parse(ss.str(), nullptr, false);
      if (j.is_discarded()) {
        *error = "malformed JSON in " + path;
        return false;
      }
      ReplaceHome(j);
      statics[name] = std::move(j);
    }
    route_index = statics["wc_v3_index"];
    auto& routes = route_index["routes"];
    if (version < 50800) {
      for (auto& [key, route] : routes.items()) {
        for (auto& ep : route["endpoints"]) {
          if (ep["args"].is_object()) {
            ep["args"].erase("modified_after");
            ep["args"].erase("modified_before");
          }
        }
      }
    }
    if (version < 90000) routes.erase("/wc/v3/refunds");
    if (store.options.woopayments) {
      AddPaymentsRoutes(routes);
    }
    // Settings / system status reflect the configured store.
    for (auto& s : statics["settings_general"]) {
      if (s["id"] == "woocommerce_currency") s["value"] = store.options.currency;
    }
    auto& env = statics["system_status"]["environment"];
    env["version"] = opt.wc_version;
    statics["system_status"]["database"]["wc_database_version"] = opt.wc_version;
    statics["system_status"]["settings"]["currency"] = store.options.currency;
    return true;
  }

  void ReplaceHome(Json& j) const {
    static const std::string kRecorded = "http://127.0.0.1:8080";
    if (j.is_string()) {
      std::string s = j.get<std::string>();
      size_t pos = 0;
      bool changed = false;
      while ((pos = s.find(kRecorded, pos)) != std::string::npos) {
        s.replace(pos, kRecorded.size(), opt.home_url);
        pos += opt.home_url.size();
        changed = true;
      }
      if (changed) j = s;
    } else if (j.is_structured()) {
      for (auto& v : j) ReplaceHome(v);
    }
  }

  void AddPaymentsRoutes(Json& routes) const {
    auto pag = [](const char* sort_default) {
      return Json{{"page", {{"type", "integer"}, {"required", false}}},
                  {"pagesize", {{"type", "integer"}, {"required", false}}},
                  {"sort", {{"type", "string"}, {"default", sort_default}, {"required", false}}},
                  {"direction", {{"type", "string"}, {"required", false}}},
                  {"match", {{"type", "string"}, {"required", false}}},
                  {"date_before", {{"type", "string"}, {"required", false}}},
                  {"date_after", {{"type", "string"}, {"required", false}}},
                  {"date_between", {{"type", "array"}, {"required", false}}},
                  {"status_is", {{"type", "string"}, {"required", false}}},
                  {"status_is_not", {{"type", "string"}, {"required", false}}},
                  {"store_currency_is", {{"type", "string"}, {"required", false}}}};
    };
    auto route = [&](const std::string& path, Json args) {
      Json r = {{"namespace", "wc/v3"},
                {"methods", {"GET"}},
                {"endpoints", {{{"methods", {"GET"}}, {"args", std::move(args)}}}},
                {"_links", {{"self", {{{"href", opt.home_url + "/wp-json" + path}}}}}}};
      routes[path] = std::move(r);
    };
    route("/wc/v3/payments/deposits", pag("date"));
    route("/wc/v3/payments/disputes", pag("created"));
    route("/wc/v3/payments/transactions", pag("date"));
  }

  Json* ArgsFor(const std::string& route_key) {
    auto& routes = route_index["routes"];
    auto it = routes.find(route_key);
    if (it == routes.end()) return nullptr;
    for (auto& ep : (*it)["endpoints"]) {
      for (auto& m : ep["methods"]) {
        if (m == "GET" && ep["args"].is_object()) return &ep["args"];
      }
    }
    return nullptr;
  }

  // WP rest_validate_request_arg over the route's GET args: returns false and fills the 400.
  bool Validate(Ctx& c) {
    Json* args = ArgsFor(c.route_key);
    if (args == nullptr) return true;
    Json params = Json::object();
    Json details = Json::object();
    std::vector<std::string> bad;
    for (auto& [name, schema] : args->items()) {
      if (!c.p.Has(name)) continue;
      std::string code, message;
      const std::string type = schema.value("type", "");
      if (type == "array") {
        std::vector<std::string> values = c.p.List(name);
        if (schema.contains("items") && schema["items"].contains("enum")) {
          std::vector<std::string> allowed;
          for (auto& e : schema["items"]["enum"]) allowed.push_back(e.get<std::string>());
          for (size_t i = 0; i < values.size(); ++i) {
            if (std::find(allowed.begin(), allowed.end(), values[i]) == allowed.end()) {
              code = "rest_not_in_enum";
              message = name + "[" + std::to_string(i) + "] is not one of " + WpList(allowed) + ".";
              break;
            }
          }
        }
      } else {
        const std::string v = c.p.Get(name).value_or("");
        if (type == "integer") {
          auto n = ParseInt(v);
          if (!n) {
            code = "rest_invalid_type";
            message = name + " is not of type integer.";
          } else if (schema.contains("minimum") && schema.contains("maximum") &&
                     (*n < schema["minimum"].get<int64_t>() ||
                      *n > schema["maximum"].get<int64_t>())) {
            code = "rest_out_of_bounds";
            message = name + " must be between " +
                      std::to_string(schema["minimum"].get<int64_t>()) + " (inclusive) and " +
                      std::to_string(schema["maximum"].get<int64_t>()) + " (inclusive)";
          } else if (schema.contains("minimum") && !schema.contains("maximum") &&
                     *n < schema["minimum"].get<int64_t>()) {
            code = "rest_out_of_bounds";
            message = name + " must be greater than or equal to " +
                      std::to_string(schema["minimum"].get<int64_t>());
          }
        } else if (type == "boolean") {
          const std::string l = Lower(v);
          if (l != "true" && l != "false" && l != "1" && l != "0" && !v.empty()) {
            code = "rest_invalid_type";
            message = name + " is not of type boolean.";
          }
        } else if (type == "string") {
          if (schema.contains("enum")) {
            std::vector<std::string> allowed;
            for (auto& e : schema["enum"]) {
              if (e.is_string()) allowed.push_back(e.get<std::string>());
            }
            if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
              code = "rest_not_in_enum";
              message = name + " is not one of " + WpList(allowed) + ".";
            }
          } else if (schema.value("format", "") == "date-time" && !ParseRestDate(v)) {
            code = "rest_invalid_date";
            message = "Invalid date.";
          }
        }
      }
      if (!code.empty()) {
        bad.push_back(name);
        params[name] = message;
        details[name] = {{"code", code}, {"message", message}, {"data", nullptr}};
      }
    }
    if (bad.empty()) return true;
    std::string joined;
    for (const auto& b : bad) joined += (joined.empty() ? "" : ", ") + b;
    SetJson(c.res, 400,
            Json{{"code", "rest_invalid_param"},
                 {"message", "Invalid parameter(s): " + joined},
                 {"data", {{"status", 400}, {"params", params}, {"details", details}}}});
    return false;
  }

  // ---- _fields (rest_filter_response_fields, applied while writing: json_writer.h)
  static std::optional<FieldTree> FieldsOf(const Params& p) {
    if (!p.Has("_fields")) return std::nullopt;
    const std::vector<std::string> list = p.List("_fields");
    if (list.empty()) return std::nullopt;  // wp_parse_list() found nothing: no filtering
    return FieldTree::Parse(list);
  }

  void Respond(Ctx& c, const Json& body) {
    const auto tree = FieldsOf(c.p);
    c.res.status = 200;
    c.res.body.clear();
    JsonWriter w(&c.res.body, tree ? &*tree : nullptr);
    WriteJson(w, body);
  }

  // Streams a body straight into the response: write(JsonWriter&) emits one JSON value.
  template <typename Write>
  void RespondStream(Ctx& c, size_t reserve, Write write) {
    const auto tree = FieldsOf(c.p);
    c.res.status = 200;
    c.res.body.clear();
    c.res.body.reserve(reserve);
    JsonWriter w(&c.res.body, tree ? &*tree : nullptr);
    write(w);
  }

  // ---- pagination
  struct Page {
    int64_t page = 1, per_page = 10, offset = 0;
    bool has_offset = false;
  };
  static Page PageOf(const Params& p, int64_t default_per_page = 10) {
    Page pg;
    pg.per_page = default_per_page;
    if (auto v = p.Get("page")) pg.page = ParseInt(*v).value_or(1);
    if (auto v = p.Get("per_page")) pg.per_page = ParseInt(*v).value_or(default_per_page);
    if (auto v = p.Get("offset")) {
      pg.offset = std::max<int64_t>(0, ParseInt(*v).value_or(0));
      pg.has_offset = true;
    }
    if (pg.page < 1) pg.page = 1;
    if (pg.per_page < 1) pg.per_page = 1;
    return pg;
  }

  std::string LinkUrl(const Ctx& c, const ParamList& params, int64_t page) const {
    std::string url = opt.home_url + "/wp-json" + c.route;
    std::string q;
    bool page_done = false;
    for (const auto& [k, v] : params) {
      std::string value = v;
      if (k == "page") {
        value = std::to_string(page);
        page_done = true;
      }
      std::string key;
      const size_t b = k.find('[');
      if (b == std::string::npos)
        key = PhpUrlEncode(k);
      else
        key = PhpUrlEncode(k.substr(0, b)) + PhpUrlEncode(k.substr(b));
      q += (q.empty() ? "" : "&") + key + "=" + PhpUrlEncode(value);
    }
    if (!page_done) q += (q.empty() ? "" : "&") + std::string("page=") + std::to_string(page);
    return url + "?" + q;
  }

  // Sets X-WP-Total / X-WP-TotalPages / Link (prev/next) like WC's CRUD controllers.
  void Paginate(Ctx& c, int64_t total, const Page& pg, const ParamList& link_params,
                bool hpos_empty_zero = false, bool empty_page = false) {
    int64_t max_pages = pg.per_page > 0 ? (total + pg.per_page - 1) / pg.per_page : 0;
    if (hpos_empty_zero && empty_page) {
      total = 0;
      max_pages = 0;
    }
    c.res.headers.emplace_back("X-WP-Total", std::to_string(total));
    c.res.headers.emplace_back("X-WP-TotalPages", std::to_string(max_pages));
    std::string link;
    if (pg.page > 1) {
      const int64_t prev = pg.page - 1 > max_pages ? max_pages : pg.page - 1;
      link += "<" + LinkUrl(c, link_params, prev) + ">; rel=\"prev\"";
    }
    if (max_pages > pg.page) {
      if (!link.empty()) link += ", ";
      link += "<" + LinkUrl(c, link_params, pg.page + 1) + ">; rel=\"next\"";
    }
    if (!link.empty())
      c.res.headers.emplace_back("Link", link);
    else
      ApiLink(c.res);
  }

  void Totals(Ctx& c, int64_t total) {
    ApiLink(c.res);
    c.res.headers.emplace_back("X-WP-Total", std::to_string(total));
    c.res.headers.emplace_back("X-WP-TotalPages", std::to_string(total > 0 ? 1 : 0));
  }

  // ---- dates in filters
  // Returns the UTC bound for after/before/modified_* params.
  std::optional<int64_t> DateBound(const Ctx& c, const char* name, bool gmt) const {
    auto v = c.p.Get(name);
    if (!v) return std::nullopt;
    auto d = ParseRestDate(*v);
    if (!d) return std::nullopt;
    if (d->has_offset) return d->utc;
    if (gmt) return d->wall;
    return store.tz.ToUtc(LocalDateTime::FromEpochSecondsAsUtc(d->wall));
  }
  bool DatesAreGmt(const Ctx& c) const {
    auto v = c.p.Get("dates_are_gmt");
    if (!v) return false;
    const std::string l = Lower(*v);
    return l == "true" || l == "1";
  }
  bool ModifiedSupported() const { return version >= 50800; }

  template <typename T, typename GetId, typename GetCreated, typename GetModified>
  void SortItems(const Ctx& c, std::vector<const T*>& items, GetId id, GetCreated created,
                 GetModified modified, const std::string& default_orderby = "date") {
    const std::string orderby = c.p.Get("orderby").value_or(default_orderby);
    const bool asc = Lower(c.p.Get("order").value_or("desc")) == "asc";
    auto key_cmp = [&](auto key) {
      std::stable_sort(items.begin(), items.end(), [&](const T* a, const T* b) {
        const auto ka = key(*a), kb = key(*b);
        if (ka != kb) return asc ? ka < kb : ka > kb;
        return asc ? id(*a) < id(*b) : id(*a) > id(*b);
      });
    };
    if (orderby == "id") {
      key_cmp([&](const T& x) { return static_cast<int64_t>(id(x)); });
    } else if (orderby == "modified") {
      key_cmp([&](const T& x) { return modified(x); });
    } else if (orderby == "include") {
      const auto inc = c.p.IdList("include");
      key_cmp([&](const T& x) {
        auto it = std::find(inc.begin(), inc.end(), static_cast<int64_t>(id(x)));
        return static_cast<int64_t>(it - inc.begin());
      });
      if (!asc) std::reverse(items.begin(), items.end());
    } else {
      key_cmp([&](const T& x) { return created(x); });
    }
  }

  // Renders the page of `items` with render(JsonWriter&, const T&) (Json-returning renderers
  // go through WriteJson); `item_bytes` sizes the body buffer.
  template <typename T, typename Render>
  void RespondPage(Ctx& c, const std::vector<const T*>& items, const Page& pg,
                   const ParamList& link_params, Render render, bool hpos = false,
                   size_t item_bytes = 1024) {
    const int64_t total = static_cast<int64_t>(items.size());
    const int64_t start = pg.has_offset ? pg.offset : (pg.page - 1) * pg.per_page;
    const int64_t end = std::min(total, start + pg.per_page);
    const bool empty = start >= total;
    Paginate(c, total, pg, link_params, hpos, empty);
    const size_t n =
        c.head || end <= start ? 0 : static_cast<size_t>(end - std::max<int64_t>(0, start));
    RespondStream(c, 16 + n * item_bytes, [&](JsonWriter& w) {
      w.BeginArray();
      if (!c.head) {
        for (int64_t i = std::max<int64_t>(0, start); i < end; ++i) {
          if constexpr (std::is_invocable_v<Render, JsonWriter&, const T&>) {
            render(w, *items[static_cast<size_t>(i)]);
          } else {
            WriteJson(w, render(*items[static_cast<size_t>(i)]));
          }
        }
      }
      w.EndArray();
    });
  }

  // Query params echoed by Link, plus WC's additions for HPOS orders / refunds.
  static ParamList OrderLinkParams(const Ctx& c, const std::vector<std::string>& statuses,
                                   bool empty) {
    ParamList lp;
    for (const auto& kv : c.params) {
      if (kv.first == "status" || kv.first.rfind("status[", 0) == 0) continue;
      lp.push_back(kv);
    }
    for (size_t i = 0; i < statuses.size(); ++i) {
      lp.emplace_back("status[" + std::to_string(i) + "]", statuses[i]);
    }
    if (!empty) {
      lp.emplace_back("dp", c.p.Get("dp").value_or("2"));
      lp.emplace_back("context", "view");
    }
    return lp;
  }

  RenderContext Rc(const Ctx& c) const {
    RenderContext rc{store, opt.home_url};
    rc.ns = c.route.rfind("/wc/v2", 0) == 0 ? "wc/v2" : "wc/v3";
    rc.wc_version = opt.wc_version;
    return rc;
  }

  // ---- handlers
  void Orders(Ctx& c) {
    std::vector<std::string> statuses =
        c.p.Has("status") ? c.p.List("status") : std::vector<std::string>{"any"};
    if (statuses.empty()) statuses = {"any"};
    bool status_mask[kOrderStatusCount] = {};
    bool any_status = false;
    for (const auto& s : statuses) {
      if (s == "any") {
        any_status = true;
      } else if (auto st = ParseStatus(s)) {
        status_mask[static_cast<int>(*st)] = true;
      }
    }
    if (any_status) {
      for (int i = 0; i < kOrderStatusCount; ++i) {
        status_mask[i] = status_mask[i] || i != static_cast<int>(OrderStatus::kCheckoutDraft);
      }
    }
    const bool gmt = DatesAreGmt(c);
    const auto after = DateBound(c, "after", gmt), before = DateBound(c, "before", gmt);
    std::optional<int64_t> mafter, mbefore;
    if (ModifiedSupported()) {
      mafter = DateBound(c, "modified_after", gmt);
      mbefore = DateBound(c, "modified_before", gmt);
    }
    const auto include = c.p.IdList("include");
    const auto exclude = c.p.IdList("exclude");
    const auto parent = c.p.IdList("parent");
    std::optional<int64_t> customer;
    if (auto v = c.p.Get("customer")) customer = ParseInt(*v).value_or(-1);
    std::optional<int64_t> product;
    if (auto v = c.p.Get("product")) product = ParseInt(*v).value_or(-1);
    const std::string search = Lower(c.p.Get("search").value_or(""));
    const bool has_include = c.p.Has("include");
    std::vector<const Order*> matches;
    matches.reserve(1024);
    const Page pg = PageOf(c.p);
    const std::string orderby = c.p.Get("orderby").value_or("date");
    const bool asc = Lower(c.p.Get("order").value_or("desc")) == "asc";
    const bool simple = !after && !before && !mafter && !mbefore && !has_include &&
                        exclude.empty() && parent.empty() && !customer && !product &&
                        search.empty() && (orderby == "date" || orderby == "id");
    if (simple) {
      // Fast path (no filters, id/date order): count and slice without materialising matches.
      const int64_t start = pg.has_offset ? pg.offset : (pg.page - 1) * pg.per_page;
      uint32_t mask_bits = 0;
      for (int i = 0; i < kOrderStatusCount; ++i) mask_bits |= status_mask[i] ? 1u << i : 0u;
      const auto index = StatusIndex(mask_bits);
      const int64_t total = static_cast<int64_t>(index->size());
      std::vector<const Order*> page;
      for (int64_t k = std::max<int64_t>(0, start); k < std::min(total, start + pg.per_page); ++k) {
        const size_t pos = static_cast<size_t>(asc ? k : total - 1 - k);
        page.push_back(&store.orders[(*index)[pos]]);
      }
      const bool empty = start >= total;
      const RenderContext rc = Rc(c);
      Paginate(c, total, pg, OrderLinkParams(c, statuses, empty), true, empty);
      RespondStream(c, 16 + (c.head ? 0 : page.size() * kOrderBytes), [&](JsonWriter& w) {
        w.BeginArray();
        if (!c.head) {
          for (const Order* o : page) WriteOrder(w, rc, *o);
        }
        w.EndArray();
      });
      return;
    }
    for (const Order& o : store.orders) {
      if (!status_mask[static_cast<int>(o.status)]) continue;
      if (after && !(o.created > *after)) continue;
      if (before && !(o.created < *before)) continue;
      if (mafter && !(o.modified > *mafter)) continue;
      if (mbefore && !(o.modified < *mbefore)) continue;
      if (has_include && std::find(include.begin(), include.end(), o.id) == include.end()) continue;
      if (!exclude.empty() && std::find(exclude.begin(), exclude.end(), o.id) != exclude.end())
        continue;
      if (!parent.empty() && std::find(parent.begin(), parent.end(), 0) == parent.end()) continue;
      if (customer && o.customer_id != *customer) continue;
      if (product) {
        bool found = false;
        for (uint32_t i = 0; i < o.n_items && !found; ++i) {
          const LineItem& li = store.items[o.first_item + i];
          found = li.product == *product || li.variation == *product;
        }
        if (!found) continue;
      }
      if (!search.empty() && !OrderMatches(o, search)) continue;
      matches.push_back(&o);
    }
    // Orders are stored by id and created time together: date order == id order.
    if (orderby == "modified" || orderby == "include") {
      SortItems<Order>(
          c, matches, [](const Order& o) { return o.id; }, [](const Order& o) { return o.created; },
          [](const Order& o) { return o.modified; });
    } else if (!asc) {
      std::reverse(matches.begin(), matches.end());
    }
    const int64_t start = pg.has_offset ? pg.offset : (pg.page - 1) * pg.per_page;
    const bool empty = start >= static_cast<int64_t>(matches.size());
    const RenderContext rc = Rc(c);
    RespondPage(
        c, matches, pg, OrderLinkParams(c, statuses, empty),
        [&](JsonWriter& w, const Order& o) { WriteOrder(w, rc, o); }, true, kOrderBytes);
  }

  // Customer indexes sorted by display name (staff: "admin" / "manager"), then id; cached per
  // store version (sorting 100k+ names per request cost tens of ms).
  std::shared_ptr<const std::vector<uint32_t>> CustomerNameOrder() {
    std::lock_guard lock(cache_mu);
    if (name_order && name_order_version == store.version) return name_order;
    std::vector<std::pair<std::string, uint32_t>> keyed;
    keyed.reserve(store.customers.size());
    for (size_t i = 0; i < store.customers.size(); ++i) {
      const Customer& cu = store.customers[i];
      if (cu.staff) {
        keyed.emplace_back(cu.id == 1 ? "admin" : "manager", static_cast<uint32_t>(i));
      } else {
        const Person p = store.PersonFor(cu.id, false);
        keyed.emplace_back(p.first + " " + p.last, static_cast<uint32_t>(i));
      }
    }
    std::sort(keyed.begin(), keyed.end(), [&](const auto& a, const auto& b) {
      if (a.first != b.first) return a.first < b.first;
      return store.customers[a.second].id < store.customers[b.second].id;
    });
    auto v = std::make_shared<std::vector<uint32_t>>();
    v->reserve(keyed.size());
    for (const auto& k : keyed) v->push_back(k.second);
    name_order = v;
    name_order_version = store.version;
    return v;
  }

  // Indexes of the orders whose status is in `mask_bits`, cached per store version.
  std::shared_ptr<const std::vector<uint32_t>> StatusIndex(uint32_t mask_bits) {
    std::lock_guard lock(cache_mu);
    auto it = status_cache.find(mask_bits);
    if (it != status_cache.end() && it->second.first == store.version) return it->second.second;
    auto v = std::make_shared<std::vector<uint32_t>>();
    v->reserve(store.orders.size());
    for (size_t k = 0; k < store.orders.size(); ++k) {
      if (mask_bits & (1u << static_cast<int>(store.orders[k].status)))
        v->push_back(static_cast<uint32_t>(k));
    }
    if (status_cache.size() > 16) status_cache.clear();
    status_cache[mask_bits] = {store.version, v};
    return v;
  }

  bool OrderMatches(const Order& o, const std::string& needle) const {
    if (std::to_string(o.id) == needle) return true;
    const Person p = store.PersonFor(o.person, o.customer_id == 0);
    if (ContainsCi(p.first, needle) || ContainsCi(p.last, needle) || ContainsCi(p.email, needle) ||
        ContainsCi(p.address_1, needle) || ContainsCi(p.city, needle) ||
        ContainsCi(p.first + " " + p.last, needle)) {
      return true;
    }
    for (uint32_t i = 0; i < o.n_items; ++i) {
      const Product* pr = store.FindProduct(store.items[o.first_item + i].product);
      if (pr != nullptr && ContainsCi(pr->name, needle)) return true;
    }
    return false;
  }

  void OrderSingle(Ctx& c, uint32_t id) {
    const Order* o = store.FindOrder(id);
    if (o == nullptr || o->status == OrderStatus::kCheckoutDraft) {
      Error(c, 404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.");
      return;
    }
    ApiLink(c.res);
    const RenderContext rc = Rc(c);
    RespondStream(c, kOrderBytes, [&](JsonWriter& w) { WriteOrder(w, rc, *o); });
  }

  void RefundsList(Ctx& c, std::optional<uint32_t> order_id) {
    const bool gmt = DatesAreGmt(c);
    const auto after = DateBound(c, "after", gmt), before = DateBound(c, "before", gmt);
    std::optional<int64_t> mafter, mbefore;
    if (ModifiedSupported()) {
      mafter = DateBound(c, "modified_after", gmt);
      mbefore = DateBound(c, "modified_before", gmt);
    }
    const auto include = c.p.IdList("include");
    const auto exclude = c.p.IdList("exclude");
    const auto parent = c.p.IdList("parent");
    const auto parent_exclude = c.p.IdList("parent_exclude");
    const bool has_include = c.p.Has("include");
    std::vector<const Refund*> matches;
    if (order_id) {
      const Order* o = store.FindOrder(*order_id);
      if (o != nullptr) {
        for (uint32_t r = o->last_refund; r != 0; r = store.refunds[r - 1].prev_same_order) {
          matches.push_back(&store.refunds[r - 1]);
        }
        std::reverse(matches.begin(), matches.end());
      }
    } else {
      matches.reserve(store.refunds.size());
      for (const Refund& r : store.refunds) matches.push_back(&r);
    }
    std::erase_if(matches, [&](const Refund* r) {
      if (after && !(r->created > *after)) return true;
      if (before && !(r->created < *before)) return true;
      // Refunds are never modified after creation.
      if (mafter && !(r->created > *mafter)) return true;
      if (mbefore && !(r->created < *mbefore)) return true;
      if (has_include && std::find(include.begin(), include.end(), r->id) == include.end())
        return true;
      if (std::find(exclude.begin(), exclude.end(), r->id) != exclude.end()) return true;
      if (!parent.empty() && std::find(parent.begin(), parent.end(), r->order_id) == parent.end())
        return true;
      if (std::find(parent_exclude.begin(), parent_exclude.end(), r->order_id) !=
          parent_exclude.end())
        return true;
      return false;
    });
    SortItems<Refund>(
        c, matches, [](const Refund& r) { return r.id; }, [](const Refund& r) { return r.created; },
        [](const Refund& r) { return r.created; });
    const Page pg = PageOf(c.p);
    const int64_t start = pg.has_offset ? pg.offset : (pg.page - 1) * pg.per_page;
    const bool empty = start >= static_cast<int64_t>(matches.size());
    ParamList lp = c.params;
    if (!empty) lp.emplace_back("dp", c.p.Get("dp").value_or("2"));
    const RenderContext rc = Rc(c);
    const bool with_parent = !order_id.has_value();
    RespondPage(
        c, matches, pg, lp,
        [&](JsonWriter& w, const Refund& r) { WriteRefund(w, rc, r, with_parent); }, true);
  }

  void RefundSingle(Ctx& c, uint32_t order_id, uint32_t id) {
    const Refund* r = store.FindRefund(id);
    if (r == nullptr || r->order_id != order_id) {
      Error(c, 404, "woocommerce_rest_shop_order_refund_invalid_id", "Invalid ID.");
      return;
    }
    ApiLink(c.res);
    const RenderContext rc = Rc(c);
    RespondStream(c, 2048, [&](JsonWriter& w) { WriteRefund(w, rc, *r, false); });
  }

  void OrderNotes(Ctx& c, uint32_t order_id) {
    const Order* o = store.FindOrder(order_id);
    if (o == nullptr) {
      Error(c, 404, "woocommerce_rest_order_invalid_id", "Invalid order ID.");
      return;
    }
    ApiLink(c.res);
    Respond(c, OrderNotesJson(Rc(c), *o));
  }

  void OrderStatuses(Ctx& c) {
    Json arr = Json::array();
    for (int i = 0; i < kOrderStatusCount; ++i) {
      const auto s = static_cast<OrderStatus>(i);
      arr.push_back(Json{{"slug", StatusSlug(s)}, {"name", StatusName(s)}});
    }
    ApiLink(c.res);
    Respond(c, std::move(arr));
  }

  void Products(Ctx& c) {
    const bool gmt = DatesAreGmt(c);
    const auto after = DateBound(c, "after", gmt), before = DateBound(c, "before", gmt);
    std::optional<int64_t> mafter, mbefore;
    if (ModifiedSupported()) {
      mafter = DateBound(c, "modified_after", gmt);
      mbefore = DateBound(c, "modified_before", gmt);
    }
    const auto include = c.p.IdList("include");
    const auto exclude = c.p.IdList("exclude");
    const bool has_include = c.p.Has("include");
    const std::string type = c.p.Get("type").value_or("");
    const std::string status = c.p.Get("status").value_or("any");
    const std::string stock_status = c.p.Get("stock_status").value_or("");
    const std::string sku = c.p.Get("sku").value_or("");
    const std::string slug = c.p.Get("slug").value_or("");
    const std::string category = c.p.Get("category").value_or("");
    const std::string search = Lower(c.p.Get("search").value_or(""));
    const std::string on_sale = c.p.Get("on_sale").value_or("");
    std::vector<const Product*> matches;
    for (const Product& p : store.products) {
      if (p.purged) continue;
      if (p.trashed && status != "trash") continue;
      if (!p.trashed && status == "trash") continue;
      if (status != "any" && status != "publish" && status != "trash") continue;
      if (!type.empty() && type != (p.variable ? "variable" : "simple")) continue;
      if (!stock_status.empty() && stock_status != ProductStockStatus(store, p)) continue;
      if (!sku.empty() && sku != p.sku) continue;
      if (!slug.empty() && slug != p.slug) continue;
      if (!category.empty() && category != std::to_string(store.categories[p.category].id))
        continue;
      if (!on_sale.empty() && (Lower(on_sale) == "true") != (p.sale_cents != 0)) continue;
      if (!search.empty() && !ContainsCi(p.name, search)) continue;
      if (after && !(p.created > *after)) continue;
      if (before && !(p.created < *before)) continue;
      if (mafter && !(p.modified > *mafter)) continue;
      if (mbefore && !(p.modified < *mbefore)) continue;
      if (has_include && std::find(include.begin(), include.end(), p.id) == include.end()) continue;
      if (std::find(exclude.begin(), exclude.end(), p.id) != exclude.end()) continue;
      matches.push_back(&p);
    }
    const std::string orderby = c.p.Get("orderby").value_or("date");
    if (orderby == "title" || orderby == "slug" || orderby == "price" || orderby == "popularity") {
      const bool asc = Lower(c.p.Get("order").value_or("desc")) == "asc";
      std::stable_sort(matches.begin(), matches.end(), [&](const Product* a, const Product* b) {
        if (orderby == "price") {
          const int64_t pa = a->sale_cents ? a->sale_cents : a->regular_cents;
          const int64_t pb = b->sale_cents ? b->sale_cents : b->regular_cents;
          if (pa != pb) return asc ? pa < pb : pa > pb;
        } else if (orderby == "popularity") {
          if (a->total_sales != b->total_sales)
            return asc ? a->total_sales < b->total_sales : a->total_sales > b->total_sales;
        } else {
          const std::string& ka = orderby == "title" ? a->name : a->slug;
          const std::string& kb = orderby == "title" ? b->name : b->slug;
          if (ka != kb) return asc ? ka < kb : ka > kb;
        }
        return asc ? a->id < b->id : a->id > b->id;
      });
    } else {
      SortItems<Product>(
          c, matches, [](const Product& p) { return p.id; },
          [](const Product& p) { return p.created; }, [](const Product& p) { return p.modified; });
    }
    const RenderContext rc = Rc(c);
    RespondPage(
        c, matches, PageOf(c.p), c.params,
        [&](JsonWriter& w, const Product& p) { WriteProduct(w, rc, p); }, false, 4096);
  }

  void ProductSingle(Ctx& c, uint32_t id) {
    // A trashed product is still a product (wc_get_product()): it answers with status "trash".
    const Product* p = store.FindProduct(id);
    if (p == nullptr || p->purged) {
      Error(c, 404, "woocommerce_rest_product_invalid_id", "Invalid ID.");
      return;
    }
    ApiLink(c.res);
    const RenderContext rc = Rc(c);
    RespondStream(c, 4096, [&](JsonWriter& w) { WriteProduct(w, rc, *p); });
  }

  void Variations(Ctx& c, uint32_t product_id) {
    const Product* p = store.FindProduct(product_id);
    std::vector<const Variation*> matches;
    const bool gmt = DatesAreGmt(c);
    std::optional<int64_t> mafter, mbefore;
    if (ModifiedSupported()) {
      mafter = DateBound(c, "modified_after", gmt);
      mbefore = DateBound(c, "modified_before", gmt);
    }
    const auto include = c.p.IdList("include");
    const bool has_include = c.p.Has("include");
    const std::string stock_status = c.p.Get("stock_status").value_or("");
    if (p != nullptr && !p->trashed) {
      for (uint32_t vi : p->variations) {
        const Variation& v = store.variations[vi];
        if (mafter && !(v.modified > *mafter)) continue;
        if (mbefore && !(v.modified < *mbefore)) continue;
        if (has_include && std::find(include.begin(), include.end(), v.id) == include.end())
          continue;
        if (!stock_status.empty() && stock_status != VariationStockStatus(store, v)) continue;
        matches.push_back(&v);
      }
    }
    SortItems<Variation>(
        c, matches, [](const Variation& v) { return v.id; },
        [](const Variation& v) { return v.created; },
        [](const Variation& v) { return v.modified; });
    const RenderContext rc = Rc(c);
    RespondPage(
        c, matches, PageOf(c.p), c.params,
        [&](JsonWriter& w, const Variation& v) { WriteVariation(w, rc, v); }, false, 2048);
  }

  void VariationSingle(Ctx& c, uint32_t product_id, uint32_t id) {
    const Variation* v = store.FindVariation(id);
    const Product* p = store.FindProduct(product_id);
    if (v == nullptr || v->parent_id != product_id || p == nullptr || p->trashed) {
      Error(c, 404, "woocommerce_rest_product_variation_invalid_id", "Invalid ID.");
      return;
    }
    ApiLink(c.res);
    const RenderContext rc = Rc(c);
    RespondStream(c, 2048, [&](JsonWriter& w) { WriteVariation(w, rc, *v); });
  }

  int CategoryCount(const Category& cat) const {
    int n = 0;
    const auto idx = static_cast<uint32_t>(&cat - store.categories.data());
    for (const auto& p : store.products) n += !p.trashed && p.category == idx ? 1 : 0;
    return n;
  }

  void Categories(Ctx& c) {
    std::vector<const Category*> matches;
    const std::string search = Lower(c.p.Get("search").value_or(""));
    const bool hide_empty = Lower(c.p.Get("hide_empty").value_or("false")) == "true";
    for (const auto& cat : store.categories) {
      if (!search.empty() && !ContainsCi(cat.name, search)) continue;
      if (hide_empty && CategoryCount(cat) == 0) continue;
      matches.push_back(&cat);
    }
    // Terms default to orderby name asc.
    const std::string orderby = c.p.Get("orderby").value_or("name");
    const bool asc = Lower(c.p.Get("order").value_or("asc")) == "asc";
    std::stable_sort(matches.begin(), matches.end(), [&](const Category* a, const Category* b) {
      if (orderby == "id") return asc ? a->id < b->id : a->id > b->id;
      if (orderby == "slug") return asc ? a->slug < b->slug : a->slug > b->slug;
      return asc ? a->name < b->name : a->name > b->name;
    });
    const RenderContext rc = Rc(c);
    RespondPage(c, matches, PageOf(c.p), c.params,
                [&](const Category& cat) { return CategoryJson(rc, cat, CategoryCount(cat)); });
  }

  void CategorySingle(Ctx& c, uint32_t id) {
    for (const auto& cat : store.categories) {
      if (cat.id == id) {
        ApiLink(c.res);
        Respond(c, CategoryJson(Rc(c), cat, CategoryCount(cat)));
        return;
      }
    }
    Error(c, 404, "woocommerce_rest_term_invalid", "Resource does not exist.");
  }

  void Reviews(Ctx& c) {
    std::vector<const Review*> matches;
    const auto product = c.p.IdList("product");
    for (const auto& r : store.reviews) {
      const Product* p = store.FindProduct(r.product_id);
      if (p == nullptr || p->trashed) continue;
      if (!product.empty() &&
          std::find(product.begin(), product.end(), r.product_id) == product.end())
        continue;
      matches.push_back(&r);
    }
    SortItems<Review>(
        c, matches, [](const Review& r) { return r.id; }, [](const Review& r) { return r.created; },
        [](const Review& r) { return r.created; });
    const RenderContext rc = Rc(c);
    RespondPage(c, matches, PageOf(c.p), c.params,
                [&](const Review& r) { return ReviewJson(rc, r); });
  }

  void Customers(Ctx& c) {
    const std::string role = c.p.Get("role").value_or("customer");
    const std::string email = Lower(c.p.Get("email").value_or(""));
    const std::string search = Lower(c.p.Get("search").value_or(""));
    const auto include = c.p.IdList("include");
    const auto exclude = c.p.IdList("exclude");
    const bool has_include = c.p.Has("include");
    std::vector<const Customer*> matches;
    for (const Customer& cu : store.customers) {
      if (role != "all") {
        const char* r = cu.staff ? (cu.id == 1 ? "administrator" : "shop_manager") : "customer";
        if (role != r) continue;
      }
      if (has_include && std::find(include.begin(), include.end(), cu.id) == include.end())
        continue;
      if (std::find(exclude.begin(), exclude.end(), cu.id) != exclude.end()) continue;
      if (!email.empty() || !search.empty()) {
        const Person p = store.PersonFor(cu.id, false);
        if (!email.empty() && Lower(p.email) != email) continue;
        if (!search.empty() && !ContainsCi(p.email, search) &&
            !ContainsCi(p.first + " " + p.last, search))
          continue;
      }
      matches.push_back(&cu);
    }
    const std::string orderby = c.p.Get("orderby").value_or("name");
    const bool asc = Lower(c.p.Get("order").value_or("asc")) == "asc";
    if (orderby == "name") {
      // Walk the cached (name, id) order and keep the matches: no per-request sort.
      const auto order = CustomerNameOrder();
      std::vector<char> keep(store.customers.size(), 0);
      for (const Customer* cu : matches) keep[static_cast<size_t>(cu - store.customers.data())] = 1;
      size_t n = 0;
      for (size_t k = 0; k < order->size(); ++k) {
        const uint32_t idx = (*order)[asc ? k : order->size() - 1 - k];
        if (keep[idx]) matches[n++] = &store.customers[idx];
      }
    } else if (orderby == "registered_date") {
      std::stable_sort(matches.begin(), matches.end(), [&](const Customer* a, const Customer* b) {
        if (a->created != b->created)
          return asc ? a->created < b->created : a->created > b->created;
        return asc ? a->id < b->id : a->id > b->id;
      });
    } else if (orderby == "include") {
      SortItems<Customer>(
          c, matches, [](const Customer& x) { return x.id; },
          [](const Customer& x) { return x.created; }, [](const Customer& x) { return x.modified; },
          "include");
    } else {
      std::stable_sort(matches.begin(), matches.end(), [&](const Customer* a, const Customer* b) {
        return asc ? a->id < b->id : a->id > b->id;
      });
    }
    const RenderContext rc = Rc(c);
    RespondPage(
        c, matches, PageOf(c.p), c.params,
        [&](JsonWriter& w, const Customer& cu) { WriteCustomer(w, rc, cu); }, false, 2048);
  }

  void CustomerSingle(Ctx& c, uint32_t id) {
    const Customer* cu = store.FindCustomer(id);
    if (cu == nullptr) {
      Error(c, 404, "wc_user_invalid_id", "Invalid user ID.");
      return;
    }
    ApiLink(c.res);
    const RenderContext rc = Rc(c);
    RespondStream(c, 2048, [&](JsonWriter& w) { WriteCustomer(w, rc, *cu); });
  }

  void CustomerDownloads(Ctx& c, uint32_t id) {
    const Customer* cu = store.FindCustomer(id);
    if (cu == nullptr) {
      Error(c, 404, "woocommerce_rest_customer_invalid_id", "Invalid resource ID.");
      return;
    }
    ApiLink(c.res);
    Respond(c, Json::array());
  }

  void Coupons(Ctx& c) {
    const bool gmt = DatesAreGmt(c);
    const auto after = DateBound(c, "after", gmt), before = DateBound(c, "before", gmt);
    std::optional<int64_t> mafter, mbefore;
    if (ModifiedSupported()) {
      mafter = DateBound(c, "modified_after", gmt);
      mbefore = DateBound(c, "modified_before", gmt);
    }
    const std::string code = Lower(c.p.Get("code").value_or(""));
    const std::string search = Lower(c.p.Get("search").value_or(""));
    const auto include = c.p.IdList("include");
    const auto exclude = c.p.IdList("exclude");
    const bool has_include = c.p.Has("include");
    std::vector<const Coupon*> matches;
    for (const Coupon& cp : store.coupons) {
      if (cp.trashed) continue;
      if (!code.empty() && Lower(cp.code) != code) continue;
      if (!search.empty() && !ContainsCi(cp.code, search)) continue;
      if (after && !(cp.created > *after)) continue;
      if (before && !(cp.created < *before)) continue;
      if (mafter && !(cp.modified > *mafter)) continue;
      if (mbefore && !(cp.modified < *mbefore)) continue;
      if (has_include && std::find(include.begin(), include.end(), cp.id) == include.end())
        continue;
      if (std::find(exclude.begin(), exclude.end(), cp.id) != exclude.end()) continue;
      matches.push_back(&cp);
    }
    SortItems<Coupon>(
        c, matches, [](const Coupon& x) { return x.id; }, [](const Coupon& x) { return x.created; },
        [](const Coupon& x) { return x.modified; });
    const RenderContext rc = Rc(c);
    RespondPage(
        c, matches, PageOf(c.p), c.params,
        [&](JsonWriter& w, const Coupon& cp) { WriteCoupon(w, rc, cp); }, false, 2048);
  }

  void CouponSingle(Ctx& c, uint32_t id) {
    // A trashed coupon still reads (new WC_Coupon($id)): status "trash"; purged ones are gone.
    const Coupon* cp = store.FindCoupon(id);
    if (cp == nullptr || cp->purged) {
      Error(c, 404, "woocommerce_rest_shop_coupon_invalid_id", "Invalid ID.");
      return;
    }
    ApiLink(c.res);
    const RenderContext rc = Rc(c);
    RespondStream(c, 2048, [&](JsonWriter& w) { WriteCoupon(w, rc, *cp); });
  }

  Json Gateways() const {
    Json list = Json::array();
    const Json& recorded = statics.at("payment_gateways");
    Json bacs = recorded[0];
    auto make = [&](const std::string& id, const std::string& title, const std::string& desc,
                    const std::string& method_title, Json settings, bool enabled) {
      Json g = bacs;
      g["id"] = id;
      g["title"] = title;
      g["description"] = desc;
      g["enabled"] = enabled;
      g["method_title"] = method_title;
      g["method_description"] = desc;
      g["settings"] = std::move(settings);
      g["settings_url"] =
          opt.home_url + "/wp-admin/admin.php?page=wc-settings&tab=checkout&section=" + id;
      g["_links"]["self"][0]["href"] = opt.home_url + "/wp-json/wc/v3/payment_gateways/" + id;
      return g;
    };
    auto setting = [](const std::string& id, const std::string& label, const std::string& type,
                      const std::string& value) {
      return Json{{"id", id},       {"label", label}, {"description", ""}, {"type", type},
                  {"value", value}, {"default", ""},  {"tip", ""},         {"placeholder", ""}};
    };
    if (store.options.woopayments) {
      Json s = Json::object();
      s["enabled"] = setting("enabled", "Enable WooPayments", "checkbox", "yes");
      s["account_statement_descriptor"] = setting(
          "account_statement_descriptor", "Customer bank statement", "text", "NORTHWIND OUTFIT");
      s["manual_capture"] = setting("manual_capture", "Manual capture", "checkbox", "no");
      s["test_mode"] = setting("test_mode", "Test mode", "checkbox", "no");
      s["payment_request"] =
          setting("payment_request", "Apple Pay / Google Pay", "checkbox", "yes");
      list.push_back(make("woocommerce_payments", "Credit card / debit card",
                          "Pay with credit card / debit card.", "WooPayments", s, true));
    }
    for (const auto& g : recorded) list.push_back(g);
    Json pp = Json::object();
    pp["title"] = setting("title", "Title", "text", "PayPal");
    pp["email"] = setting("email", "PayPal email", "email", "payments@northwind.example");
    pp["api_username"] =
        setting("api_username", "Live API username", "text", "northwind_api1.example");
    pp["api_password"] =
        setting("api_password", "Live API password", "password", "Q8X2ZK4TJ9W5LMNR");
    pp["api_signature"] = setting("api_signature", "Live API signature", "password",
                                  "AFcWxV21C7fd0v3bYYYRCpSSRl31AhfU.Wq6EXAMPLE");
    list.push_back(make("paypal", "PayPal", "Pay via PayPal.", "PayPal Standard", pp, true));
    return list;
  }

  void PaymentGateways(Ctx& c) {
    Json list = Gateways();
    Totals(c, static_cast<int64_t>(list.size()));
    Json out = Json::parse(list.dump());
    Respond(c, std::move(out));
  }

  void PaymentGatewaySingle(Ctx& c, const std::string& id) {
    for (const auto& g : Gateways()) {
      if (g["id"] == id) {
        ApiLink(c.res);
        Respond(c, Json::parse(g.dump()));
        return;
      }
    }
    Error(c, 404, "woocommerce_rest_payment_gateway_invalid", "Invalid payment gateway ID.");
  }

  void Static(Ctx& c, const std::string& name, bool totals) {
    const Json& j = statics.at(name);
    if (totals && j.is_array()) {
      if (c.route_key.empty() || ArgsFor(c.route_key) == nullptr ||
          !ArgsFor(c.route_key)->contains("per_page")) {
        Totals(c, static_cast<int64_t>(j.size()));
        Respond(c, Json::parse(j.dump()));
        return;
      }
      std::vector<const Json*> items;
      for (const auto& x : j) items.push_back(&x);
      RespondPage(c, items, PageOf(c.p), c.params,
                  [](const Json& x) { return Json::parse(x.dump()); });
      return;
    }
    ApiLink(c.res);
    Respond(c, Json::parse(j.dump()));
  }

  void EmptyList(Ctx& c) {
    Totals(c, 0);
    Respond(c, Json::array());
  }

  void Taxes(Ctx& c) {
    std::vector<int> idx;
    for (int i = 1; i < Store::RateCount(); ++i) idx.push_back(i);
    std::vector<const int*> items;
    for (const int& i : idx) items.push_back(&i);
    RespondPage(c, items, PageOf(c.p), c.params, [&](const int& i) {
      const TaxRate& r = Store::Rate(static_cast<uint8_t>(i));
      Json j = Json::object();
      j["id"] = r.id;
      j["country"] = r.country;
      j["state"] = r.state;
      j["postcode"] = "";
      j["city"] = "";
      char rate[16];
      std::snprintf(rate, sizeof rate, "%.4f", r.basis_points / 100.0);
      j["rate"] = rate;
      j["name"] = r.label;
      j["priority"] = 1;
      j["compound"] = false;
      j["shipping"] = true;
      j["order"] = i - 1;
      j["class"] = "standard";
      j["postcodes"] = Json::array();
      j["cities"] = Json::array();
      const std::string base = opt.home_url + "/wp-json/wc/v3/taxes";
      j["_links"] = Json{
          {"self",
           Json::array({Json{{"href", base + "/" + std::to_string(r.id)},
                             {"targetHints", Json{{"allow", Json::array({"GET", "POST", "PUT",
                                                                         "PATCH", "DELETE"})}}}}})},
          {"collection", Json::array({Json{{"href", base}}})}};
      return j;
    });
  }

  // ---- reports
  struct Range {
    int64_t from = 0, to = 0;  // UTC, [from, to)
    bool by_month = false;
    CivilDate first, last;
  };
  Range ReportRange(const Ctx& c) const {
    const LocalDateTime now_local = store.tz.ToLocal(store.now);
    const CivilDate today = now_local.date;
    Range r;
    const std::string period = c.p.Get("period").value_or("");
    auto dmin = c.p.Get("date_min"), dmax = c.p.Get("date_max");
    if (period.empty() && (dmin || dmax)) {
      auto a = dmin ? ParseCivilDate(*dmin) : StatusOr<CivilDate>(today);
      auto b = dmax ? ParseCivilDate(*dmax) : StatusOr<CivilDate>(today);
      r.first = a.ok() ? *a : today;
      r.last = b.ok() ? *b : today;
    } else if (period == "week") {
      r.first = today.AddDays(-6);
      r.last = today;
    } else if (period == "month") {
      r.first = CivilDate{today.year, today.month, 1};
      r.last = today;
    } else if (period == "last_month") {
      const CivilDate prev = CivilDate{today.year, today.month, 1}.AddMonths(-1);
      r.first = prev;
      r.last = CivilDate{today.year, today.month, 1}.AddDays(-1);
    } else if (period == "year") {
      r.first = CivilDate{today.year, 1, 1};
      r.last = today;
    } else {
      r.first = today;
      r.last = today;
    }
    r.by_month = r.last.ToDays() - r.first.ToDays() > 31;
    r.from = store.tz.ToUtc(LocalDateTime{r.first, 0, 0, 0});
    r.to = store.tz.ToUtc(LocalDateTime{r.last.AddDays(1), 0, 0, 0});
    return r;
  }

  static bool ReportStatus(OrderStatus s) {
    return s == OrderStatus::kCompleted || s == OrderStatus::kProcessing ||
           s == OrderStatus::kOnHold || s == OrderStatus::kRefunded;
  }

  void ReportSales(Ctx& c) {
    const Range r = ReportRange(c);
    struct Bucket {
      int64_t sales = 0, orders = 0, items = 0, tax = 0, shipping = 0, discount = 0, customers = 0;
    };
    std::map<std::string, Bucket> buckets;
    for (CivilDate d = r.first; d <= r.last; d = d.AddDays(1)) {
      const std::string key = r.by_month ? d.ToString().substr(0, 7) : d.ToString();
      buckets[key];
    }
    auto key_of = [&](int64_t utc) {
      const std::string s = LocalIso(store, utc).substr(0, 10);
      return r.by_month ? s.substr(0, 7) : s;
    };
    Bucket total;
    int64_t refunds = 0;
    auto lo = std::lower_bound(store.orders.begin(), store.orders.end(), r.from,
                               [](const Order& o, int64_t t) { return o.created < t; });
    for (auto it = lo; it != store.orders.end() && it->created < r.to; ++it) {
      const Order& o = *it;
      if (!ReportStatus(o.status)) continue;
      Bucket& b = buckets[key_of(o.created)];
      int64_t items = 0;
      for (uint32_t i = 0; i < o.n_items; ++i) items += store.items[o.first_item + i].qty;
      b.sales += o.total;
      b.orders += 1;
      b.items += items;
      b.tax += o.cart_tax + o.shipping_tax;
      b.shipping += o.shipping;
      b.discount += o.discount;
      total.sales += o.total;
      total.orders += 1;
      total.items += items;
      total.tax += o.cart_tax + o.shipping_tax;
      total.shipping += o.shipping;
      total.discount += o.discount;
    }
    for (const Refund& rf : store.refunds) {
      if (rf.created >= r.from && rf.created < r.to) refunds += rf.amount;
    }
    for (const Customer& cu : store.customers) {
      if (cu.staff || cu.created < r.from || cu.created >= r.to) continue;
      buckets[key_of(cu.created)].customers += 1;
      total.customers += 1;
    }
    const int64_t net_total = total.sales - refunds;
    const int64_t net_sales = net_total - total.shipping - total.tax;
    const int64_t intervals = std::max<int64_t>(1, static_cast<int64_t>(buckets.size()));
    Json totals = Json::object();
    for (const auto& [k, b] : buckets) {
      totals[k] = Json{{"sales", Cents(b.sales)},
                       {"orders", b.orders},
                       {"items", b.items},
                       {"tax", Cents(b.tax)},
                       {"shipping", Cents(b.shipping)},
                       {"discount", Cents(b.discount)},
                       {"customers", b.customers}};
    }
    Json j = Json::object();
    j["total_sales"] = Cents(net_total);
    j["net_sales"] = Cents(net_sales);
    j["average_sales"] = Cents(net_sales / intervals);
    j["total_orders"] = total.orders;
    j["total_items"] = total.items;
    j["total_tax"] = Cents(total.tax);
    j["total_shipping"] = Cents(total.shipping);
    j["total_refunds"] = static_cast<double>(refunds) / 100.0;  // a float, as recorded
    j["total_discount"] = Cents(total.discount);
    j["totals_grouped_by"] = r.by_month ? "month" : "day";
    j["totals"] = std::move(totals);
    j["total_customers"] = total.customers;
    j["_links"] =
        Json{{"about", Json::array({Json{{"href", opt.home_url + "/wp-json/wc/v3/reports"}}})}};
    ApiLink(c.res);
    Respond(c, Json::array({std::move(j)}));
  }

  void ReportTopSellers(Ctx& c) {
    const Range r = ReportRange(c);
    std::map<uint32_t, int64_t> qty;
    auto lo = std::lower_bound(store.orders.begin(), store.orders.end(), r.from,
                               [](const Order& o, int64_t t) { return o.created < t; });
    for (auto it = lo; it != store.orders.end() && it->created < r.to; ++it) {
      if (!ReportStatus(it->status)) continue;
      for (uint32_t i = 0; i < it->n_items; ++i) {
        const LineItem& li = store.items[it->first_item + i];
        qty[li.product] += li.qty;
      }
    }
    for (const Refund& rf : store.refunds) {
      if (rf.created < r.from || rf.created >= r.to) continue;
      const Order& o = store.orders[rf.order_index];
      if (rf.kind == RefundKind::kOneItem) {
        qty[store.items[o.first_item + rf.line].product] -= 1;
      } else if (rf.kind == RefundKind::kFull) {
        for (uint32_t i = 0; i < o.n_items; ++i) {
          qty[store.items[o.first_item + i].product] -= store.items[o.first_item + i].qty;
        }
      }
    }
    std::vector<std::pair<uint32_t, int64_t>> sorted(qty.begin(), qty.end());
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    Json arr = Json::array();
    for (const auto& [pid, q] : sorted) {
      if (arr.size() >= 12) break;
      const Product* p = store.FindProduct(pid);
      Json j = Json::object();
      j["name"] = p ? p->name : "";
      j["product_id"] = pid;
      j["quantity"] = q;
      j["_links"] =
          Json{{"about", Json::array({Json{{"href", opt.home_url + "/wp-json/wc/v3/reports"}}})},
               {"product", Json::array({Json{{"href", opt.home_url + "/wp-json/wc/v3/products/" +
                                                          std::to_string(pid)}}})}};
      arr.push_back(std::move(j));
    }
    ApiLink(c.res);
    Respond(c, std::move(arr));
  }

  void ReportsIndex(Ctx& c) {
    Json arr = Json::array();
    const std::string base = opt.home_url + "/wp-json/wc/v3/reports";
    const std::pair<const char*, const char*> rows[] = {
        {"sales", "List of sales reports."},       {"top_sellers", "List of top sellers products."},
        {"orders/totals", "Orders totals."},       {"products/totals", "Products totals."},
        {"customers/totals", "Customers totals."}, {"coupons/totals", "Coupons totals."},
        {"reviews/totals", "Reviews totals."},     {"categories/totals", "Categories totals."},
        {"tags/totals", "Tags totals."},           {"attributes/totals", "Attributes totals."}};
    for (size_t i = 0; i < std::size(rows); ++i) {
      Json self = Json::object();
      self["href"] = base + "/" + rows[i].first;
      if (i < 7) self["targetHints"] = Json{{"allow", Json::array({"GET"})}};
      arr.push_back(Json{{"slug", rows[i].first},
                         {"description", rows[i].second},
                         {"_links", Json{{"self", Json::array({self})},
                                         {"collection", Json::array({Json{{"href", base}}})}}}});
    }
    ApiLink(c.res);
    Respond(c, std::move(arr));
  }

  void ReportTotals(Ctx& c, const std::string& what) {
    Json arr = Json::array();
    auto row = [&](const std::string& slug, const std::string& name, int64_t total) {
      arr.push_back(Json{{"slug", slug}, {"name", name}, {"total", total}});
    };
    if (what == "orders") {
      int64_t counts[kOrderStatusCount] = {};
      for (const auto& o : store.orders) counts[static_cast<int>(o.status)]++;
      for (int i = 0; i < kOrderStatusCount; ++i) {
        row(StatusSlug(static_cast<OrderStatus>(i)), StatusName(static_cast<OrderStatus>(i)),
            counts[i]);
      }
    } else if (what == "products") {
      int64_t simple = 0, variable = 0;
      for (const auto& p : store.products) {
        if (p.trashed) continue;
        (p.variable ? variable : simple)++;
      }
      row("external", "External/Affiliate product", 0);
      row("grouped", "Grouped product", 0);
      row("simple", "Simple product", simple);
      row("variable", "Variable product", variable);
    } else if (what == "customers") {
      int64_t paying = 0, non = 0;
      for (const auto& cu : store.customers) {
        if (cu.staff) continue;
        (cu.paying ? paying : non)++;
      }
      row("paying", "Paying customer", paying);
      row("non_paying", "Non-paying customer", non);
    } else if (what == "coupons") {
      int64_t n[3] = {};
      for (const auto& cp : store.coupons) {
        if (!cp.trashed) n[static_cast<int>(cp.type)]++;
      }
      row("percent", "Percentage discount", n[0]);
      row("fixed_cart", "Fixed cart discount", n[1]);
      row("fixed_product", "Fixed product discount", n[2]);
    } else {
      int64_t n[6] = {};
      for (const auto& r : store.reviews) n[std::min<int>(r.rating, 5)]++;
      for (int i = 1; i <= 5; ++i) {
        row("rated_" + std::to_string(i) + "_out_of_5", "Rated " + std::to_string(i) + " out of 5",
            n[i]);
      }
    }
    ApiLink(c.res);
    Respond(c, std::move(arr));
  }

  // ---- WooPayments
  template <typename T, typename Render, typename Date>
  void PaymentsList(Ctx& c, const std::vector<T>& all, Render render, Date date) {
    int64_t page = ParseInt(c.p.Get("page").value_or("1")).value_or(1);
    int64_t pagesize = ParseInt(c.p.Get("pagesize").value_or("25")).value_or(25);
    if (page < 1) page = 1;
    pagesize = std::clamp<int64_t>(pagesize, 1, 100);
    const bool asc = Lower(c.p.Get("direction").value_or("desc")) == "asc";
    // `date_after` / `date_before` ("YYYY-MM-DD HH:MM:SS", UTC; exclusive), as WooPayments
    // filters its lists; an unreadable value filters nothing.
    auto bound = [&](const char* name) -> std::optional<int64_t> {
      auto v = c.p.Get(name);
      if (!v) return std::nullopt;
      auto t = ParseLocalDateTime(*v);
      if (!t.ok()) return std::nullopt;
      return t->ToEpochSecondsAsUtc();
    };
    const std::optional<int64_t> after = bound("date_after"), before = bound("date_before");
    std::vector<size_t> idx;
    idx.reserve(all.size());
    for (size_t i = 0; i < all.size(); ++i) {
      const int64_t d = date(all[i]);
      if ((after && d <= *after) || (before && d >= *before)) continue;
      idx.push_back(i);
    }
    std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) {
      const int64_t da = date(all[a]), db = date(all[b]);
      if (da != db) return asc ? da < db : da > db;
      return asc ? a < b : a > b;
    });
    Json data = Json::array();
    const size_t start = static_cast<size_t>((page - 1) * pagesize);
    for (size_t i = start; i < idx.size() && i < start + static_cast<size_t>(pagesize); ++i) {
      data.push_back(render(all[idx[i]], idx[i]));
    }
    ApiLink(c.res);
    SetJson(c.res, 200, Json{{"data", std::move(data)}, {"total_count", idx.size()}});
  }

  // ---- discovery
  double GmtOffsetHours() const {
    const LocalDateTime l = store.tz.ToLocal(store.now);
    return static_cast<double>(l.ToEpochSecondsAsUtc() - store.now) / 3600.0;
  }

  void Root(Ctx& c) {
    Json j = Json::object();
    j["name"] = opt.site_name;
    j["description"] = "Outdoor gear &amp; apparel";
    j["url"] = opt.home_url;
    j["home"] = opt.home_url;
    const double off = GmtOffsetHours();
    if (off == std::floor(off))
      j["gmt_offset"] = static_cast<int64_t>(off);
    else
      j["gmt_offset"] = off;
    j["timezone_string"] = store.options.timezone;
    j["page_for_posts"] = 0;
    j["page_on_front"] = 0;
    j["show_on_front"] = "posts";
    j["namespaces"] = Json::array({"oembed/1.0", "wc/v3", "wc/v1", "wc-admin", "wc-analytics",
                                   "wc/store", "wc/store/v1", "wc/private", "wc/v2", "wc-telemetry",
                                   "wp/v2", "wp-site-health/v1", "wp-block-editor/v1"});
    if (store.options.woopayments) j["namespaces"].push_back("wc/v3/payments");
    j["authentication"] = Json{
        {"application-passwords",
         Json{{"endpoints",
               Json{{"authorization", opt.home_url + "/wp-admin/authorize-application.php"}}}}}};
    Json routes = Json::object();
    routes["/"] = Json{
        {"namespace", ""},
        {"methods", Json::array({"GET"})},
        {"endpoints",
         Json::array(
             {Json{{"methods", Json::array({"GET"})},
                   {"args", Json{{"context", Json{{"default", "view"}, {"required", false}}}}}}})},
        {"_links", Json{{"self", Json::array({Json{{"href", opt.home_url + "/wp-json/"}}})}}}};
    for (auto& [k, v] : route_index["routes"].items()) routes[k] = Json::parse(v.dump());
    j["routes"] = std::move(routes);
    j["site_logo"] = 0;
    j["site_icon"] = 0;
    j["site_icon_url"] = "";
    j["_links"] =
        Json{{"help", Json::array({Json{{"href", "https://developer.wordpress.org/rest-api/"}}})}};
    ApiLink(c.res);
    c.res.headers.emplace_back("Allow", "GET");
    Respond(c, std::move(j));
  }

  void NamespaceIndex(Ctx& c, const std::string& ns) {
    if (ns == "wc/v3") {
      ApiLink(c.res);
      c.res.headers.emplace_back("Allow", "GET");
      Respond(c, Json::parse(route_index.dump()));
      return;
    }
    // wc/v2: the v3 routes that wcsim serves under v2 too.
    Json j = Json::object();
    j["namespace"] = ns;
    Json routes = Json::object();
    for (auto& [k, v] : route_index["routes"].items()) {
      for (const char* r :
           {"/wc/v3/orders", "/wc/v3/customers", "/wc/v3/products", "/wc/v3/coupons"}) {
        if (k.rfind(r, 0) == 0 && k.find("batch") == std::string::npos) {
          std::string nk = "/" + ns + k.substr(6);
          std::string dump = v.dump();
          size_t pos = 0;
          while ((pos = dump.find("wc/v3", pos)) != std::string::npos) dump.replace(pos, 5, ns);
          routes[nk] = Json::parse(dump);
          break;
        }
      }
    }
    j["routes"] = std::move(routes);
    j["_links"] = Json{{"up", Json::array({Json{{"href", opt.home_url + "/wp-json/"}}})}};
    ApiLink(c.res);
    c.res.headers.emplace_back("Allow", "GET");
    Respond(c, std::move(j));
  }

  // ---- routing
  struct Match {
    std::function<void(Ctx&)> run;
    std::string key;      // route key in the index
    bool single = false;  // single resource (error message wording)
    bool is_public = false;
    bool payments = false;
    std::string allow = "GET";
  };

  static bool Digits(const std::string& s) {
    return !s.empty() && s.size() < 10 &&
           std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
  }
  static uint32_t U32(const std::string& s) { return static_cast<uint32_t>(std::stoul(s)); }

  std::optional<Match> Route(const std::string& route) {
    std::vector<std::string> seg;
    {
      std::string cur;
      for (size_t i = 1; i <= route.size(); ++i) {
        if (i == route.size() || route[i] == '/') {
          seg.push_back(cur);
          cur.clear();
        } else {
          cur.push_back(route[i]);
        }
      }
      while (!seg.empty() && seg.back().empty() && seg.size() > 1) seg.pop_back();
    }
    const size_t n = seg.size();
    Match m;
    if (route == "/" || route.empty()) {
      m.run = [this](Ctx& c) { Root(c); };
      m.is_public = true;
      return m;
    }
    if (n < 2 || seg[0] != "wc") return std::nullopt;
    const std::string ns = seg[1];
    if (ns != "v3" && ns != "v2") return std::nullopt;
    const bool v3 = ns == "v3";
    if (n == 2) {
      m.run = [this, ns](Ctx& c) { NamespaceIndex(c, "wc/" + ns); };
      m.is_public = true;
      return m;
    }
    const std::string pre = "/wc/v3";
    const std::string res = seg[2];
    const std::string col = "GET, POST";
    const std::string one = "GET, POST, PUT, PATCH, DELETE";
    if (res == "orders") {
      if (n == 3) return Mk(m, pre + "/orders", false, col, [this](Ctx& c) { Orders(c); });
      if (n == 4 && seg[3] == "statuses" && v3) {
        return Mk(m, "", false, "GET", [this](Ctx& c) { OrderStatuses(c); });
      }
      if (n == 4 && Digits(seg[3])) {
        const uint32_t id = U32(seg[3]);
        return Mk(m, pre + "/orders/(?P<id>[\\d]+)", true, one,
                  [this, id](Ctx& c) { OrderSingle(c, id); });
      }
      if (n == 5 && Digits(seg[3]) && seg[4] == "refunds") {
        const uint32_t id = U32(seg[3]);
        return Mk(m, pre + "/orders/(?P<order_id>[\\d]+)/refunds", false, col,
                  [this, id](Ctx& c) { RefundsList(c, id); });
      }
      if (n == 6 && Digits(seg[3]) && seg[4] == "refunds" && Digits(seg[5])) {
        const uint32_t oid = U32(seg[3]), rid = U32(seg[5]);
        return Mk(m, pre + "/orders/(?P<order_id>[\\d]+)/refunds/(?P<id>[\\d]+)", true,
                  "GET, DELETE", [this, oid, rid](Ctx& c) { RefundSingle(c, oid, rid); });
      }
      if (n == 5 && Digits(seg[3]) && seg[4] == "notes") {
        const uint32_t id = U32(seg[3]);
        return Mk(m, pre + "/orders/(?P<order_id>[\\d]+)/notes", false, col,
                  [this, id](Ctx& c) { OrderNotes(c, id); });
      }
      return std::nullopt;
    }
    if (res == "refunds" && n == 3 && v3 && version >= 90000) {
      return Mk(m, pre + "/refunds", false, "GET",
                [this](Ctx& c) { RefundsList(c, std::nullopt); });
    }
    if (res == "products") {
      if (n == 3) return Mk(m, pre + "/products", false, col, [this](Ctx& c) { Products(c); });
      if (n == 4 && Digits(seg[3])) {
        const uint32_t id = U32(seg[3]);
        return Mk(m, pre + "/products/(?P<id>[\\d]+)", true, one,
                  [this, id](Ctx& c) { ProductSingle(c, id); });
      }
      if (n == 5 && Digits(seg[3]) && seg[4] == "variations") {
        const uint32_t id = U32(seg[3]);
        return Mk(m, pre + "/products/(?P<product_id>[\\d]+)/variations", false, col,
                  [this, id](Ctx& c) { Variations(c, id); });
      }
      if (n == 6 && Digits(seg[3]) && seg[4] == "variations" && Digits(seg[5])) {
        const uint32_t pid = U32(seg[3]), vid = U32(seg[5]);
        return Mk(m, pre + "/products/(?P<product_id>[\\d]+)/variations/(?P<id>[\\d]+)", true, one,
                  [this, pid, vid](Ctx& c) { VariationSingle(c, pid, vid); });
      }
      if (n == 4 && seg[3] == "categories") {
        return Mk(m, pre + "/products/categories", false, col, [this](Ctx& c) { Categories(c); });
      }
      if (n == 5 && seg[3] == "categories" && Digits(seg[4])) {
        const uint32_t id = U32(seg[4]);
        return Mk(m, pre + "/products/categories/(?P<id>[\\d]+)", true, one,
                  [this, id](Ctx& c) { CategorySingle(c, id); });
      }
      if (n == 4 && seg[3] == "reviews" && v3) {
        return Mk(m, pre + "/products/reviews", false, col, [this](Ctx& c) { Reviews(c); });
      }
      if (n == 4 && (seg[3] == "tags" || seg[3] == "shipping_classes") && v3) {
        return Mk(m, pre + "/products/" + seg[3], false, col, [this](Ctx& c) { EmptyList(c); });
      }
      if (n == 4 && seg[3] == "attributes" && v3) {
        return Mk(m, pre + "/products/attributes", false, col,
                  [this](Ctx& c) { Static(c, "product_attributes", true); });
      }
      if (n == 6 && seg[3] == "attributes" && seg[4] == "1" && seg[5] == "terms" && v3) {
        return Mk(m, pre + "/products/attributes/(?P<attribute_id>[\\d]+)/terms", false, col,
                  [this](Ctx& c) { Static(c, "product_attribute_terms", true); });
      }
      return std::nullopt;
    }
    if (res == "customers") {
      if (n == 3) return Mk(m, pre + "/customers", false, col, [this](Ctx& c) { Customers(c); });
      if (n == 4 && Digits(seg[3])) {
        const uint32_t id = U32(seg[3]);
        return Mk(m, pre + "/customers/(?P<id>[\\d]+)", true, one,
                  [this, id](Ctx& c) { CustomerSingle(c, id); });
      }
      if (n == 5 && Digits(seg[3]) && seg[4] == "downloads") {
        const uint32_t id = U32(seg[3]);
        return Mk(m, pre + "/customers/(?P<customer_id>[\\d]+)/downloads", false, "GET",
                  [this, id](Ctx& c) { CustomerDownloads(c, id); });
      }
      return std::nullopt;
    }
    if (res == "coupons") {
      if (n == 3) return Mk(m, pre + "/coupons", false, col, [this](Ctx& c) { Coupons(c); });
      if (n == 4 && Digits(seg[3])) {
        const uint32_t id = U32(seg[3]);
        return Mk(m, pre + "/coupons/(?P<id>[\\d]+)", true, one,
                  [this, id](Ctx& c) { CouponSingle(c, id); });
      }
      return std::nullopt;
    }
    if (!v3) return std::nullopt;
    if (res == "payment_gateways") {
      if (n == 3)
        return Mk(m, pre + "/payment_gateways", false, "GET",
                  [this](Ctx& c) { PaymentGateways(c); });
      if (n == 4) {
        const std::string id = seg[3];
        return Mk(m, "", true, "GET, POST, PUT, PATCH",
                  [this, id](Ctx& c) { PaymentGatewaySingle(c, id); });
      }
      return std::nullopt;
    }
    if (res == "reports") {
      if (n == 3) return Mk(m, pre + "/reports", false, "GET", [this](Ctx& c) { ReportsIndex(c); });
      if (n == 4 && seg[3] == "sales")
        return Mk(m, pre + "/reports/sales", false, "GET", [this](Ctx& c) { ReportSales(c); });
      if (n == 4 && seg[3] == "top_sellers") {
        return Mk(m, pre + "/reports/top_sellers", false, "GET",
                  [this](Ctx& c) { ReportTopSellers(c); });
      }
      if (n == 5 && seg[4] == "totals" &&
          (seg[3] == "orders" || seg[3] == "products" || seg[3] == "customers" ||
           seg[3] == "coupons" || seg[3] == "reviews")) {
        const std::string what = seg[3];
        return Mk(m, pre + "/reports/" + what + "/totals", false, "GET",
                  [this, what](Ctx& c) { ReportTotals(c, what); });
      }
      return std::nullopt;
    }
    if (res == "settings") {
      if (n == 3)
        return Mk(m, "", false, "GET", [this](Ctx& c) { Static(c, "settings_groups", false); });
      if (n == 4 && seg[3] == "general") {
        return Mk(m, "", false, "GET, POST, PUT, PATCH",
                  [this](Ctx& c) { Static(c, "settings_general", false); });
      }
      return std::nullopt;
    }
    if (res == "system_status") {
      if (n == 3)
        return Mk(m, "", false, "GET", [this](Ctx& c) { Static(c, "system_status", false); });
      if (n == 4 && seg[3] == "tools") {
        return Mk(m, "", false, "GET", [this](Ctx& c) { Static(c, "system_status_tools", false); });
      }
      return std::nullopt;
    }
    if (res == "data") {
      if (n == 3) return Mk(m, "", false, "GET", [this](Ctx& c) { Static(c, "data", false); });
      if (n == 4 && seg[3] == "continents")
        return Mk(m, "", false, "GET", [this](Ctx& c) { Static(c, "data_continents", false); });
      if (n == 4 && seg[3] == "countries")
        return Mk(m, "", false, "GET", [this](Ctx& c) { Static(c, "data_countries", false); });
      if (n == 4 && seg[3] == "currencies")
        return Mk(m, "", false, "GET", [this](Ctx& c) { Static(c, "data_currencies", false); });
      if (n == 5 && seg[3] == "countries" && Lower(seg[4]) == "us") {
        return Mk(m, "", true, "GET", [this](Ctx& c) { Static(c, "data_country_us", false); });
      }
      if (n == 5 && seg[3] == "currencies" && seg[4] == "current") {
        return Mk(m, "", true, "GET",
                  [this](Ctx& c) { Static(c, "data_currency_current", false); });
      }
      return std::nullopt;
    }
    if (res == "shipping" && n == 4 && seg[3] == "zones") {
      return Mk(m, "", false, col, [this](Ctx& c) { Static(c, "shipping_zones", true); });
    }
    if (res == "shipping" && n == 6 && seg[3] == "zones" && seg[4] == "1" && seg[5] == "methods") {
      return Mk(m, "", false, col, [this](Ctx& c) { Static(c, "shipping_zone_methods", true); });
    }
    if (res == "shipping_methods" && n == 3) {
      return Mk(m, "", false, "GET", [this](Ctx& c) { Static(c, "shipping_methods", true); });
    }
    if (res == "taxes" && n == 3)
      return Mk(m, pre + "/taxes", false, col, [this](Ctx& c) { Taxes(c); });
    if (res == "taxes" && n == 4 && seg[3] == "classes") {
      return Mk(m, "", false, col, [this](Ctx& c) { Static(c, "tax_classes", true); });
    }
    if (res == "webhooks" && n == 3)
      return Mk(m, pre + "/webhooks", false, col, [this](Ctx& c) { EmptyList(c); });
    if (res == "payments" && store.options.woopayments && n == 4) {
      m.payments = true;
      if (seg[3] == "deposits") {
        return Mk(m, pre + "/payments/deposits", false, "GET, POST", [this](Ctx& c) {
          PaymentsList(
              c, store.deposits,
              [&](const Deposit& d, size_t i) { return DepositJson(Rc(c), d, i); },
              [](const Deposit& d) { return d.date; });
        });
      }
      if (seg[3] == "disputes") {
        return Mk(m, pre + "/payments/disputes", false, "GET", [this](Ctx& c) {
          PaymentsList(
              c, store.disputes,
              [&](const Dispute& d, size_t i) { return DisputeJson(Rc(c), d, i); },
              [](const Dispute& d) { return d.created; });
        });
      }
      if (seg[3] == "transactions") {
        return Mk(m, pre + "/payments/transactions", false, "GET", [this](Ctx& c) {
          PaymentsList(
              c, store.txns, [&](const Txn& t, size_t) { return TransactionJson(Rc(c), t); },
              [](const Txn& t) { return t.created; });
        });
      }
    }
    return std::nullopt;
  }

  static std::optional<Match> Mk(Match m, std::string key, bool single, std::string allow,
                                 std::function<void(Ctx&)> run) {
    m.key = std::move(key);
    m.single = single;
    m.allow = std::move(allow);
    m.run = std::move(run);
    return m;
  }

  RestResponse Handle(const RestRequest& req) {
    RestResponse out;
    std::string path = req.target;
    std::string query;
    if (const size_t q = path.find('?'); q != std::string::npos) {
      query = path.substr(q + 1);
      path = path.substr(0, q);
    }
    if (const size_t h = query.find('#'); h != std::string::npos) query.resize(h);
    Ctx c(req, path, ParseQuery(query));
    c.head = req.method == "HEAD";
    // Which REST route?
    bool rest_route_form = false;
    const std::string prefix = "/wp-json";
    std::string decoded_path = KeyStore::RawUrlDecode(path);
    if (decoded_path == prefix || decoded_path.rfind(prefix + "/", 0) == 0) {
      c.route = decoded_path.substr(prefix.size());
      if (c.route.empty()) c.route = "/";
    } else if ((decoded_path == "/" || decoded_path == "/index.php") && c.p.Get("rest_route")) {
      c.route = *c.p.Get("rest_route");
      if (c.route.empty() || c.route[0] != '/') c.route = "/" + c.route;
      rest_route_form = true;
    } else {
      out.is_rest = false;
      out.status = 404;
      out.headers.emplace_back("Content-Type", "text/html; charset=UTF-8");
      out.body =
          "<!DOCTYPE html><html><head><title>Page not found &#8211; " + opt.site_name +
          "</title></head><body><h1>Oops! That page can&rsquo;t be found.</h1></body></html>";
      out.auth = "none";
      return out;
    }
    if (c.route.size() > 1 && c.route.back() == '/') c.route.pop_back();
    BaseHeaders(c.res);

    // Authentication: WooCommerce only considers requests whose URI contains wp-json/wc/ or
    // wp-json/wc- (the ?rest_route= form from WC 11.1 on).
    const bool wc_route =
        c.route.rfind("/wc/", 0) == 0 || c.route.rfind("/wc-", 0) == 0 || c.route == "/wc";
    const bool key_auth = wc_route && (!rest_route_form || version >= 110100);
    AuthResult auth;
    auth.method = "none";
    if (key_auth) {
      AuthRequest ar;
      ar.method = req.method;
      ar.https = req.https;
      ar.raw_path = path;
      ar.params = &c.params;
      ar.authorization = req.authorization;
      ar.now = req.now;
      auth = keys.Authenticate(ar);
    }
    c.res.auth = auth.method;
    c.res.consumer_key = auth.consumer_key;
    if (auth.error) {
      ApiLink(c.res);
      Error(c, auth.error->status, auth.error->code, auth.error->message);
      return Finish(c);
    }
    c.authenticated = auth.authenticated;
    if (auth.authenticated) {
      const std::string& perm = auth.permissions;
      const std::string& m = req.method;
      if (m == "GET" || m == "HEAD") {
        if (perm != "read" && perm != "read_write") {
          ApiLink(c.res);
          Error(c, 401, "woocommerce_rest_authentication_error",
                "The API key provided does not have read permissions.");
          return Finish(c);
        }
      } else if (m == "POST" || m == "PUT" || m == "PATCH" || m == "DELETE") {
        if (perm != "write" && perm != "read_write") {
          ApiLink(c.res);
          Error(c, 401, "woocommerce_rest_authentication_error",
                "The API key provided does not have write permissions.");
          return Finish(c);
        }
      } else {
        ApiLink(c.res);
        Error(c, 401, "woocommerce_rest_authentication_error", "Unknown request method.");
        return Finish(c);
      }
    }
    auto match = Route(c.route);
    if (!match || (req.method != "GET" && req.method != "HEAD")) {
      // wcsim never changes data: every write is answered as an unknown route.
      ApiLink(c.res);
      Error(c, 404, "rest_no_route", "No route was found matching the URL and request method.");
      return Finish(c);
    }
    c.route_key = match->key;
    if (!Validate(c)) {
      ApiLink(c.res);
      return Finish(c);
    }
    if (!match->is_public && !c.authenticated) {
      ApiLink(c.res);
      if (match->payments) {
        Error(c, 401, "rest_forbidden", "Sorry, you are not allowed to do that.");
      } else {
        Error(c, 401, "woocommerce_rest_cannot_view",
              match->single ? "Sorry, you cannot view this resource."
                            : "Sorry, you cannot list resources.");
      }
      return Finish(c);
    }
    match->run(c);
    if (c.res.status == 200 && !match->allow.empty())
      c.res.headers.emplace_back("Allow", match->allow);
    return Finish(c);
  }

  RestResponse Finish(Ctx& c) {
    if (c.head) c.res.body.clear();
    return std::move(c.res);
  }
};

Api::Api(Store& store, KeyStore& keys, ApiOptions options)
    : impl_(nullptr), options_(std::move(options)) {
  impl_ = std::make_unique<Impl>(store, keys, options_);
}
Api::~Api() = default;

bool Api::Load(std::string* error) { return impl_->LoadStatic(error); }

RestResponse Api::Handle(const RestRequest& request) {
  std::shared_lock lock(impl_->store.mu);
  return impl_->Handle(request);
}

}  // namespace clever::wcsim
