#include "query/store_names.h"

#include <map>
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
  e.name = std::move(name);
  e.key = std::move(key);
  e.parent_id = parent;
  std::set<std::string> seen;
  for (const std::string& t : texts) {
    std::string n = NormalizeText(t);
    if (n.empty() || !seen.insert(n).second) continue;
    e.phrases.push_back(Tokenize(n));
  }
  if (!e.phrases.empty()) out.entities.push_back(std::move(e));
}

}  // namespace

void AddStaticNames(StoreNames& out) {
  for (const CountryName& c : Countries()) {
    std::vector<std::string> texts = {c.name};
    std::string aliases = c.aliases;
    size_t i = 0;
    while (i < aliases.size()) {
      size_t j = aliases.find('|', i);
      if (j == std::string::npos) j = aliases.size();
      if (j > i) texts.push_back(aliases.substr(i, j - i));
      i = j + 1;
    }
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

StatusOr<StoreNames> LoadStoreNames(store::Database& db, int64_t store_id, bool with_guests,
                                    bool with_methods, std::string_view question) {
  // Payment methods seen on the last year's orders (plus every configured gateway): cheap on a
  // big store and covers every method in use.
  std::string recent_from;
  {
    CLEVER_ASSIGN_OR_RETURN(
        auto last, db.Query("SELECT max(date_created) FROM orders WHERE store_id = ?", {store_id}));
    std::string latest = last.rows.empty() ? "" : store::AsString(last.rows[0][0]);
    auto d = ParseCivilDate(latest);
    recent_from = d.ok() ? d->AddDays(-366).ToString() : "";
  }
  StoreNames out;
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
  if (with_guests) {
    CLEVER_ASSIGN_OR_RETURN(
        auto count, db.Query("SELECT count(*) FROM customers WHERE store_id = ?", {store_id}));
    const bool big = !count.rows.empty() && AsInt(count.rows[0][0]) > kFullNameLoadLimit;
    // Small stores: every name, matched with typo tolerance. Big stores: only the accounts and
    // guests whose first and last name (or e-mail) appear verbatim in the question.
    std::vector<std::string> toks = Tokenize(NormalizeText(question.substr(0, 2000)));
    if (toks.size() > 60) toks.resize(60);
    std::string pair_cond, email_cond;
    std::vector<store::Value> pair_params, email_params;
    for (size_t i = 0; i + 1 < toks.size(); ++i) {
      pair_cond +=
          std::string(pair_cond.empty() ? "" : " OR ") + "(lower(%F) = ? AND lower(%L) = ?)";
      pair_params.emplace_back(toks[i]);
      pair_params.emplace_back(toks[i + 1]);
    }
    for (const std::string& t : toks) {
      if (t.find('@') != std::string::npos) {
        email_cond += std::string(email_cond.empty() ? "" : ",") + "?";
        email_params.emplace_back(t);
      }
    }
    auto expand = [](std::string cond, const std::string& f, const std::string& l) {
      for (size_t p; (p = cond.find("%F")) != std::string::npos;) cond.replace(p, 2, f);
      for (size_t p; (p = cond.find("%L")) != std::string::npos;) cond.replace(p, 2, l);
      return cond;
    };
    std::string where_c, where_g;
    std::vector<store::Value> params_c = {store_id}, params_g = {store_id};
    if (big) {
      std::vector<std::string> parts_c, parts_g;
      if (!pair_cond.empty()) {
        parts_c.push_back(expand(pair_cond, "first_name", "last_name"));
        parts_g.push_back(expand(pair_cond, "billing_first_name", "billing_last_name"));
        params_c.insert(params_c.end(), pair_params.begin(), pair_params.end());
        params_g.insert(params_g.end(), pair_params.begin(), pair_params.end());
      }
      if (!email_cond.empty()) {
        parts_c.push_back("lower(email) IN (" + email_cond + ")");
        parts_g.push_back("lower(trim(billing_email)) IN (" + email_cond + ")");
        params_c.insert(params_c.end(), email_params.begin(), email_params.end());
        params_g.insert(params_g.end(), email_params.begin(), email_params.end());
      }
      if (parts_c.empty()) {
        where_c = " AND 0 = 1";
        where_g = " AND 0 = 1";
      } else {
        where_c = " AND (" + Join(parts_c, " OR ") + ")";
        where_g = " AND (" + Join(parts_g, " OR ") + ")";
      }
    }
    CLEVER_ASSIGN_OR_RETURN(
        auto customers,
        db.Query("SELECT id, first_name, last_name, billing_first_name, billing_last_name, email "
                 "FROM customers WHERE store_id = ?" +
                     where_c,
                 params_c));
    for (const auto& r : customers.rows) {
      std::string name = Trim(AsString(r[1]) + " " + AsString(r[2]));
      std::string bill = Trim(AsString(r[3]) + " " + AsString(r[4]));
      if (name.empty()) name = bill.empty() ? AsString(r[5]) : bill;
      std::vector<std::string> texts;
      if (name.find(' ') != std::string::npos) texts.push_back(name);
      if (bill.find(' ') != std::string::npos) texts.push_back(bill);
      if (!AsString(r[5]).empty()) texts.push_back(AsString(r[5]));
      Add(out, "customer", name, "c:" + AsString(r[0]), texts);
    }
    CLEVER_ASSIGN_OR_RETURN(
        auto guests,
        db.Query("SELECT lower(trim(billing_email)), billing_first_name, billing_last_name FROM "
                 "orders WHERE store_id = ? AND customer_id = 0 AND trim(billing_email) <> '' AND "
                 "status IN ('completed','processing','on-hold')" +
                     where_g + " ORDER BY date_created, id",
                 params_g));
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
    for (auto& [title, ids] : methods) {
      std::vector<std::string> texts = {title};
      for (const auto& id : ids) {
        if (!id.empty()) texts.push_back(id);
      }
      Add(out, "payment_method", title, title, texts);
    }
  }
  AddStaticNames(out);
  return out;
}

}  // namespace clever::query
