import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Problem, Result } from '../model/problem.ts';
import { compilePack } from './compile.ts';
import {
  checkDigest,
  compareVersions,
  describeFileChanges,
  fileHashes,
  nextPatch,
  packDigest,
  packYamlContent,
} from './digest.ts';
import type { DigestStatus } from './digest.ts';
import { loadPackSource } from './load.ts';
import { removeEntries, setEntry, setScalar, topLevelEntries } from './packYamlText.ts';

export const SEMVER = /^\d+\.\d+\.\d+$/;

export interface ReleaseOptions {
  /** The version to release as; default: the version in pack.yaml. */
  readonly version?: string;
}

export interface ReleaseResult {
  readonly dir: string;
  readonly id: string;
  readonly version: string;
  /** The version pack.yaml held before, when `--version` changed it. */
  readonly previousVersion?: string;
  readonly digest: string;
  /** The pack was already released with this version and these files: nothing was written. */
  readonly unchanged: boolean;
  readonly files: number;
  /** Things a reviewer should fix that do not stop the release (e.g. no changelog entry). */
  readonly warnings: readonly string[];
}

/**
 * Releases the pack in `dir`: checks it is valid, then writes into pack.yaml the version, the
 * content digest and the per-file manifest, changing nothing else in the file (comments and
 * formatting stay). A released version is immutable, so releasing changed files under the version
 * they were released as is refused: bump the version.
 *
 * @example
 * releasePack('rules/hedis/2026', { version: '1.0.0' });
 */
export function releasePack(dir: string, options: ReleaseOptions = {}): Result<ReleaseResult> {
  const loaded = loadPackSource(dir);
  if (!loaded.ok) return loaded;
  const source = loaded.value;
  const compiled = compilePack(source);
  if (!compiled.ok) return compiled;
  const packPath = join(dir, 'pack.yaml');
  const text = readFileSync(packPath, 'utf8');
  const entries = topLevelEntries(text);
  if (typeof entries === 'string') {
    return fail({
      code: 'pack/not-editable',
      message: `cannot write the digest into pack.yaml: ${entries}`,
      file: source.packDoc.file,
      hint: 'write pack.yaml as a block mapping, one key per line (as rules/hedis/2025/pack.yaml)',
    });
  }

  const current = source.pack.version;
  const target = options.version ?? current;
  if (!SEMVER.test(target)) {
    return fail({
      code: 'usage/bad-version',
      message: `"${target}" is not a semantic version`,
      hint: 'pass a version such as 1.0.1',
    });
  }
  const status = checkDigest(source);
  const refusal = refuse(source.pack.id, dir, status, target);
  if (refusal) return fail(refusal);

  const warnings: string[] = [];
  if (!source.pack.changelog.some((entry) => entry.version === target)) {
    warnings.push(
      `pack.yaml has no changelog entry for ${target}: add one that says what changed in this version`,
    );
  }
  if (status.state === 'released' && target === current) {
    return {
      ok: true,
      value: {
        dir,
        id: source.pack.id,
        version: current,
        digest: status.digest,
        unchanged: true,
        files: source.files.length,
        warnings,
      },
    };
  }

  // Version first, old digest and manifest out; then hash what will be written.
  let next = setScalar(text, 'version', target);
  next = removeEntries(next, ['digest', 'files']);
  const hashes = fileHashes(dir, source.files, next);
  const digest = packDigest(target, hashes);
  next = setEntry(next, 'digest', digest, 'version');
  next = setEntry(next, 'files', Object.fromEntries(hashes), 'digest');
  if (packYamlContent(next) !== packYamlContent(text)) {
    throw new Error('releasing changed pack.yaml beyond version, digest and files');
  }
  try {
    writeFileSync(packPath, next);
  } catch (e) {
    return fail({
      code: 'release/write-failed',
      message: `could not write ${source.packDoc.file}: ${e instanceof Error ? e.message : String(e)}`,
      hint: 'check that pack.yaml is writable',
    });
  }

  const check = loadPackSource(dir);
  if (!check.ok || checkDigest(check.value).state !== 'released') {
    throw new Error(`the digest written to ${packPath} does not verify`);
  }
  return {
    ok: true,
    value: {
      dir,
      id: source.pack.id,
      version: target,
      ...(target !== current ? { previousVersion: current } : {}),
      digest,
      unchanged: false,
      files: source.files.length,
      warnings,
    },
  };
}

/** Why this release must not happen, if it must not. */
function refuse(
  id: string,
  dir: string,
  status: DigestStatus,
  target: string,
): Problem | undefined {
  const released =
    status.state === 'released' || (status.state === 'modified' && status.versionChanged === false)
      ? status.version
      : undefined;
  if (released === undefined) return undefined;
  if (status.state === 'released' && target === released) return undefined;
  if (compareVersions(target, released) > 0) return undefined;
  const next = nextPatch(released);
  if (target === released && status.state === 'modified') {
    return {
      code: 'pack/version-not-bumped',
      message: `${id} v${released} is already released, and files changed since: ${describeFileChanges(status.changes)}`,
      hint: `a released version is immutable: release the changes as a new version with \`measurecheck pack release ${dir} --version ${next}\``,
    };
  }
  return {
    code: 'pack/version-not-newer',
    message: `version ${target} is not newer than the released version ${released} of ${id}`,
    hint: `pass a newer version, e.g. --version ${next}`,
  };
}

function fail<T>(problem: Problem): Result<T> {
  return { ok: false, problems: [problem] };
}
