// The WooPayments ledger pass against wcsim (in-process, OAuth over http loopback, the real
// client path): wcsim ignores `date_after` on /payments/transactions, so an incremental sync must
// skip the pages it already holds instead of listing the whole ledger again — and still end with
// exactly the rows of a fresh full sync.
#include <gtest/gtest.h>

#include <mutex>
#include <shared_mutex>
#include <string>

#include "common/clock.h"
#include "net/curl_transport.h"
#include "sim/server.h"
#include "sim/store.h"
#include "store/database.h"
#include "store/schema.h"
#include "sync/sync.h"
#include "woo/api.h"

namespace clever::sync {
namespace {

class LedgerWcsim : public ::testing::Test {
 protected:
  void SetUp() override {
    wcsim::GenOptions gen;
    gen.orders = 1200;
    gen.products = 12;
    gen.days = 120;
    wcsim::SimulatorOptions options;
    options.threads = 2;
    sim_ = std::make_unique<wcsim::Simulator>(wcsim::Store::Generate(gen), options);
    ASSERT_TRUE(sim_->Start().ok());
  }
  void TearDown() override {
    if (sim_) sim_->Stop();
  }
  woo::ApiFactory Factory() {
    woo::Endpoint e;
    e.store_url = "http://127.0.0.1:" + std::to_string(sim_->http_port());
    e.home_url = sim_->home_url();
    e.auth = woo::AuthMode::kOAuth1;
    e.allow_private_network = true;
    e.timeout_ms = 20000;
    return [e]() -> std::unique_ptr<woo::Api> {
      auto t = net::CurlTransport::Create(woo::TransportOptionsFor(e));
      if (!t.ok()) return nullptr;
      return woo::MakeApi(e, {"ck_wcsim_read", "cs_wcsim_read"}, std::move(*t), Clock::Real(),
                          SyncApiOptions());
    };
  }
  static std::unique_ptr<store::Database> Db() {
    auto db = store::OpenSqlite(":memory:");
    EXPECT_TRUE(db.ok());
    EXPECT_TRUE(store::Migrate(**db).ok());
    return std::move(db).value();
  }
  Status Sync(store::Database& db, bool full) {
    SyncOptions o;
    o.full = full;
    o.concurrency = 2;
    o.only = {"payments"};
    SyncEngine engine(db, Factory(), Clock::Real(), o);
    return engine.Run(1, {});
  }
  int TransactionRequests() {
    int n = 0;
    for (const auto& r : sim_->Requests()) {
      n += r.path.find("/payments/transactions") != std::string::npos ? 1 : 0;
    }
    return n;
  }
  static std::string Ledger(store::Database& db) {
    auto rs = db.Query(
        "SELECT count(*), sum(amount_minor), sum(net_minor), max(transaction_id) FROM "
        "payment_transactions WHERE store_id = 1");
    EXPECT_TRUE(rs.ok());
    std::string out;
    for (const auto& v : rs->rows[0]) out += store::AsString(v) + "|";
    return out;
  }

  std::unique_ptr<wcsim::Simulator> sim_;
};

TEST_F(LedgerWcsim, IncrementalSkipsThePagesAlreadyHeldAndEndsLikeAFullSync) {
  auto db = Db();
  ASSERT_TRUE(Sync(*db, true).ok());
  const int full_requests = TransactionRequests();
  auto held = db->Query("SELECT count(*) FROM payment_transactions");
  ASSERT_TRUE(held.ok());
  ASSERT_GT(store::AsInt(held->rows[0][0]), 400) << "the store should have several ledger pages";
  ASSERT_GE(full_requests, 5);

  {
    std::unique_lock lock(sim_->store().mu);
    wcsim::MutateRequest m;
    m.advance_seconds = 3600;
    m.new_orders = 30;
    m.refunds = 3;
    sim_->store().Mutate(m);
  }
  ASSERT_TRUE(Sync(*db, false).ok());
  const int incremental_requests = TransactionRequests() - full_requests;
  // One probe plus the pages from the window on (a day of overlap + the new entries), not the
  // whole ledger again.
  EXPECT_LE(incremental_requests, 4) << "full pass took " << full_requests;
  EXPECT_GE(incremental_requests, 2);

  auto fresh = Db();
  ASSERT_TRUE(Sync(*fresh, true).ok());
  EXPECT_EQ(Ledger(*db), Ledger(*fresh));
}

}  // namespace
}  // namespace clever::sync
