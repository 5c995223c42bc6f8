import { Command, CommanderError } from 'commander';
import { MeasurecheckError, formatProblem } from '../model/problem.ts';
import { PROBLEM_CODES } from '../model/problemCodes.ts';
import { registerPackCommands } from './packCommands.ts';
import { registerExplainCommand } from './explainCommand.ts';
import { registerCheckCommand } from './checkCommand.ts';
import { registerCoverageCommand } from './coverageCommand.ts';
import { registerSelfTestCommand } from './selftestCommand.ts';
import { registerCompareCommand } from './compareCommand.ts';
import { registerFixturesCommands } from './fixturesCommand.ts';
import { registerImportCommands } from './importCommand.ts';
import { registerExportCommands } from './exportCommand.ts';

/** The exit code of a bug in measurecheck itself (EX_SOFTWARE), distinct from every verdict. */
export const INTERNAL_ERROR_EXIT = PROBLEM_CODES.internal.exit;

/**
 * Runs the CLI and returns the exit code: 0 success / no discrepancy, 1 discrepancies,
 * 2 usage or configuration error, 3 the implementation failed to run, 70 a bug in measurecheck.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command()
    .name('measurecheck')
    .description(
      'Checks implementations of HEDIS-style quality measures against versioned rule packs.',
    )
    .version('0.1.0')
    // Options after a subcommand belong to it (`pack release --version 1.0.1` is not -V).
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  let exitCode = 0;
  const setExit = (code: number) => {
    exitCode = Math.max(exitCode, code);
  };
  registerPackCommands(program, setExit);
  registerExplainCommand(program, setExit);
  registerCheckCommand(program, setExit);
  registerCoverageCommand(program, setExit);
  registerSelfTestCommand(program, setExit);
  registerCompareCommand(program, setExit);
  registerFixturesCommands(program, setExit);
  registerImportCommands(program, setExit);
  registerExportCommands(program, setExit);
  try {
    await program.parseAsync([...argv]);
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; every other commander error is a usage error.
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof MeasurecheckError) {
      process.stderr.write(`${e.problems.map(formatProblem).join('\n')}\n`);
      return e.exitCode;
    }
    return reportInternalError(e);
  }
  return exitCode;
}

/**
 * The last resort for an exception no command expected: every error a user can cause is a problem
 * with a code and exit 2 or 3, so anything else is a bug. It is reported in a few lines that say
 * so, with how to get the stack trace for a bug report, instead of a raw trace.
 */
export function reportInternalError(e: unknown): number {
  const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  const debug = process.env['MEASURECHECK_DEBUG'] === '1';
  process.stderr.write(
    `measurecheck: internal error: ${message.split('\n')[0] ?? message}\n` +
      'This is a bug in measurecheck, not in your input or implementation. Please report it to the\n' +
      'measurecheck maintainers with the command line and the output of the same command run with\n' +
      'MEASURECHECK_DEBUG=1 (which adds the stack trace).\n' +
      (debug && e instanceof Error && e.stack !== undefined ? `${e.stack}\n` : ''),
  );
  return INTERNAL_ERROR_EXIT;
}
