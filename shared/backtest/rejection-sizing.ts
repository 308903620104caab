import type { MarketInfo } from '../domain/market.js';
import type { Policy } from '../domain/policy.js';
import { strategyBudgetPct } from '../domain/risk/sizing.js';

/** A float check's answer: true / false when certain, undefined when too close to call (run the decimal code). */
export type Verdict = boolean | undefined;

/** Relative margin of every float comparison: float error here is ~1e-15 of the operands, decimal's 1e-40. */
const MARGIN = 1e-9;

/** −1 / 1 when a is certainly below / above b, 0 when within MARGIN of the larger of |a|, |b| and `scale`. */
export function near(a: number, b: number, scale = 0): -1 | 0 | 1 {
  const tol = MARGIN * Math.max(Math.abs(a), Math.abs(b), scale);
  if (!(Math.abs(a - b) > tol)) return 0;
  return a < b ? -1 : 1;
}

/** A market's rules and the policy's entry constants as floats. */
export interface MarketFloats {
  readonly step: number;
  readonly minAmount: number;
  readonly fee: number;
  /** minNotionalFor an entry: max(policy minimum, market minimum × (1 + 2 fee) × (1 + buffer)). */
  readonly entryMinNotional: number;
  readonly maxPositionNotional: number;
}

const floats = new WeakMap<MarketInfo, WeakMap<Policy, MarketFloats>>();

/** MarketFloats of (market, policy), computed once per pair of objects. */
export function marketFloats(market: MarketInfo, policy: Policy): MarketFloats {
  let byPolicy = floats.get(market);
  const hit = byPolicy?.get(policy);
  if (hit) return hit;
  const fee = Number(market.takerFeeRate);
  const out: MarketFloats = {
    step: Number(market.amountStep), minAmount: Number(market.minAmount), fee,
    entryMinNotional: Math.max(Number(market.minNotional) * (1 + 2 * fee) * (1 + policy.risk.minNotionalBufferPct / 100), Number(policy.risk.minNotional)),
    maxPositionNotional: Number(policy.risk.maxPositionNotional),
  };
  if (!byPolicy) { byPolicy = new WeakMap(); floats.set(market, byPolicy); }
  byPolicy.set(policy, out);
  return out;
}

/** What entrySizeScreen reads: the portfolio as floats. */
export interface SizeInput {
  readonly policy: Policy;
  readonly equity: number;
  /** The symbol's position value plus its pending buys. */
  readonly held: number;
  readonly freeCash: number;
  readonly price: number;
  readonly isAdd: boolean;
  readonly market: MarketFloats;
  readonly strategy: string;
  /** The strategy's positions plus its pending buys (read only when it has a budget). */
  readonly strategyHeld: number;
}

/** sizeEntry's result as floats, plus the strategy-budget guard's verdict (it shares the budget room). */
export interface SizeScreen {
  /** quantity / amount step: an integer, exact. */
  readonly steps: number;
  readonly quantity: number;
  readonly notional: number;
  readonly cost: number;
  readonly budgetFails: Verdict;
}

/**
 * sizeEntry (risk/sizing.ts) in floats for fixed-fraction sizing: the stake, floored to the amount step,
 * shrunk to the room the caps leave when it does not fit and the shrunk order is valid. Undefined when a
 * floor or a comparison is too close to call, or for volatility-target sizing.
 */
export function entrySizeScreen(s: SizeInput): SizeScreen | undefined {
  const { policy, equity, held, price, market: m } = s;
  const r = policy.risk;
  if (r.sizing !== 'fixed-fraction' || !(m.step > 0)) return undefined;
  const scale = Math.abs(equity) + held + Math.abs(s.freeCash);
  const stake = (Math.max(0, equity) * r.stakePct) / 100;
  const wanted = s.isAdd && r.pyramiding.enabled ? stake * r.pyramiding.addStakeFraction : stake;
  const desired = stepsIn(wanted, MARGIN * scale, price, m.step);
  if (desired === undefined) return undefined;
  const budget = strategyBudgetPct(policy, s.strategy);
  const sHeld = budget === undefined ? 0 : s.strategyHeld;
  const budgetRoom = budget === undefined ? Infinity : (equity * budget) / 100 - sHeld;
  const rawRoom = Math.min((equity * r.maxPositionPct) / 100 - held, m.maxPositionNotional - held, s.freeCash, budgetRoom);
  const room = Math.max(0, rawRoom);
  const fitsRoom = near(wanted * (1 + m.fee), room, scale + sHeld);
  if (fitsRoom === 0) return undefined;
  let k = desired;
  if (fitsRoom > 0) {
    const err = MARGIN * (scale + sHeld + m.maxPositionNotional);
    // No room at all (a cap already passed): the shrunk order is 0 steps, certainly.
    const capped = rawRoom < -err ? 0 : stepsIn(room / (1 + m.fee), err, price, m.step);
    if (capped === undefined) return undefined;
    if (capped < desired) {
      const q = capped * m.step;
      const amountOk = near(q, m.minAmount);
      const notionalOk = near(q * price, m.entryMinNotional);
      if (capped > 0 && (amountOk === 0 || notionalOk === 0)) return undefined;
      if (capped > 0 && amountOk >= 0 && notionalOk >= 0) k = capped;
    }
  }
  const quantity = k * m.step;
  const notional = quantity * price;
  const cost = notional * (1 + m.fee);
  let budgetFails: Verdict = false;
  if (budget !== undefined) {
    const c = near(sHeld + cost, (equity * budget) / 100, scale + sHeld);
    budgetFails = c === 0 ? undefined : c > 0;
  }
  return { steps: k, quantity, notional, cost, budgetFails };
}

/** floor(value / price / step) (0 when negative), or undefined when value's error `err` could move the floor. */
function stepsIn(value: number, err: number, price: number, step: number): number | undefined {
  const k = value / price / step;
  if (!(k < 1e12)) return undefined;
  const slack = err / price / step + 1e-7 + k * 1e-12;
  if (k < 0) return k < -slack ? 0 : undefined;
  const f = Math.floor(k);
  if (k - f < slack || f + 1 - k < slack) return undefined;
  return f;
}
