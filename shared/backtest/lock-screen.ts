import type { ClosedTrade, Ledger, Lock } from '../domain/ledger.js';
import type { Policy } from '../domain/policy.js';
import { cooldownLocks, deriveLocks, lowProfitPairLocks, maxDrawdownLocks, stoplossGuardLocks } from '../domain/protections.js';

/**
 * deriveLocks(ledger, policy, now) for the backtest, the same locks in the same order: each enabled protection
 * is first screened over the journal's window — stop-outs counted, lowProfitPairs' count and float pnlPct sum
 * per pair, the drawdown walked in floats — and its own function runs only when the screen cannot rule a lock
 * out (far from every limit by more than float error). Most refreshes then run one protection or none, without
 * the windows' copies. A journal out of close order goes to deriveLocks. tests/unit/backtest/lock-screen.test.ts.
 */
export function screenedLocks(ledger: Ledger, policy: Policy, now: number): Lock[] {
  const trades = ledger.trades ?? [];
  if (!inCloseOrder(trades)) return deriveLocks(ledger, policy, now);
  const p = policy.protections;
  const end = upTo(trades, now);
  const out: Lock[] = [];
  if (p.stoplossGuard.enabled && stopOutsMayLock(trades, end, now, p.stoplossGuard)) out.push(...stoplossGuardLocks(trades, p.stoplossGuard, now));
  if (p.maxDrawdown.enabled && drawdownMayLock(ledger, trades, end, now, p.maxDrawdown)) out.push(...maxDrawdownLocks(ledger, trades, p.maxDrawdown, now));
  if (p.lowProfitPairs.enabled && lowProfitMayLock(trades, end, now, p.lowProfitPairs)) out.push(...lowProfitPairLocks(trades, p.lowProfitPairs, now));
  if (p.cooldown.enabled && since(trades, end, now - p.cooldown.lockMinutes * MINUTE) < end) out.push(...cooldownLocks(trades, p.cooldown, now));
  return out.filter((l) => l.until > now);
}

type Protections = Policy['protections'];
const MINUTE = 60_000;
/** Percentage points by which a float drawdown or pnlPct sum must clear its limit (float error here is ~1e-12 pp). */
const MARGIN_PCT = 1e-6;

/** Close times finite and never decreasing, checked once per journal array. */
const ordered = new WeakMap<readonly ClosedTrade[], boolean>();

function inCloseOrder(trades: readonly ClosedTrade[]): boolean {
  let known = ordered.get(trades);
  if (known === undefined) {
    known = true;
    for (let i = 1; i < trades.length && known; i++) known = trades[i]!.closedAt >= trades[i - 1]!.closedAt;
    for (let i = 0; i < trades.length && known; i++) known = Number.isFinite(trades[i]!.closedAt);
    ordered.set(trades, known);
  }
  return known;
}

/** Number of trades closed at or before `now`. */
function upTo(trades: readonly ClosedTrade[], now: number): number {
  let end = trades.length;
  while (end > 0 && trades[end - 1]!.closedAt > now) end--;
  return end;
}

/** Index of the first of trades[0, end) closed after `from`. */
function since(trades: readonly ClosedTrade[], end: number, from: number): number {
  let i = end;
  while (i > 0 && trades[i - 1]!.closedAt > from) i--;
  return i;
}

/** Enough stop-outs in the lookback (in all, or on one pair with perPair) to reach tradeLimit. */
function stopOutsMayLock(trades: readonly ClosedTrade[], end: number, now: number, cfg: Protections['stoplossGuard']): boolean {
  const limit = Math.max(1, cfg.tradeLimit);
  const counts = new Map<string, number>();
  let total = 0;
  for (let i = since(trades, end, now - cfg.lookbackMinutes * MINUTE); i < end; i++) {
    const t = trades[i]!;
    if (!(t.exitReason === 'stop-loss' || (t.exitReason === 'trailing-stop' && t.pnl.lt(0)))) continue;
    total++;
    const key = cfg.perPair ? t.symbol : '*';
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    if (n >= limit) return true;
  }
  return total >= limit && !cfg.perPair;
}

/** A pair with tradeLimit trades in the lookback whose float pnlPct sum is not clearly at or above requiredProfitPct. */
function lowProfitMayLock(trades: readonly ClosedTrade[], end: number, now: number, cfg: Protections['lowProfitPairs']): boolean {
  const limit = Math.max(1, cfg.tradeLimit);
  const pairs = new Map<string, { n: number; sum: number }>();
  for (let i = since(trades, end, now - cfg.lookbackMinutes * MINUTE); i < end; i++) {
    const t = trades[i]!;
    const pair = pairs.get(t.symbol);
    if (pair) { pair.n++; pair.sum += floatOf(t, 'pnlPct'); } else pairs.set(t.symbol, { n: 1, sum: floatOf(t, 'pnlPct') });
  }
  for (const { n, sum } of pairs.values()) if (n >= limit && !(sum >= cfg.requiredProfitPct + MARGIN_PCT)) return true;
  return false;
}

/** maxDrawdownLocks' walk in floats is not clearly below maxDrawdownPct (or a peak is not clearly positive). */
function drawdownMayLock(ledger: Ledger, trades: readonly ClosedTrade[], end: number, now: number, cfg: Protections['maxDrawdown']): boolean {
  const start = since(trades, end, now - cfg.lookbackMinutes * MINUTE);
  if (start === end) return false;
  let equity = ledger.startingCash.toNumber() + ledger.realizedPnl.toNumber();
  // The journal's trades after `now` are in realizedPnl too: maxDrawdownLocks starts from it all the same.
  for (let i = start; i < end; i++) equity -= floatOf(trades[i]!, 'pnl');
  let peak = equity;
  let worst = 0;
  for (let i = start; i < end; i++) {
    equity += floatOf(trades[i]!, 'pnl');
    peak = Math.max(peak, equity);
    if (!(peak > 1e-6)) return true;
    worst = Math.max(worst, ((peak - equity) / peak) * 100);
  }
  return !(Number.isFinite(worst) && worst < cfg.maxDrawdownPct - MARGIN_PCT);
}

/** A journaled trade's pnl or pnlPct as a float, converted once per trade (journal entries are never changed). */
const floats = new WeakMap<ClosedTrade, { pnl: number; pnlPct: number }>();

function floatOf(t: ClosedTrade, field: 'pnl' | 'pnlPct'): number {
  let f = floats.get(t);
  if (!f) { f = { pnl: t.pnl.toNumber(), pnlPct: t.pnlPct.toNumber() }; floats.set(t, f); }
  return f[field];
}
