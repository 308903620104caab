import { REGIMES, type Regime } from '../../domain/regime.js';
import type { RegimeRun, RegimeSegment } from '../regime-report.js';
import { escapeHtml as h } from './escape.js';
import { fmtPct, fmtTime } from './format.js';
import { table } from './tables.js';

/** Band colours per regime ('none': warm-up or unconfirmed). */
export const REGIME_COLORS: Readonly<Record<Regime | 'none', string>> = {
  crisis: '#dc2626', volatile: '#f59e0b', trending: '#2563eb', 'mean-reverting': '#16a34a', none: '#d1d5db',
};
const KINDS: readonly (Regime | 'none')[] = [...REGIMES, 'none'];
/** The segment table lists at most this many rows per symbol (the --json report has them all). */
export const MAX_SEGMENT_ROWS = 200;

/**
 * The regime gate's part of the HTML report ('' when the gate was off): entries blocked and reduced, a band per
 * symbol (each segment as wide as its candles, titled with its times), candles per regime, and the segments.
 */
export function regimeSection(regime: RegimeRun | undefined): string {
  if (!regime) return '';
  const symbols = Object.keys(regime.timeline);
  const legend = KINDS.map((k) => `<span><i style="background:${REGIME_COLORS[k]}"></i>${h(k)}</span>`).join('');
  const bands = symbols.map((s) => {
    const cells = regime.timeline[s]!.map((g) => `<span style="flex:${g.candles};background:${REGIME_COLORS[g.regime]}" title="${h(`${g.regime}: ${fmtTime(g.from)} → ${fmtTime(g.to)}`)}"></span>`);
    return `<div class="chart-box"><h3>${h(s)}</h3><div class="regime-band" style="display:flex;height:18px;border-radius:3px;overflow:hidden">${cells.join('')}</div></div>`;
  }).join('\n');
  const shares = table<string>([
    { head: 'Pair', cell: (s) => s },
    ...KINDS.map((k) => ({ head: k, num: true, cell: (s: string) => share(regime.candles[s]!, k) })),
  ], symbols);
  const segments = symbols.map((s) => {
    const rows = regime.timeline[s]!;
    const more = rows.length > MAX_SEGMENT_ROWS ? `<p class="empty">${h(`${rows.length - MAX_SEGMENT_ROWS} more segments in the --json report.`)}</p>` : '';
    return `<h3>${h(`${s}: ${rows.length} segments`)}</h3>${table<RegimeSegment>([
      { head: 'From (close)', cell: (g) => fmtTime(g.from) }, { head: 'To (close)', cell: (g) => fmtTime(g.to) },
      { head: 'Regime', cell: (g) => g.regime }, { head: 'Candles', cell: (g) => String(g.candles), num: true },
    ], rows.slice(0, MAX_SEGMENT_ROWS))}${more}`;
  }).join('\n');
  return `<h2>Regime gate</h2>
<p>${h(`Entries blocked (REGIME_BLOCKED): ${regime.blockedEntries} · entries at a reduced stake: ${regime.reducedEntries}`)}</p>
<div class="legend">${legend}</div>
${bands}
${shares}
${segments}`;
}

function share(counts: Readonly<Record<Regime | 'none', number>>, kind: Regime | 'none'): string {
  const total = KINDS.reduce((n, k) => n + counts[k], 0);
  return total > 0 ? fmtPct((100 * counts[kind]) / total, 1) : '—';
}
