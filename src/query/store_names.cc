#include "query/store_names.h"

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>

#include "common/dates.h"
#include "query/catalog.h"
#include "query/text.h"

namespace clever::query {
namespace {

using store::AsInt;
using store::AsString;

void Add(StoreNames& out, std::string kind, std::string name, std::string key,
         const std::vector<std::string>& texts, int64_t parent = 0) {
  NamedEntity e;
  e.kind = std::move(kind);
  e.name = DecodeHtmlEntities(name);  // shown in answers: "Tents & Shelters", not "&amp;"
  e.key = std::move(key);
  e.parent_id = parent;
  std::set<std::string> seen;
  for (const std::string& t : texts) {
    std::string n = NormalizeText(t);
    if (n.empty() || !seen.insert(n).second) continue;
    std::vector<std::string> phrase = Tokenize(n);
    StripPossessives(phrase);
    e.phrases.push_back(std::move(phrase));
  }
  if (!e.phrases.empty()) out.entities.push_back(std::move(e));
}

}  // namespace

void AddStaticNames(StoreNames& out) {
  for (const CountryName& c : Countries()) {
    std::vector<std::string> texts = {c.name};
    for (std::string& alias : SplitNonEmpty(c.aliases, '|')) texts.push_back(std::move(alias));
    Add(out, "country", c.name, c.code, texts);
  }
  static const std::pair<const char*, const char*> kStatuses[] = {
      {"pending", "pending payment"}, {"pending", "pending"},     {"processing", "processing"},
      {"on-hold", "on hold"},         {"on-hold", "on-hold"},     {"completed", "completed"},
      {"completed", "complete"},      {"cancelled", "cancelled"}, {"cancelled", "canceled"},
      {"refunded", "refunded"},       {"failed", "failed"},       {"checkout-draft", "draft"},
      {"trash", "trashed"},           {"trash", "in the trash"}};
  for (const auto& [status, text] : kStatuses) Add(out, "order_status", status, status, {text});
}

namespace {

// Products, variations, categories, coupons.
Status LoadCatalogNames(store::Database& db, int64_t store_id, StoreNames& out) {
  CLEVER_ASSIGN_OR_RETURN(
      auto info, db.Query("SELECT currency FROM store_info WHERE store_id = ?", {store_id}));
  out.month_first_dates = !info.rows.empty() && AsString(info.rows[0][0]) == "USD";
  std::map<int64_t, std::string> product_names;
  CLEVER_ASSIGN_OR_RETURN(
      auto products, db.Query("SELECT id, name, sku FROM products WHERE store_id = ?", {store_id}));
  for (const auto& r : products.rows) {
    product_names[AsInt(r[0])] = AsString(r[1]);
    std::vector<std::string> texts = {AsString(r[1])};
    if (AsString(r[2]).size() >= 3) texts.push_back(AsString(r[2]));
    Add(out, "product", AsString(r[1]), AsString(r[0]), texts);
  }
  CLEVER_ASSIGN_OR_RETURN(
      auto variations,
      db.Query("SELECT v.id, v.parent_id, v.sku, a.option FROM variations v LEFT JOIN "
               "variation_attributes a ON a.store_id = v.store_id AND a.variation_id = v.id WHERE "
               "v.store_id = ? ORDER BY v.id, a.position",
               {store_id}));
  struct Var {
    int64_t parent = 0;
    std::string sku, opts;
  };
  std::map<int64_t, Var> vars;
  for (const auto& r : variations.rows) {
    Var& v = vars[AsInt(r[0])];
    v.parent = AsInt(r[1]);
    v.sku = AsString(r[2]);
    if (!AsString(r[3]).empty()) v.opts += (v.opts.empty() ? "" : ", ") + AsString(r[3]);
  }
  for (const auto& [id, v] : vars) {
    std::string parent = product_names.count(v.parent) ? product_names[v.parent] : "";
    std::string name = v.opts.empty() ? parent : parent + " - " + v.opts;
    std::vector<std::string> texts = {name, parent + " " + v.opts};
    if (v.sku.size() >= 3) texts.push_back(v.sku);
    Add(out, "variation", name, std::to_string(id), texts, v.parent);
  }
  CLEVER_ASSIGN_OR_RETURN(
      auto cats, db.Query("SELECT DISTINCT name FROM product_categories WHERE store_id = ? UNION "
                          "SELECT name FROM categories WHERE store_id = ?",
                          {store_id, store_id}));
  for (const auto& r : cats.rows)
    Add(out, "category", AsString(r[0]), AsString(r[0]), {AsString(r[0])});
  CLEVER_ASSIGN_OR_RETURN(
      auto coupons, db.Query("SELECT DISTINCT code FROM coupons WHERE store_id = ?", {store_id}));
  for (const auto& r : coupons.rows) {
    Add(out, "coupon", AsString(r[0]), ToLower(AsString(r[0])), {AsString(r[0])});
  }
  return OkStatus();
}

// Registered customers and guests. `*big`: above kFullNameLoadLimit accounts, so only the names
// in `question` were loaded (the result depends on the question).
// `known_big`: the caller's cached answer to "above kFullNameLoadLimit accounts?" (the count
// takes ~10 ms at 125,000 accounts), or nullptr to count here.
// Whether account c has a sales order [M-CUSTOMER-KEY]: namesakes without one are not
// customers the merchant can mean by a name (one indexed lookup per account).
constexpr const char* kHasSalesOrder =
    "EXISTS (SELECT 1 FROM orders o WHERE o.store_id = c.store_id AND o.customer_id = c.id AND "
    "o.status IN ('completed','processing','on-hold'))";

Status LoadCustomerNames(store::Database& db, int64_t store_id, std::string_view question,
                         StoreNames& out, bool* big_out, const bool* known_big = nullptr) {
  {
    bool big = false;
    if (known_big != nullptr) {
      big = *known_big;
    } else {
      CLEVER_ASSIGN_OR_RETURN(
          auto count, db.Query("SELECT count(*) FROM customers WHERE store_id = ?", {store_id}));
      big = !count.rows.empty() && AsInt(count.rows[0][0]) > kFullNameLoadLimit;
    }
    *big_out = big;
    // Small stores: every name, matched with typo tolerance. Big stores: only the accounts and
    // guests whose first and last name (or e-mail) appear verbatim in the question.
    std::vector<std::string> toks = Tokenize(NormalizeText(question.substr(0, 2000)));
    if (toks.size() > 60) toks.resize(60);
    // Distinct (first, last) token pairs and e-mail tokens of the question.
    std::set<std::pair<std::string, std::string>> pairs;
    std::set<std::string> emails;
    for (size_t i = 0; i + 1 < toks.size(); ++i) pairs.insert({toks[i], toks[i + 1]});
    for (const std::string& t : toks) {
      if (t.find('@') != std::string::npos) emails.insert(t);
    }
    store::ResultSet customers, guests;
    if (!big) {
      CLEVER_ASSIGN_OR_RETURN(
          customers,
          db.Query("SELECT id, first_name, last_name, billing_first_name, billing_last_name, "
                   "email, " +
                       std::string(kHasSalesOrder) + " FROM customers c WHERE store_id = ?",
                   {store_id}));
      CLEVER_ASSIGN_OR_RETURN(
          guests, db.Query("SELECT lower(trim(billing_email)), billing_first_name, "
                           "billing_last_name FROM orders WHERE store_id = ? AND customer_id = 0 "
                           "AND trim(billing_email) <> '' AND status IN "
                           "('completed','processing','on-hold') ORDER BY date_created, id",
                           {store_id}));
    } else if (!pairs.empty() || !emails.empty()) {
      // One indexed lookup per pair / e-mail (customers_by_name, orders_by_billing_name, ...
      // schema migration 2), as a UNION: an OR of them would scan the store's orders.
      const std::string c_head =
          "SELECT id, first_name, last_name, billing_first_name, billing_last_name, email, " +
          std::string(kHasSalesOrder) + " AS buyer FROM customers c WHERE store_id = ? AND ";
      const std::string g_head =
          "SELECT lower(trim(billing_email)) AS e, billing_first_name AS f, billing_last_name AS "
          "l, date_created AS dc, id AS oid FROM orders WHERE store_id = ? AND customer_id = 0 "
          "AND trim(billing_email) <> '' AND status IN ('completed','processing','on-hold') AND ";
      std::vector<std::string> arms_c, arms_g;
      std::vector<store::Value> params_c, params_g;
      for (const auto& [first, last] : pairs) {
        arms_c.push_back(c_head + "lower(last_name) = ? AND lower(first_name) = ?");
        arms_g.push_back(g_head + "lower(billing_last_name) = ? AND lower(billing_first_name) = ?");
        for (auto* params : {&params_c, &params_g}) {
          params->emplace_back(store_id);
          params->emplace_back(last);
          params->emplace_back(first);
        }
      }
      for (const std::string& e : emails) {
        arms_c.push_back(c_head + "lower(email) = ?");
        arms_g.push_back(g_head + "lower(trim(billing_email)) = ?");
        for (auto* params : {&params_c, &params_g}) {
          params->emplace_back(store_id);
          params->emplace_back(e);
        }
      }
      CLEVER_ASSIGN_OR_RETURN(
          customers,
          db.Query("SELECT * FROM (" + Join(arms_c, " UNION ") + ") u ORDER BY id", params_c));
      CLEVER_ASSIGN_OR_RETURN(guests, db.Query("SELECT e, f, l FROM (" + Join(arms_g, " UNION ") +
                                                   ") u ORDER BY dc, oid",
                                               params_g));
    }
    for (const auto& r : customers.rows) {
      std::string name = Trim(AsString(r[1]) + " " + AsString(r[2]));
      std::string bill = Trim(AsString(r[3]) + " " + AsString(r[4]));
      if (name.empty()) name = bill.empty() ? AsString(r[5]) : bill;
      std::vector<std::string> texts;
      if (name.find(' ') != std::string::npos) texts.push_back(name);
      if (bill.find(' ') != std::string::npos) texts.push_back(bill);
      if (!AsString(r[5]).empty()) texts.push_back(AsString(r[5]));
      Add(out, "customer", name, "c:" + AsString(r[0]), texts);
      if (!out.entities.empty() && out.entities.back().key == "c:" + AsString(r[0]))
        out.entities.back().buyer = AsInt(r[6]) != 0;
    }
    std::map<std::string, std::string> latest;  // later orders win [M-NAMES]
    for (const auto& r : guests.rows) {
      std::string name = Trim(AsString(r[1]) + " " + AsString(r[2]));
      latest[AsString(r[0])] = name.empty() ? AsString(r[0]) : name;
    }
    for (const auto& [email, name] : latest) {
      std::vector<std::string> texts = {email};
      if (name.find(' ') != std::string::npos) texts.push_back(name);
      Add(out, "customer", name, "e:" + email, texts);
    }
  }
  return OkStatus();
}

// Payment gateways (+ methods seen on the last year's orders) and the static names.
Status LoadMethodNames(store::Database& db, int64_t store_id, bool with_methods, StoreNames& out) {
  // Payment methods seen on the last year's orders (plus every configured gateway): cheap on a
  // big store and covers every method in use.
  std::string recent_from;
  if (with_methods) {
    CLEVER_ASSIGN_OR_RETURN(
        auto last, db.Query("SELECT max(date_created) FROM orders WHERE store_id = ?", {store_id}));
    std::string latest = last.rows.empty() ? "" : store::AsString(last.rows[0][0]);
    auto d = ParseCivilDate(latest);
    recent_from = d.ok() ? d->AddDays(-366).ToString() : "";
  }
  {
    CLEVER_ASSIGN_OR_RETURN(
        auto gw, db.Query("SELECT id, title, method_title FROM payment_gateways WHERE store_id = ?",
                          {store_id}));
    std::map<std::string, std::vector<std::string>> methods;
    for (const auto& r : gw.rows) {
      std::string title = Trim(AsString(r[1]));
      if (title.empty()) title = AsString(r[0]);
      methods[title].push_back(AsString(r[0]));
      if (!AsString(r[2]).empty()) methods[title].push_back(AsString(r[2]));
    }
    if (with_methods) {
      CLEVER_ASSIGN_OR_RETURN(
          auto om, db.Query("SELECT DISTINCT trim(payment_method_title), trim(payment_method) FROM "
                            "orders WHERE store_id = ? AND date_created >= ?",
                            {store_id, recent_from}));
      for (const auto& r : om.rows) {
        std::string title = AsString(r[0]).empty() ? AsString(r[1]) : AsString(r[0]);
        if (title.empty()) continue;
        methods[title].push_back(AsString(r[1]));
      }
    }
    // Merchants say "bank transfer" for bacs: each method also answers to its gateway's common
    // names; a well-known gateway the store never used answers too (its figures are zero).
    std::set<std::string> used_ids;
    for (auto& [title, ids] : methods) used_ids.insert(ids.begin(), ids.end());
    for (const GatewayName& g : KnownGateways()) {
      if (used_ids.count(g.id) == 0 && methods.count(g.title) == 0)
        methods[g.title].push_back(g.id);
    }
    // "paid by card", "card payments": the store's one card gateway (WooPayments' "Credit card /
    // debit card", Stripe's "Credit Card (Stripe)"), when exactly one title says card.
    auto says_card = [](const std::string& title) {
      const std::string lower = ToLower(title);
      return lower.find("card") != std::string::npos && lower.find("gift") == std::string::npos;
    };
    int card_methods = 0;
    for (auto& [title, ids] : methods) card_methods += says_card(title) ? 1 : 0;
    for (auto& [title, ids] : methods) {
      std::vector<std::string> texts = {title};
      if (card_methods == 1 && says_card(title)) {
        for (const char* alias : {"card", "cards", "by card", "card payments", "card payment",
                                  "credit card", "credit cards", "debit card", "debit cards"})
          texts.push_back(alias);
      }
      for (const auto& id : ids) {
        if (id.empty()) continue;
        texts.push_back(id);
        for (const GatewayName& g : KnownGateways()) {
          if (id != g.id) continue;
          for (const std::string& alias : SplitNonEmpty(g.aliases, '|')) texts.push_back(alias);
        }
      }
      Add(out, "payment_method", title, title, texts);
    }
  }
  AddStaticNames(out);
  return OkStatus();
}

void Append(StoreNames& to, const StoreNames& from) {
  to.entities.insert(to.entities.end(), from.entities.begin(), from.entities.end());
}

}  // namespace

std::shared_ptr<const NameIndex> BuildNameIndex(const StoreNames& names) {
  auto index = std::make_shared<NameIndex>();
  index->data = names.entities.data();
  index->size = names.entities.size();
  for (size_t i = 0; i < names.entities.size(); ++i) {
    const NamedEntity& e = names.entities[i];
    const auto ei = static_cast<uint32_t>(i);
    for (size_t k = 0; k < e.phrases.size(); ++k) {
      const auto& phrase = e.phrases[k];
      const NameIndex::PhraseRef ref{ei, static_cast<uint32_t>(k)};
      if (phrase.empty()) continue;  // matches nothing
      if (phrase[0].empty()) {
        index->empty_first_word.push_back(ref);
      } else {
        index->by_first_word[NameIndex::FirstWordKey(phrase[0])].push_back(ref);
      }
      if (e.kind == "coupon" && phrase.size() == 1 && phrase[0].size() >= 4)
        index->coupon_words[phrase[0]].push_back(ref);
    }
    if (e.phrases.empty()) continue;
    NameIndex::Kind& kind = index->kinds[e.kind];
    const auto& words = e.phrases[0];
    std::set<std::string_view> distinct(words.begin(), words.end());
    for (std::string_view w : distinct) ++kind.word_names[std::string(w)];
    if (words.size() < 2) continue;
    for (std::string_view w : distinct) {
      if (w.empty()) continue;
      auto& list = kind.by_letter[static_cast<unsigned char>(w[0])];
      if (list.empty() || list.back() != ei) list.push_back(ei);
    }
  }
  return index;
}

StatusOr<StoreNames> LoadStoreNames(store::Database& db, int64_t store_id, bool with_guests,
                                    bool with_methods, std::string_view question) {
  StoreNames out;
  CLEVER_RETURN_IF_ERROR(LoadCatalogNames(db, store_id, out));
  if (with_guests) {
    bool big = false;
    CLEVER_RETURN_IF_ERROR(LoadCustomerNames(db, store_id, question, out, &big));
  }
  CLEVER_RETURN_IF_ERROR(LoadMethodNames(db, store_id, with_methods, out));
  return out;
}

StatusOr<std::string> StoreNamesVersion(store::Database& db, int64_t store_id) {
  CLEVER_ASSIGN_OR_RETURN(
      auto rs, db.Query("SELECT category, state, cursor, records_done, last_attempt_at, "
                        "last_success_at FROM sync_state WHERE store_id = ? ORDER BY category",
                        {store_id}));
  std::string v;
  for (const auto& row : rs.rows) {
    for (const auto& cell : row) {
      std::string t = store::IsNull(cell) ? "~" : AsString(cell);
      v += std::to_string(t.size()) + ":" + t + ";";
    }
    v += "\n";
  }
  return v;
}

StatusOr<StoreNames> StoreNamesCache::Load(store::Database& db, int64_t store_id, bool with_guests,
                                           bool with_methods, std::string_view question) {
  CLEVER_ASSIGN_OR_RETURN(auto shared,
                          LoadShared(db, store_id, with_guests, with_methods, question));
  return *shared;
}

StatusOr<std::shared_ptr<const StoreNames>> StoreNamesCache::LoadShared(
    store::Database& db, int64_t store_id, bool with_guests, bool with_methods,
    std::string_view question, const std::string& given_version) {
  std::string version = given_version;
  if (version.empty()) {
    CLEVER_ASSIGN_OR_RETURN(version, StoreNamesVersion(db, store_id));
  }
  const Key key{store_id, with_guests, with_methods};
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = merged_.find(key);
    if (it != merged_.end() && it->second.first == version) {
      ++hits_;
      return it->second.second;
    }
  }
  std::shared_ptr<const Entry> e;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find({store_id, with_methods});
    if (it != entries_.end() && it->second->version == version) e = it->second;
  }
  if (e == nullptr) {
    ++misses_;
    auto fresh = std::make_shared<Entry>();
    fresh->version = version;
    CLEVER_RETURN_IF_ERROR(LoadCatalogNames(db, store_id, fresh->catalog));
    CLEVER_RETURN_IF_ERROR(LoadMethodNames(db, store_id, with_methods, fresh->methods));
    e = fresh;
    std::lock_guard<std::mutex> lock(mu_);
    entries_[{store_id, with_methods}] = fresh;
  } else {
    ++hits_;
  }
  auto out = std::make_shared<StoreNames>();
  bool depends_on_question = false;
  out->month_first_dates = e->catalog.month_first_dates;
  Append(*out, e->catalog);
  if (with_guests) {
    std::shared_ptr<const StoreNames> customers;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = customers_.find(store_id);
      if (it != customers_.end() && it->second.first == version) customers = it->second.second;
    }
    if (customers != nullptr) {
      Append(*out, *customers);
    } else {
      // Big stores: only the question's names, looked up per question; whether the store is big
      // is kept per version.
      std::optional<bool> known_big;
      {
        std::lock_guard<std::mutex> lock(mu_);
        auto it = big_.find(store_id);
        if (it != big_.end() && it->second.first == version) known_big = it->second.second;
      }
      StoreNames c;
      bool big = false;
      CLEVER_RETURN_IF_ERROR(
          LoadCustomerNames(db, store_id, question, c, &big, known_big ? &*known_big : nullptr));
      Append(*out, c);
      depends_on_question = big;
      std::lock_guard<std::mutex> lock(mu_);
      big_[store_id] = {version, big};
      if (!big) {  // the whole list, independent of the question: keep it
        customers_[store_id] = {version, std::make_shared<const StoreNames>(std::move(c))};
      }
    }
  }
  Append(*out, e->methods);
  if (!depends_on_question) {
    out->index = BuildNameIndex(*out);
    std::lock_guard<std::mutex> lock(mu_);
    merged_[key] = {version, out};
  }
  return std::shared_ptr<const StoreNames>(std::move(out));
}

std::shared_ptr<const StoreFacts> StoreNamesCache::Facts(int64_t store_id,
                                                         const std::string& version) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = facts_.find(store_id);
  if (it == facts_.end() || it->second.first != version) return nullptr;
  return it->second.second;
}

void StoreNamesCache::KeepFacts(int64_t store_id, const std::string& version,
                                std::shared_ptr<const StoreFacts> facts) {
  std::lock_guard<std::mutex> lock(mu_);
  facts_[store_id] = {version, std::move(facts)};
}

}  // namespace clever::query
