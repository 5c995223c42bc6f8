import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, repoFile } from '../support/repoFiles.ts';

/**
 * A citation a user cannot follow is no citation: the packs, the code, the docs and the fixtures
 * users read must not point at files outside the repository, and every conflict a pack cites must
 * have its section in rules/hedis/SOURCES.md.
 */

/** Every file under `dir` (repository-relative, `/`-separated), skipping dependencies. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (abs: string): void => {
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const child = join(abs, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) out.push(relative(REPO_ROOT, child).split(sep).join('/'));
    }
  };
  walk(repoFile(dir));
  return out.sort();
}

/** Text files only: a gzipped fixture holds no citation a reader could follow. */
const isText = (file: string): boolean => !/\.(gz|png|jpe?g|ico)$/.test(file);

const READER_FILES = [
  ...['rules', 'src', 'docs', 'fixtures'].flatMap(filesUnder).filter(isText),
  'README.md',
];

const OUTSIDE = [/MEASURES\.md/, /\.\.\/shared\b/, /\/work\/shared\b/];

const SOURCES_FILE = 'rules/hedis/SOURCES.md';
/** `rules/hedis/SOURCES.md, conflict 3`, also when a folded YAML line breaks inside it. */
const CITATION = /SOURCES\.md,\s+conflict\s+(\d+)/g;
const HEADING = /^### Conflict (\d+): \S.*$/gm;

function sections(text: string): Map<number, string> {
  const headings = [...text.matchAll(HEADING)];
  const out = new Map<number, string>();
  headings.forEach((h, i) => {
    const end = headings[i + 1]?.index ?? text.length;
    out.set(Number(h[1]), text.slice(h.index, end));
  });
  return out;
}

function citationsIn(dir: string): { file: string; conflict: number }[] {
  return filesUnder(dir).flatMap((file) =>
    [...readFileSync(repoFile(file), 'utf8').matchAll(CITATION)].map((m) => ({
      file,
      conflict: Number(m[1]),
    })),
  );
}

describe('citations in the shipped packs point inside the repository', () => {
  it('no pack, source, doc or fixture file cites a file outside the repository', () => {
    expect(READER_FILES.length).toBeGreaterThan(50);
    const offending = READER_FILES.flatMap((file) => {
      const text = readFileSync(repoFile(file), 'utf8');
      return text
        .split('\n')
        .flatMap((line, i) =>
          OUTSIDE.some((pattern) => pattern.test(line)) ? [`${file}:${i + 1}: ${line.trim()}`] : [],
        );
    });
    expect(offending).toEqual([]);
  });

  it('rules/hedis/SOURCES.md is not a pack file: it sits outside every year folder', () => {
    expect(statSync(repoFile(SOURCES_FILE)).isFile()).toBe(true);
    expect(readdirSync(repoFile('rules/hedis')).filter((name) => /^\d{4}$/.test(name))).toEqual([
      '2024',
      '2025',
    ]);
  });

  it('says plainly the packs are HEDIS-style from public sources, not the licensed specification', () => {
    const text = readFileSync(repoFile(SOURCES_FILE), 'utf8');
    expect(text).toContain('HEDIS-style');
    expect(text).toMatch(/\*\*not\*\* the licensed NCQA HEDIS\s+specification/);
  });

  it('each conflict section names its public sources and the reading the packs take', () => {
    const found = sections(readFileSync(repoFile(SOURCES_FILE), 'utf8'));
    expect([...found.keys()]).toEqual([...Array(14).keys()].map((i) => i + 1));
    for (const [n, section] of found) {
      expect(section, `conflict ${n}`).toMatch(/<https?:\/\/[^>\s]+>/);
      expect(section, `conflict ${n}`).toContain('**Reading taken');
    }
  });

  it.each(['rules/hedis/2024', 'rules/hedis/2025', 'fixtures/packs'])(
    'every conflict %s cites has its section in rules/hedis/SOURCES.md',
    (dir) => {
      const cited = citationsIn(dir);
      expect(cited.length).toBeGreaterThan(0);
      const found = sections(readFileSync(repoFile(SOURCES_FILE), 'utf8'));
      const missing = cited.filter(({ conflict }) => !found.has(conflict));
      expect(missing).toEqual([]);
    },
  );
});
