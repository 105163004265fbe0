#include "sync/fetcher.h"

#include <algorithm>
#include <cctype>
#include <random>

namespace clever::sync {

Fetcher::Fetcher(woo::ApiFactory factory, Clock& clock, FetchPolicy policy)
    : factory_(std::move(factory)), clock_(clock), policy_(policy) {
  policy_.concurrency = std::clamp(policy_.concurrency, 1, 32);
  policy_.max_attempts = std::max(1, policy_.max_attempts);
  limit_ = policy_.concurrency;
  for (int i = 0; i < policy_.concurrency; ++i) workers_.emplace_back([this] { Worker(); });
}

Fetcher::~Fetcher() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : workers_) t.join();
  for (auto& job : queue_) job->done.set_value(UnavailableError("sync stopped"));
  for (auto& job : background_) job->done.set_value(UnavailableError("sync stopped"));
}

std::future<Status> Fetcher::Submit(std::string route, woo::Params params,
                                    std::function<Status(const woo::Response&)> consume,
                                    bool background) {
  auto job = std::make_unique<Job>();
  job->route = std::move(route);
  job->params = std::move(params);
  job->consume = std::move(consume);
  std::future<Status> f = job->done.get_future();
  {
    std::lock_guard<std::mutex> lock(mu_);
    (background ? background_ : queue_).push_back(std::move(job));
  }
  cv_.notify_all();
  return f;
}

void Fetcher::PromoteBackground() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& job : background_) queue_.push_back(std::move(job));
    background_.clear();
  }
  cv_.notify_all();
}

Status Fetcher::Get(const std::string& route, const woo::Params& params,
                    const std::function<Status(const woo::Response&)>& consume) {
  return Submit(route, params, consume).get();
}

FetchStats Fetcher::stats() {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

int Fetcher::RetryAfterSeconds(const std::string& message) {
  std::string lower;
  lower.reserve(message.size());
  for (char c : message) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t pos = lower.find("retry-after");
  if (pos == std::string::npos) pos = lower.find("retry after");
  if (pos == std::string::npos) return -1;
  pos += 11;
  while (pos < lower.size() && (lower[pos] == ':' || lower[pos] == '=' || lower[pos] == ' ')) {
    ++pos;
  }
  int value = 0;
  int digits = 0;
  while (pos < lower.size() && std::isdigit(static_cast<unsigned char>(lower[pos])) != 0 &&
         digits < 6) {
    value = value * 10 + (lower[pos] - '0');
    ++pos;
    ++digits;
  }
  return digits == 0 ? -1 : std::min(value, 3600);
}

void Fetcher::Worker() {
  std::unique_ptr<woo::Api> api;
  for (;;) {
    std::unique_ptr<Job> job;
    bool background = false;
    {
      std::unique_lock<std::mutex> lock(mu_);
      // Background jobs leave one worker free (when there are two or more): a GET queued
      // later by a pass never waits for a whole round of prefetches.
      const int background_cap = std::max(1, policy_.concurrency - 1);
      cv_.wait(lock, [&] {
        return stopping_ || !queue_.empty() ||
               (!background_.empty() && background_busy_ < background_cap);
      });
      if (stopping_) return;
      background = queue_.empty();
      auto& from = background ? background_ : queue_;
      job = std::move(from.front());
      from.pop_front();
      if (background) ++background_busy_;
    }
    if (!api) api = factory_();
    Status s = api ? Run(*api, *job) : InternalError("no API client for this store");
    job->done.set_value(std::move(s));
    if (background) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        --background_busy_;
      }
      cv_.notify_all();
    }
  }
}

void Fetcher::Acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return in_flight_ < std::max(1, static_cast<int>(limit_)); });
  ++in_flight_;
  ++stats_.requests;
}

void Fetcher::Release(bool throttled) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    --in_flight_;
    if (throttled) {
      ++stats_.throttled;
      limit_ = std::max(1.0, limit_ / 2);
      successes_since_cut_ = 0;
    } else if (limit_ < policy_.concurrency && ++successes_since_cut_ >= static_cast<int>(limit_)) {
      limit_ = std::min<double>(policy_.concurrency, limit_ + 1);
      successes_since_cut_ = 0;
    }
  }
  cv_.notify_all();
}

Status Fetcher::Run(woo::Api& api, Job& job) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  Status last;
  for (int attempt = 1; attempt <= policy_.max_attempts; ++attempt) {
    Acquire();
    StatusOr<woo::Response> response = api.Get(job.route, job.params);
    Status s = response.ok() ? job.consume(*response) : response.status();
    const bool retry = IsRetryable(s) || s.code() == StatusCode::kDataLoss;
    Release(!s.ok() && IsRetryable(s));
    if (s.ok() || !retry) return s;
    last = s;
    if (attempt == policy_.max_attempts) break;
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++stats_.retries;
    }
    auto cap = policy_.backoff_cap.count();
    auto base = std::min<int64_t>(cap, policy_.backoff_base.count() << std::min(attempt - 1, 16));
    std::uniform_int_distribution<int64_t> jitter(base / 2, std::max<int64_t>(base / 2, base));
    int64_t wait_ms = jitter(rng);
    int retry_after = RetryAfterSeconds(s.message());
    if (retry_after >= 0) wait_ms = std::max<int64_t>(wait_ms, int64_t{retry_after} * 1000);
    clock_.SleepFor(std::chrono::milliseconds(wait_ms));
  }
  return last.WithContext("after " + std::to_string(policy_.max_attempts) + " attempts");
}

}  // namespace clever::sync
