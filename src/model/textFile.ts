import { isUtf8 } from 'node:buffer';
import {
  closeSync,
  createReadStream,
  fstatSync,
  lstatSync,
  openSync,
  readlinkSync,
  readSync,
  statSync,
} from 'node:fs';
import { Transform } from 'node:stream';
import type { Readable, TransformCallback } from 'node:stream';
import { MeasurecheckError } from './problem.ts';
import type { Problem, Result } from './problem.ts';
import type { ProblemCode } from './problemCodes.ts';

/**
 * The one checked way to read the files a user hands us (rule packs, value sets, member records,
 * deck tables, results files). Whatever is wrong with the path (missing, a dangling or looping
 * symbolic link, a folder, a device) or with its bytes (not UTF-8) is a coded problem naming the
 * file, and the line where there is one: never an exception, never "no rows".
 */

export interface TextFileOptions {
  /** The name used in problems (e.g. a path relative to the working folder); default `path`. */
  readonly display?: string;
  /** What to do about it, added to problems about the path itself. */
  readonly hint?: string;
}

const READ_HINT = 'pass the path of a readable file';

/**
 * Whether anything is at `path`, without following a final symbolic link: a dangling link is
 * there (and reading it is a problem), so an optional file is never silently taken as absent.
 */
export function entryExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Undefined when `path` is a regular file; otherwise the problem that says why it is not. */
export function fileProblem(path: string, options: TextFileOptions = {}): Problem | undefined {
  let isFile: boolean;
  let isDirectory: boolean;
  try {
    const stat = statSync(path);
    isFile = stat.isFile();
    isDirectory = stat.isDirectory();
  } catch (e) {
    return ioProblem(path, e, options);
  }
  if (isFile) return undefined;
  return isDirectory
    ? problem(path, options, 'file/is-a-directory', 'cannot read it: it is a folder, not a file')
    : problem(
        path,
        options,
        'file/not-a-file',
        'cannot read it: it is not a regular file (a device, pipe or socket)',
      );
}

/** Undefined when `path` is a folder; otherwise the problem that says why it is not. */
export function folderProblem(path: string, options: TextFileOptions = {}): Problem | undefined {
  try {
    if (statSync(path).isDirectory()) return undefined;
  } catch (e) {
    return ioProblem(path, e, options);
  }
  return problem(path, options, 'file/not-a-folder', 'it is a file where a folder is expected');
}

/**
 * Reads a whole text file: checked (see `fileProblem`), decoded as UTF-8 with a fatal decoder, a
 * leading byte-order mark dropped.
 */
export function readTextFile(path: string, options: TextFileOptions = {}): Result<string> {
  const notFile = fileProblem(path, options);
  if (notFile) return { ok: false, problems: [notFile] };
  let bytes: Buffer;
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    bytes = Buffer.alloc(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, bytes, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    bytes = bytes.subarray(0, read);
  } catch (e) {
    return { ok: false, problems: [ioProblem(path, e, options)] };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  if (!isUtf8(bytes)) {
    const at = firstInvalidUtf8(bytes);
    const shown = bytes.subarray(at, at + 4);
    return { ok: false, problems: [notUtf8(path, options, shown, at === 0, locate(bytes, at))] };
  }
  const text = bytes.toString('utf8');
  return { ok: true, value: text.startsWith('\uFEFF') ? text.slice(1) : text };
}

/**
 * Opens a file for streaming: checked now (see `fileProblem`), and its bytes checked as UTF-8 as
 * they stream. Every chunk the stream gives ends on a whole character, so each can be decoded on
 * its own. Bytes that are not UTF-8 (or a read error) make the stream fail with a
 * `MeasurecheckError` (exit code 2) whose problem names the file, the line and the column.
 */
export function openTextStream(path: string, options: TextFileOptions = {}): Result<Readable> {
  const notFile = fileProblem(path, options);
  if (notFile) return { ok: false, problems: [notFile] };
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    return { ok: false, problems: [ioProblem(path, e, options)] };
  }
  const source = createReadStream('', { fd });
  const checked = new Utf8Check(path, options);
  source.on('error', (e) => checked.destroy(new MeasurecheckError([ioProblem(path, e, options)])));
  checked.on('close', () => source.destroy());
  return { ok: true, value: source.pipe(checked) };
}

/** Passes bytes through, cut at character boundaries, and fails at the first byte that is not UTF-8. */
class Utf8Check extends Transform {
  private carry: Buffer = Buffer.alloc(0);
  /** Bytes passed on so far: the file offset of `carry`. */
  private offset = 0;

  constructor(
    private readonly path: string,
    private readonly options: TextFileOptions,
  ) {
    super();
  }

  override _transform(chunk: unknown, _encoding: BufferEncoding, done: TransformCallback): void {
    const fresh = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    const bytes = this.carry.length > 0 ? Buffer.concat([this.carry, fresh]) : fresh;
    const cut = wholeCharacters(bytes);
    const head = bytes.subarray(0, cut);
    if (!isUtf8(head)) {
      done(this.failure(this.offset + firstInvalidUtf8(head)));
      return;
    }
    this.carry = Buffer.from(bytes.subarray(cut));
    this.offset += cut;
    if (head.length > 0) this.push(head);
    done();
  }

  override _flush(done: TransformCallback): void {
    // A character cut short by the end of the file.
    if (this.carry.length > 0) done(this.failure(this.offset));
    else done();
  }

  private failure(offset: number): MeasurecheckError {
    const { bytes, position } = locateInFile(this.path, offset);
    return new MeasurecheckError([notUtf8(this.path, this.options, bytes, offset === 0, position)]);
  }
}

/** The length of the prefix of `bytes` that ends on a whole character (a cut multi-byte one is left). */
function wholeCharacters(bytes: Buffer): number {
  const end = bytes.length;
  for (let i = end - 1; i >= 0 && i >= end - 4; i--) {
    const b = bytes[i] ?? 0;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back for its lead
    const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return end - i < length ? i : end;
  }
  return end;
}

/**
 * The offset of the first byte of `bytes` that does not start a valid UTF-8 sequence (the
 * WHATWG decoder's rules: no overlong forms, no surrogates, nothing past U+10FFFF), or of a
 * sequence cut short by the end; `bytes.length` when all is valid.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i] ?? 0;
    if (b < 0x80) {
      i += 1;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined) return i;
      const min = k === 1 ? lo : 0x80;
      const max = k === 1 ? hi : 0xbf;
      if (c < min || c > max) return i;
    }
    i += need + 1;
  }
  return n;
}

interface Position {
  readonly line: number;
  readonly column: number;
}

/** 1-based line and column (in characters) of byte `offset` of `bytes`, which are valid before it. */
function locate(bytes: Buffer, offset: number): Position {
  const lineStart = offset === 0 ? 0 : bytes.lastIndexOf(0x0a, offset - 1) + 1;
  let line = 1;
  for (let i = bytes.indexOf(0x0a); i !== -1 && i < offset; i = bytes.indexOf(0x0a, i + 1))
    line += 1;
  const column = characters(bytes.subarray(lineStart, offset).toString('utf8')) + 1;
  return { line, column };
}

/**
 * Reads the file again up to `offset` to count its lines: only after a failure, so streaming a
 * valid file costs nothing for it. Returns the bytes from `offset` on (a few) for the message.
 */
function locateInFile(path: string, offset: number): { bytes: Buffer; position: Position } {
  let line = 1;
  let lineStart = 0;
  let fd: number | undefined;
  const tail = Buffer.alloc(4);
  let tailLength = 0;
  let lastLine = Buffer.alloc(0);
  try {
    fd = openSync(path, 'r');
    const chunk = Buffer.alloc(1 << 16);
    let position = 0;
    while (position < offset) {
      const n = readSync(fd, chunk, 0, Math.min(chunk.length, offset - position), position);
      if (n === 0) break;
      for (let i = chunk.indexOf(0x0a); i !== -1 && i < n; i = chunk.indexOf(0x0a, i + 1)) {
        line += 1;
        lineStart = position + i + 1;
      }
      position += n;
    }
    const prefixLength = Math.min(offset - lineStart, 1 << 20);
    lastLine = Buffer.alloc(prefixLength);
    readSync(fd, lastLine, 0, prefixLength, offset - prefixLength);
    tailLength = readSync(fd, tail, 0, 4, offset);
  } catch {
    // The file changed or went away: report the offset without a line.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  const column = characters(lastLine.toString('utf8')) + 1;
  return { bytes: tail.subarray(0, tailLength), position: { line, column } };
}

function notUtf8(
  path: string,
  options: TextFileOptions,
  /** The first bytes from the bad one on. */
  bytes: Buffer,
  atStart: boolean,
  position: Position,
): Problem {
  const shown = [...bytes]
    .map((b) => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`)
    .join(' ');
  const utf16 =
    atStart &&
    ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
  return {
    code: 'file/not-utf8',
    message: shown
      ? `not UTF-8 text: the bytes ${shown} here are not valid UTF-8`
      : 'not UTF-8 text: the file ends in the middle of a character',
    file: options.display ?? path,
    line: position.line,
    column: position.column,
    hint: utf16
      ? 'the file is UTF-16; save it as UTF-8'
      : 'save the file as UTF-8 (a byte such as 0xE9 alone usually means Latin-1 or Windows-1252)',
  };
}

function problem(
  path: string,
  options: TextFileOptions,
  code: ProblemCode,
  message: string,
): Problem {
  return { code, message, file: options.display ?? path, hint: options.hint ?? READ_HINT };
}

/** A coded problem for a failed stat, open or read of `path`. */
export function ioProblem(path: string, error: unknown, options: TextFileOptions = {}): Problem {
  if (error instanceof MeasurecheckError && error.problems[0]) return error.problems[0];
  const code = errorCode(error);
  switch (code) {
    case 'ENOENT': {
      const target = linkTarget(path);
      return target === undefined
        ? problem(path, options, 'file/not-found', 'cannot read it: there is no such file')
        : problem(
            path,
            options,
            'file/dangling-symlink',
            `cannot read it: it is a symbolic link to ${target}, which does not exist`,
          );
    }
    case 'ELOOP':
      return problem(
        path,
        options,
        'file/symlink-loop',
        'cannot read it: it is a symbolic link that loops (it leads back to itself)',
      );
    case 'ENOTDIR':
      return problem(
        path,
        options,
        'file/not-found',
        'cannot read it: a folder in its path is a file',
      );
    case 'EISDIR':
      return problem(path, options, 'file/is-a-directory', 'cannot read it: it is a folder');
    case 'EACCES':
    case 'EPERM':
      return problem(path, options, 'file/permission-denied', 'cannot read it: permission denied');
    default:
      return problem(
        path,
        options,
        'file/unreadable',
        `cannot read it: ${error instanceof Error ? error.message : String(error)}`,
      );
  }
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code: unknown = Reflect.get(error, 'code');
  return typeof code === 'string' ? code : undefined;
}

function linkTarget(path: string): string | undefined {
  try {
    return lstatSync(path).isSymbolicLink() ? readlinkSync(path) : undefined;
  } catch {
    return undefined;
  }
}

/** The number of characters (code points) of `text`, as an editor counts columns. */
function characters(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // The second half of a surrogate pair is not a character of its own.
    if (unit < 0xdc00 || unit > 0xdfff) n += 1;
  }
  return n;
}
