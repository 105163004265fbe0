#include "cli/commands.h"

namespace clever::cli {

// Filled in by the ask command group's branch.
void RegisterAskCommands(CLI::App& /*app*/, CliState& /*state*/) {}

}  // namespace clever::cli
