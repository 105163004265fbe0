// Helpers shared by the sync tests: databases, one-shot syncs, table dumps, kill -9 trials.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "store/database.h"
#include "sync/sync.h"
#include "tests/sync/fake_store.h"

namespace clever::sync::testing {

inline constexpr int64_t kStore = 1;

std::unique_ptr<store::Database> OpenDb(const std::string& path = ":memory:");
SyncOptions Fast();
Status SyncOnce(store::Database& db, FakeStore& fake, SyncOptions o = Fast(),
                std::vector<CategoryStatus>* progress = nullptr);
int64_t Scalar(store::Database& db, const std::string& sql);
// Every synced data table of the store as text, ordered: two syncs ended identical iff equal.
std::string Dump(store::Database& db);
void ExpectMatchesStore(store::Database& db, FakeStore& fake);
// EXPECTs that `db` holds exactly what a fresh full sync of `fake` into an empty database holds.
void ExpectEqualsAFreshSync(store::Database& db, FakeStore& fake);
std::map<std::string, std::string> States(store::Database& db);
// `trials` rounds of: a child process syncs `orders` orders into a file and is SIGKILLed at a
// random moment (1-2 times), then the parent resumes; the result must equal an uninterrupted sync.
void KillTrials(int trials, int orders);

}  // namespace clever::sync::testing
