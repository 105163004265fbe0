// DEV/TEST ONLY: `clever_load_dump --home DIR --dump FOLDER [--name NAME]` writes an evaluation
// dump into DIR/clever.db through the test fixture loader (tests/testing/dump_loader.h), so the
// assistant can be scored without a sync. Real stores arrive through `clever sync` only.
#include <iostream>
#include <string>

#include "store/database.h"
#include "store/derived.h"
#include "store/schema.h"
#include "tests/testing/dump_loader.h"

int main(int argc, char** argv) {
  std::string home, dump, name = "sample";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--home")
      home = argv[i + 1];
    else if (k == "--dump")
      dump = argv[i + 1];
    else if (k == "--name")
      name = argv[i + 1];
  }
  if (home.empty() || dump.empty()) {
    std::cerr << "usage: clever_load_dump --home DIR --dump FOLDER [--name NAME]\n";
    return 2;
  }
  auto db = clever::store::OpenSqlite(home + "/clever.db");
  if (!db.ok()) {
    std::cerr << db.status() << "\n";
    return 1;
  }
  if (auto st = clever::store::Migrate(**db); !st.ok()) {
    std::cerr << st << "\n";
    return 1;
  }
  auto loaded = clever::testing::LoadDumpFolder(**db, dump, name);
  if (!loaded.ok()) {
    std::cerr << loaded.status() << "\n";
    return 1;
  }
  // What a sync does after writing: rebuild the assistant's derived tables (store/derived.h).
  if (auto st = clever::store::RefreshDerived(**db, loaded->store_id); !st.ok()) {
    std::cerr << st << "\n";
    return 1;
  }
  std::cout << "loaded store " << loaded->store_id << " (" << loaded->orders << " orders)\n";
  return 0;
}
