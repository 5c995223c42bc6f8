import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Member } from './member.ts';
import { parseMemberText, readMemberFile } from './memberFile.ts';
import { fail, ok } from './problem.ts';
import type { Problem, Result } from './problem.ts';

/**
 * Reads a deck of member records: a JSON Lines file (one member record per line, blank lines
 * skipped) or a folder of member `.json` files in name order. Every bad record is a problem naming
 * its file and line.
 */
export function readMemberDeck(path: string): Result<Member[]> {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) {
    return fail([
      {
        code: 'deck/not-found',
        message: `no such file or folder: ${path}`,
        hint: 'pass a JSON Lines file of member records or a folder of member .json files',
      },
    ]);
  }
  const members: Member[] = [];
  const problems: Problem[] = [];
  if (stat.isDirectory()) {
    const files = readdirSync(path)
      .filter((f) => f.endsWith('.json'))
      .sort();
    for (const f of files) {
      const read = readMemberFile(join(path, f));
      if (read.ok) members.push(read.value);
      else problems.push(...read.problems);
    }
  } else {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      return fail([
        {
          code: 'deck/unreadable',
          message: `cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`,
          file: path,
        },
      ]);
    }
    text.split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      const parsed = parseMemberText(path, line);
      if (parsed.ok) members.push(parsed.value);
      // The record is one line: its problems are on this line of the deck.
      else problems.push(...parsed.problems.map((p) => ({ ...p, file: path, line: i + 1 })));
    });
  }
  if (problems.length > 0) return fail(problems);
  if (members.length === 0) {
    return fail([
      {
        code: 'deck/empty',
        message: `no member records in ${path}`,
        file: path,
        hint: 'a deck is a JSON Lines file with one member record per line, or a folder of member .json files',
      },
    ]);
  }
  return ok(members);
}
