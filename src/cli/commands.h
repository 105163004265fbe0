// Each command group registers its subcommands on the CLI11 app. One file per group, owned by the
// subsystem it drives: connector_cmd.cc (connect), sync_cmd.cc (sync, status), ask_cmd.cc (ask,
// chat), serve_cmd.cc (serve, demo, user, merchant). Handlers set `exit_code` and print
// merchant-facing text; they never let an exception or a stack trace out.
#pragma once

#include <CLI/CLI.hpp>

namespace clever::cli {

struct CliState {
  int exit_code = 0;
};

void RegisterConnectorCommands(CLI::App& app, CliState& state);
void RegisterSyncCommands(CLI::App& app, CliState& state);
void RegisterAskCommands(CLI::App& app, CliState& state);
void RegisterServeCommands(CLI::App& app, CliState& state);

}  // namespace clever::cli
