import { REGIMES, type Regime } from '../domain/regime.js';
import { fmtPct } from './html/format.js';
import type { RegimeRun } from './regime-report.js';
import { textTable } from './text-table.js';

const KINDS: readonly (Regime | 'none')[] = [...REGIMES, 'none'];

/** The terminal report's regime table: per pair its share of candles in each regime and its segments, then what the gate changed; '' when off. */
export function regimeTable(regime: RegimeRun | undefined): string {
  if (!regime) return '';
  const rows = Object.keys(regime.timeline).map((symbol) => {
    const counts = regime.candles[symbol]!;
    const total = KINDS.reduce((n, k) => n + counts[k], 0);
    return [symbol, ...KINDS.map((k) => (total > 0 ? fmtPct((100 * counts[k]) / total, 1) : '—')), String(regime.timeline[symbol]!.length)];
  });
  const table = textTable('REGIME GATE (share of candles)', [{ head: 'Pair' }, ...KINDS.map((k) => ({ head: k, right: true })), { head: 'Segments', right: true }], rows);
  return `${table}  entries blocked (REGIME_BLOCKED): ${regime.blockedEntries}; entries at a reduced stake: ${regime.reducedEntries}\n`;
}
