// Lazy JSON rendering of wcsim store objects in WooCommerce 10.x wc/v3 shapes. The hot list
// kinds (orders, refunds, products, variations, customers, coupons) stream through JsonWriter
// (json_writer.h); their Json forms parse that output (tests, control dump). The others build
// nlohmann values.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "json_writer.h"
#include "store.h"

namespace clever::wcsim {

using Json = nlohmann::ordered_json;

struct RenderContext {
  const Store& store;
  std::string home;  // e.g. http://127.0.0.1:8080 (no trailing slash)
  std::string ns = "wc/v3";
  std::string wc_version = "10.0.2";
};

std::string LocalIso(const Store& s, int64_t utc);
std::string GmtIso(int64_t utc);
Json LocalOrNull(const Store& s, int64_t utc);
Json GmtOrNull(int64_t utc);

// Streaming writers: one JSON object each, appended through `w` (and its `_fields` filter).
void WriteOrder(JsonWriter& w, const RenderContext& ctx, const Order& o);
void WriteRefund(JsonWriter& w, const RenderContext& ctx, const Refund& r, bool with_parent_id);
void WriteProduct(JsonWriter& w, const RenderContext& ctx, const Product& p);
void WriteVariation(JsonWriter& w, const RenderContext& ctx, const Variation& v);
void WriteCustomer(JsonWriter& w, const RenderContext& ctx, const Customer& c);
void WriteCoupon(JsonWriter& w, const RenderContext& ctx, const Coupon& c);

Json OrderJson(const RenderContext& ctx, const Order& o);
Json RefundJson(const RenderContext& ctx, const Refund& r, bool with_parent_id);
Json ProductJson(const RenderContext& ctx, const Product& p);
Json VariationJson(const RenderContext& ctx, const Variation& v);
Json CategoryJson(const RenderContext& ctx, const Category& c, int count);
Json CustomerJson(const RenderContext& ctx, const Customer& c);
Json CouponJson(const RenderContext& ctx, const Coupon& c);
Json ReviewJson(const RenderContext& ctx, const Review& r);
Json OrderNotesJson(const RenderContext& ctx, const Order& o);
Json TransactionJson(const RenderContext& ctx, const Txn& t);
Json DepositJson(const RenderContext& ctx, const Deposit& d, size_t index);
Json DisputeJson(const RenderContext& ctx, const Dispute& d, size_t index);

// Stock status of a product / variation as WooCommerce derives it.
const char* ProductStockStatus(const Store& s, const Product& p);
const char* VariationStockStatus(const Store& s, const Variation& v);

}  // namespace clever::wcsim
