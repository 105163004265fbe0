// Fetcher: bounded concurrent GETs with retries, an adaptive concurrency limit and Retry-After.
// Internal to sync/.
//
// Each worker thread owns one woo::Api from the factory. A request is retried with jittered
// exponential backoff when its Status is retryable (IsRetryable) or the body was unreadable
// (kDataLoss: truncated, HTML error page); the limit of requests in flight halves on every
// retryable failure and grows back by one after `limit` successes (AIMD). A "retry-after=N" or
// "Retry-After: N" in the error message is honoured (at least N seconds before the next try).
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "woo/client.h"

namespace clever::sync {

struct FetchPolicy {
  int concurrency = 4;
  int max_attempts = 8;
  std::chrono::milliseconds backoff_base{250};
  std::chrono::milliseconds backoff_cap{30000};
};

struct FetchStats {
  int64_t requests = 0, retries = 0, throttled = 0;
};

class Fetcher {
 public:
  Fetcher(woo::ApiFactory factory, Clock& clock, FetchPolicy policy);
  ~Fetcher();
  Fetcher(const Fetcher&) = delete;
  Fetcher& operator=(const Fetcher&) = delete;

  // Queues a GET; `consume` runs on the worker with the 2xx response (parse there). A kDataLoss
  // from `consume` counts as an unreadable body and is retried like a transport failure. A
  // `background` GET (a prefetch nobody waits for yet) is sent only when no other is queued, and
  // on all workers but one: it fills the workers a pass leaves idle (while it writes) instead of
  // delaying the pass.
  std::future<Status> Submit(std::string route, woo::Params params,
                             std::function<Status(const woo::Response&)> consume,
                             bool background = false);
  // Same, waiting for the result.
  Status Get(const std::string& route, const woo::Params& params,
             const std::function<Status(const woo::Response&)>& consume);
  // Makes every queued background GET an ordinary one (all workers take them, in order): for
  // when the caller's next step is local work and nothing else will be asked for a while.
  void PromoteBackground();

  [[nodiscard]] int concurrency() const { return policy_.concurrency; }
  FetchStats stats();
  // Seconds from the "retry-after" in an error message, or -1.
  static int RetryAfterSeconds(const std::string& message);

 private:
  struct Job {
    std::string route;
    woo::Params params;
    std::function<Status(const woo::Response&)> consume;
    std::promise<Status> done;
  };
  void Worker();
  Status Run(woo::Api& api, Job& job);
  void Acquire();
  void Release(bool throttled);

  woo::ApiFactory factory_;
  Clock& clock_;
  FetchPolicy policy_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<Job>> queue_;
  std::deque<std::unique_ptr<Job>> background_;  // taken only when queue_ is empty
  int background_busy_ = 0;                      // workers running a background job
  bool stopping_ = false;
  double limit_;
  int in_flight_ = 0;
  int successes_since_cut_ = 0;
  FetchStats stats_;
  std::vector<std::thread> workers_;
};

}  // namespace clever::sync
