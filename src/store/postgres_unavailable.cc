// Built instead of postgres_database.cc when CMake finds no libpq (see CMakeLists.txt).
#include "store/database.h"

namespace clever::store {

StatusOr<std::unique_ptr<Database>> OpenPostgres(const std::string& /*conninfo*/) {
  return FailedPreconditionError(
      "this Clever was built without libpq, so it cannot use PostgreSQL; install libpq-dev and "
      "rebuild, or use SQLite (unset CLEVER_DATABASE_URL)");
}

}  // namespace clever::store
