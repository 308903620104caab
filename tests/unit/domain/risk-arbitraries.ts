/** fast-check generators for the risk properties: policies, markets and portfolios across their whole ranges. */
import fc from 'fast-check';
import type { DecideInput } from '../../../shared/domain/decide.js';
import type { KillSwitchStatus } from '../../../shared/domain/kill-switch.js';
import { valuation, type Ledger, type Position, type Reservation } from '../../../shared/domain/ledger.js';
import type { MarketInfo } from '../../../shared/domain/market.js';
import { Decimal, dec, ZERO } from '../../../shared/domain/money.js';
import type { Policy } from '../../../shared/domain/policy.js';
import { BTC, ETH, intent, ledger, NOW, policyWith, rctx } from './risk-fixtures.js';

export const SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'] as const;
export const STRATEGIES = ['momentum', 'breakout'] as const;
const SOL: MarketInfo = { ...BTC, symbol: 'SOL/USDT', base: 'SOL', amountStep: '0.01', minAmount: '0.01' };
const BASE_MARKETS = [BTC, ETH, SOL];

/** A decimal with two places in [min, max]. */
export const amount = (min: number, max: number) => fc.integer({ min: Math.round(min * 100), max: Math.round(max * 100) }).map((n) => dec(n).div(100));
const pct = (min: number, max: number) => fc.integer({ min: min * 10, max: max * 10 }).map((n) => n / 10);

/**
 * Any policy the risk engine might run under, sane or not (caps up to `maxCapPct`, above 100 only where a
 * property allows it); pacing, protections and loss limits out of the way.
 */
export const policyArbUpTo = (maxCapPct: number) => fc.record({
  sizing: fc.constantFrom('fixed-fraction' as const, 'volatility-target' as const),
  stakePct: pct(1, 60), riskPerTradePct: pct(1, 50).map((x) => x / 10), atrStopMultiple: pct(1, 50).map((x) => x / 10),
  maxPositionPct: pct(1, maxCapPct), maxTotalExposurePct: pct(1, maxCapPct), maxOpenPositions: fc.integer({ min: 1, max: 4 }),
  maxPositionNotional: amount(20, 20_000).map((d) => d.toFixed()), minNotional: amount(0, 60).map((d) => d.toFixed()),
  minNotionalBufferPct: pct(0, 50), allowExitsWhenHalted: fc.boolean(),
  pyramiding: fc.record({ enabled: fc.boolean(), maxAdds: fc.integer({ min: 0, max: 3 }), addStakeFraction: pct(1, 10).map((x) => x / 10) }),
  budgets: fc.tuple(fc.option(pct(1, 100), { nil: undefined }), fc.option(pct(1, 100), { nil: undefined })),
  mode: fc.constantFrom('PAPER' as const, 'LIVE' as const, 'DRY_RUN' as const),
}).map(({ budgets, mode, ...risk }): Policy => policyWith({
  mode,
  risk,
  strategies: STRATEGIES.map((name, i) => ({ name, enabled: true, params: {}, ...(budgets[i] === undefined ? {} : { riskBudgetPct: budgets[i] }) })),
  lossLimits: { dailyStopPct: null, weeklyStopPct: null, maxDrawdownPct: null },
  pacing: { maxTradesPerDay: 10_000, maxTradesPerHour: 10_000, maxNewPositionsPerHour: 10_000, minSecondsBetweenTrades: 0, perSymbolCooldownSeconds: 0 },
  protections: {
    stoplossGuard: { enabled: false, lookbackMinutes: 0, lockMinutes: 0, tradeLimit: 1, perPair: false },
    maxDrawdown: { enabled: false, lookbackMinutes: 0, lockMinutes: 0, maxDrawdownPct: 1 },
    lowProfitPairs: { enabled: false, lookbackMinutes: 0, lockMinutes: 0, tradeLimit: 1, requiredProfitPct: 0 },
    cooldown: { enabled: false, lockMinutes: 0 },
  },
}));

/** Policies with caps up to 100% of equity. */
export const policyArb = policyArbUpTo(100);

/** The three markets with one fee rate and exchange minimum. */
export const marketsArb = fc.record({ fee: fc.constantFrom('0', '0.001', '0.0025'), min: fc.constantFrom('0', '1', '5', '10', '100') })
  .map(({ fee, min }) => BASE_MARKETS.map((m) => ({ ...m, takerFeeRate: fee, minNotional: min })));

/** Prices per symbol. */
export const pricesArb = fc.tuple(amount(1_000, 100_000), amount(10, 5_000), amount(0.01, 500));

/** A portfolio: cash, up to three positions (any strategy, some adds) and reservations of either side. */
export const ledgerArb = fc.record({
  cash: amount(0, 100_000),
  positions: fc.array(fc.record({ sym: fc.nat(2), steps: fc.integer({ min: 1, max: 100_000 }), cost: amount(1, 20_000), strat: fc.nat(1), adds: fc.nat(3) }), { maxLength: 3 }),
  reservations: fc.array(fc.record({ sym: fc.nat(2), notional: amount(0, 5_000), strat: fc.nat(1), buy: fc.boolean() }), { maxLength: 3 }),
}).map(({ cash, positions, reservations }): Ledger => ledger({
  cash,
  positions: Object.fromEntries(positions.map((p): [string, Position] => [SYMBOLS[p.sym]!, {
    symbol: SYMBOLS[p.sym]!, quantity: dec(BASE_MARKETS[p.sym]!.amountStep).mul(p.steps), costBasis: p.cost, openedAt: 0,
    strategy: STRATEGIES[p.strat]!, adds: p.adds,
  }])),
  reservations: Object.fromEntries(reservations.map((r, i): [string, Reservation] => [`r${i}`, {
    orderId: `r${i}`, symbol: SYMBOLS[r.sym]!, side: r.buy ? 'buy' : 'sell', notional: r.buy ? r.notional : ZERO, createdAt: 0,
    strategy: STRATEGIES[r.strat]!, kind: r.buy ? 'entry' : 'exit',
  }])),
}));

/** One entry decision's whole input: any portfolio, policy, market, prices (marked or not) and ATR. */
export const entryArb = (killSwitch: fc.Arbitrary<KillSwitchStatus>, maxCapPct = 100) => fc.record({
  policy: policyArbUpTo(maxCapPct), markets: marketsArb, prices: pricesArb, ledger: ledgerArb, marked: fc.boolean(), sym: fc.nat(2), strat: fc.nat(1),
  atr: fc.option(amount(0.01, 5_000), { nil: undefined }), killSwitch,
}).map((g) => entryInput(g.policy, g.markets[g.sym]!, g.prices, g.ledger, g.sym, g.strat, g.killSwitch, g.marked, g.atr));

/** An entry (or exit) for SYMBOLS[sym]! by STRATEGIES[strat]! with passing market-quality inputs. */
export function entryInput(
  policy: Policy, market: MarketInfo, prices: readonly Decimal[], book: Ledger, sym: number, strat: number,
  killSwitch: KillSwitchStatus = 'ARMED', marked = true, atr?: Decimal, kind: 'entry' | 'exit' = 'entry', at = 0, now = NOW,
): DecideInput {
  const price = prices[sym]!;
  const marks = marked ? Object.fromEntries(SYMBOLS.map((s, i) => [s, prices[i]!])) : {};
  return rctx({
    intent: { ...intent(kind, SYMBOLS[sym]!, at), strategy: STRATEGIES[strat]! }, policy, market, ledger: book, price, marks,
    killSwitch, atr, now, book: { bid: price, ask: price }, lastClose: price,
  });
}

/** Symbols with a position or a pending buy. */
export function openSymbols(l: Ledger): number {
  return new Set([...Object.keys(l.positions), ...Object.values(l.reservations).filter((r) => r.side === 'buy').map((r) => r.symbol)]).size;
}

/** Exposure and equity of a ledger at its marks. */
export function exposureOf(l: Ledger, marks: Readonly<Record<string, Decimal>>): { exposure: Decimal; equity: Decimal } {
  const v = valuation(l, marks);
  return { exposure: v.exposure, equity: v.equity };
}
