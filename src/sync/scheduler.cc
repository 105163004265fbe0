#include "sync/scheduler.h"

#include <algorithm>

namespace clever::sync {

Scheduler::Scheduler(RunFn run, Clock& clock, std::chrono::seconds interval, DoneFn on_done)
    : run_(std::move(run)),
      clock_(clock),
      interval_(std::max(interval, std::chrono::seconds(1))),
      on_done_(std::move(on_done)) {}

Scheduler::~Scheduler() { Stop(); }

void Scheduler::Start(const std::vector<int64_t>& store_ids) {
  std::lock_guard<std::mutex> lock(mu_);
  if (started_) return;
  started_ = true;
  const auto now = clock_.Monotonic();
  for (int64_t id : store_ids) due_[id] = now;
  worker_ = std::thread([this] { Loop(); });
}

void Scheduler::SyncNow(int64_t store_id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    due_[store_id] = clock_.Monotonic() - std::chrono::seconds(1);
  }
  cv_.notify_all();
}

void Scheduler::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

int64_t Scheduler::runs() {
  std::lock_guard<std::mutex> lock(mu_);
  return runs_;
}

void Scheduler::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    const auto now = clock_.Monotonic();
    int64_t next_store = -1;
    auto next_due = std::chrono::steady_clock::time_point::max();
    for (const auto& [id, due] : due_) {
      if (due < next_due) {
        next_due = due;
        next_store = id;
      }
    }
    if (next_store >= 0 && next_due <= now) {
      due_[next_store] = now + interval_;
      lock.unlock();
      Status s = run_(next_store);
      if (on_done_) on_done_(next_store, s);
      lock.lock();
      ++runs_;
      continue;
    }
    // Time comes from the injected clock; poll it in short real waits so a FakeClock advanced
    // by a test (or SyncNow / Stop) is noticed quickly.
    cv_.wait_for(lock, std::chrono::milliseconds(20));
  }
}

}  // namespace clever::sync
