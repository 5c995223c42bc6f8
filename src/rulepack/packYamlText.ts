import { isMap, isNode, isScalar, parseDocument, stringify } from 'yaml';

/**
 * Edits of the top-level entries of a YAML mapping (pack.yaml) that leave every other byte as it
 * was: comments, folded text, flow lists and quoting stay exactly as the author wrote them. The
 * yaml library's Document API locates the entries; the edit is made on the text itself, because
 * re-rendering the whole document would re-fold paragraphs and re-space lists.
 */

/** Where one top-level `key: value` entry stands in the text, as character offsets. */
export interface YamlEntry {
  readonly key: string;
  /** Start of the key's line. */
  readonly start: number;
  /** Just after the entry's last line (after its newline). */
  readonly end: number;
  /** The value's own text, without trailing comments; undefined when the value is empty. */
  readonly value?: { readonly start: number; readonly end: number };
}

/**
 * The top-level entries of a block mapping, in order, or a message saying why the text cannot be
 * edited entry by entry (not YAML, or not a block mapping).
 *
 * @example
 * topLevelEntries('id: hedis-2025\nyear: 2025\n') // [{ key: 'id', ... }, { key: 'year', ... }]
 */
export function topLevelEntries(text: string): readonly YamlEntry[] | string {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) return `not valid YAML: ${doc.errors[0]?.message ?? ''}`;
  const map = doc.contents;
  if (!isMap(map)) return 'expected a mapping of keys to values at the top level';
  const entries: YamlEntry[] = [];
  for (const pair of map.items) {
    if (!isScalar(pair.key)) return 'expected plain keys at the top level';
    const keyStart = pair.key.range[0];
    const start = lineStart(text, keyStart);
    if (start !== keyStart) return 'expected a block mapping (one key per line, at column 1)';
    const valueRange = isNode(pair.value) ? pair.value.range : undefined;
    const end = lineEnd(text, valueRange ? valueRange[2] : pair.key.range[2]);
    entries.push({
      key: String(pair.key.value),
      start,
      end,
      ...(valueRange ? { value: { start: valueRange[0], end: valueRange[1] } } : {}),
    });
  }
  return entries;
}

/** Offset of the first character of the line holding `offset`. */
function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Offset just after the newline that ends the line holding `offset - 1` (or the text's end). */
function lineEnd(text: string, offset: number): number {
  if (offset > 0 && text[offset - 1] === '\n') return offset;
  const nl = text.indexOf('\n', offset);
  return nl === -1 ? text.length : nl + 1;
}

/** Removes the named top-level entries (their lines); keys that are absent are ignored. */
export function removeEntries(text: string, keys: readonly string[]): string {
  let out = text;
  for (const key of keys) {
    const entry = findEntry(out, key);
    if (entry) out = out.slice(0, entry.start) + out.slice(entry.end);
  }
  return out;
}

/**
 * Replaces the value of top-level `key` with `rendered` (YAML text of a scalar), keeping the key,
 * any trailing comment and the rest of the file. When the key is absent, inserts `key: rendered`
 * after the entry `after` (or at the end).
 */
export function setScalar(text: string, key: string, rendered: string, after?: string): string {
  const entry = findEntry(text, key);
  if (entry?.value) {
    return text.slice(0, entry.value.start) + rendered + text.slice(entry.value.end);
  }
  if (entry) return replaceEntry(text, entry, `${key}: ${rendered}\n`);
  return insertAfter(text, `${key}: ${rendered}\n`, after);
}

/**
 * Writes top-level `key` with `value` rendered as block YAML: replaces the entry where it stands,
 * or inserts it after the entry `after` (or at the end).
 */
export function setEntry(text: string, key: string, value: unknown, after?: string): string {
  const block = stringify({ [key]: value }, { lineWidth: 0, minContentWidth: 0 });
  const entry = findEntry(text, key);
  return entry ? replaceEntry(text, entry, block) : insertAfter(text, block, after);
}

/** The source text of the value of top-level `key`, as written (quotes included). */
export function rawValue(text: string, key: string): string | undefined {
  const entry = findEntry(text, key);
  return entry?.value ? text.slice(entry.value.start, entry.value.end) : undefined;
}

function findEntry(text: string, key: string): YamlEntry | undefined {
  const entries = topLevelEntries(text);
  if (typeof entries === 'string') throw new Error(`cannot edit pack.yaml: ${entries}`);
  return entries.find((e) => e.key === key);
}

function replaceEntry(text: string, entry: YamlEntry, block: string): string {
  return text.slice(0, entry.start) + block + text.slice(entry.end);
}

function insertAfter(text: string, block: string, after: string | undefined): string {
  const anchor = after === undefined ? undefined : findEntry(text, after);
  if (anchor) return text.slice(0, anchor.end) + block + text.slice(anchor.end);
  const base = text.length === 0 || text.endsWith('\n') ? text : `${text}\n`;
  return base + block;
}
