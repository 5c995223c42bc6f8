import type { Command } from 'commander';
import { diffPacks } from '../rulepack/diff/index.ts';
import { validatePack } from '../rulepack/digest.ts';
import { startNewYear } from '../rulepack/newYear.ts';
import { releasePack } from '../rulepack/release.ts';
import { formatProblem, MeasurecheckError } from '../model/problem.ts';
import { formatNewYear, formatRelease, formatValidPack } from '../report/packAuthoringText.ts';
import { formatPackDiff, packDiffJson } from '../report/packDiffText.ts';
import { parseVersion, parseYear } from './options.ts';

export function registerPackCommands(program: Command, setExit: (code: number) => void): void {
  const pack = program.command('pack').description('work with rule packs');
  pack
    .command('validate')
    .description(
      'validate rule packs: schema, references, value sets, date expressions, and the digest of a released version',
    )
    .argument('<dir...>', 'rule pack folders, e.g. rules/hedis/2025')
    .option(
      '--valuesets <file>',
      'FHIR ValueSet Bundle: also check that every value set declared by OID is in it (repeatable: one bundle per measure, say)',
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .action((dirs: string[], opts: { valuesets?: string[] }) => {
      for (const dir of dirs) {
        const result = validatePack(dir, { valueSets: opts.valuesets });
        if (!result.ok) {
          process.stderr.write(`${dir}: invalid (${result.problems.length} problem(s))\n`);
          for (const p of result.problems) process.stderr.write(`${formatProblem(p)}\n`);
          setExit(2);
          continue;
        }
        process.stdout.write(formatValidPack(dir, result.value.pack, result.value.status));
      }
    });

  pack
    .command('new-year')
    .description(
      'start the rule pack of a new measurement year as a draft copy of this one (never overwrites)',
    )
    .argument('<dir>', 'the pack to start from, e.g. rules/hedis/2025')
    .requiredOption('--year <year>', 'the new measurement year, e.g. 2026', parseYear)
    .option('--out <dir>', 'folder to create (default: a sibling folder named by the year)')
    .action((dir: string, opts: { year: number; out?: string }) => {
      const result = startNewYear(dir, {
        year: opts.year,
        ...(opts.out !== undefined ? { out: opts.out } : {}),
        today: new Date().toISOString().slice(0, 10),
      });
      if (!result.ok) throw new MeasurecheckError(result.problems);
      process.stdout.write(formatNewYear(result.value));
    });

  pack
    .command('diff')
    .description(
      'semantic diff of two rule packs, clause by clause (exit 0 equal, 1 different, 2 invalid input)',
    )
    .argument('<old>', 'the earlier pack, e.g. rules/hedis/2024')
    .argument('<new>', 'the later pack, e.g. rules/hedis/2025')
    .option('--json', 'print the changes as JSON')
    .action((oldDir: string, newDir: string, opts: { json?: boolean }) => {
      const result = diffPacks(oldDir, newDir);
      if (!result.ok) throw new MeasurecheckError(result.problems);
      const diff = result.value;
      process.stdout.write(opts.json ? packDiffJson(diff) : formatPackDiff(diff));
      setExit(diff.equal ? 0 : 1);
    });

  pack
    .command('release')
    .description(
      'release a pack version: write its content digest and file hashes into pack.yaml (comments and formatting kept)',
    )
    .argument('<dir>', 'the pack to release, e.g. rules/hedis/2026')
    .option(
      '--version <x.y.z>',
      'the version to release as (default: the version in pack.yaml)',
      parseVersion,
    )
    .action((dir: string, opts: { version?: string }) => {
      const result = releasePack(dir, opts.version !== undefined ? { version: opts.version } : {});
      if (!result.ok) throw new MeasurecheckError(result.problems);
      process.stdout.write(formatRelease(result.value));
    });
}
