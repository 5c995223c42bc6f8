import { memberSchema, strictMemberSchema } from './member.ts';
import type { Member } from './member.ts';
import type { Result } from './problem.ts';
import { parseSourceText, validateDocument } from './sourceDocument.ts';
import { readTextFile } from './textFile.ts';

/**
 * Reads a member record from a JSON file. Errors name the file, the line and the JSON path, and
 * say what was expected. With `strict`, unknown fields are errors; otherwise they are dropped.
 */
export function readMemberFile(path: string, options: { strict?: boolean } = {}): Result<Member> {
  const text = readTextFile(path, {
    hint: 'pass the path of a JSON member record, e.g. fixtures/members/<name>.json',
  });
  if (!text.ok) return text;
  return parseMemberText(path, text.value, options);
}

/** Parses and validates a member record given as JSON text. */
export function parseMemberText(
  file: string,
  text: string,
  options: { strict?: boolean } = {},
): Result<Member> {
  const doc = parseSourceText(file, text);
  if (!doc.ok) return doc;
  return validateDocument(doc.value, options.strict ? strictMemberSchema : memberSchema, 'member');
}
