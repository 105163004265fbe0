// Shared fixture helpers: a wcsim instance in-process on loopback (random ports, HTTPS on).
#pragma once

#include <memory>
#include <string>

#include "sim/server.h"
#include "sim/store.h"
#include "tests/sim/test_client.h"

namespace clever::wcsim::testing {

struct SimInstance {
  std::unique_ptr<Simulator> sim;
  std::unique_ptr<Client> client;
  Store* store = nullptr;
};

// Generates a store and starts wcsim; aborts the test binary on failure.
inline SimInstance StartSim(GenOptions gen, SimulatorOptions opt = {}) {
  SimInstance s;
  auto store = Store::Generate(gen);
  s.store = store.get();
  opt.data_dir = WCSIM_TEST_DATA_DIR;
  s.sim = std::make_unique<Simulator>(std::move(store), opt);
  Status st = s.sim->Start();
  if (!st.ok()) {
    std::fprintf(stderr, "wcsim start failed: %s\n", st.ToString().c_str());
    std::abort();
  }
  s.client = std::make_unique<Client>("127.0.0.1", s.sim->http_port(), s.sim->https_port(),
                                      s.sim->ca_cert_path());
  return s;
}

// The golden store's timeline: 1500 orders ending 2026-11-27.
inline GenOptions GoldenLikeOptions() {
  GenOptions g;
  g.seed = 7;
  g.orders = 1500;
  g.customers = 150;
  g.days = 580;
  g.end_date = CivilDate{2026, 11, 27};
  return g;
}

}  // namespace clever::wcsim::testing
