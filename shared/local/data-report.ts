/** Text of the data tools' reports: times to the minute (UTC) and gap lists, shared by download-data and list-data. */
import type { CandleGap } from '../domain/candle-gaps.js';
import { summarizeGaps } from '../domain/candle-gaps.js';

/** Epoch ms as `2021-05-18T02:00Z` (seconds shown only when not zero). */
export function isoMinute(t: number): string {
  return new Date(t).toISOString().replace('.000Z', 'Z').replace(/:00Z$/, 'Z');
}

/** A gap as `2021-04-20T02:00Z..2021-04-20T04:29Z (150)`: first and last missing open time, count. */
export function gapText(g: CandleGap): string {
  return `${isoMinute(g.from)}..${isoMinute(g.to)} (${g.missing})`;
}

/** `none`, or `3 (1572 missing, largest 2021-05-14T20:27Z..2021-05-15T15:24Z (1138))`. */
export function gapsSummaryText(gaps: readonly CandleGap[]): string {
  const s = summarizeGaps(gaps);
  return s.largest ? `${s.count} (${s.missing} missing, largest ${gapText(s.largest)})` : 'none';
}

/** One line per gap (at most `max`, then how many more), indented by `indent`. */
export function gapLines(gaps: readonly CandleGap[], indent = '  ', max = 20): string[] {
  const lines = gaps.slice(0, max).map((g) => `${indent}${gapText(g)}`);
  if (gaps.length > max) lines.push(`${indent}… ${gaps.length - max} more`);
  return lines;
}

/** Left-aligned columns two spaces apart; the first row is the header. */
export function textTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n') + '\n';
}
