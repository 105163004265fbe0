#include "query/assistant.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>

#include "common/money.h"
#include "net/curl_transport.h"
#include "query/catalog.h"
#include "query/execute.h"
#include "query/intent.h"
#include "query/interpret.h"
#include "query/plan.h"
#include "query/store_names.h"
#include "query/text.h"
#include "store/derived.h"

namespace clever::query {
namespace {

using store::AsDouble;
using store::AsInt;
using store::AsString;

nlohmann::json CellJson(const Cell& c) {
  if (std::holds_alternative<int64_t>(c)) return std::get<int64_t>(c);
  if (std::holds_alternative<double>(c)) {
    double d = std::get<double>(c);
    if (!std::isfinite(d)) return nullptr;
    return d;
  }
  if (std::holds_alternative<std::string>(c)) return std::get<std::string>(c);
  return nullptr;
}

std::string CellText(const Cell& c) {
  if (std::holds_alternative<int64_t>(c)) return std::to_string(std::get<int64_t>(c));
  if (std::holds_alternative<double>(c)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f", std::get<double>(c));
    return buf;
  }
  if (std::holds_alternative<std::string>(c)) return std::get<std::string>(c);
  return "";
}

// "10:42" in the store's time zone from a UTC ISO time.
std::string LocalClock(const StoreFacts& f, const std::string& utc) {
  auto t = ParseLocalDateTime(utc);
  if (!t.ok()) return "";
  LocalDateTime l = f.tz.ToLocal(t->ToEpochSecondsAsUtc());
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s %02d:%02d", FormatDate(l.date).c_str(), l.hour, l.minute);
  return buf;
}

bool UsesWooPayments(const std::string& metric) {
  const MetricInfo* m = FindMetric(metric);
  if (!m) return false;
  std::string c = m->categories;
  return c.find("payouts") != std::string::npos || c.find("disputes") != std::string::npos;
}

bool Additive(const MetricInfo& m, const QueryPlan& p) {
  if (!p.base_period.empty() || !p.dimension.empty()) return false;
  if (m.unit != Unit::kMoney && m.unit != Unit::kCount) return false;
  static const char* kNot[] = {"largest_order",  "largest_refund",      "largest_payout",
                               "last_payout",    "stock_level",         "avg_order_value",
                               "avg_ltv",        "avg_refund",          "avg_payout",
                               "avg_unit_price", "coupon_aov",          "customer_count",
                               "new_customers",  "returning_customers", "repeat_customers"};
  for (const char* k : kNot) {
    if (p.metric == k) return false;
  }
  return true;
}

// Everything LoadFacts reads about a store, in one statement: its sync_state rows (also all
// StoreNamesVersion and DerivedMarker read), derived_state row, store_info row and connector name,
// serialised. Equal strings -> equal facts, and the string changes whenever StoreNamesVersion
// does: the key of the per-store caches (StoreNamesCache), i.e. until a sync (or a derived-table
// rebuild) writes. One indexed statement instead of the seven LoadFacts + StoreNamesVersion run.
StatusOr<std::string> StoreVersion(store::Database& db, int64_t store_id) {
  CLEVER_ASSIGN_OR_RETURN(
      auto rs,
      db.Query(
          "SELECT 's' AS t, category AS a, state AS b, cursor AS c, CAST(records_done AS TEXT) AS "
          "d, CAST(records_total AS TEXT) AS e, last_attempt_at AS f, last_success_at AS g FROM "
          "sync_state WHERE store_id = ? UNION ALL SELECT 'd', marker, through, refunds_through, "
          "built_at, content, NULL, NULL FROM derived_state WHERE store_id = ? UNION ALL SELECT "
          "'i', currency, CAST(price_decimals AS TEXT), timezone_string, CAST(gmt_offset AS TEXT), "
          "CAST(has_woopayments AS TEXT), updated_at, NULL FROM store_info WHERE store_id = ? "
          "UNION ALL SELECT 'c', name, NULL, NULL, NULL, NULL, NULL, NULL FROM connectors WHERE id "
          "= ? ORDER BY 1, 2",
          {store_id, store_id, store_id, store_id}));
  std::string v;
  for (const auto& row : rs.rows) {
    for (const auto& cell : row) {
      if (store::IsNull(cell)) {
        v += "~;";
      } else {
        std::string t = AsString(cell);
        v += std::to_string(t.size()) + ":" + t + ";";
      }
    }
    v += "\n";
  }
  return v;
}

}  // namespace

Assistant::Assistant(store::Database& db, AssistantOptions options) : db_(db), options_(options) {
  if (options_.clock == nullptr) options_.clock = &Clock::Real();
  if (!options_.language_model && options_.use_environment_model)
    options_.language_model = LanguageModelConfig::FromEnvironment();
  if (options_.names_cache == nullptr) {
    own_names_ = std::make_unique<StoreNamesCache>();
    options_.names_cache = own_names_.get();
  }
}

StatusOr<StoreFacts> Assistant::LoadFacts(int64_t store_id) {
  StoreFacts f;
  f.store_id = store_id;
  CLEVER_ASSIGN_OR_RETURN(auto c,
                          db_.Query("SELECT name FROM connectors WHERE id = ?", {store_id}));
  if (!c.rows.empty()) f.name = AsString(c.rows[0][0]);
  CLEVER_ASSIGN_OR_RETURN(auto info,
                          db_.Query("SELECT currency, price_decimals, timezone_string, gmt_offset, "
                                    "has_woopayments FROM store_info WHERE store_id = ?",
                                    {store_id}));
  if (!info.rows.empty()) {
    const auto& r = info.rows[0];
    if (!AsString(r[0]).empty()) f.currency = AsString(r[0]);
    f.decimals = CurrencyDecimals(f.currency);
    f.tz = StoreTimeZone::FromIndex(AsString(r[2]), AsDouble(r[3]));
    f.woopayments = AsInt(r[4]) != 0;
  }
  CLEVER_ASSIGN_OR_RETURN(
      auto st,
      db_.Query("SELECT category, state, last_success_at FROM sync_state WHERE store_id = ?",
                {store_id}));
  for (const auto& r : st.rows) {
    std::string cat = AsString(r[0]), state = AsString(r[1]), last = AsString(r[2]);
    if ((cat == "payouts" || cat == "disputes") && state == "not_available") f.woopayments = false;
    if ((cat == "payouts" || cat == "disputes") && state == "ok") f.woopayments = true;
    if (!last.empty() && last > f.synced_at) f.synced_at = last;
  }
  // The derived tables, when they still match the synced data (else the orders themselves).
  auto derived = store::ReadDerived(db_, store_id);
  if (derived.ok()) {
    f.derived_fresh = derived->fresh;
    f.derived_through = derived->through;
    f.derived_refunds_through = derived->refunds_through;
    f.derived_periods_exact = derived->periods_exact;
  }
  return f;
}

Answer Assistant::Ask(const AskRequest& request) {
  // Stores.
  std::vector<int64_t> stores = request.store_ids;
  if (stores.empty()) {
    auto r = ResolveStores(db_, {});
    if (r.ok()) stores = *r;
  }
  if (stores.empty()) {
    return InsufficientAnswer("no store is connected yet (add one with `clever connector add`)",
                              {});
  }
  // Facts per store, cached until the store's version changes (a sync writes).
  std::vector<StoreFacts> facts;
  std::vector<std::string> versions;
  const auto mark = db_.WriteMark();
  if (!mark || mark != versions_mark_) versions_.clear();
  versions_mark_ = mark;
  for (int64_t id : stores) {
    std::string version;
    if (auto known = versions_.find(id); known != versions_.end()) {
      version = known->second;
    } else {
      auto read = StoreVersion(db_, id);
      if (!read.ok()) return InsufficientAnswer("the store's data could not be read", {});
      version = std::move(*read);
      if (mark) versions_[id] = version;
    }
    std::shared_ptr<const StoreFacts> cached = options_.names_cache->Facts(id, version);
    if (cached == nullptr) {
      auto f = LoadFacts(id);
      if (!f.ok()) return InsufficientAnswer("the store's data could not be read", {});
      cached = std::make_shared<const StoreFacts>(std::move(*f));
      options_.names_cache->KeepFacts(id, version, cached);
    }
    facts.push_back(*cached);
    versions.push_back(std::move(version));
  }
  // As-of date: the pinned date, else the store-local date of the last sync, else today.
  CivilDate as_of;
  if (request.as_of) {
    as_of = *request.as_of;
  } else {
    auto t = ParseLocalDateTime(facts[0].synced_at);
    int64_t utc = t.ok() ? t->ToEpochSecondsAsUtc() : options_.clock->NowUnixSeconds();
    as_of = facts[0].tz.ToLocal(utc).date;
  }

  // Interpret with the first store's names (+ the others' when several).
  // One store: its cached names as they are (no copy); several: their concatenation.
  std::shared_ptr<const StoreNames> names_ptr;
  const bool with_methods = MentionsPayments(request.question);
  const bool with_guests = MentionsCustomers(request.question);
  for (size_t i = 0; i < facts.size(); ++i) {
    auto n = options_.names_cache->LoadShared(db_, facts[i].store_id, with_guests, with_methods,
                                              request.question, versions[i]);
    if (!n.ok()) return InsufficientAnswer("the store's data could not be read", {});
    if (names_ptr == nullptr) {
      names_ptr = std::move(*n);
    } else {
      auto merged = std::make_shared<StoreNames>(*names_ptr);
      merged->entities.insert(merged->entities.end(), (*n)->entities.begin(), (*n)->entities.end());
      names_ptr = std::move(merged);
    }
  }
  const StoreNames& names = *names_ptr;
  std::optional<QuestionIntent> previous;
  if (!request.context.empty()) {
    auto p = QuestionIntent::FromJson(request.context);
    if (p.ok()) previous = *p;
  }
  QuestionIntent intent =
      Interpret(request.question, names, as_of, previous ? &*previous : nullptr);
  // Follow-ups build on the previous intent, which the model never sees: the built-in rules keep
  // those.
  if (options_.language_model && !previous) {
    if (!model_transport_) {
      net::TransportOptions transport_options;
      transport_options.allow_private_network = true;  // the merchant's own model server
      auto transport = net::CurlTransport::Create(transport_options);
      if (transport.ok()) model_transport_ = std::move(*transport);
    }
    if (model_transport_) {
      intent = InterpretWithModel(*options_.language_model, *model_transport_, request.question,
                                  intent, as_of);
    }
  }
  Answer answer;
  if (!intent.out_of_scope.empty()) {
    answer = OutOfScopeAnswer(intent.out_of_scope);
  } else if (intent.metric.empty()) {
    answer = OutOfScopeAnswer("");
  } else {
    auto plan = Bind(intent, as_of);
    if (!plan.ok()) {
      answer = InsufficientAnswer(plan.status().message(), {});
    } else {
      std::vector<Answer> per_store;
      for (const StoreFacts& f : facts) {
        if (UsesWooPayments(plan->metric) && !f.woopayments) {
          Answer na = InsufficientAnswer(
              "payouts and disputes come from WooPayments, which is not available on this store",
              SplitCsv(plan->info->categories));
          na.plan = plan->Fields();
          na.plan_text = plan->ToString();
          per_store.push_back(na);
          continue;
        }
        // Per-store product ids: resolve the product name again in each store.
        QueryPlan p = *plan;
        if (facts.size() > 1 && !p.product.empty()) {
          p.product_ids.clear();
          for (const NamedEntity& e : names.entities) {
            if (e.kind == "product" && e.name == p.product)
              p.product_ids.push_back(std::atoll(e.key.c_str()));
          }
        }
        auto result = Execute(db_, p, f);
        if (!result.ok()) {
          per_store.push_back(
              InsufficientAnswer(result.status().message(), SplitCsv(plan->info->categories)));
          continue;
        }
        Answer a = ComposeAnswer(p, *result, f);
        a.synced_at = f.synced_at;
        if (!f.synced_at.empty())
          a.freshness = "as of the last sync, " + LocalClock(f, f.synced_at);
        per_store.push_back(std::move(a));
      }
      if (per_store.size() == 1) {
        answer = per_store[0];
      } else {
        // Several stores: per-store figures; a combined total only when currencies agree.
        answer = per_store[0];
        answer.columns = {"store", plan->metric};
        answer.rows.clear();
        std::string text;
        bool same_currency = true;
        double total = 0;
        bool all_numeric = true;
        for (size_t i = 0; i < per_store.size(); ++i) {
          text += (i ? " " : "") + facts[i].name + ": " + per_store[i].text;
          answer.rows.push_back({facts[i].name, per_store[i].value});
          if (facts[i].currency != facts[0].currency) same_currency = false;
          if (std::holds_alternative<double>(per_store[i].value))
            total += std::get<double>(per_store[i].value);
          else if (std::holds_alternative<int64_t>(per_store[i].value))
            total += static_cast<double>(std::get<int64_t>(per_store[i].value));
          else
            all_numeric = false;
        }
        answer.value = nullptr;
        if (same_currency && all_numeric && Additive(*plan->info, *plan)) {
          const bool money = plan->info->unit == Unit::kMoney;
          answer.value = money ? Cell{std::round(total * 100) / 100}
                               : Cell{static_cast<int64_t>(std::llround(total))};
          text += " Combined: " +
                  (money ? FormatMoney(total, facts[0].currency, facts[0].decimals)
                         : FormatCount(total)) +
                  ".";
          answer.rows.push_back({std::string("all stores"), answer.value});
        } else if (!same_currency) {
          text += " (No combined total: the stores use different currencies.)";
        }
        answer.text = text;
        answer.chart = ChartSpec{"bar", "store", plan->metric, {plan->metric}};
      }
    }
  }
  answer.as_of = as_of.ToString();
  if (answer.synced_at.empty()) answer.synced_at = facts[0].synced_at;
  if (answer.freshness.empty() && !facts[0].synced_at.empty()) {
    answer.freshness = "as of the last sync, " + LocalClock(facts[0], facts[0].synced_at);
  }
  if (!answer.freshness.empty() && answer.status == "answered") {
    answer.text += " (" + answer.freshness + ")";
  }
  if (intent.out_of_scope.empty() && !intent.metric.empty()) answer.context = intent.ToJson();
  return answer;
}

std::string AnswerToJson(const Answer& a) {
  nlohmann::json j;
  j["status"] = a.status;
  j["answer"] = a.text;
  j["value"] = CellJson(a.value);
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& row : a.rows) {
    nlohmann::json r = nlohmann::json::array();
    for (const Cell& c : row) r.push_back(CellJson(c));
    rows.push_back(r);
  }
  j["table"] = {{"columns", a.columns}, {"rows", rows}};
  if (a.chart) {
    j["chart"] = {
        {"kind", a.chart->kind}, {"x", a.chart->x}, {"y", a.chart->y}, {"series", a.chart->series}};
  } else {
    j["chart"] = nullptr;
  }
  j["categories"] = a.categories;
  nlohmann::json plan = nlohmann::json::object();
  for (const auto& [k, v] : a.plan) plan[k] = v;
  j["plan"] = plan;
  j["as_of"] = a.as_of;
  j["synced_at"] = a.synced_at.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.synced_at);
  j["definitions"] = a.definitions;
  j["freshness"] = a.freshness;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string AnswerToText(const Answer& a) {
  std::string out = a.text + "\n";
  if (!a.columns.empty() && !a.rows.empty()) {
    std::vector<size_t> width(a.columns.size(), 0);
    for (size_t i = 0; i < a.columns.size(); ++i) width[i] = a.columns[i].size();
    for (const auto& row : a.rows) {
      for (size_t i = 0; i < row.size() && i < width.size(); ++i)
        width[i] = std::max(width[i], CellText(row[i]).size());
    }
    auto line = [&](const std::vector<std::string>& cells) {
      std::string l;
      for (size_t i = 0; i < cells.size() && i < width.size(); ++i) {
        std::string c = cells[i];
        bool right = i > 0;
        std::string pad(width[i] - std::min(width[i], c.size()), ' ');
        l += (i ? "  " : "") + (right ? pad + c : c + pad);
      }
      while (!l.empty() && l.back() == ' ') l.pop_back();
      return l + "\n";
    };
    out += "\n" + line(a.columns);
    size_t shown = 0;
    for (const auto& row : a.rows) {
      if (++shown > 50) {
        out += "... " + std::to_string(a.rows.size() - 50) + " more rows\n";
        break;
      }
      std::vector<std::string> cells;
      for (const Cell& c : row) cells.push_back(CellText(c));
      out += line(cells);
    }
  }
  if (!a.definitions.empty() && a.status == "answered") {
    out += "\nDefinitions: " + Join(a.definitions, "; ") + ".\n";
  }
  return out;
}

StatusOr<std::vector<int64_t>> ResolveStores(store::Database& db,
                                             const std::vector<std::string>& names) {
  std::vector<int64_t> out;
  if (names.empty()) {
    CLEVER_ASSIGN_OR_RETURN(auto rs,
                            db.Query("SELECT id FROM connectors WHERE enabled = 1 ORDER BY id"));
    for (const auto& r : rs.rows) out.push_back(AsInt(r[0]));
    return out;
  }
  for (const std::string& n : names) {
    CLEVER_ASSIGN_OR_RETURN(auto rs,
                            db.Query("SELECT id FROM connectors WHERE name = ? ORDER BY id", {n}));
    if (rs.rows.empty()) return NotFoundError("no store named '" + n + "'");
    out.push_back(AsInt(rs.rows[0][0]));
  }
  return out;
}

StatusOr<int64_t> StartConversation(store::Database& db, const std::string& title,
                                    const std::string& now_iso) {
  CLEVER_ASSIGN_OR_RETURN(
      auto rs, db.Query("INSERT INTO conversations (merchant_id, user_id, title, context, "
                        "created_at, updated_at) VALUES (0, 0, ?, '', ?, ?) RETURNING id",
                        {title.substr(0, 200), now_iso, now_iso}));
  return AsInt(rs.rows.at(0).at(0));
}

StatusOr<std::string> ConversationContext(store::Database& db, int64_t conversation_id) {
  CLEVER_ASSIGN_OR_RETURN(
      auto rs, db.Query("SELECT context FROM conversations WHERE id = ?", {conversation_id}));
  if (rs.rows.empty()) return NotFoundError("no conversation " + std::to_string(conversation_id));
  return AsString(rs.rows[0][0]);
}

Status RecordTurn(store::Database& db, int64_t conversation_id, const std::string& question,
                  const Answer& answer, const std::string& now_iso) {
  return db.Transaction([&]() -> Status {
    CLEVER_RETURN_IF_ERROR(db.Execute("INSERT INTO messages (conversation_id, role, content, "
                                      "created_at) VALUES (?, 'user', ?, ?)",
                                      {conversation_id, question.substr(0, 4000), now_iso})
                               .status());
    CLEVER_RETURN_IF_ERROR(db.Execute("INSERT INTO messages (conversation_id, role, content, "
                                      "created_at) VALUES (?, 'assistant', ?, ?)",
                                      {conversation_id, AnswerToJson(answer), now_iso})
                               .status());
    if (!answer.context.empty()) {
      CLEVER_RETURN_IF_ERROR(
          db.Execute("UPDATE conversations SET context = ?, updated_at = ? WHERE id = ?",
                     {answer.context, now_iso, conversation_id})
              .status());
    }
    return OkStatus();
  });
}

}  // namespace clever::query
