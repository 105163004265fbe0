// wcsim: a WooCommerce 10.x store with WooPayments on loopback, for tests, demos and benchmarks.
#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <thread>

#include "common/dates.h"
#include "server.h"
#include "store.h"

namespace {
std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop = true; }

std::vector<int> ParseStatuses(const std::string& s) {
  std::vector<int> out;
  size_t pos = 0;
  while (pos < s.size()) {
    size_t comma = s.find(',', pos);
    if (comma == std::string::npos) comma = s.size();
    out.push_back(std::stoi(s.substr(pos, comma - pos)));
    pos = comma + 1;
  }
  return out;
}
}  // namespace

int main(int argc, char** argv) {
  using namespace clever::wcsim;
  CLI::App app{"wcsim - a simulated WooCommerce store"};
  GenOptions gen;
  SimulatorOptions sim;
  std::string end_date = "2025-11-15";
  std::string statuses = "500,502,503,429";
  bool no_https = false, no_woopayments = false;
  app.add_option("--seed", gen.seed, "generator seed");
  app.add_option("--orders", gen.orders, "number of orders")->check(CLI::Range(0, 5000000));
  app.add_option("--customers", gen.customers, "registered customers (default orders/8)")
      ->check(CLI::Range(0, 5000000));
  app.add_option("--products", gen.products, "products")->check(CLI::Range(1, 100000));
  app.add_option("--days", gen.days, "days of history")->check(CLI::Range(1, 20000));
  app.add_option("--end-date", end_date, "store-local today of the generated data");
  app.add_option("--timezone", gen.timezone, "IANA time zone");
  app.add_option("--currency", gen.currency, "currency code");
  app.add_option("--bind", sim.bind, "bind address");
  app.add_option("--port", sim.port, "http port (0 = any)");
  app.add_option("--https-port", sim.https_port, "https port (0 = any)");
  app.add_flag("--no-https", no_https, "serve http only");
  app.add_option("--cert-dir", sim.cert_dir, "where to write cert.pem/key.pem");
  app.add_option("--home-url", sim.home_url, "the URL the store believes it has");
  app.add_flag("--no-woopayments", no_woopayments, "store without WooPayments");
  app.add_option("--wc-version", sim.wc_version, "WooCommerce version to imitate");
  app.add_option("--key", sim.key, "consumer key");
  app.add_option("--secret", sim.secret, "consumer secret");
  app.add_option("--permissions", sim.permissions, "read|write|read_write")
      ->check(CLI::IsMember({"read", "write", "read_write"}));
  app.add_option("--ready-file", sim.ready_file, "write ports as JSON here once listening");
  app.add_option("--data-dir", sim.data_dir, "static route data directory");
  app.add_option("--latency-ms", sim.faults.latency_ms)->check(CLI::Range(0, 60000));
  app.add_option("--latency-jitter-ms", sim.faults.latency_jitter_ms)->check(CLI::Range(0, 60000));
  app.add_option("--error-rate", sim.faults.error_rate)->check(CLI::Range(0.0, 1.0));
  app.add_option("--error-statuses", statuses);
  app.add_option("--truncate-rate", sim.faults.truncate_rate)->check(CLI::Range(0.0, 1.0));
  app.add_option("--malformed-rate", sim.faults.malformed_rate)->check(CLI::Range(0.0, 1.0));
  app.add_option("--html-error-rate", sim.faults.html_error_rate)->check(CLI::Range(0.0, 1.0));
  app.add_option("--php-notice-rate", sim.faults.php_notice_rate)->check(CLI::Range(0.0, 1.0));
  app.add_option("--reset-rate", sim.faults.reset_rate)->check(CLI::Range(0.0, 1.0));
  app.add_flag("--strip-auth-header", sim.faults.strip_auth_header);
  app.add_option("--fault-seed", sim.fault_seed);
  CLI11_PARSE(app, argc, argv);

  auto date = clever::ParseCivilDate(end_date);
  if (!date.ok()) {
    std::cerr << "wcsim: bad --end-date: " << date.status().message() << "\n";
    return 2;
  }
  gen.end_date = *date;
  gen.woopayments = !no_woopayments;
  sim.https = !no_https;
  try {
    sim.faults.error_statuses = ParseStatuses(statuses);
  } catch (...) {
    std::cerr << "wcsim: bad --error-statuses\n";
    return 2;
  }
  for (int s : sim.faults.error_statuses) {
    if (s < 400 || s > 599) {
      std::cerr << "wcsim: --error-statuses must be 400..599\n";
      return 2;
    }
  }
  if (sim.faults.error_statuses.empty()) sim.faults.error_statuses = {500};

  const auto t0 = std::chrono::steady_clock::now();
  auto store = Store::Generate(gen);
  const double gen_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::fprintf(stderr, "wcsim: generated %zu orders, %zu customers, %zu products in %.2f s\n",
               store->orders.size(), store->customers.size(), store->products.size(), gen_s);

  Simulator simulator(std::move(store), sim);
  clever::Status st = simulator.Start();
  if (!st.ok()) {
    std::cerr << "wcsim: " << st.ToString() << "\n";
    return 1;
  }
  const std::string host = sim.bind == "0.0.0.0"                     ? "127.0.0.1"
                           : sim.bind.find(':') != std::string::npos ? "[" + sim.bind + "]"
                                                                     : sim.bind;
  std::printf("wcsim listening on http://%s:%d (https %d)\n", host.c_str(), simulator.http_port(),
              simulator.https_port());
  std::fflush(stdout);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  simulator.Stop();
  return 0;
}
