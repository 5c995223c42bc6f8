import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/model/problem.ts';
import { loadPack } from '../../src/rulepack/compile.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BAD = new URL('../../fixtures/packs-bad/', import.meta.url);
const badDir = (name: string) => fileURLToPath(new URL(`${name}/`, BAD));
const shippedDir = (year: number) =>
  fileURLToPath(new URL(`../../rules/hedis/${year}/`, import.meta.url));

interface BadPackCase {
  /** Folder under fixtures/packs-bad/. */
  readonly name: string;
  /** The file with the error, relative to the pack folder. */
  readonly file: string;
  /** The line of the error in that file, as an editor shows it. */
  readonly line: number;
  readonly code: string;
  /** Texts the rendered problem (message and hint) must contain: what is wrong and what was expected. */
  readonly says: readonly string[];
}

const MEASURE = join('measures', 'col-e.yaml');

const CASES: readonly BadPackCase[] = [
  {
    name: 'unknown-key-in-clause',
    file: MEASURE,
    line: 21,
    code: 'measure/unknown-key',
    says: ['unknown key "descripton"', '(at numerator.any[1].descripton)', 'correct its spelling'],
  },
  {
    name: 'misspelled-value-set',
    file: MEASURE,
    line: 24,
    code: 'pack/unknown-value-set',
    says: ['value set "Colonscopy" does not exist', 'hint: did you mean "Colonoscopy"?'],
  },
  {
    name: 'bad-window-expression',
    file: MEASURE,
    line: 26,
    code: 'measure/invalid',
    says: ['"last year" is not a date expression', 'expected a date such as MY-12-31'],
  },
  {
    name: 'bad-window-month-13',
    file: MEASURE,
    line: 26,
    code: 'measure/invalid',
    says: ['"MY-13-01"', 'expected a date such as MY-12-31'],
  },
  {
    name: 'yaml-syntax-error',
    file: MEASURE,
    line: 16,
    code: 'syntax',
    says: ['syntax error: Nested mappings are not allowed', 'quotes'],
  },
  {
    name: 'unknown-definition',
    file: MEASURE,
    line: 32,
    code: 'pack/unknown-definition',
    says: ['ref "hospise" names no shared definition', 'hint: did you mean "hospice"?'],
  },
  {
    name: 'duplicate-clause-id',
    file: MEASURE,
    line: 20,
    code: 'pack/duplicate-clause-id',
    says: ['clause id "col-e-fobt" is used twice', 'col-e.yaml:15 and ', 'col-e.yaml:20', 'unique'],
  },
  {
    name: 'unused-definition-names-a-measure-clause',
    file: join('definitions', 'exclusions.yaml'),
    line: 10,
    code: 'pack/unbound-clause',
    says: [
      'onOrAfter names clause "col-e-fobt", which is not a shared definition',
      'no measure does',
      'hint: use "colonoscopy-after-fobt" (ref: colonoscopy-after-fobt) in a measure with an event clause "col-e-fobt"',
    ],
  },
  {
    name: 'definition-names-a-clause-the-measure-lacks',
    file: join('definitions', 'exclusions.yaml'),
    line: 10,
    code: 'pack/unknown-clause',
    says: ['onOrAfter names clause "col-e-referral", which does not exist in measure COL-E'],
  },
  {
    name: 'onorafter-cycle',
    file: MEASURE,
    line: 29,
    code: 'pack/cyclic-clause',
    says: ['onOrAfter names clause "col-e-fobt"', 'must not form a cycle'],
  },
  {
    name: 'value-set-unknown-code-system',
    file: join('valuesets', 'col-e.csv'),
    line: 4,
    code: 'valueset/invalid-row',
    says: ['code_system', 'expected one of', '"CPT"', '"HCPCS"'],
  },
];

describe('loadPack on bad packs (fixtures/packs-bad)', () => {
  for (const { name, file, line, code, says } of CASES) {
    it(`${name}: one problem at ${file}:${line} that says what was expected`, () => {
      const result = loadPack(badDir(name));
      expect(result.ok).toBe(false);
      if (result.ok) return;
      // Each fixture is a good pack with one deliberate error, so there is exactly one problem.
      expect(result.problems.map(formatProblem)).toHaveLength(1);
      const [problem] = result.problems;
      expect(problem?.code).toBe(code);
      expect(problem?.file?.endsWith(join(name, file))).toBe(true);
      expect(problem?.line).toBe(line);
      const rendered = problem ? formatProblem(problem) : '';
      for (const text of says) expect(rendered).toContain(text);
    });
  }
});

describe('the shipped packs', () => {
  it.each([2024, 2025])('rules/hedis/%i validates', (year) => {
    const result = loadPack(shippedDir(year));
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([]);
  });
});

describe('measurecheck pack validate (child process)', () => {
  const run = promisify(execFile);
  const validate = async (dirs: readonly string[]) => {
    try {
      const { stdout, stderr } = await run(
        process.execPath,
        ['bin/measurecheck.js', 'pack', 'validate', ...dirs],
        { cwd: ROOT },
      );
      return { code: 0, stdout, stderr };
    } catch (e) {
      const failed = e as { code?: number; stdout?: string; stderr?: string };
      return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
    }
  };

  it('exits 2 on the bad packs and names file:line for each, without a stack trace', async () => {
    const { code, stderr } = await validate(
      CASES.map((c) => join('fixtures', 'packs-bad', c.name)),
    );
    expect(code).toBe(2);
    for (const c of CASES) {
      expect(stderr).toContain(`${join('fixtures', 'packs-bad', c.name, c.file)}:${c.line}:`);
    }
    expect(stderr).not.toMatch(/^ {4}at /m);
  });

  it('exits 0 and reports the shipped packs rules/hedis/2024 and 2025 as valid', async () => {
    const { code, stdout, stderr } = await validate(['rules/hedis/2024', 'rules/hedis/2025']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain('rules/hedis/2024: valid: hedis-2024');
    expect(stdout).toContain('rules/hedis/2025: valid: hedis-2025');
  });
});
