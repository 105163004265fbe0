#include "cli/commands.h"

namespace clever::cli {

// Filled in by the serve command group's branch.
void RegisterServeCommands(CLI::App& /*app*/, CliState& /*state*/) {}

}  // namespace clever::cli
