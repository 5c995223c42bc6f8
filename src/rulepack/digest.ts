import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import type { Problem, Result } from '../model/problem.ts';
import { compilePack } from './compile.ts';
import type { CompiledPack } from './compiled.ts';
import { loadPackSource } from './load.ts';
import { expandOidValueSets, readValueSetBundles } from './valueSetBundle.ts';
import type { PackSource } from './load.ts';
import { removeEntries } from './packYamlText.ts';

/**
 * Content digests of rule packs. A released version is immutable: `pack release` records in
 * pack.yaml a digest of the whole pack and a manifest of per-file hashes; `pack validate` fails
 * when the files no longer match, and names the files that changed.
 *
 * The recipe (so any tool can reproduce it):
 * 1. Every pack file (pack.yaml, definitions/*.yaml, measures/*.yaml, valuesets/*.csv and *.yaml,
 *    near-misses/*.csv) is read as
 *    UTF-8 text with a leading byte-order mark dropped and CRLF line ends turned into LF, so a
 *    checkout on Windows hashes the same as one on Linux.
 * 2. pack.yaml is hashed without its top-level `version`, `digest` and `files` entries (their
 *    lines are removed); every other file is hashed as it is. Each hash is `sha256:<hex>`.
 * 3. The digest is the SHA-256 of the text `measurecheck-pack-digest/1\nversion <version>\n`
 *    followed by one line `<hash> <path>\n` per file, sorted by path (`/` separators).
 * The version enters the digest directly, so a digest belongs to one version, and comparing the
 * digest with the manifest tells whether the version changed since release.
 */

export const DIGEST_FIELDS = ['version', 'digest', 'files'] as const;
const HEADER = 'measurecheck-pack-digest/1';

/** A pack file as text, normalized: no byte-order mark, LF line ends. */
export function normalizedText(bytes: Buffer | string): string {
  const text = typeof bytes === 'string' ? bytes : bytes.toString('utf8');
  return text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
}

/** `sha256:<hex>` of a text. */
export function sha256(text: string): string {
  return `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;
}

/** The part of pack.yaml that its manifest hash covers: everything but version, digest, files. */
export function packYamlContent(text: string): string {
  return removeEntries(normalizedText(text), DIGEST_FIELDS);
}

/** A pack-relative path with `/` separators, as the manifest and the digest name files. */
export function manifestPath(relativePath: string): string {
  return relativePath.split(sep).join('/');
}

/**
 * The hash of each pack file, by manifest path, sorted. `packYaml` overrides the text of
 * pack.yaml (for a release that has not been written yet).
 */
export function fileHashes(
  dir: string,
  files: readonly string[],
  packYaml?: string,
): ReadonlyMap<string, string> {
  const entries = files.map((file) => {
    const path = manifestPath(file);
    if (path === 'pack.yaml') {
      return [path, sha256(packYamlContent(packYaml ?? readFileSync(join(dir, file), 'utf8')))];
    }
    return [path, sha256(normalizedText(readFileSync(join(dir, file))))];
  });
  return new Map(entries.sort(([a], [b]) => compareText(a ?? '', b ?? '')) as [string, string][]);
}

/** The digest of a pack version with these file hashes. */
export function packDigest(version: string, hashes: ReadonlyMap<string, string>): string {
  const lines = [...hashes.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .map(([path, hash]) => `${hash} ${path}\n`);
  return sha256(`${HEADER}\nversion ${version}\n${lines.join('')}`);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** How one file differs from the manifest recorded at release. */
export interface FileChange {
  readonly file: string;
  readonly change: 'changed' | 'added' | 'removed';
}

/** Whether a pack is a draft, released and intact, or changed since its release. */
export type DigestStatus =
  | {
      readonly state: 'draft';
      readonly version: string;
      /** A `files` manifest without a digest: left over from an earlier release. */
      readonly staleManifest: boolean;
    }
  | { readonly state: 'released'; readonly version: string; readonly digest: string }
  | {
      readonly state: 'modified';
      readonly version: string;
      /** The digest recorded in pack.yaml. */
      readonly digest: string;
      /** The digest of the files as they are now. */
      readonly actual: string;
      /**
       * True when the version in pack.yaml is not the one the digest was recorded for (it was
       * bumped and not released yet); undefined when there is no manifest to tell.
       */
      readonly versionChanged: boolean | undefined;
      /** Files that differ from the manifest; empty when there is no manifest. */
      readonly changes: readonly FileChange[];
      readonly hasManifest: boolean;
    };

/**
 * Compares a pack's files with the digest and manifest in its pack.yaml.
 *
 * @example
 * const source = loadPackSource('rules/hedis/2025');
 * if (source.ok) checkDigest(source.value).state; // 'draft' | 'released' | 'modified'
 */
export function checkDigest(source: PackSource): DigestStatus {
  const { version, digest, files: manifest } = source.pack;
  if (digest === undefined)
    return { state: 'draft', version, staleManifest: manifest !== undefined };
  const hashes = fileHashes(source.dir, source.files);
  const actual = packDigest(version, hashes);
  if (actual === digest) return { state: 'released', version, digest };
  if (manifest === undefined) {
    return {
      state: 'modified',
      version,
      digest,
      actual,
      versionChanged: undefined,
      changes: [],
      hasManifest: false,
    };
  }
  const recorded = new Map(Object.entries(manifest));
  const changes: FileChange[] = [];
  for (const [file, hash] of hashes) {
    const before = recorded.get(file);
    if (before === undefined) changes.push({ file, change: 'added' });
    else if (before !== hash) changes.push({ file, change: 'changed' });
  }
  for (const file of recorded.keys()) {
    if (!hashes.has(file)) changes.push({ file, change: 'removed' });
  }
  changes.sort((a, b) => compareText(a.file, b.file));
  return {
    state: 'modified',
    version,
    digest,
    actual,
    versionChanged: packDigest(version, recorded) !== digest,
    changes,
    hasManifest: true,
  };
}

/** The next patch version: 1.2.3 -> 1.2.4. */
export function nextPatch(version: string): string {
  const [major = 0, minor = 0, patch = 0] = version.split('.').map(Number);
  return `${major}.${minor}.${patch + 1}`;
}

/** Compares semantic versions x.y.z numerically. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** `measures/col-e.yaml (changed), valuesets/new.csv (added)`. */
export function describeFileChanges(changes: readonly FileChange[]): string {
  return changes.map((c) => `${c.file} (${c.change})`).join(', ');
}

/**
 * The problems `pack validate` reports for a digest status: none for a draft or an intact
 * release; for a modified pack, which files changed and how to fix it.
 */
export function digestProblems(source: PackSource, status: DigestStatus, dir: string): Problem[] {
  if (status.state !== 'modified') return [];
  const at = { file: source.packDoc.file, ...source.packDoc.locate(['digest']) };
  const id = source.pack.id;
  const short = `${status.digest.slice(0, 19)}…`;
  if (status.versionChanged === true) {
    return [
      {
        code: 'pack/version-not-released',
        message: `${id} v${status.version} is not released: the digest in pack.yaml (${short}) belongs to the version released before it; ${
          status.changes.length > 0
            ? `changed since that release: ${describeFileChanges(status.changes)}`
            : 'only the version changed since that release'
        }`,
        ...at,
        hint: `record the digest of v${status.version} with \`measurecheck pack release ${dir}\``,
      },
    ];
  }
  const what = status.hasManifest
    ? `files changed since: ${describeFileChanges(status.changes)}`
    : 'its files no longer match it (pack.yaml has no files manifest to name them)';
  const next = nextPatch(status.version);
  return [
    {
      code: 'pack/changed-after-release',
      message: `${id} v${status.version} was released with digest ${short}, but ${what}`,
      ...at,
      hint: `a released version is immutable: undo the changes, or release them as a new version with \`measurecheck pack release ${dir} --version ${next}\` (and add a changelog entry for ${next})`,
    },
  ];
}

/**
 * What `pack validate` checks: the pack loads and compiles, and a released pack still matches
 * its digest. A draft (no digest) passes.
 *
 * @example
 * const r = validatePack('rules/hedis/2025');
 * if (r.ok) r.value.status.state; // 'draft' | 'released'
 */
export function validatePack(
  dir: string,
  options: { readonly valueSets?: string | readonly string[] | undefined } = {},
): Result<{ readonly pack: CompiledPack; readonly status: DigestStatus }> {
  const source = loadPackSource(dir);
  if (!source.ok) return source;
  // With a bundle, every value set by OID must resolve in it; without, they stay without codes.
  let valueSets = source.value.valueSets;
  let bundleFile: readonly string[] | undefined;
  if (options.valueSets !== undefined) {
    const bundle = readValueSetBundles(options.valueSets);
    if (!bundle.ok) return bundle;
    const expanded = expandOidValueSets(valueSets, bundle.value);
    if (!expanded.ok) return expanded;
    valueSets = expanded.value;
    bundleFile = bundle.value.paths;
  }
  const compiled = compilePack({ ...source.value, valueSets });
  if (!compiled.ok) return compiled;
  const status = checkDigest(source.value);
  const problems = digestProblems(source.value, status, dir);
  if (problems.length > 0) return { ok: false, problems };
  const pack: CompiledPack =
    bundleFile !== undefined ? { ...compiled.value, valueSetBundle: bundleFile } : compiled.value;
  return { ok: true, value: { pack, status } };
}
