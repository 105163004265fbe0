// ChildProcess: runs a helper program (a Python store stand-in, wcsim) for a loopback test,
// reads lines from its stdout, and kills it (SIGTERM, then SIGKILL) on destruction.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace clever::test {

class ChildProcess {
 public:
  // Starts argv[0] (searched in PATH) with stdout piped to us and stderr inherited.
  static StatusOr<std::unique_ptr<ChildProcess>> Start(const std::vector<std::string>& argv);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // The next stdout line (without '\n'), or nullopt on EOF or timeout.
  std::optional<std::string> ReadLine(std::chrono::milliseconds timeout);
  [[nodiscard]] pid_t pid() const { return pid_; }

 private:
  ChildProcess(pid_t pid, int fd) : pid_(pid), fd_(fd) {}
  pid_t pid_;
  int fd_;
  std::string buffer_;
};

}  // namespace clever::test
