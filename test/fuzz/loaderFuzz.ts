/**
 * Fuzzing every loader of user files: each input is a valid file (from the repository's fixtures
 * and shipped packs, or a deck written from them) mutated by fast-check (bytes flipped, inserted or
 * deleted, the file cut short, lines repeated, re-encoded as Latin-1 or UTF-16, or replaced by
 * random bytes or random text), written to a real file and loaded. The only property: the loader
 * gives a Result or a coded problem (a MeasurecheckError), never another exception, never a hang.
 *
 * Shared by the test suite (test/fuzz/loaders.test.ts, a few hundred inputs per loader) and the
 * benchmark (bench/fuzz.ts, 100,000 inputs per loader).
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { createDeckWriter, openDeck, readResults } from '../../src/adapters/deck/index.ts';
import { createResultsWriter } from '../../src/adapters/deck/index.ts';
import { importFhir } from '../../src/adapters/fhir/index.ts';
import { evaluateMeasure } from '../../src/engine/evaluate.ts';
import type { Member } from '../../src/model/member.ts';
import { readMemberFile } from '../../src/model/memberFile.ts';
import type { Outcome } from '../../src/model/outcome.ts';
import { MeasurecheckError } from '../../src/model/problem.ts';
import type { Problem } from '../../src/model/problem.ts';
import { loadPack } from '../../src/rulepack/compile.ts';
import { loadPackSource } from '../../src/rulepack/load.ts';
import { repoFile } from '../support/repoFiles.ts';

/** One loader under fuzzing: valid seed files, and how to load a mutated one. */
export interface FuzzLoader {
  readonly name: string;
  /** Valid files to mutate (their bytes). */
  readonly seeds: readonly Buffer[];
  /** Writes `bytes` where the loader reads, and loads it; resolves to what the loader gave. */
  load(bytes: Uint8Array, keepGoing: boolean): Promise<unknown>;
}

export const LOADER_NAMES = [
  'pack YAML file',
  'value-set CSV',
  'member JSON',
  'member JSONL deck',
  'deck CSV tables',
  'results CSV',
  'results JSONL',
  'FHIR resource file',
] as const;
export type LoaderName = (typeof LOADER_NAMES)[number];

/** What one input did. */
export type FuzzVerdict =
  | { readonly kind: 'ok' }
  | { readonly kind: 'crash'; readonly error: string }
  | { readonly kind: 'hang' };

/** A problem code: `area/kebab-case` (or a bare `syntax`). */
const CODE = /^[a-z]+(?:\/[a-z0-9]+(?:-[a-z0-9]+)*)*$/;

/** Whether the problems are coded problems that name something. */
function coded(problems: readonly Problem[]): string | undefined {
  if (problems.length === 0) return 'a failure with no problem';
  for (const p of problems) {
    if (!CODE.test(p.code)) return `a problem without a proper code: ${JSON.stringify(p)}`;
    if (p.message === '') return `a problem without a message: ${JSON.stringify(p)}`;
  }
  return undefined;
}

/**
 * Runs one input: a Result (ok, or failed with coded problems) or a MeasurecheckError with coded
 * problems is fine; any other exception is a crash; not settling within `timeoutMs` is a hang.
 */
export async function runInput(
  loader: FuzzLoader,
  bytes: Uint8Array,
  keepGoing: boolean,
  timeoutMs: number,
): Promise<FuzzVerdict> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<'hang'>((resolve) => {
    timer = setTimeout(() => {
      resolve('hang');
    }, timeoutMs);
  });
  try {
    const got = await Promise.race([loader.load(bytes, keepGoing), hang]);
    if (got === 'hang') return { kind: 'hang' };
    if (isFailedResult(got)) {
      const bad = coded(got.problems);
      return bad === undefined ? { kind: 'ok' } : { kind: 'crash', error: bad };
    }
    return { kind: 'ok' };
  } catch (e) {
    if (e instanceof MeasurecheckError) {
      const bad = coded(e.problems);
      return bad === undefined ? { kind: 'ok' } : { kind: 'crash', error: bad };
    }
    return {
      kind: 'crash',
      error:
        e instanceof Error ? (e.stack ?? e.message).split('\n').slice(0, 4).join('\n') : String(e),
    };
  } finally {
    clearTimeout(timer);
  }
}

function isFailedResult(x: unknown): x is { ok: false; problems: readonly Problem[] } {
  return (
    typeof x === 'object' &&
    x !== null &&
    Reflect.get(x, 'ok') === false &&
    Array.isArray(Reflect.get(x, 'problems'))
  );
}

/** A mutation of a seed file, or a file made from nothing. */
export function fuzzInput(seeds: readonly Buffer[]): fc.Arbitrary<Uint8Array> {
  const seed = fc.constantFrom(...seeds);
  const at = fc.double({ min: 0, max: 1, noNaN: true });
  const mutated = fc.oneof(
    // Bytes flipped in place.
    fc
      .tuple(
        seed,
        fc.array(fc.tuple(at, fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
      )
      .map(([s, flips]) => {
        const out = Buffer.from(s);
        for (const [where, byte] of flips) {
          if (out.length > 0) out[Math.floor(where * (out.length - 1))] = byte;
        }
        return out;
      }),
    // Cut short.
    fc.tuple(seed, at).map(([s, where]) => s.subarray(0, Math.floor(where * s.length))),
    // Random bytes inserted.
    fc.tuple(seed, at, fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([s, where, bytes]) => {
      const i = Math.floor(where * s.length);
      return Buffer.concat([s.subarray(0, i), bytes, s.subarray(i)]);
    }),
    // A range deleted.
    fc.tuple(seed, at, at).map(([s, a, b]) => {
      const [i, j] = [Math.floor(Math.min(a, b) * s.length), Math.floor(Math.max(a, b) * s.length)];
      return Buffer.concat([s.subarray(0, i), s.subarray(j)]);
    }),
    // A line repeated, or two lines swapped.
    fc.tuple(seed, at, at, fc.boolean()).map(([s, a, b, swap]) => {
      const lines = s.toString('latin1').split('\n');
      const i = Math.floor(a * (lines.length - 1));
      const j = Math.floor(b * (lines.length - 1));
      const li = lines[i] ?? '';
      if (swap) {
        lines[i] = lines[j] ?? '';
        lines[j] = li;
      } else lines.splice(j, 0, li);
      return Buffer.from(lines.join('\n'), 'latin1');
    }),
    // Characters made non-ASCII, then the file saved in another encoding.
    fc
      .tuple(
        seed,
        fc.constantFrom('latin1', 'utf16le', 'utf16le-bom', 'utf16be-bom', 'utf8-bom'),
        at,
      )
      .map(([s, encoding, where]) => {
        const text = s.toString('utf8');
        const i = Math.floor(where * text.length);
        const accented = `${text.slice(0, i)}é€ü${text.slice(i)}`;
        switch (encoding) {
          case 'latin1':
            return Buffer.from(accented, 'latin1');
          case 'utf16le':
            return Buffer.from(accented, 'utf16le');
          case 'utf16le-bom':
            return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(accented, 'utf16le')]);
          case 'utf16be-bom': {
            const le = Buffer.from(accented, 'utf16le');
            return Buffer.concat([Buffer.from([0xfe, 0xff]), le.swap16()]);
          }
          default:
            return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(accented)]);
        }
      }),
  );
  return fc.oneof(
    { weight: 6, arbitrary: mutated },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }) },
    {
      weight: 1,
      arbitrary: fc.string({ unit: 'binary', maxLength: 300 }).map((s) => Buffer.from(s)),
    },
  );
}

/**
 * A member with every clinical record field (contract.md, "Clinical record fields"): a seed of the
 * member JSON and JSON Lines loaders (a CSV deck cannot carry it).
 */
const CLINICAL_MEMBER = {
  id: 'F900',
  birthDate: '1960-05-01',
  sex: 'F',
  claims: [
    {
      id: 'E1',
      date: '2025-03-02',
      endDate: '2025-03-05',
      setting: 'inpatient-acute',
      codes: [
        { system: 'SNOMEDCT', code: '183452005' },
        { system: 'SNOMEDCT', code: '428361000124107', role: 'discharge-disposition' },
      ],
      kind: 'encounter',
      status: 'finished',
      doNotPerform: false,
    },
  ],
  observations: [
    {
      id: 'O1',
      date: '2025-06-01',
      endDate: '2025-06-02',
      code: { system: 'LOINC', code: '71802-3' },
      valueCode: { system: 'SNOMEDCT', code: '160734000' },
      status: 'final',
      category: ['survey'],
    },
  ],
  conditions: [
    {
      id: 'D1',
      onset: '2019-04-10',
      abatement: '2025-02-01',
      codes: [{ system: 'ICD10CM', code: 'C18.9' }],
      clinicalStatus: 'resolved',
      verificationStatus: 'confirmed',
      category: ['problem-list-item'],
    },
  ],
  orders: [
    {
      id: 'R1',
      kind: 'medication',
      date: '2025-01-15',
      daysSupply: 90,
      codes: [{ system: 'RXNORM', code: '617312' }],
      status: 'active',
      intent: 'order',
      doNotPerform: true,
    },
  ],
};

/** The members the deck seeds are written from: the repository's member fixtures. */
function fixtureMembers(): Member[] {
  const dir = repoFile('fixtures/members');
  const members: Member[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('.json')) {
        const read = readMemberFile(join(d, e.name));
        if (read.ok) members.push(read.value);
      }
    }
  };
  walk(dir);
  // Ids must differ within a deck.
  return members.map((m, i) => ({ ...m, id: `F${String(i + 1).padStart(3, '0')}` }));
}

/** Every loader, set up in `dir` (a scratch folder the caller removes). */
export async function fuzzLoaders(dir: string): Promise<Record<LoaderName, FuzzLoader>> {
  const pack = loadPack(repoFile('fixtures/packs/hedis-2025-col-e'));
  if (!pack.ok) throw new Error('fixtures/packs/hedis-2025-col-e does not load');
  const measure = pack.value.measures.get('COL-E');
  if (!measure) throw new Error('no COL-E');
  const members = fixtureMembers().slice(0, 8);
  const outcomes = (m: Member): Outcome[] =>
    (['commercial', 'medicare'] as const).map(
      (productLine) =>
        evaluateMeasure(measure, { measure: 'COL-E', year: 2025, productLine }, m).outcome,
    );

  // Seed decks, written by the deck writer.
  const seedCsv = join(dir, 'seed-csv');
  const seedJsonl = join(dir, 'seed-jsonl');
  for (const [d, format] of [
    [seedCsv, 'csv'],
    [seedJsonl, 'jsonl'],
  ] as const) {
    const writer = createDeckWriter(d, format);
    for (const m of members) await writer.write(m, outcomes(m));
    await writer.close();
  }
  const seedResultsCsv = join(dir, 'seed-results.csv');
  const seedResultsJsonl = join(dir, 'seed-results.jsonl');
  for (const file of [seedResultsCsv, seedResultsJsonl]) {
    const writer = createResultsWriter(file);
    for (const m of members) for (const o of outcomes(m)) await writer.write(o);
    await writer.close();
  }

  // Packs: one measure file, or one value-set file, in an otherwise valid pack.
  const packSeed = repoFile('fixtures/packs/hedis-2025-col-e');
  // pack.yaml and the measure file alone: a measure that survives the mutation still compiles
  // (and fails on its references), without reading the rest of the pack each time.
  const yamlPack = join(dir, 'pack-yaml');
  mkdirSync(join(yamlPack, 'measures'), { recursive: true });
  cpSync(join(packSeed, 'pack.yaml'), join(yamlPack, 'pack.yaml'));
  const csvPack = join(dir, 'pack-csv');
  mkdirSync(join(csvPack, 'valuesets'), { recursive: true });
  cpSync(join(packSeed, 'pack.yaml'), join(csvPack, 'pack.yaml'));

  const readAll = async (iterable: AsyncIterable<unknown>) => {
    const rows = iterable[Symbol.asyncIterator]();
    let n = 0;
    while (!(await rows.next()).done) n += 1;
    return n;
  };
  const files = (d: string, ext: string) =>
    readdirSync(d)
      .filter((n) => n.endsWith(ext))
      .map((n) => readFileSync(join(d, n)));
  const memberFile = join(dir, 'member.json');
  const jsonlDeck = join(dir, 'members.jsonl');
  const csvDeck = join(dir, 'deck-csv');
  cpSync(seedCsv, csvDeck, { recursive: true });
  const csvTables = readdirSync(seedCsv).filter((n) => n.endsWith('.csv'));
  const resultsCsv = join(dir, 'results.csv');
  const resultsJsonl = join(dir, 'results.jsonl');
  const fhirCase = join(dir, 'fhir-case');
  cpSync(repoFile('fixtures/fhir/good/case-1'), fhirCase, { recursive: true });
  const fhirFile = join(fhirCase, 'Mutated.json');
  const fhirSeeds = [
    ...readdirSync(fhirCase).map((f) => join(fhirCase, f)),
    repoFile('fixtures/fhir/bundle/two-patients.json'),
  ];
  const skip = () => undefined;
  let lastTable: string | undefined;

  return {
    'pack YAML file': {
      name: 'pack YAML file',
      seeds: [
        ...files(join(packSeed, 'measures'), '.yaml'),
        ...files(join(packSeed, 'definitions'), '.yaml'),
        readFileSync(join(packSeed, 'pack.yaml')),
      ],
      load: (bytes) => {
        // The measure file is the one mutated; pack.yaml and the rest stay valid.
        writeFileSync(join(yamlPack, 'measures', 'col-e.yaml'), bytes);
        return Promise.resolve(loadPack(yamlPack));
      },
    },
    'value-set CSV': {
      name: 'value-set CSV',
      seeds: files(join(packSeed, 'valuesets'), '.csv'),
      load: (bytes) => {
        writeFileSync(join(csvPack, 'valuesets', 'v.csv'), bytes);
        return Promise.resolve(loadPackSource(csvPack));
      },
    },
    'member JSON': {
      name: 'member JSON',
      seeds: readFileSync(join(seedJsonl, 'members.jsonl'), 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => Buffer.from(JSON.stringify(JSON.parse(l), null, 2)))
        .concat(Buffer.from(JSON.stringify(CLINICAL_MEMBER, null, 2))),
      load: (bytes, strict) => {
        writeFileSync(memberFile, bytes);
        return Promise.resolve(readMemberFile(memberFile, { strict }));
      },
    },
    'member JSONL deck': {
      name: 'member JSONL deck',
      seeds: [
        readFileSync(join(seedJsonl, 'members.jsonl')),
        Buffer.from(`${JSON.stringify(CLINICAL_MEMBER)}\n`),
      ],
      load: (bytes, keepGoing) => {
        writeFileSync(jsonlDeck, bytes);
        return readAll(openDeck(jsonlDeck, { keepGoing, onSkip: skip }).members());
      },
    },
    'deck CSV tables': {
      name: 'deck CSV tables',
      // The seed is one table; which one is told by its header, so each goes back to its file.
      seeds: csvTables.map((n) => readFileSync(join(seedCsv, n))),
      load: (bytes, keepGoing) => {
        const header = Buffer.from(bytes).toString('latin1').split('\n')[0] ?? '';
        const table =
          csvTables.find((n) => readFileSync(join(seedCsv, n), 'latin1').startsWith(header)) ??
          csvTables[Math.floor(((bytes[0] ?? 0) / 256) * csvTables.length)] ??
          'members.csv';
        // Only the table the previous input mutated needs restoring.
        if (lastTable !== undefined) cpSync(join(seedCsv, lastTable), join(csvDeck, lastTable));
        lastTable = table;
        writeFileSync(join(csvDeck, table), bytes);
        return readAll(openDeck(csvDeck, { keepGoing, onSkip: skip }).members());
      },
    },
    'results CSV': {
      name: 'results CSV',
      seeds: [readFileSync(seedResultsCsv), readFileSync(join(seedCsv, 'expected.csv'))],
      load: (bytes, keepGoing) => {
        writeFileSync(resultsCsv, bytes);
        return readAll(readResults(resultsCsv, { keepGoing, onSkip: skip }));
      },
    },
    'results JSONL': {
      name: 'results JSONL',
      seeds: [readFileSync(seedResultsJsonl)],
      load: (bytes, keepGoing) => {
        writeFileSync(resultsJsonl, bytes);
        return readAll(readResults(resultsJsonl, { keepGoing, onSkip: skip }));
      },
    },
    'FHIR resource file': {
      name: 'FHIR resource file',
      // Every file of the FHIR fixtures; the mutated one is read in a copy of a good case folder,
      // so its references may resolve, break or clash with the others.
      seeds: fhirSeeds.map((f) => readFileSync(f)),
      load: (bytes) => {
        writeFileSync(fhirFile, bytes);
        const imported = importFhir([fhirCase], { measure: 'COL-E' });
        return Promise.resolve(
          imported.problems.length > 0 ? { ok: false, problems: imported.problems } : imported,
        );
      },
    },
  };
}

/** Removes a scratch folder. */
export function removeScratch(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
