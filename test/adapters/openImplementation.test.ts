import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Implementation } from '../../src/adapters/implementation.ts';
import { openImplementation } from '../../src/adapters/openImplementation.ts';
import { ROOT, caseOf, fates, screenedAt50 } from './members.ts';

const opened: Implementation[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((impl) => impl.close()));
});

async function open(spec: string): Promise<Implementation> {
  const impl = await openImplementation(spec, { cwd: ROOT });
  opened.push(impl);
  return impl;
}

describe('openImplementation', () => {
  it('loads a path to a TypeScript file as a module, in a Node process of its own', async () => {
    const impl = await open('fixtures/implementations/col-e-correct.ts');
    const [pid] = 'pids' in impl && Array.isArray(impl.pids) ? (impl.pids as number[]) : [];
    expect(pid).toBeDefined();
    expect(pid).not.toBe(process.pid);
    // The module is loaded by the module host, not started as a command (a .ts file is not executable).
    if (process.platform === 'linux') {
      expect(readFileSync(`/proc/${String(pid)}/cmdline`, 'utf8')).toContain('moduleHost.ts');
    }
    expect(fates(await impl.evaluate([caseOf(screenedAt50)]))).toEqual({
      'case-M-SCREENED-50': 'ok',
    });
  });

  it('starts anything else as a process', async () => {
    const impl = await open('python3 fixtures/implementations/col-e-correct.py');
    expect(impl.label).toBe('python3 fixtures/implementations/col-e-correct.py');
    expect('pids' in impl).toBe(true);
    expect(fates(await impl.evaluate([caseOf(screenedAt50)]))).toEqual({
      'case-M-SCREENED-50': 'ok',
    });
  });
});
