#include "common/clock.h"

#include <mutex>
#include <thread>

namespace clever {
namespace {

class RealClock final : public Clock {
 public:
  std::chrono::system_clock::time_point Now() override { return std::chrono::system_clock::now(); }
  std::chrono::steady_clock::time_point Monotonic() override {
    return std::chrono::steady_clock::now();
  }
  void SleepFor(std::chrono::milliseconds duration) override {
    std::this_thread::sleep_for(duration);
  }
};

}  // namespace

int64_t Clock::NowUnixSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(Now().time_since_epoch()).count();
}

Clock& Clock::Real() {
  static RealClock clock;  // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)
  return clock;
}

struct FakeClock::State {
  std::mutex mu;
  std::chrono::system_clock::time_point now;
  std::chrono::milliseconds elapsed{0};
  std::chrono::milliseconds slept{0};
};

FakeClock::FakeClock(std::chrono::system_clock::time_point start)
    : state_(std::make_shared<State>()) {
  state_->now = start;
}

std::chrono::system_clock::time_point FakeClock::Now() {
  std::lock_guard lock(state_->mu);
  return state_->now;
}

std::chrono::steady_clock::time_point FakeClock::Monotonic() {
  std::lock_guard lock(state_->mu);
  return std::chrono::steady_clock::time_point(state_->elapsed);
}

void FakeClock::SleepFor(std::chrono::milliseconds duration) {
  std::lock_guard lock(state_->mu);
  state_->now += duration;
  state_->elapsed += duration;
  state_->slept += duration;
}

void FakeClock::Advance(std::chrono::milliseconds duration) {
  std::lock_guard lock(state_->mu);
  state_->now += duration;
  state_->elapsed += duration;
}

std::chrono::milliseconds FakeClock::total_slept() {
  std::lock_guard lock(state_->mu);
  return state_->slept;
}

}  // namespace clever
