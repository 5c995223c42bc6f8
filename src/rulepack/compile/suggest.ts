/** A hint that proposes the closest known name (for misspellings), else lists the known names. */
export function suggest(name: string, known: readonly string[], what: string): string {
  const best = known
    .map((k) => ({ k, d: editDistance(name.toLowerCase(), k.toLowerCase()) }))
    .sort((a, b) => a.d - b.d)[0];
  if (best && best.d <= Math.max(2, Math.floor(name.length / 4)))
    return `did you mean "${best.k}"?`;
  return `${what}: ${known
    .slice(0, 12)
    .map((k) => `"${k}"`)
    .join(', ')}${known.length > 12 ? ', ...' : ''}`;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(
        (prev[j] ?? 0) + 1,
        (cur[j - 1] ?? 0) + 1,
        (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}
