// The nlohmann-based renderers wcsim used before the streaming writer (sim/render.cc at the
// start of session 2), kept as the reference the equivalence test compares the writer with.
// Test-only: change a shape in sim/render.cc and here together.
#include "tests/sim/legacy_render.h"

#include <array>
#include <cstdio>
#include <unordered_map>

namespace clever::wcsim::legacy {

namespace {

constexpr int64_t kDay = 86400;

uint64_t Mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

std::string Alnum(uint64_t h, int n, bool upper) {
  static constexpr char kLower[] = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  static constexpr char kUpper[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string out;
  for (int i = 0; i < n; ++i) {
    if (i % 10 == 0) h = Mix(h + static_cast<uint64_t>(i));
    out.push_back(upper ? kUpper[h % 36] : kLower[h % 62]);
    h /= upper ? 36 : 62;
  }
  return out;
}

Json Allow(std::initializer_list<const char*> methods) {
  Json a = Json::array();
  for (const char* m : methods) a.push_back(m);
  return a;
}

Json SelfLink(const std::string& href, Json allow) {
  Json l = Json::object();
  l["href"] = href;
  if (!allow.is_null()) l["targetHints"] = Json{{"allow", std::move(allow)}};
  return Json::array({l});
}

Json HrefLink(const std::string& href) { return Json::array({Json{{"href", href}}}); }

Json Price(int64_t cents) {
  if (cents % 100 == 0) return Json(cents / 100);
  return Json(CentsToNumber(cents));
}

std::string ImageUrl(const RenderContext& ctx, const Product& p) {
  return ctx.home + "/wp-content/uploads/2025/05/" + p.image_slug + ".png";
}

Json MetaItem(uint64_t id, const std::string& key, const std::string& value,
              const std::string& display_key, const std::string& display_value) {
  return Json{{"id", id},
              {"key", key},
              {"value", value},
              {"display_key", display_key},
              {"display_value", display_value}};
}

std::string LowerAscii(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

const char* ShippingTitle(uint8_t m) {
  switch (m) {
    case 1:
      return "Free shipping";
    case 2:
      return "Worldwide shipping";
    default:
      return "Flat rate";
  }
}
const char* ShippingId(uint8_t m) { return m == 1 ? "free_shipping" : "flat_rate"; }

Json Address(const Person& p, bool billing) {
  Json a = Json::object();
  a["first_name"] = p.first;
  a["last_name"] = p.last;
  a["company"] = p.company;
  a["address_1"] = billing ? p.address_1 : p.ship_address_1;
  a["address_2"] = billing ? p.address_2 : "";
  a["city"] = billing ? p.city : p.ship_city;
  a["state"] = billing ? p.state : p.ship_state;
  a["postcode"] = billing ? p.postcode : p.ship_postcode;
  a["country"] = p.country;
  if (billing) a["email"] = p.email;
  a["phone"] = p.phone;
  return a;
}

Json LineItemJson(const RenderContext& ctx, const LineItem& li, uint32_t item_id, int sign,
                  uint32_t refunded_item_id, int qty_override, uint8_t tax_rate) {
  const Store& s = ctx.store;
  const Product* p = s.FindProduct(li.product);
  const Variation* v = li.variation ? s.FindVariation(li.variation) : nullptr;
  const int qty = qty_override > 0 ? qty_override : li.qty;
  int64_t subtotal = li.subtotal, total = li.total, subtotal_tax = li.subtotal_tax,
          total_tax = li.total_tax;
  if (qty != li.qty) {
    subtotal = li.subtotal / li.qty * qty;
    total = li.total / li.qty * qty;
    subtotal_tax = li.subtotal_tax / li.qty * qty;
    total_tax = li.total_tax / li.qty * qty;
  }
  Json j = Json::object();
  j["id"] = item_id;
  std::string name = p ? p->name : "Deleted product";
  if (v != nullptr) {
    name += std::string(" - ") + Store::ColorName(v->color) + ", " + Store::SizeName(v->size);
  }
  j["name"] = name;
  j["product_id"] = li.product;
  j["variation_id"] = li.variation;
  j["quantity"] = sign * qty;
  j["tax_class"] = "";
  j["subtotal"] = Cents(sign * subtotal);
  j["subtotal_tax"] = Cents(sign * subtotal_tax);
  j["total"] = Cents(sign * total);
  j["total_tax"] = Cents(sign * total_tax);
  Json taxes = Json::array();
  if (tax_rate != 0 && sign > 0) {
    taxes.push_back(Json{{"id", Store::Rate(tax_rate).id},
                         {"total", Cents(total_tax)},
                         {"subtotal", Cents(subtotal_tax)}});
  }
  j["taxes"] = std::move(taxes);
  Json meta = Json::array();
  const uint64_t meta_base = static_cast<uint64_t>(item_id) * 8;
  if (v != nullptr) {
    meta.push_back(MetaItem(meta_base, "pa_color", LowerAscii(Store::ColorName(v->color)), "Color",
                            Store::ColorName(v->color)));
    meta.push_back(MetaItem(meta_base + 1, "pa_size", LowerAscii(Store::SizeName(v->size)), "Size",
                            Store::SizeName(v->size)));
  }
  if (sign > 0) {
    const std::string q = std::to_string(qty);
    meta.push_back(MetaItem(meta_base + 2, "_reduced_stock", q, "_reduced_stock", q));
  } else {
    const std::string r = std::to_string(refunded_item_id);
    meta.push_back(MetaItem(meta_base + 3, "_refunded_item_id", r, "_refunded_item_id", r));
  }
  j["meta_data"] = std::move(meta);
  const bool gone = p == nullptr || p->purged;  // session 2: purged products
  std::string sku = gone ? "" : p->sku;
  if (v != nullptr && !gone) {
    sku += std::string("-") + Store::ColorName(v->color) + "-" + Store::SizeName(v->size);
    for (char& c : sku) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
  }
  j["sku"] = sku;
  j["price"] = Price(qty > 0 ? total / qty : 0);
  Json image = Json::object();
  if (!gone) {
    // As recorded: the image id is a string for simple products, a number for variations.
    if (v != nullptr)
      image["id"] = p->image_id;
    else
      image["id"] = std::to_string(p->image_id);
    image["src"] = ImageUrl(ctx, *p);
  } else {
    image["id"] = "";
    image["src"] = "";
  }
  j["image"] = std::move(image);
  j["parent_name"] = v != nullptr && !gone ? Json(p->name) : Json(nullptr);
  return j;
}

Json FeeLineJson(uint32_t id, int64_t fee, int64_t fee_tax, uint8_t rate, int sign,
                 uint32_t refunded_item_id) {
  Json f = Json::object();
  f["id"] = id;
  f["name"] = "Gift wrapping";
  f["tax_class"] = "";
  f["tax_status"] = "taxable";
  f["amount"] = "";
  f["total"] = Cents(sign * fee);
  f["total_tax"] = Cents(sign * fee_tax);
  Json taxes = Json::array();
  if (rate != 0) {
    taxes.push_back(
        Json{{"id", Store::Rate(rate).id}, {"total", Cents(sign * fee_tax)}, {"subtotal", ""}});
  }
  f["taxes"] = std::move(taxes);
  Json meta = Json::array();
  if (sign < 0) {
    const std::string r = std::to_string(refunded_item_id);
    meta.push_back(MetaItem(static_cast<uint64_t>(id) * 8 + 3, "_refunded_item_id", r,
                            "_refunded_item_id", r));
  }
  f["meta_data"] = std::move(meta);
  return f;
}

std::string LegacyLocalIso(const Store& s, int64_t utc) {
  // UTC offsets change on hour boundaries: memoise the offset per UTC hour (per thread).
  thread_local std::string cached_zone;
  thread_local std::unordered_map<int64_t, int64_t> offsets;
  if (cached_zone != s.tz.name()) {
    cached_zone = s.tz.name();
    offsets.clear();
  }
  const int64_t hour = (utc >= 0 ? utc : utc - 3599) / 3600;
  auto it = offsets.find(hour);
  int64_t offset = 0;
  if (it == offsets.end()) {
    offset = s.tz.ToLocal(hour * 3600).ToEpochSecondsAsUtc() - hour * 3600;
    if (offsets.size() > 200000) offsets.clear();
    offsets.emplace(hour, offset);
  } else {
    offset = it->second;
  }
  return LocalDateTime::FromEpochSecondsAsUtc(utc + offset).ToString();
}
std::string LegacyGmtIso(int64_t utc) {
  return LocalDateTime::FromEpochSecondsAsUtc(utc).ToString();
}
Json LegacyLocalOrNull(const Store& s, int64_t utc) {
  return utc == 0 ? Json(nullptr) : Json(LegacyLocalIso(s, utc));
}
Json LegacyGmtOrNull(int64_t utc) { return utc == 0 ? Json(nullptr) : Json(LegacyGmtIso(utc)); }

const char* LegacyVariationStockStatus(const Store& s, const Variation& v);

const char* LegacyProductStockStatus(const Store& s, const Product& p) {
  if (p.variable) {
    for (uint32_t vi : p.variations) {
      if (std::string_view(LegacyVariationStockStatus(s, s.variations[vi])) == "instock") {
        return "instock";
      }
    }
    return "outofstock";
  }
  if (p.manage_stock && p.stock <= 0) return "outofstock";
  return "instock";
}

const char* LegacyVariationStockStatus(const Store& s, const Variation& v) {
  if (v.manage == 1) return v.stock <= 0 ? "outofstock" : "instock";
  if (v.manage == 2) {
    const Product* p = s.FindProduct(v.parent_id);
    return p != nullptr && p->stock <= 0 ? "outofstock" : "instock";
  }
  return "instock";
}

}  // namespace

Json OrderJson(const RenderContext& ctx, const Order& o) {
  const Store& s = ctx.store;
  const bool guest = o.customer_id == 0;
  const Person person = s.PersonFor(o.person, guest);
  const uint64_t h = Mix(o.id * 7919ULL + s.options.seed);
  const std::string order_key = "wc_order_" + Alnum(h, 13, false);
  const std::string base = ctx.home + "/wp-json/" + ctx.ns + "/orders";
  Json j = Json::object();
  j["id"] = o.id;
  j["parent_id"] = 0;
  j["status"] = StatusSlug(o.status);
  j["currency"] = s.options.currency;
  j["version"] = ctx.wc_version;
  j["prices_include_tax"] = false;
  j["date_created"] = LegacyLocalIso(s, o.created);
  j["date_modified"] = LegacyLocalIso(s, o.modified);
  int64_t discount_tax = 0;
  for (uint32_t i = 0; i < o.n_items; ++i) {
    const LineItem& li = s.items[o.first_item + i];
    discount_tax += li.subtotal_tax - li.total_tax;
  }
  j["discount_total"] = Cents(o.discount);
  j["discount_tax"] = Cents(discount_tax);
  j["shipping_total"] = Cents(o.shipping);
  j["shipping_tax"] = Cents(o.shipping_tax);
  j["cart_tax"] = Cents(o.cart_tax);
  j["total"] = Cents(o.total);
  j["total_tax"] = Cents(o.cart_tax + o.shipping_tax);
  j["customer_id"] = o.customer_id;
  j["order_key"] = order_key;
  j["billing"] = Address(person, true);
  j["shipping"] = Address(person, false);
  const bool wcpay = s.options.woopayments;
  if (o.payment == Payment::kCard || o.payment == Payment::kApplePay) {
    j["payment_method"] = wcpay ? PaymentId(o.payment) : "stripe";
    j["payment_method_title"] = wcpay ? PaymentTitle(o.payment) : "Credit Card (Stripe)";
  } else {
    j["payment_method"] = PaymentId(o.payment);
    j["payment_method_title"] = PaymentTitle(o.payment);
  }
  std::string txn;
  if (o.paid != 0) {
    if (IsWooPayments(o.payment))
      txn = "pi_3" + Alnum(h >> 3, 23, false);
    else if (o.payment == Payment::kPaypal)
      txn = Alnum(h >> 5, 17, true);
  }
  j["transaction_id"] = txn;
  char ip[32];
  std::snprintf(ip, sizeof ip, "192.0.2.%u", static_cast<unsigned>(1 + (h >> 9) % 254));
  j["customer_ip_address"] = ip;
  static constexpr std::array<const char*, 3> kAgents = {
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/126.0 Safari/537.36",
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
      "Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) "
      "Version/17.5 Safari/605.1.15"};
  j["customer_user_agent"] = kAgents[(h >> 13) % kAgents.size()];
  j["created_via"] = "checkout";
  j["customer_note"] = (h >> 17) % 23 == 0 ? "Please leave at the back door." : "";
  j["date_completed"] = LegacyLocalOrNull(s, o.completed);
  j["date_paid"] = LegacyLocalOrNull(s, o.paid);
  j["cart_hash"] = "";
  j["number"] = std::to_string(o.id);
  j["meta_data"] = Json::array();
  const uint8_t rate = o.tax_rate;
  Json lines = Json::array();
  for (uint32_t i = 0; i < o.n_items; ++i) {
    lines.push_back(
        LineItemJson(ctx, s.items[o.first_item + i], o.first_item_id + i, 1, 0, 0, rate));
  }
  j["line_items"] = std::move(lines);
  const uint32_t shipping_item_id = o.first_item_id + o.n_items;
  Json tax_lines = Json::array();
  if (rate != 0) {
    const TaxRate& r = Store::Rate(rate);
    Json t = Json::object();
    t["id"] = shipping_item_id + 1;
    t["rate_code"] = std::string(r.country) + "-" + r.state + "-" + r.label + "-1";
    for (char& c : t["rate_code"].get_ref<std::string&>()) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    t["rate_id"] = r.id;
    t["label"] = r.label;
    t["compound"] = false;
    t["tax_total"] = Cents(o.cart_tax);
    t["shipping_tax_total"] = Cents(o.shipping_tax);
    t["rate_percent"] = static_cast<double>(r.basis_points) / 100.0;
    t["meta_data"] = Json::array();
    tax_lines.push_back(std::move(t));
  }
  j["tax_lines"] = std::move(tax_lines);
  Json ship = Json::object();
  ship["id"] = shipping_item_id;
  ship["method_title"] = ShippingTitle(o.shipping_method);
  ship["method_id"] = ShippingId(o.shipping_method);
  ship["instance_id"] = "";
  ship["total"] = Cents(o.shipping);
  ship["total_tax"] = Cents(o.shipping_tax);
  Json ship_taxes = Json::array();
  if (rate != 0) {
    ship_taxes.push_back(
        Json{{"id", Store::Rate(rate).id}, {"total", Cents(o.shipping_tax)}, {"subtotal", ""}});
  }
  ship["taxes"] = std::move(ship_taxes);
  ship["tax_status"] = "taxable";
  ship["meta_data"] = Json::array();
  j["shipping_lines"] = Json::array({std::move(ship)});
  const uint32_t cid = shipping_item_id + (rate != 0 ? 2 : 1);
  Json fee_lines = Json::array();
  if (o.fee != 0) {
    fee_lines.push_back(FeeLineJson(cid + (o.coupon ? 1 : 0), o.fee, o.fee_tax, rate, 1, 0));
  }
  j["fee_lines"] = std::move(fee_lines);
  Json coupon_lines = Json::array();
  if (o.coupon != 0) {
    const Coupon& c = s.coupons[o.coupon - 1];
    Json cl = Json::object();
    cl["id"] = cid;
    cl["code"] = c.code;
    // Whole amounts are rendered without decimals, as recorded ("5").
    auto plain = [](int64_t cents) {
      return cents % 100 == 0 ? std::to_string(cents / 100) : Cents(cents);
    };
    cl["discount"] = plain(o.discount);
    cl["discount_tax"] = plain(discount_tax);
    const int64_t nominal = c.type == CouponType::kPercent ? c.amount : c.amount / 100;
    std::string info =
        "[" + std::to_string(c.id) + ",\"" + c.code + "\"," +
        (c.type == CouponType::kFixedCart ? std::string("null")
                                          : "\"" + std::string(CouponTypeSlug(c.type)) + "\"") +
        "," + std::to_string(nominal) + "]";
    cl["meta_data"] = Json::array(
        {MetaItem(static_cast<uint64_t>(cid) * 8, "coupon_info", info, "coupon_info", info)});
    cl["discount_type"] = CouponTypeSlug(c.type);
    cl["nominal_amount"] = nominal;
    cl["free_shipping"] = false;
    coupon_lines.push_back(std::move(cl));
  }
  j["coupon_lines"] = std::move(coupon_lines);
  Json refunds = Json::array();
  for (uint32_t r = o.last_refund; r != 0; r = s.refunds[r - 1].prev_same_order) {
    const Refund& rf = s.refunds[r - 1];
    refunds.push_back(Json{
        {"id", rf.id}, {"reason", Store::RefundReason(rf.reason)}, {"total", Cents(-rf.amount)}});
  }
  j["refunds"] = std::move(refunds);
  j["payment_url"] = ctx.home + "/checkout/order-pay/" + std::to_string(o.id) +
                     "/?pay_for_order=true&key=" + order_key;
  const bool editable = o.status == OrderStatus::kPending || o.status == OrderStatus::kOnHold ||
                        o.status == OrderStatus::kCheckoutDraft;
  j["is_editable"] = editable;
  j["needs_payment"] = o.status == OrderStatus::kPending || o.status == OrderStatus::kFailed;
  j["needs_processing"] = true;
  j["date_created_gmt"] = LegacyGmtIso(o.created);
  j["date_modified_gmt"] = LegacyGmtIso(o.modified);
  j["date_completed_gmt"] = LegacyGmtOrNull(o.completed);
  j["date_paid_gmt"] = LegacyGmtOrNull(o.paid);
  j["currency_symbol"] = s.options.currency == "EUR"   ? "€"
                         : s.options.currency == "GBP" ? "£"
                                                       : "$";
  Json links = Json::object();
  const std::string self = base + "/" + std::to_string(o.id);
  links["self"] = SelfLink(self, Allow({"GET", "POST", "PUT", "PATCH", "DELETE"}));
  links["collection"] = HrefLink(base);
  links["email_templates"] =
      Json::array({Json{{"embeddable", true}, {"href", self + "/actions/email_templates"}}});
  if (!guest) {
    links["customer"] =
        HrefLink(ctx.home + "/wp-json/" + ctx.ns + "/customers/" + std::to_string(o.customer_id));
  }
  j["_links"] = std::move(links);
  return j;
}

Json RefundJson(const RenderContext& ctx, const Refund& r, bool with_parent_id) {
  const Store& s = ctx.store;
  const Order& o = s.orders[r.order_index];
  Json j = Json::object();
  j["id"] = r.id;
  if (with_parent_id) j["parent_id"] = r.order_id;
  j["date_created"] = LegacyLocalIso(s, r.created);
  j["date_created_gmt"] = LegacyGmtIso(r.created);
  j["amount"] = Cents(r.amount);
  j["reason"] = Store::RefundReason(r.reason);
  j["refunded_by"] = 1;
  j["refunded_payment"] = IsWooPayments(o.payment) || o.payment == Payment::kPaypal;
  j["meta_data"] = Json::array();
  Json lines = Json::array();
  Json shipping = Json::array();
  if (r.kind == RefundKind::kOneItem) {
    lines.push_back(LineItemJson(ctx, s.items[o.first_item + r.line], r.first_item_id, -1,
                                 o.first_item_id + r.line, 1, o.tax_rate));
  } else if (r.kind == RefundKind::kFull) {
    for (uint32_t i = 0; i < o.n_items; ++i) {
      lines.push_back(LineItemJson(ctx, s.items[o.first_item + i], r.first_item_id + i, -1,
                                   o.first_item_id + i, 0, o.tax_rate));
    }
    const uint32_t sid = r.first_item_id + o.n_items;
    const uint32_t orig = o.first_item_id + o.n_items;
    Json ship = Json::object();
    ship["id"] = sid;
    ship["method_title"] = ShippingTitle(o.shipping_method);
    ship["method_id"] = ShippingId(o.shipping_method);
    ship["instance_id"] = "";
    ship["total"] = Cents(-o.shipping);
    ship["total_tax"] = Cents(-o.shipping_tax);
    ship["taxes"] = Json::array();
    ship["tax_status"] = "taxable";
    const std::string ref = std::to_string(orig);
    ship["meta_data"] = Json::array({MetaItem(static_cast<uint64_t>(sid) * 8 + 3,
                                              "_refunded_item_id", ref, "_refunded_item_id", ref)});
    shipping.push_back(std::move(ship));
  }
  Json fees = Json::array();
  if (r.kind == RefundKind::kFull && o.fee != 0) {
    const uint32_t orig_fee =
        o.first_item_id + o.n_items + 1 + (o.tax_rate ? 1 : 0) + (o.coupon ? 1 : 0);
    fees.push_back(
        FeeLineJson(r.first_item_id + o.n_items + 1, o.fee, o.fee_tax, o.tax_rate, -1, orig_fee));
  }
  j["line_items"] = std::move(lines);
  j["shipping_lines"] = std::move(shipping);
  j["tax_lines"] = Json::array();
  j["fee_lines"] = std::move(fees);
  const std::string order_url =
      ctx.home + "/wp-json/" + ctx.ns + "/orders/" + std::to_string(r.order_id);
  Json links = Json::object();
  links["self"] =
      SelfLink(order_url + "/refunds/" + std::to_string(r.id), Allow({"GET", "DELETE"}));
  links["collection"] = HrefLink(order_url + "/refunds");
  links["up"] = HrefLink(order_url);
  j["_links"] = std::move(links);
  return j;
}

namespace {
Json ImageJson(const RenderContext& ctx, const Product& p) {
  const Store& s = ctx.store;
  Json im = Json::object();
  im["id"] = p.image_id;
  im["date_created"] = LegacyLocalIso(s, p.created - 3600);
  im["date_created_gmt"] = LegacyGmtIso(p.created - 3600);
  im["date_modified"] = LegacyLocalIso(s, p.created - 3600);
  im["date_modified_gmt"] = LegacyGmtIso(p.created - 3600);
  im["src"] = ImageUrl(ctx, p);
  im["name"] = p.name;
  im["alt"] = p.name;
  return im;
}

std::string PriceHtml(int64_t cents) {
  return "<span class=\"woocommerce-Price-amount amount\"><bdi><span "
         "class=\"woocommerce-Price-currencySymbol\">&#36;</span>" +
         Cents(cents) + "</bdi></span>";
}

std::string Dimension(uint64_t h, int lo, int span) {
  return std::to_string(lo + static_cast<int>(h % static_cast<uint64_t>(span)));
}
}  // namespace

Json ProductJson(const RenderContext& ctx, const Product& p) {
  const Store& s = ctx.store;
  const uint64_t h = Mix(p.id * 31ULL + s.options.seed);
  const Category& cat = s.categories[p.category];
  Json j = Json::object();
  j["id"] = p.id;
  j["name"] = p.name;
  j["slug"] = p.slug;
  j["permalink"] = ctx.home + "/product/" + p.slug + "/";
  j["date_created"] = LegacyLocalIso(s, p.created);
  j["date_created_gmt"] = LegacyGmtIso(p.created);
  j["date_modified"] = LegacyLocalIso(s, p.modified);
  j["date_modified_gmt"] = LegacyGmtIso(p.modified);
  j["type"] = p.variable ? "variable" : "simple";
  j["status"] = p.trashed ? "trash" : "publish";
  j["featured"] = h % 9 == 0;
  j["catalog_visibility"] = "visible";
  j["description"] = "<p>" + p.name +
                     " is built for real trail miles: durable materials, thoughtful details and a "
                     "design refined by our gear testers.</p>\n";
  j["short_description"] = "<p>" + p.name + " from our " + cat.slug + " range.</p>\n";
  j["sku"] = p.sku;
  int64_t price = p.sale_cents ? p.sale_cents : p.regular_cents;
  if (p.variable && !p.variations.empty()) {
    price = INT64_MAX;
    for (uint32_t vi : p.variations) {
      const Variation& v = s.variations[vi];
      price = std::min(price, v.sale_cents ? v.sale_cents : v.regular_cents);
    }
  }
  j["price"] = Cents(price);
  j["regular_price"] = p.variable ? "" : Cents(p.regular_cents);
  j["sale_price"] = p.variable || p.sale_cents == 0 ? "" : Cents(p.sale_cents);
  j["date_on_sale_from"] = nullptr;
  j["date_on_sale_from_gmt"] = nullptr;
  j["date_on_sale_to"] = nullptr;
  j["date_on_sale_to_gmt"] = nullptr;
  j["on_sale"] = p.sale_cents != 0;
  j["purchasable"] = true;
  j["total_sales"] = p.total_sales;
  j["virtual"] = p.downloadable;
  j["downloadable"] = p.downloadable;
  Json downloads = Json::array();
  if (p.downloadable) {
    char uuid[40];
    std::snprintf(uuid, sizeof uuid, "%08x-%04x-4%03x-b%03x-%012llx", static_cast<unsigned>(h),
                  static_cast<unsigned>((h >> 32) & 0xffff),
                  static_cast<unsigned>((h >> 48) & 0xfff),
                  static_cast<unsigned>((h >> 20) & 0xfff),
                  static_cast<unsigned long long>(Mix(h) & 0xffffffffffffULL));
    downloads.push_back(
        Json{{"id", uuid},
             {"name", p.name + " (PDF)"},
             {"file", ctx.home + "/wp-content/uploads/downloads/" + p.image_slug + ".pdf"}});
  }
  j["downloads"] = std::move(downloads);
  j["download_limit"] = -1;
  j["download_expiry"] = -1;
  j["external_url"] = "";
  j["button_text"] = "";
  j["tax_status"] = "taxable";
  j["tax_class"] = "";
  j["manage_stock"] = p.manage_stock;
  j["stock_quantity"] = p.manage_stock ? Json(p.stock) : Json(nullptr);
  j["backorders"] = "no";
  j["backorders_allowed"] = false;
  j["backordered"] = false;
  j["low_stock_amount"] = p.low_stock_amount ? Json(p.low_stock_amount) : Json(nullptr);
  j["sold_individually"] = false;
  char weight[16];
  std::snprintf(weight, sizeof weight, "%.2f", p.weight_g / 1000.0);
  j["weight"] = weight;
  j["dimensions"] = Json{{"length", Dimension(h, 6, 30)},
                         {"width", Dimension(h >> 8, 4, 16)},
                         {"height", Dimension(h >> 16, 2, 8)}};
  j["shipping_required"] = !p.downloadable;
  j["shipping_taxable"] = !p.downloadable;
  j["shipping_class"] = "";
  j["shipping_class_id"] = 0;
  j["reviews_allowed"] = true;
  char rating[16];
  std::snprintf(rating, sizeof rating, "%.2f",
                p.rating_count ? static_cast<double>(p.rating_sum) / p.rating_count : 0.0);
  j["average_rating"] = rating;
  j["rating_count"] = p.rating_count;
  j["upsell_ids"] = Json::array();
  j["cross_sell_ids"] = Json::array();
  j["parent_id"] = 0;
  j["purchase_note"] = "";
  j["categories"] = Json::array({Json{{"id", cat.id}, {"name", cat.name}, {"slug", cat.slug}}});
  j["brands"] = Json::array();
  j["tags"] = Json::array();
  j["images"] = Json::array({ImageJson(ctx, p)});
  Json attributes = Json::array();
  Json variation_ids = Json::array();
  if (p.variable) {
    Json colors = Json::array();
    Json sizes = Json::array();
    uint8_t min_color = 255;
    for (uint32_t vi : p.variations) min_color = std::min(min_color, s.variations[vi].color);
    for (uint8_t c = 0; c < p.colors; ++c) colors.push_back(Store::ColorName(min_color + c));
    for (uint8_t z = 0; z < p.sizes; ++z) sizes.push_back(Store::SizeName(z));
    attributes.push_back(Json{{"id", 1},
                              {"name", "Color"},
                              {"slug", "pa_color"},
                              {"position", 0},
                              {"visible", true},
                              {"variation", true},
                              {"options", colors}});
    attributes.push_back(Json{{"id", 2},
                              {"name", "Size"},
                              {"slug", "pa_size"},
                              {"position", 1},
                              {"visible", true},
                              {"variation", true},
                              {"options", sizes}});
    for (uint32_t vi : p.variations) variation_ids.push_back(s.variations[vi].id);
  }
  j["attributes"] = std::move(attributes);
  j["default_attributes"] = Json::array();
  j["variations"] = std::move(variation_ids);
  j["grouped_products"] = Json::array();
  j["menu_order"] = 0;
  j["price_html"] = PriceHtml(price);
  Json related = Json::array();
  for (const auto& other : s.products) {
    if (related.size() >= 3) break;
    if (other.id != p.id && other.category == p.category && !other.trashed) {
      related.push_back(other.id);
    }
  }
  j["related_ids"] = std::move(related);
  j["meta_data"] = Json::array();
  j["stock_status"] = LegacyProductStockStatus(s, p);
  j["has_options"] = p.variable;
  j["post_password"] = "";
  j["global_unique_id"] = "";
  const std::string base = ctx.home + "/wp-json/" + ctx.ns + "/products";
  Json links = Json::object();
  links["self"] =
      SelfLink(base + "/" + std::to_string(p.id), Allow({"GET", "POST", "PUT", "PATCH", "DELETE"}));
  links["collection"] = HrefLink(base);
  j["_links"] = std::move(links);
  return j;
}

Json VariationJson(const RenderContext& ctx, const Variation& v) {
  const Store& s = ctx.store;
  const Product* p = s.FindProduct(v.parent_id);
  const std::string color = Store::ColorName(v.color);
  const std::string size = Store::SizeName(v.size);
  Json j = Json::object();
  j["id"] = v.id;
  j["type"] = "variation";
  j["date_created"] = LegacyLocalIso(s, v.created);
  j["date_created_gmt"] = LegacyGmtIso(v.created);
  j["date_modified"] = LegacyLocalIso(s, v.modified);
  j["date_modified_gmt"] = LegacyGmtIso(v.modified);
  j["description"] = "";
  j["permalink"] = ctx.home + "/product/" + (p ? p->slug : "") +
                   "/?attribute_pa_color=" + LowerAscii(color) +
                   "&attribute_pa_size=" + LowerAscii(size);
  std::string sku = (p ? p->sku : "") + "-" + color + "-" + size;
  for (char& c : sku) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  j["sku"] = sku;
  j["global_unique_id"] = "";
  j["price"] = Cents(v.sale_cents ? v.sale_cents : v.regular_cents);
  j["regular_price"] = Cents(v.regular_cents);
  j["sale_price"] = v.sale_cents ? Cents(v.sale_cents) : "";
  j["date_on_sale_from"] = nullptr;
  j["date_on_sale_from_gmt"] = nullptr;
  j["date_on_sale_to"] = nullptr;
  j["date_on_sale_to_gmt"] = nullptr;
  j["on_sale"] = v.sale_cents != 0;
  j["status"] = "publish";
  j["purchasable"] = true;
  j["virtual"] = false;
  j["downloadable"] = false;
  j["downloads"] = Json::array();
  j["download_limit"] = -1;
  j["download_expiry"] = -1;
  j["tax_status"] = "taxable";
  j["tax_class"] = "";
  if (v.manage == 2) {
    j["manage_stock"] = "parent";
    j["stock_quantity"] = p ? Json(p->stock) : Json(nullptr);
  } else {
    j["manage_stock"] = v.manage == 1;
    j["stock_quantity"] = v.manage == 1 ? Json(v.stock) : Json(nullptr);
  }
  j["stock_status"] = LegacyVariationStockStatus(s, v);
  j["backorders"] = "no";
  j["backorders_allowed"] = false;
  j["backordered"] = false;
  j["low_stock_amount"] = nullptr;
  char weight[16];
  std::snprintf(weight, sizeof weight, "%.2f", p ? p->weight_g / 1000.0 : 0.0);
  j["weight"] = weight;
  j["dimensions"] = Json{{"length", ""}, {"width", ""}, {"height", ""}};
  j["shipping_class"] = "";
  j["shipping_class_id"] = 0;
  j["image"] = p ? ImageJson(ctx, *p) : Json(nullptr);
  j["attributes"] =
      Json::array({Json{{"id", 1}, {"name", "Color"}, {"slug", "pa_color"}, {"option", color}},
                   Json{{"id", 2}, {"name", "Size"}, {"slug", "pa_size"}, {"option", size}}});
  j["menu_order"] = 0;
  j["meta_data"] = Json::array();
  j["name"] = color + ", " + size;
  j["parent_id"] = v.parent_id;
  const std::string parent =
      ctx.home + "/wp-json/" + ctx.ns + "/products/" + std::to_string(v.parent_id);
  Json links = Json::object();
  links["self"] = SelfLink(parent + "/variations/" + std::to_string(v.id),
                           Allow({"GET", "POST", "PUT", "PATCH", "DELETE"}));
  links["collection"] = HrefLink(parent + "/variations");
  links["up"] = HrefLink(parent);
  j["_links"] = std::move(links);
  return j;
}

Json CustomerJson(const RenderContext& ctx, const Customer& c) {
  const Store& s = ctx.store;
  Person p = s.PersonFor(c.id, false);
  if (c.staff) {
    p.first = c.id == 1 ? "Store" : "Shop";
    p.last = c.id == 1 ? "Admin" : "Manager";
    p.email = c.id == 1 ? "admin@example.com" : "manager@example.com";
  }
  Json j = Json::object();
  j["id"] = c.id;
  j["date_created"] = LegacyLocalIso(s, c.created);
  j["date_created_gmt"] = LegacyGmtIso(c.created);
  j["date_modified"] = LegacyLocalIso(s, c.modified);
  j["date_modified_gmt"] = LegacyGmtIso(c.modified);
  j["email"] = p.email;
  j["first_name"] = p.first;
  j["last_name"] = p.last;
  j["role"] = c.staff ? (c.id == 1 ? "administrator" : "shop_manager") : "customer";
  std::string username = LowerAscii(p.first) + "_" + LowerAscii(p.last);
  if (!c.staff) username += std::to_string(c.id);
  j["username"] = username;
  Json billing = Json::object();
  billing["first_name"] = p.first;
  billing["last_name"] = p.last;
  billing["company"] = p.company;
  billing["address_1"] = p.address_1;
  billing["address_2"] = p.address_2;
  billing["city"] = p.city;
  billing["postcode"] = p.postcode;
  billing["country"] = p.country;
  billing["state"] = p.state;
  billing["email"] = p.email;
  billing["phone"] = p.phone;
  j["billing"] = std::move(billing);
  Json shipping = Json::object();
  shipping["first_name"] = p.first;
  shipping["last_name"] = p.last;
  shipping["company"] = p.company;
  shipping["address_1"] = p.ship_address_1;
  shipping["address_2"] = "";
  shipping["city"] = p.ship_city;
  shipping["postcode"] = p.ship_postcode;
  shipping["country"] = p.country;
  shipping["state"] = p.ship_state;
  shipping["phone"] = p.phone;
  j["shipping"] = std::move(shipping);
  j["is_paying_customer"] = c.paying;
  const uint64_t h = Mix(c.id * 131ULL + s.options.seed);
  char hex[65];
  for (int i = 0; i < 64; ++i)
    hex[i] = "0123456789abcdef"[(Mix(h + static_cast<uint64_t>(i / 16)) >> ((i % 16) * 4)) & 15];
  hex[64] = 0;
  j["avatar_url"] = std::string("https://secure.gravatar.com/avatar/") + hex + "?s=96&d=mm&r=g";
  j["meta_data"] = Json::array({Json{{"id", c.id * 97ULL},
                                     {"key", "wc_last_active"},
                                     {"value", std::to_string(c.modified / 86400 * 86400)}}});
  if (ctx.ns == "wc/v2") {
    int64_t count = 0, spent = 0;
    for (const auto& o : s.orders) {
      if (o.customer_id != c.id) continue;
      ++count;
      if (o.status == OrderStatus::kCompleted || o.status == OrderStatus::kProcessing ||
          o.status == OrderStatus::kOnHold) {
        spent += o.total - o.refunded;
      }
    }
    j["orders_count"] = count;
    j["total_spent"] = Cents(spent);
  }
  const std::string base = ctx.home + "/wp-json/" + ctx.ns + "/customers";
  Json links = Json::object();
  links["self"] =
      SelfLink(base + "/" + std::to_string(c.id), Allow({"GET", "POST", "PUT", "PATCH", "DELETE"}));
  links["collection"] = HrefLink(base);
  j["_links"] = std::move(links);
  return j;
}

Json CouponJson(const RenderContext& ctx, const Coupon& c) {
  const Store& s = ctx.store;
  Json j = Json::object();
  j["id"] = c.id;
  j["code"] = c.code;
  j["amount"] = Cents(c.type == CouponType::kPercent ? c.amount * 100 : c.amount);
  j["status"] = c.trashed ? "trash" : "publish";
  j["date_created"] = LegacyLocalIso(s, c.created);
  j["date_created_gmt"] = LegacyGmtIso(c.created);
  j["date_modified"] = LegacyLocalIso(s, c.modified);
  j["date_modified_gmt"] = LegacyGmtIso(c.modified);
  j["discount_type"] = CouponTypeSlug(c.type);
  j["description"] = c.description;
  j["date_expires"] = LegacyLocalOrNull(s, c.expires);
  j["date_expires_gmt"] = LegacyGmtOrNull(c.expires);
  j["usage_count"] = c.usage_count;
  j["individual_use"] = false;
  j["product_ids"] = Json::array();
  j["excluded_product_ids"] = Json::array();
  j["usage_limit"] = nullptr;
  j["usage_limit_per_user"] = nullptr;
  j["limit_usage_to_x_items"] = nullptr;
  j["free_shipping"] = false;
  j["product_categories"] = Json::array();
  j["excluded_product_categories"] = Json::array();
  j["exclude_sale_items"] = c.type == CouponType::kPercent;
  j["minimum_amount"] = "0.00";
  j["maximum_amount"] = "0.00";
  j["email_restrictions"] = Json::array();
  // used_by: one entry per use (user id or guest email), capped to keep bodies sane.
  Json used_by = Json::array();
  const uint16_t cidx = static_cast<uint16_t>(&c - s.coupons.data() + 1);
  for (const auto& o : s.orders) {
    if (used_by.size() >= 500) break;
    if (o.coupon != cidx || o.status == OrderStatus::kCancelled ||
        o.status == OrderStatus::kFailed || o.status == OrderStatus::kCheckoutDraft) {
      continue;
    }
    if (o.customer_id != 0)
      used_by.push_back(std::to_string(o.customer_id));
    else
      used_by.push_back(s.PersonFor(o.person, true).email);
  }
  j["used_by"] = std::move(used_by);
  j["meta_data"] = Json::array();
  const std::string base = ctx.home + "/wp-json/" + ctx.ns + "/coupons";
  Json links = Json::object();
  links["self"] =
      SelfLink(base + "/" + std::to_string(c.id), Allow({"GET", "POST", "PUT", "PATCH", "DELETE"}));
  links["collection"] = HrefLink(base);
  j["_links"] = std::move(links);
  return j;
}

}  // namespace clever::wcsim::legacy
