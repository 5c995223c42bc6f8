import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/model/problem.ts';
import type { Problem } from '../../src/model/problem.ts';
import { loadPack } from '../../src/rulepack/compile.ts';
import { runCli } from '../support/runCli.ts';
import { copyPack, scratchFolder } from '../support/tempPacks.ts';

const scratch = scratchFolder('unreadable-pack');
let packs = 0;
/** A fresh copy of the small COL-E 2025 fixture pack. */
const freshPack = () => copyPack('hedis-2025-col-e', scratch, `pack-${String(++packs)}`);

/** The problems of loading `dir`, which must fail. */
function problemsOf(dir: string): readonly Problem[] {
  const result = loadPack(dir);
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.problems;
}

/** How a problem names its file: relative to the working folder, as the loader displays it. */
const shown = (path: string) => relative(process.cwd(), path);

describe('an unreadable pack file is one coded problem naming it, never a crash', () => {
  const cases = [
    {
      what: 'a symbolic link that loops',
      code: 'file/symlink-loop',
      make: (path: string) => {
        symlinkSync('col-e.yaml', path);
      },
    },
    {
      what: 'a dangling symbolic link',
      code: 'file/dangling-symlink',
      make: (path: string) => {
        symlinkSync('col-e-2025.yaml', path);
      },
    },
    {
      what: 'a folder named col-e.yaml',
      code: 'file/is-a-directory',
      make: (path: string) => {
        mkdirSync(path);
      },
    },
  ];
  for (const { what, code, make } of cases) {
    it(`measures/col-e.yaml is ${what}`, () => {
      const dir = freshPack();
      const path = join(dir, 'measures', 'col-e.yaml');
      rmSync(path);
      make(path);
      const [p, ...rest] = problemsOf(dir);
      expect(rest).toEqual([]);
      expect(p).toMatchObject({ code, file: shown(path) });
    });
  }

  it('pack validate, check and explain exit 2 naming the file, without a stack trace (child process)', async () => {
    const dir = freshPack();
    const path = join(dir, 'measures', 'col-e.yaml');
    rmSync(path);
    symlinkSync('col-e.yaml', path);
    const member = join(scratch, 'member.json');
    writeFileSync(member, '{"id":"M1","birthDate":"1960-05-01","sex":"F"}\n');
    for (const args of [
      ['pack', 'validate', dir],
      ['check', '--rules', dir, '--measure', 'COL-E', '--year', '2025', '--runs', '5'],
      [
        'explain',
        '--member',
        member,
        '--rules',
        dir,
        '--measure',
        'COL-E',
        '--year',
        '2025',
        '--product-line',
        'commercial',
      ],
    ]) {
      const run = await runCli(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toContain('col-e.yaml: cannot read it: it is a symbolic link that loops');
      expect(run.stderr).not.toMatch(/^ {4}at /m);
    }
  });
});

describe('bytes that are not UTF-8 in a value-set file', () => {
  it('are a problem at their line and column, not a corrupted code', () => {
    const dir = freshPack();
    const path = join(dir, 'valuesets', 'col-e.csv');
    const text = readFileSync(path, 'latin1').replace('C18.2,', 'C18.2\u00e9,');
    writeFileSync(path, Buffer.from(text, 'latin1'));
    const [p, ...rest] = problemsOf(dir);
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ code: 'file/not-utf8', file: shown(path), line: 4, column: 32 });
    expect(p ? formatProblem(p) : '').toContain('0xE9');
  });
});

describe('one mistake, one message', () => {
  it('a YAML syntax error is one problem, at its line (not a cascade)', () => {
    const dir = freshPack();
    const path = join(dir, 'measures', 'col-e.yaml');
    // A missing colon after a key: the parser reports several errors after it.
    const text = readFileSync(path, 'utf8').replace('title: Colorectal', 'title Colorectal');
    writeFileSync(path, text);
    const problems = problemsOf(dir);
    expect(problems.map(formatProblem)).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'syntax', file: shown(path), line: 3 });
  });

  it('a bad value-set header is one problem, at line 1 (not one per row)', () => {
    const dir = freshPack();
    const path = join(dir, 'valuesets', 'col-e.csv');
    const text = readFileSync(path, 'utf8').replace(
      'value_set,code_system,',
      'value_set,codesystem,',
    );
    writeFileSync(path, text);
    const problems = problemsOf(dir);
    expect(problems.map(formatProblem)).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'valueset/bad-header', file: shown(path), line: 1 });
    expect(problems[0]?.message).toContain(
      'unknown column(s) "codesystem"; missing column(s) code_system',
    );
  });

  it('an unclosed quote in a value-set file is reported where the quote opens', () => {
    const dir = freshPack();
    const path = join(dir, 'valuesets', 'extra.csv');
    // Line 3 opens a quote that nothing closes; the parser only notices at the end of the file.
    const rows = ['value_set,code_system,code,display', 'Extra,CPT,00001,one'];
    rows.push('Extra,CPT,00002,"two', 'Extra,CPT,00003,three', 'Extra,CPT,00004,four');
    rows.push('Extra,CPT,00005,five', 'Extra,CPT,00006,six', 'Extra,CPT,00007,seven', '');
    writeFileSync(path, rows.join('\n'));
    const [p, ...rest] = problemsOf(dir);
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ code: 'valueset/syntax', file: shown(path), line: 3, column: 17 });
    expect(p?.message).toContain('its quote is never closed');
  });
});
