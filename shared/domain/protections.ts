/**
 * The freqtrade protections as pure functions of the trade journal: each turns ledger.trades into
 * locks (no entries on a pair, or on '*' = every pair, until a time). Times are epoch ms; a trade is in
 * a lookback when now − lookback < closedAt ≤ now; a lock is active while now < until.
 */
import type { ClosedTrade, Ledger, Lock } from './ledger.js';
import { Decimal, ZERO } from './money.js';
import type { Policy } from './policy.js';

type Protections = Policy['protections'];
const MINUTE = 60_000;

/** Trades closed within the last `lookbackMinutes` at `now`, oldest first. */
function inLookback(trades: readonly ClosedTrade[], now: number, lookbackMinutes: number): ClosedTrade[] {
  const from = now - lookbackMinutes * MINUTE;
  if (isAscending(trades)) return trades.slice(firstWhere(trades, (t) => t.closedAt > from), firstWhere(trades, (t) => t.closedAt > now));
  return trades.filter((t) => t.closedAt > from && t.closedAt <= now).sort((x, y) => x.closedAt - y.closedAt);
}

function bySymbol(trades: readonly ClosedTrade[]): Map<string, ClosedTrade[]> {
  const out = new Map<string, ClosedTrade[]>();
  for (const t of trades) {
    const list = out.get(t.symbol);
    if (list) list.push(t);
    else out.set(t.symbol, [t]);
  }
  return out;
}

/** A lock on `scope` from the newest of `trades` (oldest first) for lockMinutes. */
function lockAfter(trades: readonly ClosedTrade[], protection: string, scope: string, lockMinutes: number, reason: string): Lock {
  const last = trades[trades.length - 1]!.closedAt;
  return { scope, protection, reason, createdAt: last, until: last + lockMinutes * MINUTE };
}

/** A stop-out: a 'stop-loss' exit, or a 'trailing-stop' exit that lost money. */
const isStopOut = (t: ClosedTrade) => t.exitReason === 'stop-loss' || (t.exitReason === 'trailing-stop' && t.pnl.lt(0));

/**
 * At least tradeLimit stop-outs within the lookback → lock '*' (or, with perPair, each pair that had
 * them) until the newest of those stop-outs closed + lockMinutes.
 */
export function stoplossGuardLocks(trades: readonly ClosedTrade[], cfg: Protections['stoplossGuard'], now: number): Lock[] {
  const stops = inLookback(trades, now, cfg.lookbackMinutes).filter(isStopOut);
  const limit = Math.max(1, cfg.tradeLimit);
  const groups = cfg.perPair ? [...bySymbol(stops)] : [['*', stops] as const];
  return groups
    .filter(([, ts]) => ts.length >= limit)
    .map(([scope, ts]) => lockAfter(ts, 'stoplossGuard', scope, cfg.lockMinutes, `${ts.length} stop-outs in ${cfg.lookbackMinutes} min (tradeLimit ${cfg.tradeLimit})`));
}

/**
 * Drawdown of account equity along the trades closed within the lookback ≥ maxDrawdownPct → lock '*'
 * until the newest of them closed + lockMinutes. The curve starts at the realized equity before the
 * window (startingCash + realizedPnl − the window's PnL) and steps by each trade's PnL; drawdown is
 * (running peak − equity) / running peak, so it is a share of the account, not of the profits.
 */
export function maxDrawdownLocks(ledger: Ledger, trades: readonly ClosedTrade[], cfg: Protections['maxDrawdown'], now: number): Lock[] {
  const window = inLookback(trades, now, cfg.lookbackMinutes);
  if (!window.length) return [];
  if (clearlyBelowDrawdown(ledger, window, cfg.maxDrawdownPct)) return [];
  let equity = window.reduce((e, t) => e.sub(t.pnl), ledger.startingCash.add(ledger.realizedPnl));
  let peak = equity;
  // The worst (peak − equity) / peak is kept as a fraction and compared by cross-multiplying (peaks are > 0):
  // one division at the end instead of one per trade, and the same result (rounding is monotonic).
  let fall = ZERO;
  let from = new Decimal(1);
  for (const t of window) {
    equity = equity.add(t.pnl);
    peak = Decimal.max(peak, equity);
    const drop = peak.sub(equity);
    if (peak.gt(0) && drop.mul(from).gt(fall.mul(peak))) { fall = drop; from = peak; }
  }
  const worst = fall.div(from).mul(100);
  if (worst.lt(cfg.maxDrawdownPct)) return [];
  return [lockAfter(window, 'maxDrawdown', '*', cfg.lockMinutes, `drawdown ${worst.toDecimalPlaces(4).toFixed()}% in ${cfg.lookbackMinutes} min (max ${cfg.maxDrawdownPct}%)`)];
}

/** Percentage points by which the float drawdown must clear the limit (float error here is ~1e-12 pp). */
const DRAWDOWN_MARGIN_PCT = 1e-6;

/**
 * maxDrawdownLocks' worst drawdown in floats, when it is below maxDrawdownPct by far more than float error
 * (and every peak is clearly positive): then the decimal curve certainly finds no lock and is not walked.
 */
function clearlyBelowDrawdown(ledger: Ledger, window: readonly ClosedTrade[], maxDrawdownPct: number): boolean {
  let equity = ledger.startingCash.toNumber() + ledger.realizedPnl.toNumber();
  const pnls = window.map((t) => t.pnl.toNumber());
  for (const p of pnls) equity -= p;
  let peak = equity;
  let worst = 0;
  for (const p of pnls) {
    equity += p;
    peak = Math.max(peak, equity);
    if (!(peak > 1e-6)) return false;
    worst = Math.max(worst, ((peak - equity) / peak) * 100);
  }
  return Number.isFinite(worst) && worst < maxDrawdownPct - DRAWDOWN_MARGIN_PCT;
}

/** A pair with at least tradeLimit trades in the lookback whose summed pnlPct is below requiredProfitPct → lock the pair. */
export function lowProfitPairLocks(trades: readonly ClosedTrade[], cfg: Protections['lowProfitPairs'], now: number): Lock[] {
  const limit = Math.max(1, cfg.tradeLimit);
  return [...bySymbol(inLookback(trades, now, cfg.lookbackMinutes))]
    .map(([symbol, ts]) => ({ symbol, ts, profit: ts.reduce((s, t) => s.add(t.pnlPct), ZERO) }))
    .filter(({ ts, profit }) => ts.length >= limit && profit.lt(cfg.requiredProfitPct))
    .map(({ symbol, ts, profit }) => lockAfter(ts, 'lowProfitPairs', symbol, cfg.lockMinutes, `${ts.length} trades made ${profit.toDecimalPlaces(4).toFixed()}% < ${cfg.requiredProfitPct}%`));
}

/** After any exit of a pair, lock that pair for lockMinutes from that exit (the newest exit per pair counts). */
export function cooldownLocks(trades: readonly ClosedTrade[], cfg: Protections['cooldown'], now: number): Lock[] {
  return [...bySymbol(inLookback(trades, now, cfg.lockMinutes))]
    .map(([symbol, ts]) => lockAfter(ts, 'cooldown', symbol, cfg.lockMinutes, `cooldown after exit (${cfg.lockMinutes} min)`));
}

/**
 * The newest deriveLocks result per journal, with the span of time it holds for: derived locks change only
 * when a trade leaves an enabled protection's lookback or a lock runs out (or the journal or the realized
 * PnL changes: another array / value), so the metrics cycle and every decision until then reuse it.
 */
const derived = new WeakMap<readonly ClosedTrade[], {
  readonly policy: Policy; readonly realizedPnl: Decimal; readonly startingCash: Decimal; readonly from: number; readonly until: number; readonly locks: Lock[];
}>();

/** Every enabled protection's locks active at `now` (until > now), derived from ledger.trades alone. */
export function deriveLocks(ledger: Ledger, policy: Policy, now: number): Lock[] {
  const trades = ledger.trades;
  if (!trades) return deriveLocksNow(ledger, policy, now);
  const hit = derived.get(trades);
  if (hit && hit.policy === policy && now >= hit.from && now < hit.until && hit.realizedPnl.eq(ledger.realizedPnl) && hit.startingCash.eq(ledger.startingCash)) {
    return [...hit.locks];
  }
  const locks = deriveLocksNow(ledger, policy, now);
  derived.set(trades, { policy, realizedPnl: ledger.realizedPnl, startingCash: ledger.startingCash, from: now, until: nextLockChange(trades, locks, policy, now), locks: [...locks] });
  return locks;
}

/**
 * The first time after `now` at which the locks of this journal could change without a new trade: one of
 * `locks` running out, a trade leaving an enabled protection's lookback (a lock can appear then, e.g.
 * lowProfitPairs once a winner drops out), or a trade closed after `now` coming in. Infinity when none.
 */
export function nextLockChange(trades: readonly ClosedTrade[], locks: readonly Lock[], policy: Policy, now: number): number {
  const p = policy.protections;
  const lookbacks = [
    p.stoplossGuard.enabled ? p.stoplossGuard.lookbackMinutes : undefined, p.maxDrawdown.enabled ? p.maxDrawdown.lookbackMinutes : undefined,
    p.lowProfitPairs.enabled ? p.lowProfitPairs.lookbackMinutes : undefined, p.cooldown.enabled ? p.cooldown.lockMinutes : undefined,
  ].filter((m): m is number => m !== undefined);
  let next = Infinity;
  for (const l of locks) if (l.until > now) next = Math.min(next, l.until);
  if (isAscending(trades)) {
    // Journal in close order (the usual case): the earliest qualifying trade per term, by binary search.
    const at = firstWhere(trades, (t) => t.closedAt > now);
    if (at < trades.length) next = Math.min(next, trades[at]!.closedAt);
    for (const m of lookbacks) {
      const j = firstWhere(trades, (t) => t.closedAt + m * MINUTE > now);
      if (j < trades.length) next = Math.min(next, trades[j]!.closedAt + m * MINUTE);
    }
    return next;
  }
  for (const t of trades) {
    if (t.closedAt > now) next = Math.min(next, t.closedAt);
    for (const m of lookbacks) {
      const leaves = t.closedAt + m * MINUTE;
      if (leaves > now) next = Math.min(next, leaves);
    }
  }
  return next;
}

/** Whether a journal's close times never decrease (checked once per array; NaN counts as out of order). */
const ascendingJournals = new WeakMap<readonly ClosedTrade[], boolean>();

function isAscending(trades: readonly ClosedTrade[]): boolean {
  let known = ascendingJournals.get(trades);
  if (known === undefined) {
    known = trades.every((t, i) => Number.isFinite(t.closedAt) && (i === 0 || t.closedAt >= trades[i - 1]!.closedAt));
    ascendingJournals.set(trades, known);
  }
  return known;
}

/** Index of the first trade for which a predicate monotone in closedAt holds (trades ascending); length if none. */
function firstWhere(trades: readonly ClosedTrade[], holds: (t: ClosedTrade) => boolean): number {
  let lo = 0;
  let hi = trades.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (holds(trades[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function deriveLocksNow(ledger: Ledger, policy: Policy, now: number): Lock[] {
  const p = policy.protections;
  const trades = ledger.trades ?? [];
  return [
    ...(p.stoplossGuard.enabled ? stoplossGuardLocks(trades, p.stoplossGuard, now) : []),
    ...(p.maxDrawdown.enabled ? maxDrawdownLocks(ledger, trades, p.maxDrawdown, now) : []),
    ...(p.lowProfitPairs.enabled ? lowProfitPairLocks(trades, p.lowProfitPairs, now) : []),
    ...(p.cooldown.enabled ? cooldownLocks(trades, p.cooldown, now) : []),
  ].filter((l) => l.until > now);
}

/** Locks in force at `now`: the stored ones (ledger.locks) still running plus the freshly derived ones. */
export function activeLocks(ledger: Ledger, policy: Policy, now: number): Lock[] {
  return [...(ledger.locks ?? []).filter((l) => l.until > now), ...deriveLocks(ledger, policy, now)];
}

/** The locks among `locks` that cover `symbol`: '*' ones are global. */
export function locksCovering(locks: readonly Lock[], symbol: string): { global: Lock[]; pair: Lock[] } {
  return { global: locks.filter((l) => l.scope === '*'), pair: locks.filter((l) => l.scope === symbol) };
}
