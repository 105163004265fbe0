#include "server/db_pool.h"

namespace clever::server {

DatabasePool::Lease::~Lease() {
  if (pool_ != nullptr && db_ != nullptr) pool_->Release(std::move(db_));
}

DatabasePool::DatabasePool(Opener opener, size_t max_idle)
    : opener_(std::move(opener)), max_idle_(max_idle) {}

StatusOr<DatabasePool::Lease> DatabasePool::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      auto db = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(db));
    }
  }
  CLEVER_ASSIGN_OR_RETURN(auto db, opener_());
  return Lease(this, std::move(db));
}

void DatabasePool::Release(std::unique_ptr<store::Database> db) {
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(db));
}

}  // namespace clever::server
