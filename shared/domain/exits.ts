import type { Intent } from './intent.js';
import type { Ledger, Position } from './ledger.js';
import { Decimal, ZERO } from './money.js';
import type { Policy } from './policy.js';

/** Strategy name of the exit intents the risk exits (below) produce. */
export const RISK_EXIT_STRATEGY = 'risk-exit';

/**
 * Why a position is closed; 'signal' is a strategy's own exit. A risk exit's intent.reason is exactly
 * its code; decide.ts copies it to order.exitReason, execution to the fill, applyFill to the journal.
 */
export const EXIT_REASONS = ['stop-loss', 'trailing-stop', 'take-profit', 'roi', 'time-stop', 'signal'] as const;
export type ExitReason = (typeof EXIT_REASONS)[number];

/** A risk exit due now, with a human-readable explanation. */
export interface ExitSignal {
  readonly reason: Exclude<ExitReason, 'signal'>;
  readonly message: string;
  /** Profit of the position at the price, percent from the average entry cost. */
  readonly profitPct: Decimal;
}

const MINUTE_MS = 60_000;

/**
 * The exit due for `position` at `price` and `now` under policy.exits, or undefined. Profit is measured
 * from the average entry cost (costBasis / quantity, buy fees included). Precedence, first match wins:
 * 1. stop-loss (profit ≤ stopLossPct), 2. trailing-stop (the high-water mark, counting `price`, reached
 * activationPct and price ≤ HWM × (1 − trailPct/100)), 3. take-profit (profit ≥ takeProfitPct), 4. roi
 * (the entry with the largest afterMinutes ≤ whole minutes held; profit ≥ its pct), 5. time-stop (held
 * ≥ timeStopMinutes). Losses are cut before profits are taken, so a gap through both levels is a stop.
 */
export function exitSignal(position: Position, price: Decimal, now: number, policy: Pick<Policy, 'exits'>): ExitSignal | undefined {
  if (position.quantity.lte(0) || price.lte(0)) return undefined;
  const x = policy.exits;
  const average = position.costBasis.div(position.quantity);
  const profitPct = average.gt(0) ? price.sub(average).div(average).mul(100) : ZERO;
  const shown = `${profitPct.toFixed(2)}% at ${price.toFixed()} vs average cost ${average.toDecimalPlaces(8).toFixed()}`;
  const heldMinutes = Math.floor((now - position.openedAt) / MINUTE_MS);
  const exit = (reason: ExitSignal['reason'], message: string): ExitSignal => ({ reason, message, profitPct });

  if (x.stopLossPct !== null && profitPct.lte(x.stopLossPct)) return exit('stop-loss', `${shown} reached stopLossPct ${x.stopLossPct}%`);
  if (x.trailingStop.enabled) {
    const hwm = Decimal.max(position.highWaterMark ?? average, price);
    const peakPct = hwm.sub(average).div(average).mul(100);
    const stop = hwm.mul(new Decimal(100).sub(x.trailingStop.trailPct)).div(100);
    if (peakPct.gte(x.trailingStop.activationPct) && price.lte(stop)) {
      return exit('trailing-stop', `${price.toFixed()} fell to the trailing stop ${stop.toFixed()} (${x.trailingStop.trailPct}% below high ${hwm.toFixed()})`);
    }
  }
  if (x.takeProfitPct !== null && profitPct.gte(x.takeProfitPct)) return exit('take-profit', `${shown} reached takeProfitPct ${x.takeProfitPct}%`);
  const roi = roiEntry(x.roi, heldMinutes);
  if (roi && profitPct.gte(roi.pct)) return exit('roi', `${shown} after ${heldMinutes} min reached ROI ${roi.pct}% (from ${roi.afterMinutes} min)`);
  if (x.timeStopMinutes > 0 && heldMinutes >= x.timeStopMinutes) return exit('time-stop', `held ${heldMinutes} min, timeStopMinutes ${x.timeStopMinutes}`);
  return undefined;
}

/** The ROI table entry in force after `heldMinutes`: the one with the largest afterMinutes ≤ heldMinutes. */
export function roiEntry(
  table: Policy['exits']['roi'], heldMinutes: number,
): Policy['exits']['roi'][number] | undefined {
  let best: Policy['exits']['roi'][number] | undefined;
  for (const e of table) if (e.afterMinutes <= heldMinutes && (!best || e.afterMinutes > best.afterMinutes)) best = e;
  return best;
}

/**
 * Raises each marked position's highWaterMark to its mark (the first mark seen starts it); positions
 * without a mark keep theirs. Returns the same ledger object when no mark is a new high.
 */
export function withHighWaterMarks(ledger: Ledger, marks: Readonly<Record<string, Decimal>>, at: number): Ledger {
  let positions: Record<string, Position> | undefined;
  for (const p of Object.values(ledger.positions)) {
    const mark = marks[p.symbol];
    if (mark === undefined || (p.highWaterMark !== undefined && mark.lte(p.highWaterMark))) continue;
    positions ??= { ...ledger.positions };
    positions[p.symbol] = { ...p, highWaterMark: mark };
  }
  return positions ? { ...ledger, positions, updatedAt: Math.max(ledger.updatedAt, at) } : ledger;
}

/**
 * The exit reason an order for `intent` carries into the journal: a risk exit's reason code, 'signal'
 * for a strategy's exit (or a risk exit with an unknown reason), undefined for an entry.
 */
export function exitReasonOf(intent: Pick<Intent, 'kind' | 'strategy' | 'reason'>): ExitReason | undefined {
  if (intent.kind !== 'exit') return undefined;
  if (intent.strategy !== RISK_EXIT_STRATEGY) return 'signal';
  return (EXIT_REASONS as readonly string[]).includes(intent.reason) ? (intent.reason as ExitReason) : 'signal';
}
