import { measureFileRoots, walkSpec } from '../../clauseTree.ts';
import type { ClauseSpec, MeasureFile } from '../../schema.ts';

type Path = readonly PropertyKey[];

/** A clause where it stands in a measure or a definition; clauses are matched by `key`. */
export interface Site {
  /** Clause id, or `ref <name>` for a plain reference (made unique with `#n`). */
  readonly key: string;
  /** What the change names it: the id, or `ref <name>`. */
  readonly label: string;
  readonly spec: ClauseSpec;
  /** Key of the enclosing clause; undefined for a population's (or definition's) root. */
  readonly parent?: string;
  /** `initialPopulation`, `numerator`, `rate <id>`, `stratum <id>`; empty in a definition. */
  readonly population: string;
  readonly file: string;
  readonly path: Path;
}

/** Every clause of a measure with where it stands, keyed by id. */
export function measureSites(measure: MeasureFile, file: string): Map<string, Site> {
  const out = new Map<string, Site>();
  for (const root of measureFileRoots(measure))
    addSites(root.spec, root.label, root.path, file, out);
  return out;
}

/** Every clause of a shared definition with where it stands, keyed by id. */
export function definitionSites(spec: ClauseSpec, path: Path, file: string): Map<string, Site> {
  const out = new Map<string, Site>();
  addSites(spec, '', path, file, out);
  return out;
}

function addSites(
  root: ClauseSpec,
  population: string,
  rootPath: Path,
  file: string,
  out: Map<string, Site>,
): void {
  // The key each clause got; a clause's parent is visited (and keyed) just before its subtree.
  const keys = new Map<ClauseSpec, string>();
  walkSpec(root, rootPath, (spec, path, parentSpec) => {
    const label = spec.id ?? `ref ${spec.ref ?? '?'}`;
    let key = label;
    for (let n = 2; out.has(key); n++) key = `${label}#${n}`;
    keys.set(spec, key);
    const parent = parentSpec === undefined ? undefined : keys.get(parentSpec);
    out.set(key, {
      key,
      label,
      spec,
      population,
      file,
      path,
      ...(parent !== undefined ? { parent } : {}),
    });
  });
}
