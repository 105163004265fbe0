// The streaming JSON writer (sim/json_writer.h) and the streaming renderers (sim/render.h):
// escaping as PHP's json_encode, number / money / date formatting, `_fields` filtering, hostile
// input, and equivalence with the nlohmann renderers wcsim used before (tests/sim/legacy_render)
// over generated stores (several seeds, every status, refunds, coupons, variations, trashed
// objects, unicode and hostile names) with and without `_fields`.
#include "sim/render.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "sim/json_writer.h"
#include "sim/store.h"
#include "tests/sim/legacy_render.h"

namespace clever::wcsim {
namespace {

// Ordered: object key order is compared too.
using json = nlohmann::ordered_json;

template <typename F>
std::string Written(F&& f, const FieldTree* fields = nullptr) {
  std::string out;
  JsonWriter w(&out, fields);
  f(w);
  return out;
}

std::string Str(std::string_view s) {
  return Written([&](JsonWriter& w) { w.String(s); });
}

// ---- escaping

TEST(JsonWriter, EscapesLikePhpJsonEncode) {
  EXPECT_EQ(Str("plain text 123"), "\"plain text 123\"");
  EXPECT_EQ(Str("a\"b\\c/d"), "\"a\\\"b\\\\c\\/d\"");
  EXPECT_EQ(Str("\b\f\n\r\t"), "\"\\b\\f\\n\\r\\t\"");
  EXPECT_EQ(Str(std::string("\x01\x1f\x00", 3)), "\"\\u0001\\u001f\\u0000\"");
  EXPECT_EQ(Str("\x7f"), "\"\x7f\"");  // DEL is ASCII: PHP leaves it
  EXPECT_EQ(Str("Hern\xc3\xa1ndez"), "\"Hern\\u00e1ndez\"");
  EXPECT_EQ(Str("\xe2\x82\xac 5"), "\"\\u20ac 5\"");
  EXPECT_EQ(Str("\xf0\x9f\x98\x80"), "\"\\ud83d\\ude00\"");  // U+1F600 as a surrogate pair
  EXPECT_EQ(Str("\xef\xbf\xbf"), "\"\\uffff\"");
  EXPECT_EQ(Str("\xf4\x8f\xbf\xbf"), "\"\\udbff\\udfff\"");  // U+10FFFF
  EXPECT_EQ(Str("http://127.0.0.1:8080/wp-json/"), "\"http:\\/\\/127.0.0.1:8080\\/wp-json\\/\"");
  EXPECT_EQ(Str("<b>&amp;'</b>"), "\"<b>&amp;'<\\/b>\"");
}

TEST(JsonWriter, InvalidUtf8BecomesReplacementCharacter) {
  EXPECT_EQ(Str("\x80"), "\"\\ufffd\"");                        // lone continuation byte
  EXPECT_EQ(Str("a\xe2\x82"), "\"a\\ufffd\\ufffd\"");           // truncated at the end
  EXPECT_EQ(Str("\xe2\x82z"), "\"\\ufffd\\ufffdz\"");           // truncated in the middle
  EXPECT_EQ(Str("\xc0\xaf"), "\"\\ufffd\\ufffd\"");             // overlong "/"
  EXPECT_EQ(Str("\xe0\x80\xaf"), "\"\\ufffd\\ufffd\\ufffd\"");  // overlong, 3 bytes
  EXPECT_EQ(Str("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");  // UTF-16 surrogate
  EXPECT_EQ(Str("\xf4\x90\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");  // > U+10FFFF
  EXPECT_EQ(Str("\xf5\xff\xfe"), "\"\\ufffd\\ufffd\\ufffd\"");
}

TEST(JsonWriter, RandomBytesAlwaysGiveValidJsonAndValidUtf8RoundTrips) {
  std::mt19937_64 rng(42);
  for (int round = 0; round < 2000; ++round) {
    std::string s(rng() % 64, '\0');
    for (char& c : s) c = static_cast<char>(rng() & 0xff);
    const std::string out = Str(s);
    const json j = json::parse(out, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << out;
    ASSERT_TRUE(j.is_string());
    for (unsigned char c : out) ASSERT_LT(c, 0x80) << "non-ASCII byte in output";
  }
  // Valid UTF-8 (every plane) round-trips exactly.
  std::string all;
  for (uint32_t cp : {0x41u, 0xe9u, 0x7ffu, 0x800u, 0x20acu, 0xd7ffu, 0xe000u, 0xfffdu, 0x10000u,
                      0x1f600u, 0x10ffffu}) {
    if (cp < 0x80) {
      all.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      all.push_back(static_cast<char>(0xc0 | (cp >> 6)));
      all.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
      all.push_back(static_cast<char>(0xe0 | (cp >> 12)));
      all.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
      all.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else {
      all.push_back(static_cast<char>(0xf0 | (cp >> 18)));
      all.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
      all.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
      all.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    }
  }
  EXPECT_EQ(json::parse(Str(all)).get<std::string>(), all);
}

TEST(JsonWriter, HugeStringRoundTrips) {
  std::string big;
  big.reserve(3 << 20);
  while (big.size() < (3u << 20)) big += "caf\xc3\xa9 \"quoted\" \\ / \n \xf0\x9f\x8f\x94 ";
  const std::string out = Str(big);
  EXPECT_EQ(json::parse(out).get<std::string>(), big);
}

// ---- numbers, money, dates

TEST(JsonWriter, Numbers) {
  auto one = [](auto f) { return Written(f); };
  EXPECT_EQ(one([](JsonWriter& w) { w.Int(INT64_MIN); }), "-9223372036854775808");
  EXPECT_EQ(one([](JsonWriter& w) { w.Uint(UINT64_MAX); }), "18446744073709551615");
  EXPECT_EQ(one([](JsonWriter& w) { w.Double(6.0); }), "6.0");
  EXPECT_EQ(one([](JsonWriter& w) { w.Double(6.25); }), "6.25");
  EXPECT_EQ(one([](JsonWriter& w) { w.Double(0.1); }), "0.1");
  EXPECT_EQ(one([](JsonWriter& w) { w.Double(-0.0); }), "-0.0");
  EXPECT_EQ(one([](JsonWriter& w) { w.Double(1e300); }), "1e+300");
  EXPECT_EQ(one([](JsonWriter& w) { w.Double(std::nan("")); }), "null");
  EXPECT_EQ(one([](JsonWriter& w) { w.Double(HUGE_VAL); }), "null");
  EXPECT_EQ(one([](JsonWriter& w) { w.MoneyString(0); }), "\"0.00\"");
  EXPECT_EQ(one([](JsonWriter& w) { w.MoneyString(5); }), "\"0.05\"");
  EXPECT_EQ(one([](JsonWriter& w) { w.MoneyString(-5); }), "\"-0.05\"");
  EXPECT_EQ(one([](JsonWriter& w) { w.MoneyString(123456); }), "\"1234.56\"");
  EXPECT_EQ(one([](JsonWriter& w) { w.MoneyString(INT64_MIN); }), "\"-92233720368547758.08\"");
  EXPECT_EQ(one([](JsonWriter& w) { w.MoneyNumber(1200); }), "12");
  EXPECT_EQ(one([](JsonWriter& w) { w.MoneyNumber(1230); }), "12.3");
  EXPECT_EQ(one([](JsonWriter& w) { w.MoneyNumber(995); }), "9.95");
  EXPECT_EQ(one([](JsonWriter& w) { w.MoneyNumber(-5); }), "-0.05");
  EXPECT_EQ(one([](JsonWriter& w) { w.MoneyNumber(0); }), "0");
  // MoneyNumber is what nlohmann prints for the double cents / 100.0.
  for (int64_t c = -20000; c <= 20000; c += 7) {
    const std::string mine = one([&](JsonWriter& w) { w.MoneyNumber(c); });
    const std::string ref =
        c % 100 == 0 ? json(c / 100).dump() : json(static_cast<double>(c) / 100.0).dump();
    ASSERT_EQ(mine, ref) << c;
  }
  // Cents() (store.h) and MoneyString agree.
  for (int64_t c : {0LL, 1LL, -1LL, 99LL, 100LL, -100LL, 123456789LL}) {
    EXPECT_EQ(one([&](JsonWriter& w) { w.MoneyString(c); }), "\"" + Cents(c) + "\"");
  }
}

TEST(JsonWriter, Dates) {
  auto date = [](int64_t t) { return Written([&](JsonWriter& w) { w.IsoDateTime(t); }); };
  EXPECT_EQ(date(0), "\"1970-01-01T00:00:00\"");
  EXPECT_EQ(date(-1), "\"1969-12-31T23:59:59\"");
  EXPECT_EQ(date(951782400), "\"2000-02-29T00:00:00\"");
  EXPECT_EQ(date(1795821352), "\"2026-11-27T23:15:52\"");
  EXPECT_EQ(date(253402300799), "\"9999-12-31T23:59:59\"");
  for (int64_t t = -5000000000; t < 5000000000; t += 86399 * 37 + 13) {
    ASSERT_EQ(date(t), "\"" + LocalDateTime::FromEpochSecondsAsUtc(t).ToString() + "\"") << t;
  }
}

// ---- structure and _fields

TEST(JsonWriter, StructureAndCommas) {
  const std::string out = Written([](JsonWriter& w) {
    w.BeginArray();
    w.BeginObject();
    w.Num("a", 1);
    w.EmptyArray("b");
    w.Key("c");
    w.BeginObject();
    w.EndObject();
    w.NullField("d");
    w.EndObject();
    w.Bool(true);
    w.BeginArray();
    w.EndArray();
    w.EndArray();
  });
  EXPECT_EQ(out, R"([{"a":1,"b":[],"c":{},"d":null},true,[]])");
}

TEST(FieldTree, ParseAsWordPress) {
  FieldTree t = FieldTree::Parse({"id", "billing.city", "billing.state", " status ", "a.b.c"});
  EXPECT_TRUE(t.children.at("id").leaf);
  EXPECT_TRUE(t.children.at("status").leaf);  // trimmed
  EXPECT_FALSE(t.children.at("billing").leaf);
  EXPECT_EQ(t.children.at("billing").children.size(), 2u);
  EXPECT_TRUE(t.children.at("a").children.at("b").children.at("c").leaf);
  // A whole parent wins over its sub-fields, in either order.
  FieldTree u = FieldTree::Parse({"x.y", "x", "z", "z.w"});
  EXPECT_TRUE(u.children.at("x").leaf);
  EXPECT_TRUE(u.children.at("x").children.empty());
  EXPECT_TRUE(u.children.at("z").leaf);
  EXPECT_TRUE(u.children.at("z").children.empty());
  // Hostile entries do not crash and match nothing real.
  FieldTree h = FieldTree::Parse({"", ".", "..", "a..b", std::string(10000, '.')});
  EXPECT_TRUE(h.children.count(""));
}

// WordPress's rest_filter_response_fields() as recorded on WC 10.0.2: named keys kept; "a.b"
// recurses into objects, keeps scalars, drops lists.
json RefFilterOne(const json& j, const FieldTree& t) {
  if (!j.is_object()) return j;
  json out = json::object();
  for (auto it = j.begin(); it != j.end(); ++it) {
    auto f = t.children.find(it.key());
    if (f == t.children.end()) continue;
    if (f->second.leaf)
      out[it.key()] = it.value();
    else if (it.value().is_object())
      out[it.key()] = RefFilterOne(it.value(), f->second);
    else if (!it.value().is_array())
      out[it.key()] = it.value();
  }
  return out;
}
json RefFilter(const json& j, const FieldTree& t) {
  if (!j.is_array()) return RefFilterOne(j, t);
  json out = json::array();
  for (const auto& e : j) out.push_back(RefFilterOne(e, t));
  return out;
}

const std::vector<std::vector<std::string>>& FieldCases() {
  static const std::vector<std::vector<std::string>> cases = {
      {"id"},
      {"id", "status", "total", "date_created_gmt", "date_modified_gmt"},
      {"id", "billing.first_name", "billing.email", "line_items.name"},
      {"billing"},
      {"_links.self", "_links.up"},
      {"id.nested", "status.x"},
      {"line_items", "refunds", "meta_data.key"},
      {"nonexistent", "also.not.there"},
      {"image.src", "images", "attributes", "variations", "dimensions.width"},
      {"billing.nope", "shipping.city", "used_by", "amount", "code"},
      {"_links.self.href", "_links.collection", "id"},
  };
  return cases;
}

TEST(JsonWriter, FieldsFilterMatchesReferenceOnArbitraryJson) {
  const json doc = json::parse(R"([
    {"id": 1, "name": "a\/b", "billing": {"city": "X", "state": "Y", "deep": {"k": [1, 2]}},
     "line_items": [{"name": "n", "id": 3}], "meta_data": [], "status": "ok", "nul": null,
     "_links": {"self": [{"href": "h"}], "up": [{"href": "u"}]}},
    {"id": 2, "billing": "not an object", "line_items": {"name": "an object here"}},
    3, "scalar", [], {}
  ])");
  for (const auto& fields : FieldCases()) {
    const FieldTree tree = FieldTree::Parse(fields);
    const std::string out = Written([&](JsonWriter& w) { WriteJson(w, doc); }, &tree);
    EXPECT_EQ(json::parse(out), RefFilter(doc, tree)) << fields[0] << " -> " << out;
    // A single object is filtered itself.
    const std::string one = Written([&](JsonWriter& w) { WriteJson(w, doc[0]); }, &tree);
    EXPECT_EQ(json::parse(one), RefFilterOne(doc[0], tree)) << fields[0];
  }
  // Keys that need escaping go through EscapedKey and still filter.
  const json odd = json::parse(R"({"a/b": 1, "\u00e9": {"x": 1, "y": 2}, "q\"": 3})");
  const FieldTree t = FieldTree::Parse({"a/b", "\xc3\xa9.y"});
  const std::string out = Written([&](JsonWriter& w) { WriteJson(w, odd); }, &t);
  EXPECT_EQ(out, R"({"a\/b":1,"\u00e9":{"y":2}})");
}

TEST(JsonWriter, DeepNestingAndDiscarding) {
  json deep = json::object();
  json* cur = &deep;
  for (int i = 0; i < 2000; ++i) {
    (*cur)["arr"] = json::array({1});
    cur = &(*cur)["k"];
  }
  *cur = "leaf";
  const FieldTree t = FieldTree::Parse({"arr"});
  const std::string out = Written([&](JsonWriter& w) { WriteJson(w, deep); }, &t);
  EXPECT_EQ(out, R"({"arr":[1]})");
  const std::string all = Written([&](JsonWriter& w) { WriteJson(w, deep); });
  EXPECT_EQ(json::parse(all), deep);
  // Discarding() reports a dropped value so renderers can skip work.
  std::string s;
  const FieldTree only_id = FieldTree::Parse({"id"});
  JsonWriter w(&s, &only_id);
  w.BeginObject();
  w.Key("big");
  EXPECT_TRUE(w.Discarding());
  w.BeginArray();
  EXPECT_TRUE(w.Discarding());
  w.EndArray();
  w.Key("id");
  EXPECT_FALSE(w.Discarding());
  w.Int(1);
  w.EndObject();
  EXPECT_EQ(s, R"({"id":1})");
}

// ---- equivalence with the legacy renderers

// Puts unicode and JSON-hostile text into names the renderers echo.
void Spice(Store& s) {
  const std::vector<std::string> names = {
      "Caf\xc3\xa9 Cr\xc3\xa8me \"Deluxe\" \\ Edition",
      "Trail \xf0\x9f\x8f\x94 Tent / 2P",
      "Stra\xc3\x9f"
      "e <b>&amp;</b>\ttab\nnewline",
      "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e \xe2\x82\xac 5",
      std::string("ctl\x01\x1f end", 9),
  };
  for (size_t i = 0; i < s.products.size(); i += 3) {
    s.products[i].name = names[(i / 3) % names.size()] + " #" + std::to_string(i);
  }
  for (size_t i = 0; i < s.coupons.size(); i += 2) {
    s.coupons[i].description = names[i % names.size()];
    s.coupons[i].code =
        "c\xc3\xb3"
        "d/\"" +
        std::to_string(i);
  }
  for (auto& c : s.categories)
    c.name +=
        " & \xc3\x9c"
        "ber";
}

struct Kinds {
  std::set<OrderStatus> statuses;
  size_t orders = 0, refunds = 0, products = 0, variations = 0, customers = 0, coupons = 0;
  bool purged_product = false;
  bool trashed_product = false, trashed_coupon = false, staff = false, coupon_line = false,
       fee_line = false, full_refund = false, item_refund = false;
};

// Every record is compared whole; every 4th also under each `_fields` case (keeps the sanitizer
// build quick).
int g_fields_turn = 0;

template <typename Write>
void ExpectSame(const json& legacy, Write write, const std::string& what) {
  const std::string streamed = Written(write);
  const json parsed = json::parse(streamed, nullptr, false);
  ASSERT_FALSE(parsed.is_discarded()) << what << ": " << streamed.substr(0, 300);
  ASSERT_EQ(parsed, legacy) << what << "\nstreamed: " << streamed.substr(0, 2000)
                            << "\nlegacy:   " << legacy.dump().substr(0, 2000);
  if (g_fields_turn++ % 4 != 0) return;
  for (const auto& fields : FieldCases()) {
    const FieldTree tree = FieldTree::Parse(fields);
    const std::string f = Written(write, &tree);
    ASSERT_EQ(json::parse(f), RefFilter(legacy, tree)) << what << " _fields=" << fields[0];
  }
}

void CheckStore(Store& s, const std::string& ns, Kinds& k) {
  RenderContext rc{s, "http://127.0.0.1:8080", ns, "10.0.2"};
  const std::string tag = "seed " + std::to_string(s.options.seed) + " " + ns;
  // Orders: every status, every coupon / fee / refund combination; a stride keeps it quick.
  for (size_t i = 0; i < s.orders.size(); ++i) {
    const Order& o = s.orders[i];
    const bool common = o.status == OrderStatus::kCompleted || o.status == OrderStatus::kProcessing;
    if (common && i % 4 != 0 && o.last_refund == 0 && o.coupon == 0 && o.fee == 0) continue;
    k.statuses.insert(o.status);
    k.coupon_line = k.coupon_line || o.coupon != 0;
    k.fee_line = k.fee_line || o.fee != 0;
    ++k.orders;
    ExpectSame((legacy::OrderJson(rc, o)), [&](JsonWriter& w) { WriteOrder(w, rc, o); },
               tag + " order " + std::to_string(o.id));
  }
  for (const Refund& r : s.refunds) {
    k.full_refund = k.full_refund || r.kind == RefundKind::kFull;
    k.item_refund = k.item_refund || r.kind == RefundKind::kOneItem;
    ++k.refunds;
    for (bool parent : {false, true}) {
      ExpectSame((legacy::RefundJson(rc, r, parent)),
                 [&](JsonWriter& w) { WriteRefund(w, rc, r, parent); },
                 tag + " refund " + std::to_string(r.id));
    }
  }
  for (const Product& p : s.products) {
    k.trashed_product = k.trashed_product || (p.trashed && !p.purged);
    k.purged_product = k.purged_product || p.purged;
    ++k.products;
    ExpectSame((legacy::ProductJson(rc, p)), [&](JsonWriter& w) { WriteProduct(w, rc, p); },
               tag + " product " + std::to_string(p.id));
  }
  for (const Variation& v : s.variations) {
    ++k.variations;
    ExpectSame((legacy::VariationJson(rc, v)), [&](JsonWriter& w) { WriteVariation(w, rc, v); },
               tag + " variation " + std::to_string(v.id));
  }
  for (size_t i = 0; i < s.customers.size(); i += 2) {
    const Customer& c = s.customers[i];
    k.staff = k.staff || c.staff;
    ++k.customers;
    ExpectSame((legacy::CustomerJson(rc, c)), [&](JsonWriter& w) { WriteCustomer(w, rc, c); },
               tag + " customer " + std::to_string(c.id));
  }
  for (const Coupon& c : s.coupons) {
    k.trashed_coupon = k.trashed_coupon || c.trashed;
    ++k.coupons;
    ExpectSame((legacy::CouponJson(rc, c)), [&](JsonWriter& w) { WriteCoupon(w, rc, c); },
               tag + " coupon " + std::to_string(c.id));
  }
}

TEST(RenderEquivalence, StreamedEqualsLegacyNlohmann) {
  Kinds k;
  for (uint64_t seed : {1ULL, 4ULL, 11ULL}) {
    GenOptions g;
    g.seed = seed;
    g.orders = 700;
    g.days = 300;
    g.woopayments = seed != 4;
    if (seed == 11) {
      g.currency = "EUR";
      g.timezone = "Europe/Berlin";
    }
    auto store = Store::Generate(g);
    MutateRequest m;
    m.advance_seconds = 86400;
    m.new_orders = 20;
    m.status_changes = 15;
    m.refunds = 12;
    m.stock_changes = 10;
    m.delete_products = 3;
    m.delete_coupons = 2;
    m.new_customers = 3;
    m.purge_products = 2;  // empties part of the trash: trashed and purged ones remain
    m.purge_coupons = 1;
    store->Mutate(m);
    Spice(*store);
    CheckStore(*store, "wc/v3", k);
    if (seed == 1) CheckStore(*store, "wc/v2", k);
  }
  // The sample covered what it claims to.
  EXPECT_EQ(k.statuses.size(), static_cast<size_t>(kOrderStatusCount));
  EXPECT_TRUE(k.trashed_product);
  EXPECT_TRUE(k.purged_product);
  EXPECT_TRUE(k.trashed_coupon);
  EXPECT_TRUE(k.staff);
  EXPECT_TRUE(k.coupon_line);
  EXPECT_TRUE(k.fee_line);
  EXPECT_TRUE(k.full_refund);
  EXPECT_TRUE(k.item_refund);
  EXPECT_GT(k.orders, 600u);
  EXPECT_GT(k.refunds, 20u);
  EXPECT_GT(k.variations, 50u);
}

TEST(RenderEquivalence, WireFormatIsPhpStyle) {
  GenOptions g;
  g.orders = 50;
  g.currency = "EUR";
  auto store = Store::Generate(g);
  RenderContext rc{*store, "http://127.0.0.1:8080"};
  const std::string out = Written([&](JsonWriter& w) { WriteOrder(w, rc, store->orders[10]); });
  EXPECT_NE(out.find("\"currency_symbol\":\"\\u20ac\""), std::string::npos) << out;
  EXPECT_NE(out.find("http:\\/\\/127.0.0.1:8080\\/wp-json\\/wc\\/v3\\/orders\\/"),
            std::string::npos);
  EXPECT_NE(out.find("\"customer_user_agent\":\"Mozilla\\/5.0 "), std::string::npos);
  for (unsigned char c : out) ASSERT_LT(c, 0x80);
}

}  // namespace
}  // namespace clever::wcsim
