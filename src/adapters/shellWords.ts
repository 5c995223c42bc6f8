import type { Result } from '../model/problem.ts';

/**
 * Splits a command line into words the way a POSIX shell would, without running a shell: words are
 * separated by blanks; `'single quotes'` keep everything literally; `"double quotes"` keep blanks and
 * honour `\"`, `\\`, `\$` and `` \` ``; a backslash outside quotes escapes the next character. There
 * is no expansion of variables, `~` or globs, and no pipes or redirections: the characters are
 * passed on as they are. Wrap the command in `sh -c '...'` to get those.
 *
 * @example
 * splitShellWords(`python3 "my impl.py" --year 2025`);
 * // { ok: true, value: ['python3', 'my impl.py', '--year', '2025'] }
 */
export function splitShellWords(command: string): Result<string[]> {
  const words: string[] = [];
  let word = '';
  // A word can be empty (`''`), so whether one is in progress is tracked apart from its text.
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < command.length; i++) {
    const ch = command.charAt(i);
    if (quote === "'") {
      if (ch === "'") quote = undefined;
      else word += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = undefined;
      else if (ch === '\\' && i + 1 < command.length && '"\\$`\n'.includes(command.charAt(i + 1))) {
        i++;
        if (command.charAt(i) !== '\n') word += command.charAt(i);
      } else word += ch;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === '\\') {
      if (i + 1 >= command.length) return problem(command, 'ends with a backslash');
      i++;
      // Backslash-newline continues the line, as in a shell.
      if (command.charAt(i) !== '\n') {
        word += command.charAt(i);
        inWord = true;
      }
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote) return problem(command, `has an unterminated ${quote} quote`);
  if (inWord) words.push(word);
  if (words.length === 0) return problem(command, 'is empty');
  return { ok: true, value: words };
}

function problem(command: string, what: string): Result<string[]> {
  return {
    ok: false,
    problems: [
      {
        code: 'command/invalid',
        message: `the command ${JSON.stringify(command)} ${what}`,
        hint: 'quote words that contain blanks, e.g. python3 "my impl.py"',
      },
    ],
  };
}
