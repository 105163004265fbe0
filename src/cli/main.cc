// clever: the composition root. Builds the real clock, transports and databases (inside each
// command group) and dispatches to the command groups.
#include <exception>
#include <iostream>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"Clever: ask your WooCommerce store business questions in plain language"};
  app.require_subcommand(1);
  clever::cli::CliState state;
  clever::cli::RegisterConnectorCommands(app, state);
  clever::cli::RegisterSyncCommands(app, state);
  clever::cli::RegisterAskCommands(app, state);
  clever::cli::RegisterServeCommands(app, state);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::cerr << "clever: unexpected error: " << e.what() << "\n";
    return 70;
  }
  return state.exit_code;
}
