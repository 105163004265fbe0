// Writer: records -> rows of the schema (store/schema.cc), one function per table family.
// Internal to sync/. Every function expects to run inside the caller's transaction, so rows and
// the category cursor commit together; children (order lines, refund lines, variation
// attributes, product categories/tags) are deleted and re-inserted with their parent.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/database.h"
#include "woo/records.h"

namespace clever::sync {

Status WriteCustomers(store::Database& db, int64_t store,
                      const std::vector<woo::CustomerRecord>& rows);
Status WriteOrders(store::Database& db, int64_t store, const std::vector<woo::OrderRecord>& rows);
Status WriteProducts(store::Database& db, int64_t store,
                     const std::vector<woo::ProductRecord>& rows);
Status WriteVariations(store::Database& db, int64_t store,
                       const std::vector<woo::VariationRecord>& rows);
Status ReplaceCategories(store::Database& db, int64_t store,
                         const std::vector<woo::CategoryRecord>& rows);
Status WriteCoupons(store::Database& db, int64_t store, const std::vector<woo::CouponRecord>& rows);
Status WriteRefunds(store::Database& db, int64_t store, const std::vector<woo::RefundRecord>& rows);
Status ReplaceGateways(store::Database& db, int64_t store,
                       const std::vector<woo::GatewayRecord>& rows);
Status WriteTransactions(store::Database& db, int64_t store,
                         const std::vector<woo::TransactionRecord>& rows);
Status WritePayouts(store::Database& db, int64_t store, const std::vector<woo::PayoutRecord>& rows);
Status WriteDisputes(store::Database& db, int64_t store,
                     const std::vector<woo::DisputeRecord>& rows);
Status ReplaceReportTotals(store::Database& db, int64_t store, const std::string& report,
                           const std::vector<woo::ReportTotalRow>& rows);
Status WriteSalesReport(store::Database& db, int64_t store, const std::string& period,
                        const woo::SalesReport& report, const std::string& fetched_at);

// Deletes rows (with their children) of one id-keyed table family: "customers", "orders",
// "products" (with its variations), "variations", "coupons", "refunds".
Status DeleteByIds(store::Database& db, int64_t store, const std::string& family,
                   const std::vector<int64_t>& ids);
// Ids stored for a family, ascending.
StatusOr<std::vector<int64_t>> StoredIds(store::Database& db, int64_t store,
                                         const std::string& family);
// Replaces the variations of `parent_id` with `rows` (deletes the ones not listed).
Status ReplaceVariationsOf(store::Database& db, int64_t store, int64_t parent_id,
                           const std::vector<woo::VariationRecord>& rows);
// Replaces the refunds of `order_id`.
Status ReplaceRefundsOf(store::Database& db, int64_t store, int64_t order_id,
                        const std::vector<woo::RefundRecord>& rows);

}  // namespace clever::sync
