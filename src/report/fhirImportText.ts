import type { FhirImport, FhirNoteKind } from '../adapters/fhir/index.ts';
import { formatProblem } from '../model/problem.ts';
import type { Problem } from '../model/problem.ts';
import { n } from './compareText.ts';

/** Notes listed one by one in the text summary; `--json` lists all. */
export const NOTES_LISTED = 50;

/** What `import fhir` did, for `--json`. */
export interface FhirImportReport {
  readonly out: string;
  /** Whether the deck was written (no problems, or `--keep-going` with cases left). */
  readonly written: boolean;
  readonly files: number;
  readonly resources: number;
  readonly patients: number;
  readonly members: number;
  readonly expectedRows: number;
  readonly skipped: readonly string[];
  readonly problems: readonly Problem[];
  readonly notesByKind: Readonly<Partial<Record<FhirNoteKind, number>>>;
  readonly notes: FhirImport['notes'];
}

export function fhirImportReport(r: FhirImport, out: string, written: boolean): FhirImportReport {
  const notesByKind: Partial<Record<FhirNoteKind, number>> = {};
  for (const note of r.notes) notesByKind[note.kind] = (notesByKind[note.kind] ?? 0) + 1;
  return {
    out,
    written,
    files: r.files,
    resources: r.resources,
    patients: r.patients,
    members: written ? r.cases.length : 0,
    expectedRows: written ? r.cases.reduce((sum, c) => sum + c.expected.length, 0) : 0,
    skipped: r.skipped,
    problems: r.problems,
    notesByKind,
    notes: r.notes,
  };
}

/** A FHIR problem as `file: $.path: message`, then its hint; other problems as usual. */
export function formatFhirProblem(p: Problem): string {
  if (p.path === undefined || p.file === undefined) return formatProblem(p);
  const head = `${p.file}: ${p.path}: ${p.message}`;
  return p.hint ? `${head}\n  hint: ${p.hint}` : head;
}

/** The summary `import fhir` prints on stdout: what was read, what was written, the notes. */
export function formatFhirImportSummary(r: FhirImportReport): string {
  const lines: string[] = [];
  lines.push(
    `read ${count(r.files, 'file')}: ${count(r.resources, 'resource')}, ${count(r.patients, 'case')} (one per patient)`,
  );
  if (r.written) {
    lines.push(
      `wrote ${r.out}: ${count(r.members, 'member')}, ${count(r.expectedRows, 'expected row')}` +
        (r.skipped.length > 0 ? ` (${count(r.skipped.length, 'case')} skipped)` : ''),
    );
  } else lines.push(`nothing written to ${r.out}`);
  const kinds = Object.entries(r.notesByKind);
  if (kinds.length > 0) {
    lines.push(
      '',
      `notes: ${n(r.notes.length)} (${kinds.map(([k, c]) => `${k} ${n(c)}`).join(', ')})`,
    );
    for (const note of r.notes.slice(0, NOTES_LISTED)) {
      lines.push(`  ${note.file}: ${note.path}: ${note.message}`);
    }
    if (r.notes.length > NOTES_LISTED) {
      lines.push(`  ... ${n(r.notes.length - NOTES_LISTED)} more (--json lists every note)`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function count(x: number, noun: string): string {
  return `${n(x)} ${noun}${x === 1 ? '' : 's'}`;
}
