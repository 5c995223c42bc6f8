import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readMemberFile } from '../../src/model/memberFile.ts';
import { formatProblem } from '../../src/model/problem.ts';

// Bad member records are written to a temporary folder rather than fixtures/members/, which holds
// valid records only. Line numbers below refer to these texts.
const dir = mkdtempSync(join(tmpdir(), 'measurecheck-member-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, lines: readonly string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const BAD_DATE_AND_NO_CODES = [
  '{',
  '  "id": "M-BAD",',
  '  "birthDate": "1970-06-15",',
  '  "sex": "F",',
  '  "enrollments": [',
  '    {',
  '      "start": "2024-01-01",',
  '      "end": "2025-02-30",', // line 8: Feb 30 does not exist
  '      "productLine": "commercial",',
  '      "medical": true,',
  '      "pharmacy": true',
  '    }',
  '  ],',
  '  "claims": [',
  '    {', // line 15: this claim has no codes
  '      "id": "C1",',
  '      "date": "2025-03-02",',
  '      "setting": "outpatient"',
  '    }',
  '  ]',
  '}',
];

const UNKNOWN_FIELD = [
  '{',
  '  "id": "M-NICKNAME",',
  '  "birthDate": "1970-06-15",',
  '  "sex": "F",',
  '  "nickname": "Dot",', // line 5: not in the contract
  '  "enrollments": []',
  '}',
];

describe('readMemberFile', () => {
  it('reports a bad date and a claim without codes with file, line and JSON path', () => {
    const path = write('bad-date-and-no-codes.json', BAD_DATE_AND_NO_CODES);
    const result = readMemberFile(path);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      expect.objectContaining({
        code: 'member/invalid',
        file: path,
        line: 8,
        path: 'enrollments[0].end',
        message: expect.stringContaining('expected a calendar date YYYY-MM-DD') as unknown,
      }),
      expect.objectContaining({
        code: 'member/invalid',
        file: path,
        line: 15,
        path: 'claims[0].codes',
        message: expect.stringContaining('missing required field') as unknown,
      }),
    ]);
    expect(formatProblem(result.problems[1] ?? { code: 'internal', message: '' })).toMatch(
      /bad-date-and-no-codes\.json:15:\d+: missing required field: expected array \(at claims\[0\]\.codes\)$/,
    );
  });

  it('with strict, an unknown field is an error at its line', () => {
    const path = write('unknown-field.json', UNKNOWN_FIELD);
    const result = readMemberFile(path, { strict: true });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      expect.objectContaining({
        code: 'member/unknown-key',
        file: path,
        line: 5,
        path: 'nickname',
        message: 'unknown key "nickname"',
      }),
    ]);
  });

  it('without strict, an unknown field is dropped', () => {
    const path = write('unknown-field.json', UNKNOWN_FIELD);
    const result = readMemberFile(path);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).not.toHaveProperty('nickname');
    expect(result.value).toMatchObject({ id: 'M-NICKNAME', claims: [], statuses: [] });
  });
});

describe('readMemberFile on a file that cannot be read', () => {
  const VALID = '{"id":"M1","birthDate":"1960-05-01","sex":"F"}\n';
  const cases: readonly (readonly [string, string, (path: string) => void])[] = [
    [
      'a dangling symbolic link',
      'file/dangling-symlink',
      (p) => {
        symlinkSync('gone.json', p);
      },
    ],
    [
      'a symbolic link that loops',
      'file/symlink-loop',
      (p) => {
        symlinkSync(basename(p), p);
      },
    ],
    [
      'a folder',
      'file/is-a-directory',
      (p) => {
        mkdirSync(p);
      },
    ],
    ['missing', 'file/not-found', () => undefined],
  ];
  for (const [what, code, make] of cases) {
    it(`is a coded problem naming the file when it is ${what}`, () => {
      const path = join(dir, `${code.replace('/', '-')}.json`);
      make(path);
      const result = readMemberFile(path);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.problems).toHaveLength(1);
      expect(result.problems[0]).toMatchObject({ code, file: path });
    });
  }

  it('bytes that are not UTF-8 are a problem at their line and column', () => {
    const path = join(dir, 'latin1.json');
    writeFileSync(path, Buffer.from(VALID.replace('"F"', '"F\u00e9"'), 'latin1'));
    const result = readMemberFile(path);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems[0]).toMatchObject({
      code: 'file/not-utf8',
      file: path,
      line: 1,
      column: 45,
    });
  });
});
