import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import ts from 'typescript';

/**
 * The import graph of a source folder, read with the TypeScript compiler's pre-processor (every
 * `import`, `import type`, `export ... from` and dynamic `import()`), and the two questions the
 * architecture test asks of it: which cycles it has, and which imports cross the layers the wrong
 * way. Kept apart from the test so the test can also run it on small graphs it makes up.
 */

/** File (relative to the root, `/`-separated) -> the files it imports, in source order. */
export type ImportGraph = ReadonlyMap<string, readonly string[]>;

export interface ReadGraph {
  readonly graph: ImportGraph;
  /** `file: specifier` for each relative import that names no file. */
  readonly unresolved: readonly string[];
}

/** The relative imports of one file's text (packages and `node:` modules are left out). */
export function relativeImports(text: string): string[] {
  return ts
    .preProcessFile(text, true, true)
    .importedFiles.map((f) => f.fileName)
    .filter((name) => name.startsWith('./') || name.startsWith('../'));
}

/**
 * The graph of `files` (path relative to the root -> text): a relative specifier resolves to the
 * file it names, or with `.ts` or `/index.ts` added.
 */
export function importGraph(files: ReadonlyMap<string, string>): ReadGraph {
  const graph = new Map<string, string[]>();
  const unresolved: string[] = [];
  for (const [file, text] of files) {
    const targets: string[] = [];
    for (const specifier of relativeImports(text)) {
      const base = posix.normalize(posix.join(posix.dirname(file), specifier));
      const target = [base, `${base}.ts`, `${base}/index.ts`].find((c) => files.has(c));
      if (target === undefined) unresolved.push(`${file}: ${specifier}`);
      else if (!targets.includes(target)) targets.push(target);
    }
    graph.set(file, targets);
  }
  return { graph, unresolved };
}

/** Every `.ts` file under `dir`, relative to `root` with `/` separators, with its text. */
export function readSources(root: string, dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const visit = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.isFile() && entry.name.endsWith('.ts'))
        files.set(relative(root, path).split(sep).join('/'), readFileSync(path, 'utf8'));
    }
  };
  visit(dir);
  return files;
}

/** Strongly connected components with more than one file, or a file that imports itself. */
function tangles(graph: ImportGraph): string[][] {
  // Tarjan's algorithm.
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) connect(v);
  return out;
}

/** The shortest cycle through `start` inside `within`, as a path that ends where it starts. */
function shortestCycle(graph: ImportGraph, start: string, within: ReadonlySet<string>): string[] {
  const previous = new Map<string, string>();
  let frontier = [start];
  while (frontier.length > 0) {
    const following: string[] = [];
    for (const v of frontier) {
      for (const w of graph.get(v) ?? []) {
        if (!within.has(w)) continue;
        if (w === start) {
          // Walk back from the last file before `start` to the first one after it.
          const back: string[] = [];
          let at: string | undefined = v;
          while (at !== undefined && at !== start) {
            back.push(at);
            at = previous.get(at);
          }
          return [start, ...back.reverse(), start];
        }
        if (!previous.has(w) && w !== start) {
          previous.set(w, v);
          following.push(w);
        }
      }
    }
    frontier = following;
  }
  return [];
}

/**
 * The import cycles of `graph`, each as a path `a -> b -> a`: for every file on a cycle, the
 * shortest cycle through it, each cycle listed once (starting at its first file in sort order).
 */
export function importCycles(graph: ImportGraph): string[] {
  const cycles = new Set<string>();
  for (const component of tangles(graph)) {
    const within = new Set(component);
    for (const file of component) {
      const cycle = shortestCycle(graph, file, within).slice(0, -1);
      if (cycle.length === 0) continue;
      const first = cycle.indexOf([...cycle].sort()[0] ?? file);
      const rotated = [...cycle.slice(first), ...cycle.slice(0, first)];
      cycles.add([...rotated, rotated[0]].join(' -> '));
    }
  }
  return [...cycles].sort();
}

/**
 * Which layers each layer may import (its own included). The package entry (`src/index.ts`) may
 * import every layer but `cli`.
 */
export type LayerRules = Readonly<Record<string, readonly string[]>>;

/** The layer of a file: the first folder under the root folder, or `entry` for a file beside them. */
export function layerOf(file: string): string {
  const parts = file.split('/');
  return parts.length > 2 ? (parts[1] ?? '') : 'entry';
}

/** `from (layer) imports to (layer)` for each import the rules do not allow, sorted. */
export function layerViolations(graph: ImportGraph, rules: LayerRules): string[] {
  const out: string[] = [];
  for (const [from, targets] of graph) {
    const fromLayer = layerOf(from);
    const allowed = rules[fromLayer];
    for (const to of targets) {
      const toLayer = layerOf(to);
      if (allowed?.includes(toLayer) !== true)
        out.push(
          allowed === undefined
            ? `${from} is in no known layer (${fromLayer})`
            : `${from} (${fromLayer}) imports ${to} (${toLayer})`,
        );
    }
  }
  return [...new Set(out)].sort();
}
