// woo/records: golden WooCommerce 10.0.2 bodies, and malformed / hostile / huge input.
#include "woo/records.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace clever::woo {
namespace {

std::string Golden(const std::string& name) {
  std::ifstream in(std::string(CLEVER_SYNC_TESTDATA) + "/golden/" + name + ".json");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(RecordsGolden, OrdersPageOf100) {
  std::string body = Golden("orders_page2_per100");
  ASSERT_FALSE(body.empty()) << "missing golden recording";
  auto page = ParseOrders(body, 2);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->records.size(), 100u);
  EXPECT_TRUE(page->skipped.empty());
  ASSERT_EQ(page->keys.size(), 100u);
  for (const auto& o : page->records) {
    EXPECT_GT(o.id, 0);
    EXPECT_FALSE(o.status.empty());
    EXPECT_FALSE(o.date_created.empty());
    int64_t lines = 0;
    for (const auto& li : o.line_items) lines += li.total_minor;
    // Line totals never exceed the order total by more than the order-level discount.
    EXPECT_LE(lines - o.discount_total_minor, o.total_minor + 1) << o.id;
  }
}

TEST(RecordsGolden, RefundsCarryParentOrder) {
  std::string body = Golden("refunds_list");
  ASSERT_FALSE(body.empty()) << "missing golden recording";
  auto page = ParseRefunds(body, 2);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_FALSE(page->records.empty());
  for (const auto& r : page->records) {
    EXPECT_GT(r.order_id, 0);
    EXPECT_GE(r.amount_minor, 0);
  }
  EXPECT_EQ(page->records[0].id, 1830);
  EXPECT_EQ(page->records[0].order_id, 1722);
  EXPECT_EQ(page->records[0].amount_minor, 500);
}

TEST(RecordsGolden, IndexSettingsReportsProducts) {
  std::string index = Golden("wc_v3_index");
  ASSERT_FALSE(index.empty()) << "missing golden recording";
  auto routes = ParseRouteIndex(index);
  ASSERT_TRUE(routes.ok()) << routes.status();
  EXPECT_TRUE(routes->has_refunds_route);      // WC 10.0.2 has /refunds
  EXPECT_FALSE(routes->has_variations_route);  // ... but not /variations (10.3+)
  EXPECT_TRUE(routes->supports_modified_after);
  EXPECT_FALSE(routes->has_payments_deposits);  // no WooPayments on the recorded store
  auto settings = ParseGeneralSettings(Golden("settings_general"));
  ASSERT_TRUE(settings.ok()) << settings.status();
  EXPECT_EQ(settings->currency, "USD");
  EXPECT_EQ(settings->price_decimals, 2);
  auto sales = ParseSalesReport(Golden("reports_sales"), 2);
  ASSERT_TRUE(sales.ok()) << sales.status();
  EXPECT_EQ(sales->total_sales_minor, 30692);
  EXPECT_EQ(sales->total_refunds_minor, 21736);  // a JSON number with float noise upstream
  EXPECT_EQ(sales->total_orders, 5);
  auto totals = ParseReportTotals(Golden("reports_orders_totals"));
  ASSERT_TRUE(totals.ok()) << totals.status();
  EXPECT_FALSE(totals->empty());
  auto products = ParseProducts(Golden("products_list"), 2);
  ASSERT_TRUE(products.ok()) << products.status();
  EXPECT_FALSE(products->records.empty());
  auto variations = ParseVariations(Golden("product_variations"), 2);
  ASSERT_TRUE(variations.ok()) << variations.status();
  auto customers = ParseCustomers(Golden("customers_role_all"));
  ASSERT_TRUE(customers.ok()) << customers.status();
  EXPECT_FALSE(customers->records.empty());
  auto gateways = ParseGateways(Golden("payment_gateways"));
  ASSERT_TRUE(gateways.ok()) << gateways.status();
  EXPECT_FALSE(gateways->records.empty());
  auto coupons = ParseCoupons(Golden("coupons_list"), 2);
  ASSERT_TRUE(coupons.ok()) << coupons.status();
  auto site = ParseSiteIndex(
      R"({"name":"Shop","home":"http://127.0.0.1:8080","gmt_offset":"-5","timezone_string":"America/New_York","namespaces":["wc/v3",7]})");
  ASSERT_TRUE(site.ok()) << site.status();
  EXPECT_EQ(site->timezone_string, "America/New_York");
  EXPECT_EQ(site->gmt_offset, -5);
  EXPECT_EQ(site->namespaces.size(), 1u);
}

TEST(RecordsMalformed, BodiesThatAreNotJsonAreDataLoss) {
  for (const std::string& body :
       {std::string(""), std::string("   "),
        std::string("<html><body>502 Bad Gateway</body></html>"),
        std::string("[{\"id\": 1, \"status\": \"comp"), std::string("{\"code\":\"x\"}"),
        std::string("null"), std::string("42"), std::string("[1,2"), std::string("\xff\xfe")}) {
    auto page = ParseOrders(body, 2);
    ASSERT_FALSE(page.ok()) << body;
    EXPECT_EQ(page.status().code(), StatusCode::kDataLoss) << body;
  }
}

TEST(RecordsMalformed, DeepNestingIsRefusedWithoutRecursion) {
  std::string deep(200000, '[');
  auto page = ParseOrders(deep + std::string(200000, ']'), 2);
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.status().code(), StatusCode::kDataLoss);
  auto keys = ParseKeys("[{\"id\":1,\"x\":" + std::string(100, '[') + std::string(100, ']') + "}]");
  EXPECT_FALSE(keys.ok());
}

TEST(RecordsMalformed, PhpNoticeBeforeJsonIsTolerated) {
  std::string body =
      "<br />\n<b>Notice</b>: Undefined index in <b>x.php</b> on line <b>3</b><br />\n"
      "[{\"id\":7,\"status\":\"completed\",\"date_created\":\"2026-01-01T10:00:00\",\"total\":\"1."
      "50\"}]";
  auto page = ParseOrders(body, 2);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->records.size(), 1u);
  EXPECT_EQ(page->records[0].total_minor, 150);
  // An HTML page with braces in it is still refused.
  auto html = ParseOrders("<html><style>\n{color:red}</style>Warning</html>", 2);
  EXPECT_FALSE(html.ok());
}

TEST(RecordsMalformed, BadRecordsAreSkippedWithAReason) {
  std::string body = R"([
    {"id": 1, "status": "completed", "date_created": "2026-01-01T10:00:00", "total": "10.00"},
    {"id": "abc", "status": "completed", "date_created": "2026-01-01T10:00:00"},
    {"status": "completed", "date_created": "2026-01-01T10:00:00"},
    {"id": 4, "status": "completed", "date_created": "2026-01-01T10:00:00", "total": "ten"},
    {"id": 5, "status": "completed", "date_created": "2026-01-01T10:00:00",
     "line_items": [{"id": 1, "total": {"x": 1}}]},
    {"id": 6, "date_created": "2026-01-01T10:00:00"},
    {"id": 99999999999999999999, "status": "x", "date_created": "2026-01-01T10:00:00"},
    {"id": -3, "status": "x", "date_created": "2026-01-01T10:00:00"},
    "not an object",
    {"id": "12", "status": "processing", "date_created": "2026-01-01T10:00:00", "total": 12.5,
     "customer_id": "7", "prices_include_tax": "yes", "line_items": "nope", "refunds": [{}, {}]}
  ])";
  auto page = ParseOrders(body, 2);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->records.size(), 2u);
  EXPECT_EQ(page->records[0].id, 1);
  EXPECT_EQ(page->records[1].id, 12);
  EXPECT_EQ(page->records[1].total_minor, 1250);
  EXPECT_EQ(page->records[1].customer_id, 7);
  EXPECT_TRUE(page->records[1].prices_include_tax);
  EXPECT_TRUE(page->records[1].line_items.empty());
  EXPECT_EQ(page->records[1].refund_count, 2);
  EXPECT_EQ(page->skipped.size(), 8u);
  for (const auto& issue : page->skipped) EXPECT_FALSE(issue.message.empty());
  EXPECT_EQ(page->keys.size(), 10u);  // one key per entry, skipped ones included
}

TEST(RecordsMalformed, LinesWithoutIdsKeepTheirMoney) {
  auto page = ParseOrders(
      R"([{"id":3,"status":"completed","date_created":"2026-01-01T10:00:00","total":"7.00",
           "line_items":[{"id":0,"total":"3.00"},{"total":"4.00"},{"id":9,"total":"0.00"}]}])",
      2);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->records.size(), 1u);
  const auto& lines = page->records[0].line_items;
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].id, -1);
  EXPECT_EQ(lines[1].id, -2);
  EXPECT_EQ(lines[2].id, 9);
  EXPECT_EQ(lines[0].total_minor + lines[1].total_minor, 700);
}

TEST(RecordsMalformed, HugeValuesAreBoundedOrRejected) {
  std::string big(1 << 20, 'x');
  std::string body = "[{\"id\":1,\"name\":\"" + big +
                     "\",\"price\":\"1e308\",\"stock_quantity\":1e300,\"total_sales\":"
                     "18446744073709551615,\"regular_price\":\"\"}]";
  auto page = ParseProducts(body, 2);
  ASSERT_TRUE(page.ok()) << page.status();
  // The price cannot be a money amount: the record is skipped, not stored as garbage.
  EXPECT_TRUE(page->records.empty());
  ASSERT_EQ(page->skipped.size(), 1u);
  EXPECT_NE(page->skipped[0].message.find("price"), std::string::npos);

  body = "[{\"id\":1,\"name\":\"" + big +
         "\",\"price\":\"3.50\",\"stock_quantity\":1e300,\"total_sales\":18446744073709551615,"
         "\"regular_price\":\"\"}]";
  page = ParseProducts(body, 2);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->records.size(), 1u);
  const auto& p = page->records[0];
  EXPECT_LE(p.name.size(), kMaxTextBytes);
  EXPECT_EQ(p.price_minor, 350);
  EXPECT_FALSE(p.regular_price_minor.has_value());
  EXPECT_FALSE(p.stock_quantity.has_value());
  EXPECT_EQ(p.total_sales, 0);
}

TEST(RecordsMapping, VariationsRefundsWrappersAndLinks) {
  auto v = ParseVariations(
      R"([{"id":5,"parent_id":2,"manage_stock":"parent","price":"9.99","attributes":[{"name":"Size","option":"L"},7]}])",
      2);
  ASSERT_TRUE(v.ok());
  ASSERT_EQ(v->records.size(), 1u);
  EXPECT_EQ(v->records[0].manage_stock, 2);
  EXPECT_EQ(v->records[0].price_minor, 999);
  ASSERT_EQ(v->records[0].attributes.size(), 1u);

  auto r = ParseRefunds(
      R"([{"id":9,"date_created":"2026-01-01T00:00:00","amount":"-3.00","_links":{"up":[{"href":"https://s/wp-json/wc/v3/orders/77"}]}},
          {"id":10,"date_created":"2026-01-01T00:00:00","amount":"1.00"}])",
      2);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->records.size(), 1u);  // the second has no parent order at all
  EXPECT_EQ(r->records[0].order_id, 77);
  EXPECT_EQ(r->records[0].amount_minor, 300);
  auto hinted =
      ParseRefunds(R"([{"id":10,"date_created":"2026-01-01T00:00:00","amount":"1.00"}])", 2, 55);
  ASSERT_TRUE(hinted.ok());
  ASSERT_EQ(hinted->records.size(), 1u);
  EXPECT_EQ(hinted->records[0].order_id, 55);

  int64_t total = 0;
  auto payouts = ParsePayouts(
      R"({"data":[{"id":"po_1","date":1700000000000,"amount":1234,"fee":"5","bankAccount":"SECRET"}],"total_count":1})",
      &total);
  ASSERT_TRUE(payouts.ok());
  EXPECT_EQ(total, 1);
  ASSERT_EQ(payouts->records.size(), 1u);
  EXPECT_EQ(payouts->records[0].amount_minor, 1234);
  EXPECT_EQ(payouts->records[0].fee_minor, 5);
  EXPECT_FALSE(ParsePayouts(R"({"nodata":1})", &total).ok());
  auto disputes =
      ParseDisputes(R"({"data":[{"dispute_id":"dp_1","amount":10,"evidence":{"x":1}}]})", &total);
  ASSERT_TRUE(disputes.ok());
  EXPECT_EQ(total, -1);
  EXPECT_EQ(disputes->records[0].dispute_id, "dp_1");
  EXPECT_TRUE(IsNoRoute(NotFoundError("rest_no_route: No route was found")));
  EXPECT_FALSE(IsNoRoute(NotFoundError("woocommerce_rest_shop_order_invalid_id")));
  EXPECT_FALSE(IsNoRoute(UnavailableError("rest_no_route")));
}

TEST(RecordsMapping, AllowlistsNeverNameSensitiveFields) {
  for (const char* fields :
       {kCustomerFields, kOrderFields, kProductFields, kVariationFields, kCouponFields,
        kRefundFields, kGatewayFields, kTransactionKeys, kPayoutKeys, kDisputeKeys}) {
    std::string f = std::string(",") + fields + ",";
    for (const char* bad : {",order_key,",
                            ",payment_url,",
                            ",customer_ip_address,",
                            ",customer_user_agent,",
                            ",meta_data,",
                            ",settings,",
                            ",password,",
                            ",username,",
                            ",avatar_url,",
                            ",evidence,",
                            ",bankAccount,",
                            ",source_identifier,",
                            ",customer_email,",
                            ",customer_name,",
                            ",email_restrictions,",
                            ",used_by,",
                            ",downloads,",
                            ",post_password,",
                            ",cart_hash,",
                            ",customer_note,",
                            "billing.address_1",
                            "shipping.address_1"}) {
      EXPECT_EQ(f.find(bad), std::string::npos) << fields << " contains " << bad;
    }
  }
}

}  // namespace
}  // namespace clever::woo

namespace clever::woo {
namespace {

// Every body is read by simdjson (the fast path) unless simdjson refuses it; a PHP notice before
// the JSON makes simdjson refuse, so the same body is then read by the lenient nlohmann path.
// Both must give the same records, skips and keys, for real pages and for hostile ones.
const char kNotice[] =
    "<br />\n<b>Notice</b>: Undefined index: x in <b>a.php</b> on line 3<br />\n";

template <typename F>
void ExpectBothPathsAgree(const std::string& body, F parse) {
  auto fast = parse(body);
  auto lenient = parse(kNotice + body);
  ASSERT_EQ(fast.ok(), lenient.ok()) << body.substr(0, 200);
  if (!fast.ok()) {
    EXPECT_EQ(fast.status().code(), lenient.status().code());
    return;
  }
  EXPECT_TRUE(*fast == *lenient) << body.substr(0, 200);
}

const std::vector<std::string>& HostileOrderBodies() {
  static const std::vector<std::string> bodies = {
      // Duplicate keys: the last one wins on both paths (nlohmann's rule).
      R"([{"id":1,"id":2,"status":"a","status":"completed","date_created":"2026-01-01T00:00:00",
          "total":"1.00","total":"2.50","billing":{"city":"X"},"billing":{"city":"Y"}}])",
      // Numbers everywhere text or money is expected, floats, exponents, negative zero.
      R"([{"id":3.0,"status":7,"number":12,"date_created":"2026-01-01T00:00:00","total":12.5,
          "total_tax":1e2,"discount_total":-0,"customer_id":"  +42","prices_include_tax":1,
          "currency":0.1,"payment_method_title":1.5e-7,"billing":{"phone":5550100,"city":null},
          "line_items":[{"id":"7","quantity":"3","total":"3.333","name":"\u00e9\ud83d\ude00"}],
          "refunds":[1,2,3]}])",
      // Escapes, unicode, embedded NUL, control escapes, wrong nesting types.
      R"([{"id":4,"status":"c\"q\\\/\b\f\n\r\t","date_created":"2026-01-01T00:00:00",
          "billing":"not an object","shipping":[1,2],"line_items":{"id":1},"tax_lines":[null,
          {"id":2,"tax_total":"0.10"}],"coupon_lines":[{"id":1,"code":"BIG\u0000SALE"}],
          "fee_lines":[{"id":1,"total":true}]}])",
      // Large integers within and beyond 64 bits, floats that are not integers.
      R"([{"id":9223372036854775807,"status":"x","date_created":"2026-01-01T00:00:00",
          "parent_id":18446744073709551615,"customer_id":1.5},{"id":5,"status":"x",
          "date_created":"2026-01-01T00:00:00","customer_id":-9223372036854775808}])",
      R"([{"id":6,"status":"x","date_created":"2026-01-01T00:00:00","parent_id":1e300}])",
      // Not objects, empty objects, empty list.
      R"([1,"two",null,[],{},true])",
      R"([])",
  };
  return bodies;
}

TEST(RecordsFastPath, AgreesWithTheLenientPathOnGoldenPages) {
  auto d = [](int decimals) {
    return [decimals](const std::string& b) { return ParseOrders(b, decimals); };
  };
  ExpectBothPathsAgree(Golden("orders_page2_per100"), d(2));
  ExpectBothPathsAgree(Golden("orders_page2_per100"), d(3));
  ExpectBothPathsAgree(Golden("customers_role_all"),
                       [](const std::string& b) { return ParseCustomers(b); });
  ExpectBothPathsAgree(Golden("products_list"),
                       [](const std::string& b) { return ParseProducts(b, 2); });
  ExpectBothPathsAgree(Golden("product_variations"),
                       [](const std::string& b) { return ParseVariations(b, 2); });
  ExpectBothPathsAgree(Golden("coupons_list"),
                       [](const std::string& b) { return ParseCoupons(b, 2); });
  ExpectBothPathsAgree(Golden("refunds_list"),
                       [](const std::string& b) { return ParseRefunds(b, 2, 0); });
  ExpectBothPathsAgree(Golden("payment_gateways"),
                       [](const std::string& b) { return ParseGateways(b); });
  ExpectBothPathsAgree(Golden("orders_page2_per100"),
                       [](const std::string& b) { return ParseKeys(b); });
}

TEST(RecordsFastPath, AgreesWithTheLenientPathOnHostilePages) {
  for (const std::string& body : HostileOrderBodies()) {
    ExpectBothPathsAgree(body, [](const std::string& b) { return ParseOrders(b, 2); });
    ExpectBothPathsAgree(body, [](const std::string& b) { return ParseCustomers(b); });
    ExpectBothPathsAgree(body, [](const std::string& b) { return ParseProducts(b, 2); });
    ExpectBothPathsAgree(body, [](const std::string& b) { return ParseVariations(b, 2); });
    ExpectBothPathsAgree(body, [](const std::string& b) { return ParseRefunds(b, 2, 9); });
    ExpectBothPathsAgree(body, [](const std::string& b) { return ParseKeys(b); });
  }
  const std::string wrapper =
      R"({"data":[{"transaction_id":"t1","amount":"125","fees":1.0,"net":124,"order_id":"5",
          "risk_level":null},{"transaction_id":""},{"transaction_id":"t2","amount":{"x":1}}],
          "total_count":"3","total_count":4})";
  int64_t fast_total = 0, lenient_total = 0;
  auto fast = ParseTransactions(wrapper, &fast_total);
  auto lenient = ParseTransactions(kNotice + wrapper, &lenient_total);
  ASSERT_TRUE(fast.ok() && lenient.ok());
  EXPECT_TRUE(*fast == *lenient);
  EXPECT_EQ(fast_total, 4);
  EXPECT_EQ(lenient_total, 4);
  ASSERT_EQ(fast->records.size(), 1u);
  EXPECT_EQ(fast->skipped.size(), 2u);
}

TEST(RecordsFastPath, DuplicateKeysReadTheLastOccurrence) {
  auto page = ParseOrders(R"([{"id":1,"status":"a","status":"completed","date_created":
      "2026-01-01T00:00:00","total":"1.00","total":"2.50","billing":{"city":"X"},
      "billing":{"city":"Y"}}])",
                          2);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->records.size(), 1u);
  EXPECT_EQ(page->records[0].status, "completed");
  EXPECT_EQ(page->records[0].total_minor, 250);
  EXPECT_EQ(page->records[0].billing_city, "Y");
}

TEST(RecordsFastPath, NestingLimitIsTheSameOnBothPaths) {
  // 64 levels are read, 65 are refused, whichever parser reads the body.
  auto nest = [](int levels) {
    return "[{\"id\":1,\"x\":" + std::string(static_cast<size_t>(levels - 2), '[') +
           std::string(static_cast<size_t>(levels - 2), ']') + "}]";
  };
  EXPECT_TRUE(ParseKeys(nest(64)).ok());
  EXPECT_TRUE(ParseKeys(kNotice + nest(64)).ok());
  EXPECT_FALSE(ParseKeys(nest(65)).ok());
  EXPECT_FALSE(ParseKeys(kNotice + nest(65)).ok());
}

TEST(RecordsFastPath, HugePagesAreReadAndInvalidUtf8IsRefused) {
  // A 9 MiB page (beyond the per-thread parser's reuse size) of 1,000 orders with long notes.
  std::string body = "[";
  for (int i = 1; i <= 1000; ++i) {
    if (i > 1) body += ",";
    body += R"({"id":)" + std::to_string(i) +
            R"(,"status":"completed","date_created":"2026-01-01T00:00:00","total":"1.00",)"
            R"("customer_note":")" +
            std::string(9000, 'n') + "\"}";
  }
  body += "]";
  ASSERT_GT(body.size(), size_t{8} << 20);
  auto page = ParseOrders(body, 2);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->records.size(), 1000u);
  EXPECT_EQ(page->records.back().id, 1000);
  // Then a small page again on the same thread.
  auto small = ParseOrders(R"([{"id":1,"status":"x","date_created":"2026-01-01T00:00:00"}])", 2);
  ASSERT_TRUE(small.ok());
  EXPECT_EQ(small->records.size(), 1u);
  // Invalid UTF-8 inside a string: refused by both parsers (kDataLoss), not stored as mojibake.
  auto bad = ParseOrders("[{\"id\":1,\"status\":\"\xff\xfe\",\"date_created\":\"2026-01-01\"}]", 2);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kDataLoss);
  // Truncated pages and a page with trailing garbage are refused.
  EXPECT_FALSE(ParseOrders(body.substr(0, 200000), 2).ok());
  EXPECT_FALSE(ParseOrders(R"([{"id":1}] trailing)", 2).ok());
}

}  // namespace
}  // namespace clever::woo
