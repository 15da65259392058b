import { Command, CommanderError } from 'commander';
import { registerAgingCommand } from './cli/aging-command.js';
import { registerBacktestCommand } from './cli/backtest-command.js';
import { registerConfigCommand } from './cli/config-command.js';
import { registerDigestCommand } from './cli/digest-command.js';
import {
  registerDunningCommand,
  registerOutboxCommand,
  registerPolicyCommand,
} from './cli/dunning-commands.js';
import { registerForecastCommand } from './cli/forecast-command.js';
import { registerKpisCommand } from './cli/kpis-command.js';
import { registerMigrateCommand } from './cli/migrate-command.js';
import { registerOrgsCommand } from './cli/orgs-command.js';
import { CliFailure } from './cli/output.js';
import { registerPrioritiesCommand } from './cli/priorities-command.js';
import { registerRepliesCommand } from './cli/replies-command.js';
import { registerReportCommand } from './cli/report-command.js';
import { registerSandboxCommand } from './cli/sandbox-command.js';
import { registerXeroCommands } from './cli/xero-command.js';
import { errorMessage } from './errors.js';

export function buildProgram(): Command {
  const program = new Command('ar-copilot')
    .description('AR Copilot operator command line')
    .showHelpAfterError()
    .exitOverride();
  registerMigrateCommand(program);
  registerOrgsCommand(program);
  registerConfigCommand(program);
  registerSandboxCommand(program);
  registerXeroCommands(program);
  registerAgingCommand(program);
  registerPrioritiesCommand(program);
  registerForecastCommand(program);
  registerKpisCommand(program);
  registerReportCommand(program);
  registerBacktestCommand(program);
  registerPolicyCommand(program);
  registerDunningCommand(program);
  registerOutboxCommand(program);
  registerDigestCommand(program);
  registerRepliesCommand(program);
  return program;
}

buildProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    if (err instanceof CommanderError) {
      process.exit(err.exitCode === 0 ? 0 : 2);
    }
    if (err instanceof CliFailure) {
      console.error(err.message);
      process.exit(err.exitCode);
    }
    console.error(`error: ${errorMessage(err)}`);
    process.exit(1);
  });
