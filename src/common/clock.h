// Clock: the only way core logic reads time or sleeps (style.md section 5). The real clock is
// built once, in cli/; tests use FakeClock (tests/testing/fake_clock.h). Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>

namespace clever {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time (UTC) as system_clock time_point.
  virtual std::chrono::system_clock::time_point Now() = 0;
  // Monotonic time for measuring durations.
  virtual std::chrono::steady_clock::time_point Monotonic() = 0;
  virtual void SleepFor(std::chrono::milliseconds duration) = 0;

  // Unix seconds of Now().
  int64_t NowUnixSeconds();

  // The process-wide real clock. Only the composition root (cli/) should call this.
  static Clock& Real();
};

// A clock whose time moves only when told: SleepFor advances it. Thread-safe.
class FakeClock : public Clock {
 public:
  explicit FakeClock(
      std::chrono::system_clock::time_point start =
          std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000)));
  std::chrono::system_clock::time_point Now() override;
  std::chrono::steady_clock::time_point Monotonic() override;
  void SleepFor(std::chrono::milliseconds duration) override;
  void Advance(std::chrono::milliseconds duration);
  // Sum of all SleepFor durations so far.
  std::chrono::milliseconds total_slept();

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace clever
