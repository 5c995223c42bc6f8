import { measureFileRoots, walkSpec } from '../../clauseTree.ts';
import type { PackSource } from '../../load.ts';
import type { ClauseSpec } from '../../schema.ts';
import type { ValueSetUser } from '../types.ts';

/**
 * Who uses what in one pack: the measures that use each shared definition (directly or through
 * other definitions), and the clauses that name each value set. A change to something nobody
 * uses changes no outcome.
 */
export interface PackUsage {
  readonly definitionUsers: ReadonlyMap<string, ReadonlySet<string>>;
  readonly valueSetUsers: ReadonlyMap<string, readonly ValueSetUser[]>;
}

export function packUsage(pack: PackSource): PackUsage {
  return { definitionUsers: definitionUsers(pack), valueSetUsers: valueSetUsers(pack) };
}

/** The names a clause tree reads: definitions it references and clauses it anchors on. */
function namesUsed(root: ClauseSpec, into: Set<string>): void {
  walkSpec(root, [], (spec) => {
    if (spec.ref !== undefined) into.add(spec.ref);
    const after = spec.event?.onOrAfter?.clause ?? spec.reading?.onOrAfter?.clause;
    if (after !== undefined) into.add(after);
  });
}

function definitionUsers(pack: PackSource): Map<string, Set<string>> {
  const defRefs = new Map<string, Set<string>>();
  for (const { file } of pack.definitions) {
    for (const spec of file.definitions) {
      if (spec.id === undefined) continue;
      const refs = new Set<string>();
      namesUsed(spec, refs);
      defRefs.set(spec.id, refs);
    }
  }
  const out = new Map<string, Set<string>>();
  for (const { file } of pack.measures) {
    const direct = new Set<string>();
    for (const root of measureFileRoots(file)) namesUsed(root.spec, direct);
    const queue = [...direct];
    const seen = new Set<string>();
    while (queue.length > 0) {
      const name = queue.pop();
      if (name === undefined || seen.has(name)) continue;
      seen.add(name);
      const refs = defRefs.get(name);
      if (!refs) continue;
      let users = out.get(name);
      if (!users) out.set(name, (users = new Set()));
      users.add(file.id);
      queue.push(...refs);
    }
  }
  return out;
}

function valueSetUsers(pack: PackSource): Map<string, ValueSetUser[]> {
  const out = new Map<string, ValueSetUser[]>();
  const visit = (root: ClauseSpec, owner: Omit<ValueSetUser, 'clause'>) => {
    walkSpec(root, [], (spec) => {
      const names = [
        ...(spec.event?.valueSets ?? []),
        ...(spec.reading?.valueSets ?? []),
        ...(spec.reading?.claimResults ?? []).map((c) => c.valueSet),
        ...(spec.coverage?.valueSets ?? []),
      ];
      for (const name of names) {
        const user = { ...owner, ...(spec.id !== undefined ? { clause: spec.id } : {}) };
        out.set(name, mergeUsers(out.get(name) ?? [], [user]));
      }
    });
  };
  for (const { file } of pack.measures) {
    for (const root of measureFileRoots(file)) visit(root.spec, { in: 'measure', name: file.id });
  }
  for (const { file } of pack.definitions) {
    for (const spec of file.definitions) {
      visit(spec, { in: 'definition', ...(spec.id !== undefined ? { name: spec.id } : {}) });
    }
  }
  return out;
}

/** The users of both lists, each once. */
export function mergeUsers(a: readonly ValueSetUser[], b: readonly ValueSetUser[]): ValueSetUser[] {
  const out = new Map<string, ValueSetUser>();
  for (const user of [...a, ...b]) {
    const key = JSON.stringify([user.in, user.name ?? null, user.clause ?? null]);
    if (!out.has(key)) out.set(key, user);
  }
  return [...out.values()];
}
