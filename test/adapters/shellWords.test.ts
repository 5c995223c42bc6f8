import { describe, expect, it } from 'vitest';
import { splitShellWords } from '../../src/adapters/shellWords.ts';

function words(command: string): string[] {
  const result = splitShellWords(command);
  if (!result.ok) throw new Error(result.problems.map((p) => p.message).join('\n'));
  return result.value;
}

describe('splitShellWords', () => {
  it('splits on blanks and keeps quoted blanks', () => {
    expect(words('  python3   impl.py --year 2025 ')).toEqual([
      'python3',
      'impl.py',
      '--year',
      '2025',
    ]);
    expect(words(`python3 "my impl.py" 'a b'`)).toEqual(['python3', 'my impl.py', 'a b']);
  });

  it('honours backslashes outside quotes and inside double quotes, not inside single quotes', () => {
    expect(words('run my\\ impl.py')).toEqual(['run', 'my impl.py']);
    expect(words(`say "a \\"quoted\\" word" 'it\\s'`)).toEqual(['say', 'a "quoted" word', 'it\\s']);
  });

  it('keeps empty quoted words and joins adjacent quoted parts', () => {
    expect(words(`cmd '' "x"y'z'`)).toEqual(['cmd', '', 'xyz']);
  });

  it('passes shell operators and variables through as plain text', () => {
    expect(words('impl $HOME | tee out')).toEqual(['impl', '$HOME', '|', 'tee', 'out']);
  });

  it('reports an unterminated quote and an empty command', () => {
    const unterminated = splitShellWords(`python3 'impl.py`);
    expect(unterminated.ok).toBe(false);
    if (!unterminated.ok)
      expect(unterminated.problems[0]?.message).toContain("unterminated ' quote");
    expect(splitShellWords('   ').ok).toBe(false);
  });
});
