// Generator invariants: determinism, totals that add up, counters consistent with orders,
// refunds and WooPayments records reconciling, and the mutation change set.
#include "sim/store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "sim/render.h"

namespace clever::wcsim {
namespace {

GenOptions Small(uint64_t seed = 3, int orders = 3000) {
  GenOptions g;
  g.seed = seed;
  g.orders = orders;
  g.days = 400;
  return g;
}

TEST(Store, DeterministicBySeed) {
  auto a = Store::Generate(Small(5));
  auto b = Store::Generate(Small(5));
  auto c = Store::Generate(Small(6));
  ASSERT_EQ(a->orders.size(), b->orders.size());
  bool all_same = true;
  for (size_t i = 0; i < a->orders.size(); ++i) {
    all_same = all_same && a->orders[i].id == b->orders[i].id &&
               a->orders[i].total == b->orders[i].total &&
               a->orders[i].created == b->orders[i].created;
  }
  EXPECT_TRUE(all_same);
  RenderContext ra{*a, "http://x"}, rb{*b, "http://x"};
  EXPECT_EQ(OrderJson(ra, a->orders[100]).dump(), OrderJson(rb, b->orders[100]).dump());
  bool differs = false;
  for (size_t i = 0; i < std::min(a->orders.size(), c->orders.size()); ++i) {
    differs = differs || a->orders[i].total != c->orders[i].total;
  }
  EXPECT_TRUE(differs);
}

TEST(Store, RequestedOrderCountAndEveryStatus) {
  auto s = Store::Generate(Small());
  EXPECT_EQ(s->orders.size(), 3000u);
  std::set<OrderStatus> seen;
  for (const auto& o : s->orders) seen.insert(o.status);
  EXPECT_EQ(seen.size(), static_cast<size_t>(kOrderStatusCount));
  // Ids and creation times increase together.
  for (size_t i = 1; i < s->orders.size(); ++i) {
    ASSERT_LT(s->orders[i - 1].id, s->orders[i].id);
    ASSERT_LE(s->orders[i - 1].created, s->orders[i].created);
  }
}

TEST(Store, TotalsAddUpExactly) {
  auto s = Store::Generate(Small());
  for (const auto& o : s->orders) {
    int64_t items = 0, tax = 0, discount = 0;
    for (uint32_t i = 0; i < o.n_items; ++i) {
      const LineItem& li = s->items[o.first_item + i];
      ASSERT_EQ(li.subtotal, static_cast<int64_t>(li.price) * li.qty);
      ASSERT_LE(li.total, li.subtotal);
      ASSERT_GE(li.total, 0);
      items += li.total;
      tax += li.total_tax;
      discount += li.subtotal - li.total;
    }
    ASSERT_EQ(o.cart_tax, tax + o.fee_tax) << o.id;
    ASSERT_EQ(o.discount, discount) << o.id;
    ASSERT_EQ(o.total, items + o.fee + o.shipping + o.cart_tax + o.shipping_tax) << o.id;
    // Dates consistent with status.
    if (o.status == OrderStatus::kPending || o.status == OrderStatus::kFailed ||
        o.status == OrderStatus::kCancelled || o.status == OrderStatus::kCheckoutDraft) {
      ASSERT_EQ(o.paid, 0) << o.id;
      ASSERT_EQ(o.completed, 0) << o.id;
    }
    if (o.status == OrderStatus::kCompleted) {
      ASSERT_NE(o.completed, 0);
    }
    if (o.paid) {
      ASSERT_GE(o.paid, o.created);
    }
    if (o.completed) {
      ASSERT_GE(o.completed, o.created);
    }
    ASSERT_GE(o.modified, o.created);
    ASSERT_LE(o.modified, s->now);
  }
}

TEST(Store, RenderedTotalsAreWooStrings) {
  auto s = Store::Generate(Small());
  RenderContext rc{*s, "http://127.0.0.1:1"};
  for (size_t i = 0; i < 200; ++i) {
    const auto j = OrderJson(rc, s->orders[i]);
    int64_t sum = 0;
    for (const auto& li : j["line_items"]) {
      const std::string t = li["total"];
      ASSERT_EQ(t.find('.'), t.size() - 3) << t;
      sum += std::llround(std::stod(t) * 100);
    }
    for (const auto& f : j["fee_lines"])
      sum += std::llround(std::stod(f["total"].get<std::string>()) * 100);
    sum += std::llround(std::stod(j["shipping_total"].get<std::string>()) * 100);
    sum += std::llround(std::stod(j["total_tax"].get<std::string>()) * 100);
    EXPECT_EQ(sum, std::llround(std::stod(j["total"].get<std::string>()) * 100)) << j["id"];
  }
}

TEST(Store, CountersConsistentWithOrders) {
  auto s = Store::Generate(Small());
  std::map<uint32_t, int64_t> sales;
  std::map<uint16_t, int64_t> uses;
  for (const auto& o : s->orders) {
    const bool sale = o.status == OrderStatus::kProcessing || o.status == OrderStatus::kCompleted ||
                      o.status == OrderStatus::kOnHold || o.status == OrderStatus::kRefunded;
    if (sale) {
      for (uint32_t i = 0; i < o.n_items; ++i)
        sales[s->items[o.first_item + i].product] += s->items[o.first_item + i].qty;
    }
    if (o.coupon && o.status != OrderStatus::kCancelled && o.status != OrderStatus::kFailed &&
        o.status != OrderStatus::kCheckoutDraft) {
      uses[o.coupon]++;
    }
  }
  for (const auto& p : s->products) EXPECT_EQ(p.total_sales, sales[p.id]) << p.name;
  for (size_t i = 0; i < s->coupons.size(); ++i) {
    EXPECT_EQ(s->coupons[i].usage_count, uses[static_cast<uint16_t>(i + 1)]) << s->coupons[i].code;
  }
  std::set<CouponType> types;
  for (const auto& c : s->coupons) types.insert(c.type);
  EXPECT_EQ(types.size(), 3u);
}

TEST(Store, RefundsConsistent) {
  auto s = Store::Generate(Small());
  ASSERT_FALSE(s->refunds.empty());
  std::map<uint32_t, int64_t> refunded;
  bool partial = false, full = false;
  for (const auto& r : s->refunds) {
    const Order& o = s->orders[r.order_index];
    ASSERT_EQ(o.id, r.order_id);
    ASSERT_GT(r.id, 0u);
    ASSERT_GT(r.amount, 0);
    ASSERT_GT(r.created, o.created);
    refunded[o.id] += r.amount;
    partial = partial || r.kind != RefundKind::kFull;
    full = full || r.kind == RefundKind::kFull;
  }
  EXPECT_TRUE(partial);
  EXPECT_TRUE(full);
  for (const auto& o : s->orders) {
    EXPECT_EQ(o.refunded, refunded[o.id]);
    EXPECT_LE(o.refunded, o.total);
    EXPECT_EQ(o.status == OrderStatus::kRefunded, o.refunded == o.total && o.total > 0) << o.id;
  }
  // Rendered refund: negative quantities and totals.
  RenderContext rc{*s, "http://x"};
  for (const auto& r : s->refunds) {
    if (r.kind != RefundKind::kFull) continue;
    const auto j = RefundJson(rc, r, true);
    ASSERT_FALSE(j["line_items"].empty());
    EXPECT_LT(j["line_items"][0]["quantity"].get<int>(), 0);
    EXPECT_EQ(j["line_items"][0]["total"].get<std::string>()[0], '-');
    const auto oj = OrderJson(rc, s->orders[r.order_index]);
    EXPECT_EQ(oj["status"], "refunded");
    EXPECT_EQ(oj["refunds"][0]["total"].get<std::string>()[0], '-');
    break;
  }
}

TEST(Store, WooPaymentsReconcile) {
  auto s = Store::Generate(Small());
  int64_t charges = 0;
  std::set<uint32_t> charged;
  int64_t deposited_net = 0;
  for (const auto& t : s->txns) {
    const Order& o = s->orders[t.order_index];
    ASSERT_TRUE(IsWooPayments(o.payment));
    if (t.type == TxnType::kCharge) {
      ++charges;
      EXPECT_EQ(t.amount, o.total);
      EXPECT_TRUE(charged.insert(o.id).second) << "charged twice " << o.id;
    }
    if (t.deposit) deposited_net += t.amount - t.fee;
  }
  int64_t card_paid = 0;
  for (const auto& o : s->orders) card_paid += IsWooPayments(o.payment) && o.paid != 0 ? 1 : 0;
  EXPECT_EQ(charges, card_paid);
  int64_t deposits = 0;
  for (const auto& d : s->deposits) deposits += d.amount;
  EXPECT_EQ(deposits, deposited_net);
  for (const auto& d : s->disputes) EXPECT_TRUE(IsWooPayments(s->orders[d.order_index].payment));
}

TEST(Store, NoWooPaymentsHasNoPaymentsRecords) {
  GenOptions g = Small();
  g.woopayments = false;
  auto s = Store::Generate(g);
  EXPECT_TRUE(s->txns.empty());
  EXPECT_TRUE(s->deposits.empty());
  EXPECT_TRUE(s->disputes.empty());
}

TEST(Store, MutateReturnsExactChangeSet) {
  auto s = Store::Generate(Small(9, 800));
  const int64_t before_now = s->now;
  const size_t before_orders = s->orders.size();
  MutateRequest m;
  m.advance_seconds = 7200;
  m.new_orders = 5;
  m.status_changes = 3;
  m.refunds = 2;
  m.stock_changes = 4;
  m.delete_products = 1;
  m.delete_coupons = 1;
  m.new_customers = 2;
  const ChangeSet cs = s->Mutate(m);
  EXPECT_EQ(s->now, before_now + 7200);
  EXPECT_EQ(cs.created_orders.size(), 5u);
  EXPECT_EQ(s->orders.size(), before_orders + 5);
  EXPECT_EQ(cs.created_customers.size(), 2u);
  EXPECT_EQ(cs.created_refunds.size(), 2u);
  EXPECT_EQ(cs.deleted_products.size(), 1u);
  EXPECT_EQ(cs.deleted_coupons.size(), 1u);
  // Each stock change is a product's own stock or a variation's (whose parent is saved too, as
  // WooCommerce's deferred product sync does: it is among the updated products).
  EXPECT_EQ(cs.stock_products.size() + cs.updated_variations.size(), 4u);
  for (uint32_t v : cs.updated_variations) {
    const Variation* variation = nullptr;
    for (const auto& candidate : s->variations) {
      if (candidate.id == v) variation = &candidate;
    }
    ASSERT_NE(variation, nullptr);
    EXPECT_NE(
        std::find(cs.updated_products.begin(), cs.updated_products.end(), variation->parent_id),
        cs.updated_products.end());
    const Product* parent = s->FindProduct(variation->parent_id);
    ASSERT_NE(parent, nullptr);
    EXPECT_EQ(parent->modified, variation->modified);
  }
  // Exactly the changed orders have date_modified after the old clock.
  std::set<uint32_t> expect(cs.created_orders.begin(), cs.created_orders.end());
  expect.insert(cs.updated_orders.begin(), cs.updated_orders.end());
  std::set<uint32_t> got;
  for (const auto& o : s->orders) {
    if (o.modified > before_now) got.insert(o.id);
  }
  EXPECT_EQ(got, expect);
  for (uint32_t id : cs.deleted_products) EXPECT_TRUE(s->FindProduct(id)->trashed);
  for (uint32_t id : cs.created_orders) EXPECT_GT(s->FindOrder(id)->created, before_now);
}

// Ids as WooCommerce hands them out: every id > 0 and unique within its table (posts: orders,
// refunds, products, variations, coupons; users; terms; order items of every kind across orders
// and refunds; order item meta), over several seeds and after a burst of changes.
TEST(Store, IdsArePositiveAndUniquePerKind) {
  for (uint64_t seed : {1ULL, 2ULL, 9ULL}) {
    auto s = Store::Generate(Small(seed, 1500));
    MutateRequest m;
    m.advance_seconds = 7200;
    m.new_orders = 30;
    m.refunds = 15;
    m.status_changes = 10;
    m.new_customers = 5;
    m.delete_products = 1;
    m.purge_products = 1;
    s->Mutate(m);
    std::set<int64_t> posts, users, terms, items, item_meta, notes;
    auto add = [&](std::set<int64_t>& set, int64_t id, const std::string& what) {
      ASSERT_GT(id, 0) << what << " seed " << seed;
      ASSERT_TRUE(set.insert(id).second)
          << "duplicate " << what << " id " << id << " seed " << seed;
    };
    for (const auto& o : s->orders) add(posts, o.id, "order");
    for (const auto& r : s->refunds) add(posts, r.id, "refund");
    for (const auto& p : s->products) add(posts, p.id, "product");
    for (const auto& v : s->variations) add(posts, v.id, "variation");
    for (const auto& c : s->coupons) add(posts, c.id, "coupon");
    for (const auto& c : s->customers) add(users, c.id, "user");
    for (const auto& c : s->categories) add(terms, c.id, "category");
    RenderContext rc{*s, "http://x"};
    auto collect = [&](const Json& j, const std::string& what) {
      for (const char* list :
           {"line_items", "shipping_lines", "tax_lines", "fee_lines", "coupon_lines"}) {
        if (!j.contains(list)) continue;  // refunds have no coupon_lines
        for (const auto& item : j[list]) {
          add(items, item["id"].get<int64_t>(), what + " " + list);
          for (const auto& meta : item["meta_data"]) {
            add(item_meta, meta["id"].get<int64_t>(), what + " item meta");
          }
        }
      }
    };
    for (const auto& o : s->orders) {
      collect(OrderJson(rc, o), "order " + std::to_string(o.id));
      for (const auto& n : OrderNotesJson(rc, o)) add(notes, n["id"].get<int64_t>(), "note");
    }
    for (const auto& r : s->refunds) collect(RefundJson(rc, r, false), "refund");
    EXPECT_GT(items.size(), s->orders.size() * 2);
  }
}

}  // namespace
}  // namespace clever::wcsim
