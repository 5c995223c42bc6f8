// Value sets declared by OID (valuesets/*.yaml): read from a FHIR ValueSet Bundle at run time,
// covered by the digest, compared by OID in pack diff, and clear errors when the bundle is
// missing, wrong, or lacks an OID.
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeSystemFromFhirUri, fhirUriOfCodeSystem } from '../../src/model/fhirCodeSystems.ts';
import { CODE_SYSTEMS } from '../../src/model/member.ts';
import { exitCodeOf } from '../../src/model/problemCodes.ts';
import { formatProblem } from '../../src/model/problem.ts';
import type { Result } from '../../src/model/problem.ts';
import { packChangeMessage } from '../../src/report/packChangeText.ts';
import { loadPack } from '../../src/rulepack/compile.ts';
import { validatePack } from '../../src/rulepack/digest.ts';
import { diffPacks } from '../../src/rulepack/diff/index.ts';
import { releasePack } from '../../src/rulepack/release.ts';
import { valueSetHas } from '../../src/rulepack/valueSet.ts';
import { readValueSetBundle } from '../../src/rulepack/valueSetBundle.ts';
import { REPO_ROOT, repoFile } from '../support/repoFiles.ts';
import { copyPack, editPackFile, scratchFolder } from '../support/tempPacks.ts';

const PACK = repoFile('fixtures/packs/oid-valuesets');
const BUNDLE = repoFile('fixtures/valuesets/scr-valuesets-bundle.json');
const COLONOSCOPY = '2.16.840.1.113883.3.464.1003.108.12.1020';
const HOSPICE = '2.16.840.1.113883.3.464.1003.1003';
const scratch = scratchFolder('oid-valuesets');

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
  return result.value;
}

function problems<T>(result: Result<T>): { code: string; text: string }[] {
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.problems.map((p) => ({ code: p.code, text: formatProblem(p) }));
}

describe('FHIR code system URIs', () => {
  it('map both ways for every system FHIR names, and nothing else', () => {
    expect(codeSystemFromFhirUri('http://hl7.org/fhir/sid/icd-10-cm')).toBe('ICD10CM');
    expect(codeSystemFromFhirUri('http://www.cms.gov/Medicare/Coding/ICD10')).toBe('ICD10PCS');
    expect(codeSystemFromFhirUri('http://www.ama-assn.org/go/cpt')).toBe('CPT');
    expect(codeSystemFromFhirUri('https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets')).toBe(
      'HCPCS',
    );
    expect(codeSystemFromFhirUri('http://loinc.org')).toBe('LOINC');
    expect(codeSystemFromFhirUri('http://snomed.info/sct')).toBe('SNOMEDCT');
    expect(codeSystemFromFhirUri('http://www.nlm.nih.gov/research/umls/rxnorm')).toBe('RXNORM');
    expect(codeSystemFromFhirUri('http://hl7.org/fhir/sid/ndc')).toBe('NDC');
    expect(codeSystemFromFhirUri('http://example.org/local')).toBeUndefined();
    for (const system of CODE_SYSTEMS) {
      const uri = fhirUriOfCodeSystem(system);
      if (system === 'CPT-CAT-II') expect(uri).toBeUndefined();
      else expect(uri && codeSystemFromFhirUri(uri)).toBe(system);
    }
  });
});

describe('reading a ValueSet bundle', () => {
  it('matches by id, url tail and identifier; reads nested expansions and composes; skips other systems', () => {
    const bundle = value(readValueSetBundle(BUNDLE));
    expect(bundle.valueSets).toBe(3);
    const colonoscopy = bundle.byOid.get(COLONOSCOPY); // by url
    expect(colonoscopy?.codes.get('CPT')).toEqual(new Set(['45378']));
    expect(colonoscopy?.codes.get('SNOMEDCT')).toEqual(new Set(['73761001', '310634005']));
    expect(colonoscopy?.skipped).toEqual(new Map([['http://example.org/local-codes', 1]]));
    expect(bundle.byOid.get(HOSPICE)?.codes.get('SNOMEDCT')).toEqual(new Set(['183919006'])); // identifier, compose
    expect(bundle.byOid.has('2.16.840.1.113883.3.464.1003.101.12.1001')).toBe(true); // id
  });

  it('loads a pack with the bundle: its value sets by OID get their codes', () => {
    const pack = value(loadPack(PACK, { valueSets: BUNDLE }));
    const colonoscopy = pack.valueSets.get('Colonoscopy');
    expect(colonoscopy?.oid?.oid).toBe(COLONOSCOPY);
    expect(colonoscopy?.size).toBe(3);
    expect(colonoscopy && valueSetHas(colonoscopy, 'SNOMEDCT', '310634005')).toBe(true);
    expect(pack.valueSetBundle).toEqual([BUNDLE]);
  });

  it('a pack with value sets by OID and no bundle: exit 2 with a hint, unless unexpanded ones are allowed', () => {
    const [problem, ...rest] = problems(loadPack(PACK));
    expect(rest).toEqual([]);
    expect(problem?.code).toBe('pack/valuesets-required');
    expect(problem?.text).toContain('oids.yaml:3:');
    expect(problem?.text).toContain('hint: pass --valuesets <bundle.json>');
    expect(exitCodeOf(['pack/valuesets-required'])).toBe(2);
    const pack = value(loadPack(PACK, { unexpanded: 'allow' }));
    expect(pack.valueSets.get('Colonoscopy')?.size).toBe(0);
  });

  it('an OID the bundle lacks names the value set, its OID, the pack file and line, and the bundle', () => {
    const only = repoFile('fixtures/valuesets/colonoscopy-only-bundle.json');
    const found = problems(loadPack(PACK, { valueSets: only }));
    expect(found.map((p) => p.code)).toEqual(['valuesets/missing-oid']);
    const text = found[0]?.text ?? '';
    expect(text).toContain('fixtures/packs/oid-valuesets/valuesets/oids.yaml:6:');
    expect(text).toContain(`value set "Hospice Encounter" (OID ${HOSPICE})`);
    expect(text).toContain('fixtures/valuesets/colonoscopy-only-bundle.json');
    const invalid = problems(validatePack(PACK, { valueSets: only }));
    expect(invalid.map((p) => p.code)).toEqual(['valuesets/missing-oid']);
  });

  it('OIDs split across two bundles: the pack loads with both, and names the OID missing with one', () => {
    const colonoscopyOnly = repoFile('fixtures/valuesets/colonoscopy-only-bundle.json');
    const hospiceOnly = repoFile('fixtures/valuesets/hospice-only-bundle.json');
    const pack = value(loadPack(PACK, { valueSets: [colonoscopyOnly, hospiceOnly] }));
    const colonoscopy = pack.valueSets.get('Colonoscopy');
    const hospice = pack.valueSets.get('Hospice Encounter');
    expect(colonoscopy && valueSetHas(colonoscopy, 'CPT', '45378')).toBe(true);
    expect(hospice && valueSetHas(hospice, 'SNOMEDCT', '183919006')).toBe(true);
    expect(colonoscopy?.oid?.expandedFrom).toBe('fixtures/valuesets/colonoscopy-only-bundle.json');
    expect(hospice?.oid?.expandedFrom).toBe('fixtures/valuesets/hospice-only-bundle.json');
    expect(pack.valueSetBundle).toEqual([colonoscopyOnly, hospiceOnly]);
    value(validatePack(PACK, { valueSets: [hospiceOnly, colonoscopyOnly] }));

    const withHospiceOnly = problems(loadPack(PACK, { valueSets: [hospiceOnly] }));
    expect(withHospiceOnly.map((p) => p.code)).toEqual(['valuesets/missing-oid']);
    expect(withHospiceOnly[0]?.text).toContain(`value set "Colonoscopy" (OID ${COLONOSCOPY})`);
    expect(withHospiceOnly[0]?.text).toContain('fixtures/valuesets/hospice-only-bundle.json');
    const withColonoscopyOnly = problems(validatePack(PACK, { valueSets: [colonoscopyOnly] }));
    expect(withColonoscopyOnly.map((p) => p.code)).toEqual(['valuesets/missing-oid']);
    expect(withColonoscopyOnly[0]?.text).toContain(`(OID ${HOSPICE})`);
  });

  it('a file that is not a Bundle of ValueSets, or not JSON, is named', () => {
    const patient = problems(
      readValueSetBundle(repoFile('fixtures/valuesets/not-a-valueset-bundle.json')),
    );
    expect(patient.map((p) => p.code)).toEqual(['valuesets/not-a-bundle']);
    expect(patient[0]?.text).toContain('not-a-valueset-bundle.json');
    expect(patient[0]?.text).toContain('entry[0] is not a ValueSet but a Patient');
    const notJson = join(scratch, 'not-json.json');
    writeFileSync(notJson, 'value_set,code\n');
    const bad = problems(readValueSetBundle(notJson));
    expect(bad.map((p) => p.code)).toEqual(['valuesets/not-a-bundle']);
    expect(bad[0]?.text).toContain('not JSON');
    const missing = problems(readValueSetBundle(join(scratch, 'nowhere.json')));
    expect(missing.map((p) => p.code)).toEqual(['file/not-found']);
  });

  it('reads the published CMS130 bundle: the Colonoscopy OID resolves with CPT, HCPCS and SNOMED codes', () => {
    // Tests may read the shared conformance data; from a worktree it sits one folder further up.
    const candidates = ['..', '../..'].map((up) =>
      resolve(
        REPO_ROOT,
        up,
        'shared/conformance/ecqm-mp2025/ColonCancerScreeningFHIR/valuesets-bundle.json',
      ),
    );
    const file = candidates.find((c) => existsSync(c));
    expect(file, `one of ${candidates.join(', ')}`).toBeDefined();
    const bundle = value(readValueSetBundle(file ?? ''));
    const colonoscopy = bundle.byOid.get(COLONOSCOPY);
    expect(colonoscopy?.size).toBeGreaterThan(10);
    expect([...(colonoscopy?.codes.keys() ?? [])].sort()).toEqual(['CPT', 'HCPCS', 'SNOMEDCT']);
    expect(colonoscopy?.codes.get('CPT')?.has('45378')).toBe(true);
  });
});

describe('value sets by OID in pack validate, digest and diff', () => {
  it('validate says how many are by OID and works without a bundle', () => {
    const { pack } = value(validatePack(PACK));
    expect([...pack.valueSets.values()].filter((vs) => vs.oid !== undefined)).toHaveLength(2);
    expect(pack.valueSetBundle).toBeUndefined();
  });

  it('the digest covers valuesets/*.yaml: changing an OID after release is caught', () => {
    const dir = copyPack('oid-valuesets', scratch, 'released');
    value(releasePack(dir));
    expect(value(validatePack(dir)).status.state).toBe('released');
    editPackFile(dir, 'valuesets/oids.yaml', HOSPICE, '2.16.840.1.113883.3.464.1003.1108.12.1003');
    const found = problems(validatePack(dir));
    expect(found.map((p) => p.code)).toEqual(['pack/changed-after-release']);
    expect(found[0]?.text).toContain('valuesets/oids.yaml');
  });

  it('pack diff: an OID change is semantic and names the value set and its users', () => {
    const dir = copyPack('oid-valuesets', scratch, 'new-oid');
    editPackFile(dir, 'valuesets/oids.yaml', HOSPICE, '2.16.840.1.113883.3.464.1003.1108.12.1003');
    const diff = value(diffPacks(PACK, dir));
    expect(diff.equal).toBe(false);
    expect(diff.old.valueSetsByOid).toBe(2);
    expect(diff.changes.map((c) => [c.kind, c.level, packChangeMessage(c)])).toEqual([
      [
        'oid',
        'semantic',
        `value set Hospice Encounter: OID ${HOSPICE} became OID 2.16.840.1.113883.3.464.1003.1108.12.1003; used by SCR (scr-hospice)`,
      ],
    ]);
  });
});
