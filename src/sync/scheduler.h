// Scheduler: runs syncs on a worker thread: the first at once, then one per store every
// `interval` (incremental, since the engine keeps cursors). SyncNow() queues an immediate run.
// `run` does the work for one store (the CLI opens a Database per thread inside it, since a
// Database is not thread-safe) and its Status is reported through `on_done`.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace clever::sync {

class Scheduler {
 public:
  using RunFn = std::function<Status(int64_t store_id)>;
  using DoneFn = std::function<void(int64_t store_id, const Status&)>;

  Scheduler(RunFn run, Clock& clock, std::chrono::seconds interval, DoneFn on_done = {});
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Starts the worker; every store in `store_ids` syncs at once, then every interval.
  void Start(const std::vector<int64_t>& store_ids);
  // Queues an immediate sync of `store_id` (added to the rotation if new).
  void SyncNow(int64_t store_id);
  // Stops after the sync in progress (if any) finishes. Idempotent.
  void Stop();
  [[nodiscard]] std::chrono::seconds interval() const { return interval_; }
  // Completed runs so far.
  int64_t runs();

 private:
  void Loop();

  RunFn run_;
  Clock& clock_;
  std::chrono::seconds interval_;
  DoneFn on_done_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<int64_t, std::chrono::steady_clock::time_point> due_;
  bool stopping_ = false;
  bool started_ = false;
  int64_t runs_ = 0;
  std::thread worker_;
};

}  // namespace clever::sync
