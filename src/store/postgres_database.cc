#include "store/database.h"

namespace clever::store {

// TODO(lead): the libpq backend is being written on the `pg` branch.
StatusOr<std::unique_ptr<Database>> OpenPostgres(const std::string& /*conninfo*/) {
  return FailedPreconditionError("PostgreSQL support is not built into this Clever yet");
}

}  // namespace clever::store
