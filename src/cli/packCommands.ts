import type { Command } from 'commander';
import { loadPack } from '../rulepack/compile.ts';
import { formatProblem } from '../model/problem.ts';

export function registerPackCommands(program: Command, setExit: (code: number) => void): void {
  const pack = program.command('pack').description('work with rule packs');
  pack
    .command('validate')
    .description('validate rule packs: schema, references, value sets, date expressions')
    .argument('<dir...>', 'rule pack folders, e.g. rules/hedis/2025')
    .action((dirs: string[]) => {
      for (const dir of dirs) {
        const result = loadPack(dir);
        if (!result.ok) {
          process.stderr.write(`${dir}: invalid (${result.problems.length} problem(s))\n`);
          for (const p of result.problems) process.stderr.write(`${formatProblem(p)}\n`);
          setExit(2);
          continue;
        }
        const p = result.value;
        const clauses = [...p.measures.values()].map((m) => m.id).join(', ');
        process.stdout.write(
          `${dir}: valid: ${p.id} v${p.version}, MY${p.year}, measures ${clauses}, ${p.valueSets.size} value sets, ${p.definitions.size} shared definitions\n`,
        );
      }
    });
}
