import type { ReasonCode } from '../domain/decision.js';
import type { Ledger, Reservation } from '../domain/ledger.js';
import type { MarketInfo } from '../domain/market.js';
import type { KillSwitchStatus } from '../domain/kill-switch.js';
import { utcDayStart, utcWeekStart } from '../domain/periods.js';
import type { Policy } from '../domain/policy.js';
import { locksCovering } from '../domain/protections.js';
import { guardsFor, type RiskGuard } from '../domain/risk/guards.js';
import { strategyBudgetPct } from '../domain/risk/sizing.js';
import { screenedLocks } from './lock-screen.js';
import { entrySizeScreen, marketFloats, near, type Verdict } from './rejection-sizing.js';
import type { LedgerView } from './screens.js';

/**
 * A float screen of the risk chain for the backtest's entries: the complete list of reason codes decide()
 * would give, when every guard's verdict is certain, so a certain rejection skips the decimal chain (and the
 * intent id), and a certain approval (no code) runs decide() without its guards (the order is still sized and
 * built there, in decimal). Each numeric check keeps a margin far above float rounding (near()); inside it, or
 * for a guard or a setting it does not model, it answers undefined and the engine runs decide() in full.
 */

/** What the screen reads for one entry intent at a close (the engine's decision context, as floats). */
export interface EntryScreenInput {
  readonly policy: Policy;
  readonly ledger: Ledger;
  readonly view: LedgerView;
  /** Price per symbol slot (NaN: none yet), as the engine marks positions. */
  readonly prices: Float64Array;
  readonly symbol: string;
  readonly strategy: string;
  readonly killSwitch: KillSwitchStatus;
  readonly now: number;
  /** Execution price (book bid = ask), the newest close, and the market's rules. */
  readonly price: number;
  readonly lastClose: number;
  readonly market: MarketInfo;
  /** No protection lock appears or expires before this time while the ledger object stays the same (the engine's lockEventAt). */
  readonly locksFixedUntil: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const DRY_RUN_CODE: ReasonCode = 'DRY_RUN';

/** guardsFor(policy), kept per policy object. */
const chains = new WeakMap<Policy, readonly RiskGuard[]>();

function chainOf(policy: Policy): readonly RiskGuard[] {
  let chain = chains.get(policy);
  if (!chain) { chain = guardsFor(policy); chains.set(policy, chain); }
  return chain;
}

/** The reason codes decide() certainly gives this buy (empty: every guard passes), or undefined: run decide() in full. */
export function entryVerdict(s: EntryScreenInput): ReasonCode[] | undefined {
  const { ledger, policy, symbol, now } = s;
  if (!(s.price > 0) || !(s.lastClose > 0) || s.view.ledger !== ledger) return undefined;
  const reservations = Object.values(ledger.reservations);
  // A reservation made at this close could be this intent's own (a redelivery): decide() leaves it out; so do we, by not guessing.
  for (const r of reservations) if (r.createdAt === now) return undefined;
  const position = ledger.positions[symbol];
  const pendingBuys: Reservation[] = [];
  let reservedBuy = 0;
  // Symbols other than this one with a position or a pending buy (portfolioView's otherOpenSymbols).
  let others = s.view.positions.length - (position === undefined ? 0 : 1);
  const counted: string[] = [];
  for (const r of reservations) {
    if (r.side !== 'buy') continue;
    reservedBuy += r.notional.toNumber();
    if (r.symbol === symbol) pendingBuys.push(r);
    else if (ledger.positions[r.symbol] === undefined && !counted.includes(r.symbol)) { counted.push(r.symbol); others++; }
  }
  const isAdd = position !== undefined || pendingBuys.length > 0;
  let equity = s.view.cash;
  let positionsValue = 0;
  let held = 0;
  for (const p of s.view.positions) {
    const mark = p.slot < 0 ? Number.NaN : s.prices[p.slot]!;
    const value = Number.isNaN(mark) ? p.costBasis : p.quantity * mark;
    positionsValue += value;
    if (p.symbol === symbol) held += value;
  }
  equity += positionsValue;
  for (const r of pendingBuys) held += r.notional.toNumber();
  const m = marketFloats(s.market, policy);
  const size = entrySizeScreen({ policy, equity, held, freeCash: s.view.cash - reservedBuy, price: s.price, isAdd, market: m, strategy: s.strategy, strategyHeld: strategyBudgetPct(policy, s.strategy) === undefined ? 0 : strategyHeld(s, reservations) });
  if (size === undefined) return undefined;
  const { quantity, notional, cost } = size;
  const codes: ReasonCode[] = [];
  for (const g of chainOf(policy)) {
    let v: Verdict;
    switch (g.name) {
      case 'killSwitch': v = s.killSwitch !== 'ARMED'; break;
      case 'readOnly': v = policy.readOnly; break;
      case 'marketPrice': v = false; break;
      case 'positionAlreadyOpen': v = isAdd; break;
      case 'pyramidAdds': v = isAdd && (position ? 1 + (position.adds ?? 0) : 0) + pendingBuys.length > policy.risk.pyramiding.maxAdds; break;
      case 'noPosition': v = false; break;
      case 'minNotional': v = or(size.steps === 0, below(quantity, m.minAmount), below(notional, m.entryMinNotional)); break;
      case 'maxPosition': v = above(held + cost, (equity * policy.risk.maxPositionPct) / 100); break;
      case 'maxPositionSize': v = above(held + cost, m.maxPositionNotional); break;
      case 'maxExposure': v = above(positionsValue + reservedBuy + cost, (equity * policy.risk.maxTotalExposurePct) / 100); break;
      case 'maxOpenPositions': v = !isAdd && others >= policy.risk.maxOpenPositions; break;
      case 'strategyBudget': v = size.budgetFails; break;
      case 'cash': v = above(cost, s.view.cash - reservedBuy, Math.abs(s.view.cash)); break;
      case 'dailyLoss': v = periodFails(s, 'day', policy.lossLimits.dailyStopPct, equity); break;
      case 'weeklyLoss': v = periodFails(s, 'week', policy.lossLimits.weeklyStopPct, equity); break;
      case 'maxDrawdown': v = drawdownFails(s.view.peakEquity, policy.lossLimits.maxDrawdownPct, equity); break;
      case 'tradesPerDay': v = countSince(ledger, now - DAY) >= policy.pacing.maxTradesPerDay; break;
      case 'tradesPerHour': v = countSince(ledger, now - HOUR) >= policy.pacing.maxTradesPerHour; break;
      case 'newPositionsPerHour': v = !isAdd && newPositionsSince(ledger, now - HOUR) >= policy.pacing.maxNewPositionsPerHour; break;
      case 'minTimeBetweenTrades': v = tooRecent(ledger, undefined, now, policy.pacing.minSecondsBetweenTrades); break;
      case 'symbolCooldown': v = tooRecent(ledger, symbol, now, policy.pacing.perSymbolCooldownSeconds); break;
      case 'globalLock': v = locksOf(s).global.length > 0; break;
      case 'pairLock': v = locksOf(s).pair.length > 0; break;
      case 'staleData': v = 0 > policy.marketQuality.staleDataSeconds * 1000; break;
      case 'spread': v = 0 > policy.marketQuality.maxSpreadBps; break;
      case 'badTick': v = above(Math.abs(s.price - s.lastClose) * 100, s.lastClose * policy.marketQuality.badTickPct, 100 * s.lastClose); break;
      case 'circuit': v = false; break;
      case 'canaryStakeCap': v = false; break; // the backtest has no first LIVE time: no canary cap (decideAt sets none)
      default: return undefined;
    }
    if (v === undefined) return undefined;
    if (v) codes.push(g.code);
  }
  if (policy.mode === 'DRY_RUN') codes.push(DRY_RUN_CODE);
  return codes;
}

/** a > b certainly (true), certainly not (false), or too close to call (undefined); `scale` as near(). */
function above(a: number, b: number, scale = 0): Verdict {
  const c = near(a, b, scale);
  return c === 0 ? undefined : c > 0;
}

/** a < b certainly, certainly not, or too close to call. */
function below(a: number, b: number, scale = 0): Verdict {
  const c = near(a, b, scale);
  return c === 0 ? undefined : c < 0;
}

function not(v: Verdict): Verdict {
  return v === undefined ? undefined : !v;
}

/** Any certainly true → true; else any unsure → undefined; else false. */
function or(...vs: Verdict[]): Verdict {
  if (vs.includes(true)) return true;
  return vs.includes(undefined) ? undefined : false;
}

/** The strategy's held value plus its pending buys, as portfolioView counts it. */
function strategyHeld(s: EntryScreenInput, reservations: readonly Reservation[]): number {
  let total = 0;
  for (const p of s.view.positions) {
    if (s.ledger.positions[p.symbol]?.strategy !== s.strategy) continue;
    const mark = p.slot < 0 ? Number.NaN : s.prices[p.slot]!;
    total += Number.isNaN(mark) ? p.costBasis : p.quantity * mark;
  }
  for (const r of reservations) if (r.side === 'buy' && r.strategy === s.strategy) total += r.notional.toNumber();
  return total;
}

/** The daily / weekly loss guard (periodCheck): the period rolled to `now` at the equity, then change ≤ stop. */
function periodFails(s: EntryScreenInput, period: 'day' | 'week', stop: number | null, equity: number): Verdict {
  if (stop === null) return false;
  const start = period === 'day' ? utcDayStart(s.now) : utcWeekStart(s.now);
  const mark = s.view[period];
  let startEquity = equity;
  let peak = equity;
  if (mark && mark.start >= start) {
    startEquity = mark.startEquity;
    peak = mark.start > start ? mark.peakEquity : Math.max(mark.peakEquity, equity);
  }
  const reference = s.policy.lossLimits.basis === 'start' ? startEquity : Math.max(peak, equity);
  if (!(reference > 0) || near(reference, 0) === 0) return undefined;
  return not(above((equity - reference) * 100, reference * stop, 100 * Math.abs(equity)));
}

/** The max-drawdown guard: (max(peak, equity) − equity) / that peak × 100 ≥ max. */
function drawdownFails(peakEquity: number, max: number | null, equity: number): Verdict {
  if (max === null) return false;
  const peak = Math.max(peakEquity, equity);
  if (!(peak > 0) || near(peak, 0) === 0) return undefined;
  return not(below((peak - equity) * 100, peak * max, 100 * peak));
}

/** Orders in the log with at > from. The backtest logs in time order, so the newest match is the last (tooRecent too). */
function countSince(ledger: Ledger, from: number): number {
  const log = ledger.orderLog ?? [];
  let n = 0;
  for (let i = log.length - 1; i >= 0 && log[i]!.at > from; i--) n++;
  return n;
}

/**
 * newPositionEntries(log) with at > from, counted from the end: an entry opened a position when the order before
 * it on its symbol is an exit, or there is none (what the forward scan's open set says), so only the log's tail
 * after `from` and each entry's previous order on its symbol are read.
 */
function newPositionsSince(ledger: Ledger, from: number): number {
  const log = ledger.orderLog ?? [];
  let n = 0;
  for (let i = log.length - 1; i >= 0 && log[i]!.at > from; i--) {
    const e = log[i]!;
    if (e.side === 'sell') continue;
    let j = i - 1;
    while (j >= 0 && log[j]!.symbol !== e.symbol) j--;
    if (j < 0 || log[j]!.side === 'sell') n++;
  }
  return n;
}

/** The newest order (on `symbol`, or any) less than `seconds` before now. */
function tooRecent(ledger: Ledger, symbol: string | undefined, now: number, seconds: number): boolean {
  const log = ledger.orderLog ?? [];
  for (let i = log.length - 1; i >= 0; i--) {
    const e = log[i]!;
    if (symbol === undefined || e.symbol === symbol) return now - e.at < seconds * 1000;
  }
  return false;
}

/** The locks the lock guards read (stored still active ∪ derived), kept per ledger object, symbol and lock-event span. */
let lockMemo: { ledger: Ledger; from: number; until: number; symbol: string; found: ReturnType<typeof locksCovering> } | undefined;

function locksOf(s: EntryScreenInput): ReturnType<typeof locksCovering> {
  const m = lockMemo;
  if (m && m.ledger === s.ledger && m.symbol === s.symbol && s.now >= m.from && s.now < m.until) return m.found;
  // activeLocks(ledger, policy, now): the stored locks still running, then the derived ones (through lock-screen.ts).
  const found = locksCovering([...(s.ledger.locks ?? []).filter((l) => l.until > s.now), ...screenedLocks(s.ledger, s.policy, s.now)], s.symbol);
  lockMemo = { ledger: s.ledger, from: s.now, until: s.locksFixedUntil, symbol: s.symbol, found };
  return found;
}
