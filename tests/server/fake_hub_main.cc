// hub_fake_server: the real HubServer and page over fake connectors, sync and assistant
// (tests/server/fakes.h), for the browser tests of the page's mechanics. Creates two merchants:
// "Shop A" (ann@a.test) and "Shop B" (bea@b.test), password "correct horse battery".
//
//   hub_fake_server --web DIR --db PATH --ready-file FILE
#include <csignal>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>

#include "server/accounts.h"
#include "server/hub_server.h"
#include "store/schema.h"
#include "tests/server/fakes.h"

namespace {
std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop = true; }
}  // namespace

int main(int argc, char** argv) {
  using namespace clever;  // NOLINT(google-build-using-namespace): a test main
  std::string web, db_path, ready_file;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--web") web = argv[i + 1];
    if (flag == "--db") db_path = argv[i + 1];
    if (flag == "--ready-file") ready_file = argv[i + 1];
  }
  if (web.empty() || db_path.empty() || ready_file.empty()) {
    std::cerr << "usage: hub_fake_server --web DIR --db PATH --ready-file FILE\n";
    return 2;
  }
  if (!server::InitCrypto().ok()) return 1;
  {
    auto db = store::OpenSqlite(db_path);
    if (!db.ok() || !store::Migrate(**db).ok()) return 1;
    server::Accounts accounts(**db, Clock::Real());
    auto a = accounts.CreateMerchant("Shop A");
    auto b = accounts.CreateMerchant("Shop B");
    if (!a.ok() || !b.ok()) return 1;
    if (!accounts.CreateUser(*a, "ann@a.test", "correct horse battery", "owner").ok()) return 1;
    if (!accounts.CreateUser(*b, "bea@b.test", "correct horse battery", "owner").ok()) return 1;
  }
  server::DatabasePool pool([db_path] { return store::OpenSqlite(db_path); });
  server::testing::FakeConnectors connectors;
  server::testing::FakeSync sync(/*records_per_s=*/600);
  server::testing::FakeAsk ask;
  server::HubDeps deps;
  deps.db = &pool;
  deps.clock = &Clock::Real();
  deps.connectors = &connectors;
  deps.sync = &sync;
  deps.ask = &ask;
  deps.log = [](const std::string&) {};
  server::HubOptions options;
  options.web_root = web;
  server::HubServer hub(deps, options);
  auto port = hub.Bind("127.0.0.1", 0);
  if (!port.ok()) {
    std::cerr << port.status() << "\n";
    return 1;
  }
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  std::thread t([&] { (void)hub.Listen(); });
  {
    std::ofstream(ready_file + ".tmp") << "{\"port\": " << *port << "}\n";
    std::rename((ready_file + ".tmp").c_str(), ready_file.c_str());
  }
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  hub.Stop();
  t.join();
  return 0;
}
