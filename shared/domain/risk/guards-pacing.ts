import type { OrderLogEntry } from '../ledger.js';
import type { RiskGuard } from './guard.js';

// Pacing reads the approved-order log (ledger.orderLog; this intent's own entry left out) and applies to
// entries and pyramiding adds only: exits reduce risk and are never held back. Windows are trailing:
// an order counts while now − at < window.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const within = (log: readonly OrderLogEntry[], now: number, ms: number) => log.filter((e) => now - e.at < ms);
/** Time of the newest matching order (the log is in write order, which concurrent writers may interleave). */
const newestAt = (log: readonly OrderLogEntry[], match: (e: OrderLogEntry) => boolean = () => true) =>
  log.reduce<number | undefined>((t, e) => (match(e) && (t === undefined || e.at > t) ? e.at : t), undefined);

/**
 * Entries that opened a position on their symbol: an entry on a symbol with no earlier entry since its
 * last exit in the log. (An entry that never filled still counts, so the guard errs on the strict side.)
 */
export function newPositionEntries(log: readonly OrderLogEntry[]): OrderLogEntry[] {
  const open = new Set<string>();
  const out: OrderLogEntry[] = [];
  for (const e of log) {
    if (e.side === 'sell') open.delete(e.symbol);
    else if (!open.has(e.symbol)) { open.add(e.symbol); out.push(e); }
  }
  return out;
}

/** Orders approved in the trailing 24 h at or above pacing.maxTradesPerDay → no entry. */
export const tradesPerDayGuard: RiskGuard = {
  name: 'tradesPerDay', code: 'MAX_TRADES_PER_DAY', scope: 'entry',
  check: function tradesPerDay(ctx, a) {
    const n = within(a.orderLog, ctx.now, DAY).length;
    return n < ctx.policy.pacing.maxTradesPerDay ? undefined : `${n} orders in the last 24 h: maxTradesPerDay ${ctx.policy.pacing.maxTradesPerDay}`;
  },
};

/** Orders approved in the trailing hour at or above pacing.maxTradesPerHour → no entry. */
export const tradesPerHourGuard: RiskGuard = {
  name: 'tradesPerHour', code: 'MAX_TRADES_PER_HOUR', scope: 'entry',
  check: function tradesPerHour(ctx, a) {
    const n = within(a.orderLog, ctx.now, HOUR).length;
    return n < ctx.policy.pacing.maxTradesPerHour ? undefined : `${n} orders in the last hour: maxTradesPerHour ${ctx.policy.pacing.maxTradesPerHour}`;
  },
};

/** An entry that would open a position, with maxNewPositionsPerHour positions already opened in the trailing hour. */
export const newPositionsPerHourGuard: RiskGuard = {
  name: 'newPositionsPerHour', code: 'MAX_NEW_POSITIONS_PER_HOUR', scope: 'entry',
  check: function newPositionsPerHour(ctx, a) {
    if (a.isAdd) return undefined;
    const n = within(newPositionEntries(a.orderLog), ctx.now, HOUR).length;
    const max = ctx.policy.pacing.maxNewPositionsPerHour;
    return n < max ? undefined : `${n} positions opened in the last hour: maxNewPositionsPerHour ${max}`;
  },
};

/** The newest approved order (any symbol, entry or exit) less than minSecondsBetweenTrades ago → no entry. */
export const minTimeBetweenTradesGuard: RiskGuard = {
  name: 'minTimeBetweenTrades', code: 'MIN_TIME_BETWEEN_TRADES', scope: 'entry',
  check: function minTimeBetweenTrades(ctx, a) {
    const last = newestAt(a.orderLog);
    const min = ctx.policy.pacing.minSecondsBetweenTrades;
    if (last === undefined || ctx.now - last >= min * 1000) return undefined;
    return `last order ${Math.floor((ctx.now - last) / 1000)} s ago: minSecondsBetweenTrades ${min}`;
  },
};

/** The newest approved order on this symbol less than perSymbolCooldownSeconds ago → no entry. */
export const symbolCooldownGuard: RiskGuard = {
  name: 'symbolCooldown', code: 'SYMBOL_COOLDOWN', scope: 'entry',
  check: function symbolCooldown(ctx, a) {
    const last = newestAt(a.orderLog, (e) => e.symbol === ctx.intent.symbol);
    const s = ctx.policy.pacing.perSymbolCooldownSeconds;
    if (last === undefined || ctx.now - last >= s * 1000) return undefined;
    return `last ${ctx.intent.symbol} order ${Math.floor((ctx.now - last) / 1000)} s ago: perSymbolCooldownSeconds ${s}`;
  },
};
