// DatabasePool: store::Database objects are not thread-safe, so each request thread leases one.
// Connections are opened on demand with the given function and kept for reuse (at most
// `max_idle`). Thread-safe.
//
//   CLEVER_ASSIGN_OR_RETURN(auto lease, pool.Acquire());
//   lease->Query(...);
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "common/status.h"
#include "store/database.h"

namespace clever::server {

class DatabasePool {
 public:
  using Opener = std::function<StatusOr<std::unique_ptr<store::Database>>()>;

  class Lease {
   public:
    Lease(DatabasePool* pool, std::unique_ptr<store::Database> db)
        : pool_(pool), db_(std::move(db)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();
    store::Database& operator*() { return *db_; }
    store::Database* operator->() { return db_.get(); }

   private:
    DatabasePool* pool_;
    std::unique_ptr<store::Database> db_;
  };

  explicit DatabasePool(Opener opener, size_t max_idle = 16);
  DatabasePool(const DatabasePool&) = delete;
  DatabasePool& operator=(const DatabasePool&) = delete;

  // An idle connection, or a new one (kUnavailable etc. from the opener).
  StatusOr<Lease> Acquire();

 private:
  void Release(std::unique_ptr<store::Database> db);

  Opener opener_;
  size_t max_idle_;
  std::mutex mu_;
  std::vector<std::unique_ptr<store::Database>> idle_;
};

}  // namespace clever::server
