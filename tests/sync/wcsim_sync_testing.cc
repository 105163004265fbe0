#include "tests/sync/wcsim_sync_testing.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "common/clock.h"
#include "common/money.h"
#include "store/schema.h"
#include "tests/sync/sync_testing.h"

namespace clever::sync::testing {

using store::Value;

std::string WcsimBinary() { return CLEVER_WCSIM_BINARY; }
std::string CleverBinary() { return CLEVER_CLI_BINARY; }

std::unique_ptr<test::WcsimProcess> StartWcsim(const std::vector<std::string>& args) {
  auto sim = test::WcsimProcess::Start(WcsimBinary(), args);
  EXPECT_TRUE(sim.ok()) << sim.status();
  if (!sim.ok()) return nullptr;
  return std::move(sim).value();
}

WcsimHome::WcsimHome(const test::WcsimProcess& sim, bool scope_probe, const std::string& db_path) {
  db_ = OpenDb(db_path);
  vault_ = std::make_unique<connect::Vault>(*connect::Vault::FromKey(std::string(32, 'S')));
  woo::ApiOptions api_options;  // short retry delays (a 429's Retry-After is still honoured)
  api_options.backoff.initial = std::chrono::milliseconds(20);
  api_options.backoff.max_delay = std::chrono::milliseconds(200);
  service_ = std::make_unique<connect::ConnectorService>(
      *db_, *vault_,
      connect::ServiceOptions{.clock = Clock::Real(),
                              .transport_factory = connect::CurlTransportFactory(),
                              .allow_private_network = true,
                              .check_timeout_ms = 20000,
                              .timeout_ms = 20000,
                              .api_options = api_options});
  connect::NewConnector in;
  in.name = "wcsim";
  in.url = sim.http_url();
  in.consumer_key = "ck_wcsim_read";
  in.consumer_secret = "cs_wcsim_read";
  in.scope_probe = scope_probe;
  connect::CheckOutcome out = service_->Add(in);
  EXPECT_FALSE(out.problem) << out.problem->code << ": " << out.problem->message;
  if (out.problem) return;
  EXPECT_EQ(out.connector.id, kStore);
  EXPECT_EQ(out.connector.auth_mode, "oauth1");
  ok_ = out.connector.id == kStore;
}

WcsimHome::~WcsimHome() = default;

StatusOr<woo::ApiFactory> WcsimHome::Api() { return service_->OpenApi(kStore); }

Status WcsimHome::Sync(bool full, std::vector<CategoryStatus>* progress, int concurrency) {
  CLEVER_ASSIGN_OR_RETURN(woo::ApiFactory api, Api());
  SyncOptions o;
  o.full = full;
  o.concurrency = concurrency;
  o.backoff_base = std::chrono::milliseconds(20);
  o.backoff_cap = std::chrono::milliseconds(400);
  SyncEngine engine(*db_, api, Clock::Real(), o);
  return engine.Run(kStore, [&](const CategoryStatus& s) {
    if (progress != nullptr) progress->push_back(s);
  });
}

int64_t CentsOf(const nlohmann::json& v) {
  if (v.is_number_integer()) return v.get<int64_t>();
  if (!v.is_string()) {
    ADD_FAILURE() << "not an amount: " << v.dump();
    return -1;
  }
  auto m = ParseMoney(v.get<std::string>(), 2);
  EXPECT_TRUE(m.ok()) << v.dump();
  return m.ok() ? m->minor : -1;
}

namespace {
std::map<std::string, int64_t> GroupCount(store::Database& db, const std::string& sql) {
  std::map<std::string, int64_t> out;
  auto rs = db.Query(sql, {Value{kStore}});
  EXPECT_TRUE(rs.ok()) << rs.status() << " " << sql;
  if (!rs.ok()) return out;
  for (const auto& row : rs->rows) out[store::AsString(row[0])] = store::AsInt(row[1]);
  return out;
}
}  // namespace

void ExpectMatchesStats(store::Database& db, const nlohmann::json& s) {
  const bool wcpay = s["payouts"]["count"].get<int64_t>() > 0;
  // customers: registered accounts (role=all also brings the two staff users).
  EXPECT_EQ(Scalar(db, "SELECT count(*) FROM customers WHERE store_id = ? AND role = 'customer'"),
            s["customers"]["count"].get<int64_t>());
  EXPECT_EQ(Scalar(db, "SELECT count(*) FROM customers WHERE store_id = ? AND role <> 'customer'"),
            2);
  // orders and their lines.
  EXPECT_EQ(Scalar(db, "SELECT count(*) FROM orders WHERE store_id = ?"),
            s["orders"]["count"].get<int64_t>());
  EXPECT_EQ(Scalar(db, "SELECT coalesce(sum(total_minor),0) FROM orders WHERE store_id = ?"),
            CentsOf(s["orders"]["total_sum"]));
  std::map<std::string, int64_t> by_status;
  for (const auto& [slug, n] : s["orders"]["by_status"].items()) {
    if (slug != "checkout-draft" && n.get<int64_t>() > 0) by_status[slug] = n.get<int64_t>();
  }
  EXPECT_EQ(GroupCount(db, "SELECT status, count(*) FROM orders WHERE store_id = ? GROUP BY 1"),
            by_status);
  EXPECT_EQ(Scalar(db, "SELECT count(*) FROM order_line_items WHERE store_id = ?"),
            s["line_items"]["count"].get<int64_t>());
  EXPECT_EQ(
      Scalar(db, "SELECT coalesce(sum(total_minor),0) FROM order_line_items WHERE store_id = ?"),
      CentsOf(s["line_items"]["total_sum"]));
  // payments: the payment record of every order, by method.
  std::map<std::string, int64_t> by_method;
  for (const auto& [method, n] : s["orders"]["by_payment_method"].items()) {
    if (n.get<int64_t>() > 0) by_method[method] = n.get<int64_t>();
  }
  EXPECT_EQ(GroupCount(db,
                       "SELECT payment_method, count(*) FROM payments WHERE store_id = ? "
                       "GROUP BY 1"),
            by_method);
  EXPECT_GT(Scalar(db, "SELECT count(*) FROM payment_gateways WHERE store_id = ?"), 0);
  EXPECT_EQ(Scalar(db, "SELECT count(*) FROM payment_transactions WHERE store_id = ?"),
            s["transactions"]["count"].get<int64_t>());
  EXPECT_EQ(Scalar(db,
                   "SELECT coalesce(sum(amount_minor),0) FROM payment_transactions WHERE "
                   "store_id = ?"),
            CentsOf(s["transactions"]["amount_sum"]));
  // products, variations, categories, coupons.
  EXPECT_EQ(Scalar(db, "SELECT count(*) FROM products WHERE store_id = ?"),
            s["products"]["count"].get<int64_t>());
  EXPECT_EQ(Scalar(db, "SELECT count(*) FROM variations WHERE store_id = ?"),
            s["variations"]["count"].get<int64_t>());
  EXPECT_EQ(Scalar(db, "SELECT count(*) FROM categories WHERE store_id = ?"),
            s["categories"]["count"].get<int64_t>());
  EXPECT_EQ(Scalar(db, "SELECT count(*) FROM coupons WHERE store_id = ?"),
            s["coupons"]["count"].get<int64_t>());
  // refunds.
  EXPECT_EQ(Scalar(db, "SELECT count(*) FROM refunds WHERE store_id = ?"),
            s["refunds"]["count"].get<int64_t>());
  EXPECT_EQ(Scalar(db, "SELECT coalesce(sum(amount_minor),0) FROM refunds WHERE store_id = ?"),
            CentsOf(s["refunds"]["amount_sum"]));
  // payouts and disputes (WooPayments).
  EXPECT_EQ(Scalar(db, "SELECT count(*) FROM payouts WHERE store_id = ?"),
            s["payouts"]["count"].get<int64_t>());
  EXPECT_EQ(Scalar(db, "SELECT coalesce(sum(amount_minor),0) FROM payouts WHERE store_id = ?"),
            CentsOf(s["payouts"]["amount_sum"]));
  EXPECT_EQ(Scalar(db, "SELECT count(*) FROM disputes WHERE store_id = ?"),
            s["disputes"]["count"].get<int64_t>());
  EXPECT_EQ(Scalar(db, "SELECT coalesce(sum(amount_minor),0) FROM disputes WHERE store_id = ?"),
            CentsOf(s["disputes"]["amount_sum"]));
  // reports: the store's own order totals per status agree with its data.
  // (WooCommerce's own totals count checkout drafts too, which the orders list never shows.)
  std::map<std::string, int64_t> all_statuses;
  for (const auto& [slug, n] : s["orders"]["by_status"].items()) {
    if (n.get<int64_t>() > 0) all_statuses[slug] = n.get<int64_t>();
  }
  std::map<std::string, int64_t> report;
  for (const auto& [slug, n] :
       GroupCount(db,
                  "SELECT slug, total FROM report_totals WHERE store_id = ? AND "
                  "report = 'orders'")) {
    if (n > 0) report[slug] = n;
  }
  EXPECT_EQ(report, all_statuses);
  EXPECT_GT(Scalar(db, "SELECT count(*) FROM report_sales WHERE store_id = ?"), 0);
  // Category states.
  auto states = States(db);
  for (const char* c : kCategories) {
    const bool woopayments_only = std::string(c) == "payouts" || std::string(c) == "disputes";
    EXPECT_EQ(states[c], woopayments_only && !wcpay ? "not_available" : "ok") << c;
  }
}

std::map<std::string, std::string> Rows(store::Database& db, const std::string& table,
                                        int key_columns, const std::vector<std::string>& skip) {
  std::map<std::string, std::string> out;
  auto rs = db.Query("SELECT * FROM " + table + " WHERE store_id = ?", {Value{kStore}});
  EXPECT_TRUE(rs.ok()) << rs.status() << " " << table;
  if (!rs.ok()) return out;
  for (const auto& row : rs->rows) {
    std::string key, text;
    for (size_t i = 1; i < row.size(); ++i) {
      const std::string cell = store::AsString(row[i]) + (store::IsNull(row[i]) ? "~" : "");
      if (static_cast<int>(i) <= key_columns) key += (i > 1 ? "|" : "") + cell;
      if (rs->columns[i] == "fetched_at" ||
          std::find(skip.begin(), skip.end(), rs->columns[i]) != skip.end()) {
        continue;
      }
      text += rs->columns[i] + "=" + cell + "|";
    }
    out[key] = text;
  }
  return out;
}

RowDiff Diff(const std::map<std::string, std::string>& before,
             const std::map<std::string, std::string>& after) {
  RowDiff d;
  for (const auto& [k, v] : before) {
    auto it = after.find(k);
    if (it == after.end()) {
      d.removed.push_back(k);
    } else if (it->second != v) {
      d.changed.push_back(k);
    }
  }
  for (const auto& [k, v] : after) {
    if (before.count(k) == 0) d.added.push_back(k);
  }
  return d;
}

pid_t SpawnClever(const std::vector<std::string>& args, const std::string& log_file) {
  std::vector<std::string> argv{CleverBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  const pid_t pid = fork();
  if (pid == 0) {
    const int fd = open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
      close(fd);
    }
    std::vector<char*> raw;
    for (auto& a : argv) raw.push_back(a.data());
    raw.push_back(nullptr);
    execv(raw[0], raw.data());
    _exit(127);
  }
  return pid;
}

int WaitChild(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int RunClever(const std::vector<std::string>& args, const std::string& log_file) {
  const pid_t pid = SpawnClever(args, log_file);
  return pid > 0 ? WaitChild(pid) : -1;
}

namespace {
std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}
}  // namespace

void WcsimKillTrials(int trials, int orders, uint32_t seed) {
  unsetenv("CLEVER_DATABASE_URL");
  unsetenv("CLEVER_HOME");
  unsetenv("CLEVER_MASTER_KEY");
  auto sim = StartWcsim(
      {"--orders", std::to_string(orders), "--seed", std::to_string(seed), "--latency-ms", "4"});
  ASSERT_TRUE(sim);
  std::string root = ::testing::TempDir() + "/wcsim_kill_XXXXXX";
  ASSERT_NE(mkdtemp(root.data()), nullptr);
  const std::string log = root + "/clever.log";
  auto add = [&](const std::string& home) {
    return RunClever({"connector", "add", "--home", home, "--name", "shop", "--url",
                      sim->http_url(), "--key", "ck_wcsim_read", "--secret", "cs_wcsim_read",
                      "--allow-private-network", "--no-scope-probe"},
                     log);
  };
  auto sync_args = [](const std::string& home) {
    return std::vector<std::string>{"sync", "--home", home, "--allow-private-network"};
  };
  const std::string ref = root + "/reference";
  ASSERT_EQ(add(ref), 0) << ReadFile(log);
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(RunClever(sync_args(ref), log), 0) << ReadFile(log);
  const double duration =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::string expected;
  {
    auto db = OpenDb(ref + "/clever.db");
    ExpectMatchesStats(*db, *sim->Stats());
    expected = Dump(*db);
  }
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> when(0.03, 0.9);
  int killed_mid_way = 0, kills_total = 0;
  for (int t = 0; t < trials; ++t) {
    const std::string home = root + "/trial" + std::to_string(t);
    ASSERT_EQ(add(home), 0) << ReadFile(log);
    const int kills = 1 + static_cast<int>(rng() % 2);
    for (int k = 0; k < kills; ++k) {
      const pid_t pid = SpawnClever(sync_args(home), log);
      ASSERT_GT(pid, 0);
      std::this_thread::sleep_for(std::chrono::duration<double>(when(rng) * duration));
      kill(pid, SIGKILL);
      const int rc = WaitChild(pid);
      ++kills_total;
      if (rc == 128 + SIGKILL) {
        ++killed_mid_way;
      } else {
        EXPECT_EQ(rc, 0) << ReadFile(log);  // finished before the kill
      }
    }
    ASSERT_EQ(RunClever(sync_args(home), log), 0) << ReadFile(log);
    auto db = OpenDb(home + "/clever.db");
    EXPECT_EQ(Dump(*db), expected) << "trial " << t;
    db.reset();
    std::filesystem::remove_all(home);
  }
  std::printf("uninterrupted CLI sync %.2f s; %d of %d kills landed mid-sync\n", duration,
              killed_mid_way, kills_total);
  EXPECT_GE(killed_mid_way, (trials + 1) / 2);
  std::filesystem::remove_all(root);
}

}  // namespace clever::sync::testing
