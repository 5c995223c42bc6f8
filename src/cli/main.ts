import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { MeasurecheckError, formatProblem } from '../model/problem.ts';
import { PRODUCT_LINES } from '../model/member.ts';
import { registerPackCommands } from './packCommands.ts';
import { registerExplainCommand } from './explainCommand.ts';
import { registerCheckCommand } from './checkCommand.ts';
import { registerCoverageCommand } from './coverageCommand.ts';
import { registerSelfTestCommand } from './selftestCommand.ts';
import { registerCompareCommand } from './compareCommand.ts';
import { registerFixturesCommands } from './fixturesCommand.ts';

/**
 * Runs the CLI and returns the exit code: 0 success / no discrepancy, 1 discrepancies,
 * 2 usage or configuration error, 3 the implementation failed to run.
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
    throw e;
  }
  return exitCode;
}

export function parseYear(value: string): number {
  if (!/^\d{4}$/.test(value))
    throw new InvalidArgumentError('expected a measurement year such as 2025');
  return Number(value);
}

/** Parses an option that must be a whole number of at least 1. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

/** Parses an option that must be a whole number. */
export function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('expected a whole number');
  return n;
}

export function productLineOption(flags: string, description: string): Option {
  return new Option(flags, description).choices(PRODUCT_LINES);
}
