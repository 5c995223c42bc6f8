import type { z } from 'zod';
import { MeasurecheckError } from '../../../model/problem.ts';
import type { Problem } from '../../../model/problem.ts';
import type { DocumentKind } from '../../../model/problemCodes.ts';
import { parseSourceText, zodProblems } from '../../../model/sourceDocument.ts';
import { openTextStream } from '../../../model/textFile.ts';
import { errorMessage } from './report.ts';

/** One non-blank line of a JSON Lines file with its 1-based line number. */
export interface TextLine {
  readonly line: number;
  readonly text: string;
}

/**
 * Streams the non-blank lines of a text file (LF or CRLF, a leading BOM dropped). A file that
 * cannot be read, or bytes that are not UTF-8, reject with a `MeasurecheckError` even with
 * keepGoing: skipping them would silently read fewer lines than the file has.
 */
export async function* textLines(file: string): AsyncGenerator<TextLine> {
  const opened = openTextStream(file);
  if (!opened.ok) throw new MeasurecheckError(opened.problems);
  const stream = opened.value;
  let rest = '';
  let line = 0;
  try {
    // Each chunk ends on a whole character (openTextStream), so it decodes on its own.
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const parts = (rest + chunk.toString('utf8')).split('\n');
      rest = parts.pop() ?? '';
      for (const part of parts) {
        line += 1;
        const text = clean(part, line);
        if (text.trim() !== '') yield { line, text };
      }
    }
    if (rest !== '') {
      line += 1;
      const text = clean(rest, line);
      if (text.trim() !== '') yield { line, text };
    }
  } catch (e) {
    if (e instanceof MeasurecheckError) throw e;
    throw new MeasurecheckError([
      {
        code: 'deck/unreadable',
        message: `cannot read ${file}: ${errorMessage(e)}`,
        file,
        hint: 'check that the file exists and is readable',
      },
    ]);
  } finally {
    stream.destroy();
  }
}

function clean(text: string, line: number): string {
  const noCr = text.endsWith('\r') ? text.slice(0, -1) : text;
  return line === 1 && noCr.startsWith('\uFEFF') ? noCr.slice(1) : noCr;
}

/** Parses one line as JSON; a syntax error is a problem at its line and column. */
export function parseJsonLine(
  file: string,
  line: TextLine,
): { ok: true; value: unknown } | { ok: false; problem: Problem } {
  try {
    return { ok: true, value: JSON.parse(line.text) as unknown };
  } catch (e) {
    const message = errorMessage(e);
    const position = /position (\d+)/.exec(message)?.[1];
    return {
      ok: false,
      problem: {
        code: 'deck/invalid-json',
        message: `not valid JSON: ${message}`,
        file,
        line: line.line,
        column: position === undefined ? 1 : Number(position) + 1,
        hint: 'each line must hold one complete JSON object (JSON Lines); blank lines are ignored',
      },
    };
  }
}

/**
 * Validates one parsed line with `schema`. Each issue becomes a problem at the line and at the
 * column of the offending value, found by re-reading the line with positions (only on failure).
 */
export function validateJsonLine<S extends z.ZodType>(
  file: string,
  line: TextLine,
  value: unknown,
  schema: S,
  code: DocumentKind,
): { ok: true; value: z.infer<S> } | { ok: false; problems: Problem[] } {
  const parsed = schema.safeParse(value, { reportInput: true });
  if (parsed.success) return { ok: true, value: parsed.data };
  const doc = parseSourceText(file, line.text);
  const problems = zodProblems(parsed.error, doc.ok ? doc.value : undefined, code).map(
    (p): Problem => ({
      ...p,
      file,
      line: line.line,
      column: p.column ?? 1,
      hint: p.hint ?? 'see docs/contract.md for the fields of this record',
    }),
  );
  return { ok: false, problems };
}
