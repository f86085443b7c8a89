// One function per subcommand: each adds itself to the CLI and returns how to run it.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/common.h"

namespace celeste {

Command AddServeCommand(CLI::App& cli);
Command AddMigrateCommand(CLI::App& cli);
Command AddDemoCommand(CLI::App& cli);
std::vector<Command> AddYachtCommands(CLI::App& cli);
std::vector<Command> AddUserCommands(CLI::App& cli);
Command AddTokenCommand(CLI::App& cli);
std::vector<Command> AddFlagsCommands(CLI::App& cli);
std::vector<Command> AddAuditCommands(CLI::App& cli);
std::vector<Command> AddPartsCommands(CLI::App& cli);
std::vector<Command> AddMaintenanceCommands(CLI::App& cli);
Command AddMonitorCommand(CLI::App& cli);
std::vector<Command> AddOpsCommands(CLI::App& cli);
std::vector<Command> AddAlertsCommands(CLI::App& cli);
std::vector<Command> AddRolloutCommands(CLI::App& cli);
Command AddStressCommand(CLI::App& cli);
Command AddAcceptCommand(CLI::App& cli);
Command AddLensOpsCommand(CLI::App& cli);

}  // namespace celeste
