import { walkSpec } from '../clauseTree.ts';
import type { ClauseSpec } from '../schema.ts';
import type { Located } from './located.ts';

/**
 * For each shared definition, every clause id an `onOrAfter` in it can name: in its own clauses,
 * in the definitions it uses (`ref`) and in the definitions such names may resolve to. A measure
 * that has a clause with one of these ids changes what the definition means.
 */
export function anchorNames(
  definitions: ReadonlyMap<string, Located>,
): Map<string, ReadonlySet<string>> {
  const direct = new Map<string, { names: string[]; refs: string[] }>();
  for (const [id, { spec, path }] of definitions) {
    const names: string[] = [];
    const refs: string[] = [];
    walkSpec(spec, path, (s) => {
      const anchor = anchorOf(s);
      if (anchor !== undefined) names.push(anchor);
      if (s.ref !== undefined) refs.push(s.ref);
    });
    direct.set(id, { names, refs });
  }
  const out = new Map<string, ReadonlySet<string>>();
  for (const id of definitions.keys()) {
    const names = new Set<string>();
    const visited = new Set<string>();
    const visit = (definition: string): void => {
      if (visited.has(definition)) return;
      visited.add(definition);
      const links = direct.get(definition);
      if (!links) return;
      for (const name of links.names) {
        names.add(name);
        visit(name); // a shared definition of that name is what the anchor is outside a measure
      }
      for (const ref of links.refs) visit(ref);
    };
    visit(id);
    out.set(id, names);
  }
  return out;
}

/** The clause id a written event or reading counts from (`onOrAfter`), if any. */
function anchorOf(spec: ClauseSpec): string | undefined {
  return (spec.event?.onOrAfter ?? spec.reading?.onOrAfter)?.clause;
}
