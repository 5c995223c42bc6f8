import { describe, expect, it } from 'vitest';
import { REPO_ROOT, repoFile } from '../support/repoFiles.ts';
import {
  importCycles,
  importGraph,
  layerOf,
  layerViolations,
  readSources,
  relativeImports,
} from './importGraph.ts';
import type { LayerRules } from './importGraph.ts';

/**
 * The import structure of src/: no cycle anywhere, and dependencies pointing one way along
 * model <- rulepack <- engine <- generate <- harness <- report <- cli. Adapters (implementations,
 * decks) depend on model only and are used from the harness up. Nothing imports cli/, not even the
 * package entry src/index.ts.
 */
const STACK = ['model', 'rulepack', 'engine', 'generate', 'harness', 'report', 'cli'] as const;
const below = (layer: (typeof STACK)[number]): string[] => STACK.slice(0, STACK.indexOf(layer) + 1);

const RULES: LayerRules = {
  model: below('model'),
  rulepack: below('rulepack'),
  engine: below('engine'),
  generate: below('generate'),
  harness: [...below('harness'), 'adapters'],
  report: [...below('report'), 'adapters'],
  cli: [...below('cli'), 'adapters'],
  adapters: ['model', 'adapters'],
  entry: [...below('report'), 'adapters'],
};

const sources = readSources(REPO_ROOT, repoFile('src'));
const { graph, unresolved } = importGraph(sources);

describe('the import checker (on graphs it is given)', () => {
  const files = (entries: Record<string, string>) => new Map(Object.entries(entries));

  it('reads every kind of import, and leaves packages out', () => {
    const text = [
      "import a from './a.ts';",
      "import type { B } from '../b.ts';",
      "export { c } from './c/index.ts';",
      "export * from './d';",
      "const e = await import('./e.ts');",
      "import { z } from 'zod';",
      "import { readFileSync } from 'node:fs';",
    ].join('\n');
    expect(relativeImports(text)).toEqual(['./a.ts', '../b.ts', './c/index.ts', './d', './e.ts']);
  });

  it('finds each cycle as a path, a long one and one through a shared file', () => {
    const { graph: g } = importGraph(
      files({
        'src/a/x.ts': "import './y.ts';",
        'src/a/y.ts': "import './z.ts';",
        'src/a/z.ts': "import './x.ts';",
        'src/b/main.ts': "import './one.ts'; import './two.ts';",
        'src/b/one.ts': "import './main.ts';",
        'src/b/two.ts': "import './main.ts';",
        'src/b/self.ts': "import './self.ts';",
        'src/c/leaf.ts': "import '../a/x.ts';",
      }),
    );
    expect(importCycles(g)).toEqual([
      'src/a/x.ts -> src/a/y.ts -> src/a/z.ts -> src/a/x.ts',
      'src/b/main.ts -> src/b/one.ts -> src/b/main.ts',
      'src/b/main.ts -> src/b/two.ts -> src/b/main.ts',
      'src/b/self.ts -> src/b/self.ts',
    ]);
  });

  it('reports an import against the layers, and a relative import that names no file', () => {
    const { graph: g, unresolved: missing } = importGraph(
      files({
        'src/model/m.ts': "import '../engine/e.ts';",
        'src/engine/e.ts': "import '../model/m.ts'; import './gone.ts';",
        'src/adapters/a.ts': "import '../rulepack/r.ts';",
        'src/rulepack/r.ts': "import '../cli/main.ts';",
        'src/cli/main.ts': '',
        'src/index.ts': "import './cli/main.ts';",
      }),
    );
    expect(missing).toEqual(['src/engine/e.ts: ./gone.ts']);
    expect(layerViolations(g, RULES)).toEqual([
      'src/adapters/a.ts (adapters) imports src/rulepack/r.ts (rulepack)',
      'src/index.ts (entry) imports src/cli/main.ts (cli)',
      'src/model/m.ts (model) imports src/engine/e.ts (engine)',
      'src/rulepack/r.ts (rulepack) imports src/cli/main.ts (cli)',
    ]);
  });
});

describe('the import structure of src/', () => {
  it('reads the whole of src/, and every relative import names a file', () => {
    expect(sources.size).toBeGreaterThan(50);
    expect(graph.get('src/index.ts')?.length).toBeGreaterThan(10);
    expect(unresolved).toEqual([]);
  });

  it('every file is in a known layer', () => {
    const layers = new Set([...graph.keys()].map(layerOf));
    expect([...layers].filter((l) => !(l in RULES))).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it('imports point down the layers: model <- rulepack <- engine <- generate <- harness <- report <- cli; adapters -> model only; nothing imports cli/', () => {
    expect(layerViolations(graph, RULES)).toEqual([]);
  });
});
