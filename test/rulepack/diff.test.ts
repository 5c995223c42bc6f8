import { describe, expect, it } from 'vitest';
import { packChangeMessage } from '../../src/report/packChangeText.ts';
import { diffPacks } from '../../src/rulepack/diff/index.ts';
import type { ChangeLevel, PackChange, PackDiff } from '../../src/rulepack/diff/index.ts';
import {
  copyPack,
  editPackFile,
  fixturePack,
  readPackFile,
  scratchFolder,
} from '../support/tempPacks.ts';

const BCS_2024 = fixturePack('bcs-e-2024-ages-52-74');
const BCS_2025 = fixturePack('bcs-e-2025-ages-42-74-with-strata');
const COL_E = 'hedis-2025-col-e';
const scratch = scratchFolder('diff');

function diff(oldDir: string, newDir: string): PackDiff {
  const result = diffPacks(oldDir, newDir);
  if (!result.ok) throw new Error(result.problems.map((p) => p.message).join('\n'));
  return result.value;
}

const messages = (d: PackDiff, level: ChangeLevel) =>
  d.changes.filter((c) => c.level === level).map(packChangeMessage);

/** The COL-E fixture, and a copy of it changed by `edit`. */
function colEWith(name: string, edit: (dir: string) => void): { before: string; after: string } {
  const after = copyPack(COL_E, scratch, name);
  edit(after);
  return { before: fixturePack(COL_E), after };
}

describe('pack diff: BCS-E 2024 -> 2025 (fixtures that differ exactly as the shipped BCS-E does)', () => {
  const d = diff(BCS_2024, BCS_2025);

  it('reports the age range and the added strata as the only semantic changes', () => {
    expect(d.equal).toBe(false);
    expect(messages(d, 'semantic')).toEqual([
      'BCS-E initialPopulation age (bcs-e-age): 52-74 became 42-74',
      'BCS-E stratum 42-51 added (bcs-e-stratum-42-51): age 51 and younger',
      'BCS-E stratum 52-74 added (bcs-e-stratum-52-74): age 52 and older',
    ]);
  });

  it('keeps citations and wording apart as minor, and does not report windows that only moved with the year', () => {
    const minor = d.changes.filter((c) => c.level === 'minor');
    expect(new Set(minor.map((c) => c.kind))).toEqual(
      new Set(['description', 'source', 'assumption']),
    );
    expect(messages(d, 'minor')).toContain(
      'BCS-E initialPopulation source of bcs-e-female changed: https://ecqi.healthit.gov/ecqm/ec/2024/cms0125v12 became https://ecqi.healthit.gov/ecqm/ec/2025/cms0125v13',
    );
    // MY-2-10-01..MY-12-31 is the same rule in both years, though the dates differ.
    expect(d.changes.filter((c) => c.kind === 'window')).toEqual([]);
  });

  it('reports year, id, title and changelog as pack metadata only', () => {
    const metadata = d.changes.filter((c) => c.level === 'metadata');
    expect(metadata.map((c) => c.path)).toEqual(['id', 'year', 'changelog', 'title']);
    expect(messages(d, 'metadata')).toContain('pack year: 2024 became 2025');
  });

  it('gives machine-readable fields: kind, measure, clause, path, before and after', () => {
    const age = d.changes.find((c) => c.kind === 'age');
    expect(age).toMatchObject({
      kind: 'age',
      level: 'semantic',
      measure: 'BCS-E',
      clause: 'bcs-e-age',
      file: 'measures/bcs-e.yaml',
      path: 'initialPopulation.all[0]',
      before: { min: 52, max: 74, asOf: 'MY-12-31' },
      after: { min: 42, max: 74, asOf: 'MY-12-31' },
    } satisfies Partial<PackChange>);
  });

  it('reads the other way round as strata removed and the range narrowed back', () => {
    expect(messages(diff(BCS_2025, BCS_2024), 'semantic')).toEqual([
      'BCS-E initialPopulation age (bcs-e-age): 42-74 became 52-74',
      'BCS-E stratum 42-51 removed (bcs-e-stratum-42-51: age 51 and younger)',
      'BCS-E stratum 52-74 removed (bcs-e-stratum-52-74: age 52 and older)',
    ]);
  });
});

describe('pack diff: one change at a time on the COL-E fixture', () => {
  it('finds no change between a pack and itself', () => {
    const d = diff(fixturePack(COL_E), fixturePack(COL_E));
    expect(d).toMatchObject({ equal: true, changes: [] });
  });

  it('counts the codes added to and removed from a value set, and names the clauses that use it', () => {
    const { before, after } = colEWith('value-set', (dir) => {
      editPackFile(
        dir,
        'valuesets/col-e.csv',
        'Colonoscopy,CPT,45378,',
        'Colonoscopy,HCPCS,G9999,New code one\nColonoscopy,HCPCS,G9998,New code two\nColonoscopy,HCPCS,G9997,New code three\nRemoved,CPT,45378,',
      );
      // The removed row now belongs to an unused value set "Removed".
    });
    const d = diff(before, after);
    expect(messages(d, 'semantic')).toEqual([
      'value set Colonoscopy: 3 codes added (HCPCS G9997, HCPCS G9998, HCPCS G9999), 1 removed (CPT 45378); used by COL-E (col-e-colonoscopy)',
    ]);
    expect(d.changes.find((c) => c.kind === 'codes')).toMatchObject({
      valueSet: 'Colonoscopy',
      added: ['HCPCS G9997', 'HCPCS G9998', 'HCPCS G9999'],
      removed: ['CPT 45378'],
    });
    // A value set no clause uses changes no outcome: reported, but not counted.
    expect(messages(d, 'minor')).toEqual([
      'value set Removed added (1 code) (not used by any clause)',
    ]);
  });

  it('reports a moved window as expressions, with the dates they mean in the new year', () => {
    const { before, after } = colEWith('window', (dir) => {
      editPackFile(
        dir,
        'measures/col-e.yaml',
        'window: { from: MY-9-01-01, to: MY-12-31 }',
        'window: { from: MY-10-01-01, to: MY-12-31 }',
      );
    });
    expect(messages(diff(before, after), 'semantic')).toEqual([
      'COL-E numerator window of col-e-colonoscopy moved: MY-9-01-01..MY-12-31 became MY-10-01-01..MY-12-31 (in MY2025: 2016-01-01..2025-12-31 became 2015-01-01..2025-12-31)',
    ]);
  });

  it('does not report a date written differently with the same meaning', () => {
    const { before, after } = colEWith('same-date', (dir) => {
      editPackFile(
        dir,
        'measures/col-e.yaml',
        'age: { min: 46, max: 75, asOf: MY-12-31 }',
        'age: { min: 46, max: 75 }',
      );
    });
    expect(diff(before, after)).toMatchObject({ equal: true, changes: [] });
  });

  it('reports a widened product-line scope of a shared definition, with the measures that use it', () => {
    const { before, after } = colEWith('scope', (dir) => {
      editPackFile(
        dir,
        'definitions/exclusions.yaml',
        'productLines: [medicare]',
        'productLines: [medicaid, medicare]',
      );
    });
    const d = diff(before, after);
    expect(messages(d, 'semantic')).toEqual([
      'definition product-line scope of isnp-lti-66-plus widened: medicare only became medicaid, medicare only (used by COL-E)',
    ]);
    expect(d.changes[0]).toMatchObject({
      kind: 'scope',
      definition: 'isnp-lti-66-plus',
      before: ['medicare'],
      after: ['medicaid', 'medicare'],
    });
  });

  it('reports a measure narrowed to fewer product lines, and strata put in another order', () => {
    const { before, after } = colEWith('measure-scope', (dir) => {
      editPackFile(
        dir,
        'measures/col-e.yaml',
        'productLines: [commercial, medicaid, medicare]',
        'productLines: [commercial, medicare]',
      );
      const strata = readPackFile(dir, 'measures/col-e.yaml').split('\nstrata:\n');
      const [first = '', second = ''] = (strata[1] ?? '').split(/\n(?= {2}- id: 50-75)/);
      editPackFile(dir, 'measures/col-e.yaml', strata[1] ?? '', `${second}\n${first}\n`);
    });
    expect(messages(diff(before, after), 'semantic')).toEqual([
      'COL-E product lines narrowed: all product lines became commercial, medicare only',
      "COL-E strata order changed (the first stratum that holds names the member's): 46-49, 50-75 became 50-75, 46-49",
    ]);
  });

  it('reports a threshold inside a shared definition, and the measures it reaches through other definitions', () => {
    const { before, after } = colEWith('frailty', (dir) => {
      editPackFile(
        dir,
        'definitions/exclusions.yaml',
        '      minDistinctDates: 2\n\n  - id: advanced-illness',
        '      minDistinctDates: 1\n\n  - id: advanced-illness',
      );
    });
    expect(messages(diff(before, after), 'semantic')).toEqual([
      'definition distinct dates needed by frailty: at least 2 became at least 1 (used by COL-E)',
    ]);
  });

  it('reports a removed clause with its description and an added one with its summary, once each', () => {
    const { before, after } = colEWith('clauses', (dir) => {
      editPackFile(
        dir,
        'measures/col-e.yaml',
        `    - id: col-e-ct-colonography
      description: CT colonography in the measurement year or the 4 years before.
      event: { valueSets: [CT Colonography], window: { from: MY-4-01-01, to: MY-12-31 } }
`,
        `    - id: col-e-imaging
      any:
        - id: col-e-ct-colonography-3-years
          event: { valueSets: [CT Colonography], window: { from: MY-3-01-01, to: MY-12-31 } }
`,
      );
    });
    expect(messages(diff(before, after), 'semantic')).toEqual([
      'COL-E numerator clause col-e-imaging added to col-e-screening: any of: col-e-ct-colonography-3-years',
      'COL-E numerator clause col-e-ct-colonography removed from col-e-screening: CT Colonography in MY-4-01-01..MY-12-31 ("CT colonography in the measurement year or the 4 years before.")',
    ]);
  });

  it('reports a clause moved from one population to another', () => {
    const { before, after } = colEWith('moved', (dir) => {
      editPackFile(dir, 'measures/col-e.yaml', '    - ref: palliative-care\n', '');
      editPackFile(
        dir,
        'measures/col-e.yaml',
        '      ref: continuous-enrollment-my-and-prior\n',
        '      ref: continuous-enrollment-my-and-prior\n    - { id: col-e-no-palliative-care, not: { ref: palliative-care } }\n',
      );
    });
    expect(messages(diff(before, after), 'semantic')).toEqual([
      'COL-E initialPopulation clause col-e-no-palliative-care added to col-e-initial-population: not ref palliative-care',
      'COL-E clause ref palliative-care moved from denominatorExclusion (col-e-exclusions) to initialPopulation (col-e-no-palliative-care)',
    ]);
  });

  it('says which pack is invalid instead of diffing it', () => {
    const result = diffPacks(fixturePack(COL_E), fixturePack('no-such-pack'));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]?.code).toBe('pack/not-found');
  });
});
