#include "cli/commands.h"

namespace clever::cli {

// Filled in by the connector command group's branch.
void RegisterConnectorCommands(CLI::App& /*app*/, CliState& /*state*/) {}

}  // namespace clever::cli
