import { MAX_JOURNAL, type ClosedTrade, type Ledger } from '../domain/ledger.js';
import type { Policy } from '../domain/policy.js';
import { nextLockChange } from '../domain/protections.js';

/**
 * When the metrics cycle's lock step (withLocks(ledger, deriveLocks(ledger, policy, t), t)) can next change a
 * ledger whose stored locks already hold every lock derived at `now`, with no new trade: the first time after
 * `now` at which a stored lock runs out, a journaled trade closed after `now` comes in, or a trade leaving a
 * lookback makes a lock appear that is not stored yet. A trade leaving a lookback only shrinks the window to
 * a suffix with the same newest trade, so the stop-out count and the cooldown keep at most the locks already
 * derived (same scope, same until), and so does the drawdown while the window's equity stays positive (a
 * suffix's running peaks are lower); only lowProfitPairs can gain a lock, when a winner leaves. Sharper than
 * nextLockChange, which counts every trade leaving every lookback; it falls back to it for a journal out of
 * close order or a full lock list. tests/unit/backtest/lock-events.test.ts checks nothing changes before it.
 */
export function lockEventAt(ledger: Ledger, policy: Policy, now: number): number {
  const trades = ledger.trades ?? [];
  const locks = ledger.locks ?? [];
  if (locks.length >= MAX_JOURNAL || !inCloseOrder(trades)) return nextLockChange(trades, locks, policy, now);
  let next = Infinity;
  for (const l of locks) if (l.until > now && l.until < next) next = l.until;
  let first = trades.length;
  while (first > 0 && trades[first - 1]!.closedAt > now) first--;
  if (first < trades.length) next = Math.min(next, trades[first]!.closedAt);
  const p = policy.protections;
  if (p.maxDrawdown.enabled) {
    const window = since(trades, first, now - p.maxDrawdown.lookbackMinutes * MINUTE);
    if (!positiveCurve(ledger, trades, window, first)) next = Math.min(next, departureAfter(trades, window, first, p.maxDrawdown.lookbackMinutes, now));
  }
  if (p.lowProfitPairs.enabled) next = Math.min(next, lowProfitEvent(ledger, trades, first, policy, now));
  return next;
}

const MINUTE = 60_000;

/** Close times finite and never decreasing, checked once per journal array. */
const ordered = new WeakMap<readonly ClosedTrade[], boolean>();

function inCloseOrder(trades: readonly ClosedTrade[]): boolean {
  let known = ordered.get(trades);
  if (known === undefined) {
    known = true;
    for (let i = 0; i < trades.length; i++) {
      const t = trades[i]!.closedAt;
      if (!Number.isFinite(t) || (i > 0 && t < trades[i - 1]!.closedAt)) { known = false; break; }
    }
    ordered.set(trades, known);
  }
  return known;
}

/** Index of the first trade of trades[0, end) closed after `from` (the window's start). */
function since(trades: readonly ClosedTrade[], end: number, from: number): number {
  let i = end;
  while (i > 0 && trades[i - 1]!.closedAt > from) i--;
  return i;
}

/** The first time after `now` a trade of trades[start, end) leaves a lookback of `minutes` (Infinity: none). */
function departureAfter(trades: readonly ClosedTrade[], start: number, end: number, minutes: number, now: number): number {
  for (let i = start; i < end; i++) {
    const leaves = trades[i]!.closedAt + minutes * MINUTE;
    if (leaves > now) return leaves;
  }
  return Infinity;
}

/** Every point of maxDrawdownLocks' equity curve over trades[start, end) clearly positive (floats, wide margin). */
function positiveCurve(ledger: Ledger, trades: readonly ClosedTrade[], start: number, end: number): boolean {
  let equity = ledger.startingCash.toNumber() + ledger.realizedPnl.toNumber();
  for (let i = start; i < end; i++) equity -= pnlOf(trades[i]!);
  const margin = 1e-6 * Math.abs(equity) + 1e-6;
  if (!(equity > margin)) return false;
  for (let i = start; i < end; i++) {
    equity += pnlOf(trades[i]!);
    if (!(equity > margin)) return false;
  }
  return true;
}

/** A journaled trade's PnL as a float, converted once per trade (journal entries are never changed). */
const pnls = new WeakMap<ClosedTrade, number>();

function pnlOf(t: ClosedTrade): number {
  let x = pnls.get(t);
  if (x === undefined) { x = t.pnl.toNumber(); pnls.set(t, x); }
  return x;
}

/**
 * The first departure from lowProfitPairs' lookback after which a pair's remaining trades (a suffix of its
 * window) could make a lock that is not stored: at least tradeLimit of them, their float pnlPct sum not clearly
 * above requiredProfitPct, the lock (newest trade + lockMinutes) still running then. Infinity when none.
 */
function lowProfitEvent(ledger: Ledger, trades: readonly ClosedTrade[], end: number, policy: Policy, now: number): number {
  const cfg = policy.protections.lowProfitPairs;
  const limit = Math.max(1, cfg.tradeLimit);
  const start = since(trades, end, now - cfg.lookbackMinutes * MINUTE);
  const bySymbol = new Map<string, ClosedTrade[]>();
  for (let i = start; i < end; i++) {
    const t = trades[i]!;
    const list = bySymbol.get(t.symbol);
    if (list) list.push(t);
    else bySymbol.set(t.symbol, [t]);
  }
  let next = Infinity;
  for (const [symbol, ts] of bySymbol) {
    if (ts.length <= limit) continue;
    const until = ts[ts.length - 1]!.closedAt + cfg.lockMinutes * MINUTE;
    if ((ledger.locks ?? []).some((l) => l.scope === symbol && l.protection === 'lowProfitPairs' && l.until === until)) continue;
    let rest = 0;
    for (const t of ts) rest += t.pnlPct.toNumber();
    for (let i = 0; i < ts.length - limit; i++) {
      rest -= ts[i]!.pnlPct.toNumber();
      // ts[i] leaves (with any trade closed at the same time); the trades after it remain.
      if (ts[i + 1]!.closedAt === ts[i]!.closedAt) continue;
      const at = ts[i]!.closedAt + cfg.lookbackMinutes * MINUTE;
      if (at >= next) break;
      if (at > now && until > at && !(rest > cfg.requiredProfitPct + PROFIT_MARGIN_PCT)) { next = at; break; }
    }
  }
  return next;
}

/** Percentage points by which a float pnlPct sum must clear requiredProfitPct (float error here is ~1e-13 pp). */
const PROFIT_MARGIN_PCT = 1e-6;
