#include "cli/commands.h"

namespace clever::cli {

// Filled in by the sync command group's branch.
void RegisterSyncCommands(CLI::App& /*app*/, CliState& /*state*/) {}

}  // namespace clever::cli
