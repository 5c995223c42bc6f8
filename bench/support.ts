/**
 * Shared helpers for the benchmarks under bench/: the shipped COL-E 2025 measure, the machine
 * facts printed with every result, repeated measurement with median/min/max, and plain tables.
 */
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { formatProblem } from '../src/model/problem.ts';
import { loadPack } from '../src/rulepack/compile.ts';
import type { CompiledMeasure, CompiledPack } from '../src/rulepack/compiled.ts';

/** Repository root, found from this file so the scripts run from any directory. */
export const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** The shipped 2025 pack and its COL-E measure. */
export function colE2025(): { pack: CompiledPack; measure: CompiledMeasure } {
  const loaded = loadPack(fileURLToPath(new URL('../rules/hedis/2025', import.meta.url)));
  if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'));
  const measure = loaded.value.measures.get('COL-E');
  if (!measure) throw new Error('rules/hedis/2025 has no COL-E');
  return { pack: loaded.value, measure };
}

/** One line per fact: CPU model, cores, memory, Node, OS, date. */
export function machineFacts(): string[] {
  const cpus = os.cpus();
  return [
    `cpu: ${cpus[0]?.model ?? 'unknown'}`,
    `cores: ${String(cpus.length)}`,
    `memory: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `node: ${process.version}`,
    `os: ${os.type()} ${os.release()} ${os.arch()}`,
    `date: ${new Date().toISOString()}`,
  ];
}

export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** Median (mean of the two middle values for an even count), min and max. */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error('nothing to summarize');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? (sorted[mid] ?? 0)
      : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return { median, min: sorted[0] ?? 0, max: sorted.at(-1) ?? 0 };
}

/** Milliseconds taken by `run` (awaited). */
export async function timeMs(run: () => unknown): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/** Renders a Markdown table with right-aligned columns except the first. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const cell = (text: string, i: number): string =>
    i === 0 ? text.padEnd(widths[i] ?? 0) : text.padStart(widths[i] ?? 0);
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => cell(c, i)).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (i === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** An integer with thousands separators, e.g. 12,345. */
export function int(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Progress on stderr, so stdout holds only the results. */
export function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}
