// celeste: the yacht PMS server and its operator commands (CONTRACT §8).
#include <iostream>
#include <vector>

#include "cli/commands.h"
#include "core/hash.h"

int main(int argc, char** argv) {
  using namespace celeste;
  InitCrypto();
  CLI::App cli{"celeste — yacht planned maintenance server and Lens Ops tools"};
  cli.require_subcommand(1);
  cli.set_help_all_flag("--help-all", "Show help for every command");

  std::vector<Command> commands;
  commands.push_back(AddServeCommand(cli));
  commands.push_back(AddMigrateCommand(cli));
  commands.push_back(AddDemoCommand(cli));
  for (auto& c : AddYachtCommands(cli)) commands.push_back(c);
  for (auto& c : AddUserCommands(cli)) commands.push_back(c);
  commands.push_back(AddTokenCommand(cli));
  for (auto& c : AddFlagsCommands(cli)) commands.push_back(c);
  for (auto& c : AddAuditCommands(cli)) commands.push_back(c);
  for (auto& c : AddPartsCommands(cli)) commands.push_back(c);
  for (auto& c : AddMaintenanceCommands(cli)) commands.push_back(c);
  commands.push_back(AddMonitorCommand(cli));
  for (auto& c : AddOpsCommands(cli)) commands.push_back(c);
  for (auto& c : AddAlertsCommands(cli)) commands.push_back(c);
  for (auto& c : AddRolloutCommands(cli)) commands.push_back(c);
  commands.push_back(AddStressCommand(cli));
  commands.push_back(AddAcceptCommand(cli));
  commands.push_back(AddLensOpsCommand(cli));

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  for (const Command& c : commands) {
    if (c.app->parsed()) return c.run();
  }
  std::cerr << cli.help();
  return kExitUsage;
}
