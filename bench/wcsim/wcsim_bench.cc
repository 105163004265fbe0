// wcsim benchmark: generation of N orders (default 1,000,000: seconds and peak RSS) and serving
// a page of 100 orders over loopback (median / p95 ms, OAuth-signed), against a baseline served
// in the same run: the same-size body pre-rendered, from a bare cpp-httplib route. Also pages of
// products and of customers (default order: by name).
//
//   wcsim_bench [orders=1000000] [requests=200]
#include <httplib.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "sim/server.h"
#include "sim/store.h"
#include "tests/sim/test_client.h"

namespace {

using Clock = std::chrono::steady_clock;

// OAuth 1.0a signing as the official client does it: the tests' helper (tests/sim/test_client.h).
std::string SignedTarget(const std::string& base, const std::string& path,
                         std::vector<std::pair<std::string, std::string>> params, int nonce) {
  using clever::wcsim::testing::OAuthSignature;
  using clever::wcsim::testing::Pct;
  params.emplace_back("oauth_consumer_key", "ck_wcsim_read");
  params.emplace_back("oauth_timestamp", std::to_string(std::time(nullptr)));
  params.emplace_back("oauth_nonce",
                      "bench" + std::to_string(nonce) + "x" + std::to_string(std::rand()));
  params.emplace_back("oauth_signature_method", "HMAC-SHA256");
  const std::string sig =
      OAuthSignature("GET", base + path, params, "cs_wcsim_read", "HMAC-SHA256");
  std::string target = path + "?";
  for (const auto& [k, v] : params) target += Pct(k) + "=" + Pct(v) + "&";
  return target + "oauth_signature=" + Pct(sig);
}

struct Summary {
  double median_ms = 0, p95_ms = 0;
};
Summary Summarize(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  Summary s;
  if (v.empty()) return s;
  s.median_ms = v[v.size() / 2];
  s.p95_ms = v[std::min(v.size() - 1, v.size() * 95 / 100)];
  return s;
}

long PeakRssMiB() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace clever::wcsim;
  const int orders = argc > 1 ? std::atoi(argv[1]) : 1000000;
  const int requests = argc > 2 ? std::atoi(argv[2]) : 200;

  GenOptions g;
  g.orders = orders;
  const auto t0 = Clock::now();
  auto store = Store::Generate(g);
  const double gen_s = std::chrono::duration<double>(Clock::now() - t0).count();
  const long rss = PeakRssMiB();
  std::printf("generate %d orders: %.2f s, peak RSS %ld MiB (budget 60 s / 2048 MiB)\n", orders,
              gen_s, rss);
  const size_t n_orders = store->orders.size();
  const size_t n_customers = store->customers.size();

  SimulatorOptions opt;
  opt.https = false;
  opt.data_dir = WCSIM_BENCH_DATA_DIR;
  Simulator sim(std::move(store), opt);
  if (auto st = sim.Start(); !st.ok()) {
    std::fprintf(stderr, "start failed: %s\n", st.ToString().c_str());
    return 1;
  }
  const std::string base = "http://127.0.0.1:" + std::to_string(sim.http_port());
  httplib::Client cli("127.0.0.1", sim.http_port());
  cli.set_keep_alive(true);
  int nonce = 0;
  // Requests `requests` (+5 warm-up) pages of `path` with per_page=100, pages cycling through
  // 1..max_page; returns the timings and the last body size (0 on failure).
  auto measure = [&](const std::string& path, int max_page, std::vector<double>* ms,
                     size_t* body_size, std::string* sample) {
    for (int i = 0; i < requests + 5; ++i) {
      const int page = 1 + (i * 7919) % std::max(1, max_page);
      const std::string target =
          SignedTarget(base, path, {{"per_page", "100"}, {"page", std::to_string(page)}}, ++nonce);
      const auto a = Clock::now();
      auto res = cli.Get(target.c_str());
      const double t = std::chrono::duration<double, std::milli>(Clock::now() - a).count();
      if (!res || res->status != 200) {
        std::fprintf(stderr, "request %s failed: %d %s\n", path.c_str(), res ? res->status : 0,
                     res ? res->body.substr(0, 200).c_str() : "");
        return false;
      }
      if (i >= 5) ms->push_back(t);  // skip warm-up
      *body_size = res->body.size();
      if (sample != nullptr && sample->empty()) *sample = res->body;
    }
    return true;
  };
  const int pages = static_cast<int>(std::max<size_t>(1, n_orders / 100));
  std::vector<double> sim_ms, product_ms, customer_ms;
  size_t body_size = 0, product_size = 0, customer_size = 0;
  std::string sample_body;
  if (!measure("/wp-json/wc/v3/orders", std::min(pages, 5000), &sim_ms, &body_size, &sample_body) ||
      !measure("/wp-json/wc/v3/products", 1, &product_ms, &product_size, nullptr) ||
      !measure("/wp-json/wc/v3/customers", std::max<int>(1, static_cast<int>(n_customers / 100)),
               &customer_ms, &customer_size, nullptr)) {
    return 1;
  }

  // Baseline: the same-size body, pre-rendered, from a bare cpp-httplib server.
  httplib::Server baseline;
  baseline.Get("/static", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(sample_body, "application/json; charset=UTF-8");
  });
  const int bport = baseline.bind_to_any_port("127.0.0.1");
  std::thread bt([&] { baseline.listen_after_bind(); });
  while (!baseline.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  httplib::Client bcli("127.0.0.1", bport);
  bcli.set_keep_alive(true);
  std::vector<double> base_ms;
  for (int i = 0; i < requests + 5; ++i) {
    const auto a = Clock::now();
    auto res = bcli.Get("/static");
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - a).count();
    if (!res || res->status != 200) return 1;
    if (i >= 5) base_ms.push_back(ms);
  }
  baseline.stop();
  bt.join();
  sim.Stop();

  const Summary s = Summarize(sim_ms), b = Summarize(base_ms);
  std::printf(
      "page of 100 orders (%zu bytes, %d requests, OAuth, keep-alive): median %.2f ms, p95 %.2f "
      "ms\n",
      body_size, requests, s.median_ms, s.p95_ms);
  std::printf("baseline static body of same size: median %.2f ms, p95 %.2f ms\n", b.median_ms,
              b.p95_ms);
  std::printf("ratio wcsim/baseline: median %.1fx, p95 %.1fx\n",
              s.median_ms / std::max(b.median_ms, 1e-6), s.p95_ms / std::max(b.p95_ms, 1e-6));
  const Summary p = Summarize(product_ms), c = Summarize(customer_ms);
  std::printf("page of products (all %zu bytes, per_page=100): median %.2f ms, p95 %.2f ms\n",
              product_size, p.median_ms, p.p95_ms);
  std::printf(
      "page of 100 customers of %zu (%zu bytes, default orderby=name): median %.2f ms, p95 %.2f "
      "ms\n",
      n_customers, customer_size, c.median_ms, c.p95_ms);
  std::printf("generation throughput: %.0f orders/s\n", orders / std::max(gen_s, 1e-9));
  return 0;
}
