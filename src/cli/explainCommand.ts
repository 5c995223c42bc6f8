import type { Command } from 'commander';
import { evaluateMeasure } from '../engine/evaluate.ts';
import { readMemberFile } from '../model/memberFile.ts';
import { MeasurecheckError, orThrow } from '../model/problem.ts';
import type { ProductLine } from '../model/member.ts';
import { formatExplanation } from '../report/explanation.ts';
import { selectMeasure } from '../rulepack/selectPack.ts';
import { linesToAsk, parseYear, productLineOption } from './options.ts';

interface ExplainOptions {
  member: string;
  measure: string;
  year: number;
  productLine?: ProductLine;
  rules?: string;
  valuesets?: string[];
  json?: boolean;
  strict?: boolean;
}

export function registerExplainCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('explain')
    .description(
      'evaluate one member with the reference and explain each population, clause by clause',
    )
    .requiredOption('--member <file>', 'member record (JSON, the contract in docs/contract.md)')
    .requiredOption('--measure <id>', 'measure id, e.g. COL-E')
    .requiredOption('--year <year>', 'measurement year, e.g. 2025', parseYear)
    .addOption(
      productLineOption(
        '--product-line <line>',
        'product line (required unless the measure has no product lines)',
      ),
    )
    .option('--rules <dir>', 'rule pack folder (default: the shipped rules/hedis/<year>)')
    .option(
      '--valuesets <file>',
      'FHIR ValueSet Bundle with the codes of the value sets the pack declares by OID (repeatable: one bundle per measure, say)',
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option('--json', 'print the outcome and the trace as JSON')
    .option('--strict', 'reject unknown fields in the member record')
    .action((opts: ExplainOptions) => {
      const { pack, measure } = orThrow(selectMeasure(opts));
      const line = opts.productLine;
      if (line === undefined && measure.productLines.length > 0) {
        throw new MeasurecheckError([
          {
            code: 'usage/product-line',
            message: `${measure.id} is reported per product line: pass --product-line`,
            hint: `${measure.id} is reported for ${measure.productLines.join(', ')}`,
          },
        ]);
      }
      const lines = linesToAsk(measure, line ?? 'all');
      const member = readMemberFile(opts.member, { strict: opts.strict ?? false });
      if (!member.ok) throw new MeasurecheckError(member.problems);
      const evaluation = evaluateMeasure(
        measure,
        {
          measure: measure.id,
          year: opts.year,
          ...(lines[0] !== undefined ? { productLine: lines[0] } : {}),
        },
        member.value,
      );
      if (opts.json) process.stdout.write(`${JSON.stringify(evaluation, null, 2)}\n`);
      else process.stdout.write(`${formatExplanation(evaluation, pack)}\n`);
      setExit(0);
    });
}
