export type DiffLine = { op: ' ' | '+' | '-'; text: string } | { op: '…'; count: number };

const MAX_CELLS = 4_000_000;

/**
 * A line diff by longest common subsequence, with unchanged runs beyond `context` lines folded into a count.
 * Texts too large for the quadratic table come back as one removal and one addition, which is still true.
 */
export function diffLines(before: string, after: string, context = 2): DiffLine[] {
  const a = before.split('\n');
  const b = after.split('\n');
  const full: { op: ' ' | '+' | '-'; text: string }[] = [];
  if (a.length * b.length > MAX_CELLS) {
    full.push(...a.map((text) => ({ op: '-' as const, text })), ...b.map((text) => ({ op: '+' as const, text })));
  } else {
    const width = b.length + 1;
    const table = new Uint32Array((a.length + 1) * width);
    for (let i = a.length - 1; i >= 0; i -= 1) {
      for (let j = b.length - 1; j >= 0; j -= 1) {
        table[i * width + j] =
          a[i] === b[j]
            ? (table[(i + 1) * width + j + 1] ?? 0) + 1
            : Math.max(table[(i + 1) * width + j] ?? 0, table[i * width + j + 1] ?? 0);
      }
    }
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      if (i < a.length && j < b.length && a[i] === b[j]) {
        full.push({ op: ' ', text: a[i] ?? '' });
        i += 1;
        j += 1;
      } else if (j < b.length && (i >= a.length || (table[i * width + j + 1] ?? 0) >= (table[(i + 1) * width + j] ?? 0))) {
        full.push({ op: '+', text: b[j] ?? '' });
        j += 1;
      } else {
        full.push({ op: '-', text: a[i] ?? '' });
        i += 1;
      }
    }
  }
  return fold(full, context);
}

function fold(lines: { op: ' ' | '+' | '-'; text: string }[], context: number): DiffLine[] {
  const isNearChange = (index: number) => {
    for (let k = Math.max(0, index - context); k <= Math.min(lines.length - 1, index + context); k += 1)
      if (lines[k]?.op !== ' ') return true;
    return false;
  };
  const result: DiffLine[] = [];
  let folded = 0;
  lines.forEach((line, index) => {
    if (line.op === ' ' && !isNearChange(index)) {
      folded += 1;
      return;
    }
    if (folded > 0) result.push({ op: '…', count: folded });
    folded = 0;
    result.push(line);
  });
  if (folded > 0) result.push({ op: '…', count: folded });
  return result;
}
