/** A column of a plain-text table: its header and whether its cells are right-aligned (numbers). */
export interface TextColumn {
  readonly head: string;
  readonly right?: boolean;
}

/** Width the terminal output is laid out for; every table line fits in it unless a cell alone is wider. */
export const TERMINAL_WIDTH = 100;

/**
 * A titled plain-text table: header, a rule, the rows, and (when given) a rule and the total rows. Columns are two
 * spaces apart, as wide as their widest cell; numbers right-aligned; no trailing spaces.
 */
export function textTable(title: string, columns: readonly TextColumn[], rows: readonly (readonly string[])[], totals: readonly (readonly string[])[] = []): string {
  const all = [columns.map((c) => c.head), ...rows, ...totals];
  const widths = columns.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells
    .map((cell, i) => (columns[i]!.right ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
    .join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const out = [title, line(all[0]!), rule, ...rows.map(line)];
  if (totals.length) out.push(rule, ...totals.map(line));
  return `${out.join('\n')}\n`;
}

/** A two-column label/value table under a title (values left-aligned after the widest label). */
export function keyValueTable(title: string, pairs: readonly (readonly [string, string])[]): string {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return `${[title, ...pairs.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`.trimEnd())].join('\n')}\n`;
}

/** Lines framed as a banner (a row of `!` above and below, each line prefixed `!! `, wrapped lines indented), ≤ TERMINAL_WIDTH wide. */
export function banner(lines: readonly string[]): string {
  const wrapped = lines.flatMap((l) => wrap(l, TERMINAL_WIDTH - 5).map((part, i) => (i === 0 ? part : `  ${part}`)));
  const edge = '!'.repeat(Math.min(TERMINAL_WIDTH, Math.max(...wrapped.map((l) => l.length)) + 3));
  return `${[edge, ...wrapped.map((l) => `!! ${l}`), edge].join('\n')}\n`;
}

/** Splits text at spaces into lines of at most `width` characters (a longer word stays whole). */
export function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    if (current && current.length + 1 + word.length > width) { out.push(current); current = word; }
    else current = current ? `${current} ${word}` : word;
  }
  if (current) out.push(current);
  return out;
}
