import { describe, expect, it } from 'vitest';
import { paperMarkets } from '../../../shared/adapters/paper-markets.js';
import { entryVerdict } from '../../../shared/backtest/rejection-screen.js';
import { ledgerView } from '../../../shared/backtest/screens.js';
import { withPaperFees } from '../../../shared/backtest/sim-state.js';
import type { Candle } from '../../../shared/domain/candle.js';
import { decide } from '../../../shared/domain/decide.js';
import type { KillSwitchStatus } from '../../../shared/domain/kill-switch.js';
import { applyFill, newLedger, release, reserve, withPeak, type Ledger } from '../../../shared/domain/ledger.js';
import { dec, type Decimal } from '../../../shared/domain/money.js';
import { rollPeriods } from '../../../shared/domain/periods.js';
import { validatePolicy, type Policy } from '../../../shared/domain/policy.js';
import { makeIntent } from '../../../shared/domain/strategy.js';

// The backtest skips decide() for an entry when the float screen says the rejection is certain. Here the
// screen and decide() judge the same buys on random portfolios (positions, pending orders, an order log,
// loss-limit marks, closed trades) under policies where every guard can bind, many of them near a threshold:
// whenever the screen answers, decide() must give exactly those reason codes, in order (none: it approves).

const SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'];
const T0 = Date.UTC(2024, 2, 4, 10);
const MIN = 60_000;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}

function policyOf(document: Record<string, unknown>): Policy {
  const out = validatePolicy({ mode: 'PAPER', timeframe: '1m', symbols: SYMBOLS, strategies: [{ name: 'sma-cross', params: {} }], ...document });
  if (!out.ok) throw new Error(JSON.stringify(out.problems));
  return out.policy;
}

const POLICIES: Record<string, Policy> = {
  default: policyOf({}),
  'tight caps that shrink the stake': policyOf({ risk: { stakePct: 3, maxPositionPct: 3.0001, maxTotalExposurePct: 6, maxOpenPositions: 2, maxPositionNotional: '251' } }),
  'pyramiding with a strategy budget': policyOf({
    risk: { pyramiding: { enabled: true, maxAdds: 1, addStakeFraction: 0.5 }, maxPositionPct: 10 },
    strategies: [{ name: 'sma-cross', params: {}, riskBudgetPct: 4 }],
  }),
  'start-basis loss limits and DRY_RUN': policyOf({ mode: 'DRY_RUN', lossLimits: { basis: 'start', dailyStopPct: -0.5, weeklyStopPct: -1, maxDrawdownPct: 1 } }),
  'loose pacing, tight bad tick': policyOf({
    pacing: { maxTradesPerDay: 6, maxTradesPerHour: 3, maxNewPositionsPerHour: 2, minSecondsBetweenTrades: 60, perSymbolCooldownSeconds: 300 },
    marketQuality: { badTickPct: 0.5 },
  }),
};

const fill = (symbol: string, side: 'buy' | 'sell', quantity: string, price: number, at: number, id: string) => ({
  tradeId: `${id}-1`, orderId: id, clientOrderId: id, symbol, side, quantity, price: String(price), fee: '0.1', feeCurrency: 'USDT',
  liquidity: 'taker' as const, time: at, policyHash: 'h', strategy: 'sma-cross', ...(side === 'sell' ? { exitReason: 'stop-loss' } : {}),
});

/** A random portfolio at T0 + 100 min with prices per symbol. */
function portfolio(r: () => number): { ledger: Ledger; prices: number[] } {
  const prices = SYMBOLS.map((_, i) => [60_000, 3_000, 150][i]! * (0.9 + 0.2 * r()));
  let ledger = newLedger('10000', T0);
  let n = 0;
  for (let k = 0; k < 6; k++) {
    const i = Math.floor(r() * SYMBOLS.length);
    const symbol = SYMBOLS[i]!;
    const at = T0 + Math.floor(r() * 99) * MIN;
    const id = `o${n++}`;
    const what = r();
    if (what < 0.35) {
      ledger = applyFill(ledger, fill(symbol, 'buy', (150 / prices[i]!).toFixed(5), prices[i]! * (0.97 + 0.06 * r()), at, id), symbol.split('/')[0]!, 'USDT').ledger;
    } else if (what < 0.5 && ledger.positions[symbol]) {
      const q = ledger.positions[symbol]!.quantity.toFixed();
      ledger = applyFill(ledger, fill(symbol, 'sell', q, prices[i]! * (0.95 + 0.1 * r()), at, id), symbol.split('/')[0]!, 'USDT').ledger;
    } else {
      const side = r() < 0.7 ? 'buy' : 'sell';
      const reservation = { orderId: id, symbol, side, notional: dec(side === 'buy' ? (100 + 200 * r()).toFixed(4) : 0), createdAt: at, strategy: 'sma-cross', kind: side === 'buy' ? 'entry' : 'exit' } as const;
      ledger = reserve(ledger, reservation);
      if (r() < 0.6) ledger = release(ledger, id);
    }
  }
  const logged = [...(ledger.orderLog ?? [])].sort((a, b) => a.at - b.at);
  ledger = { ...ledger, orderLog: logged };
  const equity = dec((9_000 + 2_000 * r()).toFixed(2));
  ledger = withPeak(rollPeriods(ledger, equity, T0 + 99 * MIN), equity, T0);
  return { ledger, prices };
}

describe('the backtest entry screen agrees with decide()', () => {
  for (const [name, policy] of Object.entries(POLICIES)) {
    it(`gives decide()'s exact reason codes whenever it answers: ${name}`, () => {
      const r = rng(name.length * 7919);
      const markets = SYMBOLS.map((s) => withPaperFees(paperMarkets()(s), policy));
      let answered = 0;
      let rejected = 0;
      let approvals = 0;
      for (let run = 0; run < 400; run++) {
        const { ledger, prices } = portfolio(r);
        const now = T0 + 100 * MIN;
        const i = Math.floor(r() * SYMBOLS.length);
        const symbol = SYMBOLS[i]!;
        const lastClose = Math.round(prices[i]! * 100) / 100;
        const jump = r() < 0.2 ? (r() < 0.5 ? 1.005 : 0.995) : 1 + (r() - 0.5) * 0.002;
        const price = Math.round(lastClose * jump * 100) / 100;
        const floats = new Float64Array(prices);
        floats[i] = price;
        const killSwitch: KillSwitchStatus = r() < 0.3 ? 'TRIPPED' : 'ARMED';
        const view = ledgerView(ledger, (s) => SYMBOLS.indexOf(s));
        const codes = entryVerdict({
          policy, ledger, view, prices: floats, symbol, strategy: 'sma-cross', killSwitch, now, price, lastClose, market: markets[i]!, locksFixedUntil: now + 1,
        });
        const last: Candle = { symbol, timeframe: '1m', openTime: now - MIN, open: lastClose, high: lastClose, low: lastClose, close: lastClose, volume: 1 };
        const intent = makeIntent({ side: 'buy', kind: 'entry', score: 1, reason: 'test' }, 'sma-cross', symbol, last, now, 'h', 0);
        const marks: Record<string, Decimal> = {};
        SYMBOLS.forEach((s, k) => { marks[s] = dec(floats[k]!); });
        const out = decide({
          intent, policy, now, policyHash: 'h', policyVersion: 0, ledger, killSwitch, market: markets[i]!, price: dec(price), marks,
          heartbeatAgeMs: 0, lastClose: dec(lastClose), book: { bid: dec(price), ask: dec(price) }, circuit: 'closed',
        });
        if (!out.decision.approved) rejected++;
        if (codes === undefined) continue;
        answered++;
        expect(out.decision.approved).toBe(codes.length === 0);
        expect(codes).toEqual(out.decision.reasons.map((x) => x.code));
        if (codes.length === 0) approvals++;
      }
      // The comparisons mean something: most rejections are screened, and approvals too.
      expect(answered).toBeGreaterThan(rejected * 0.5);
      if (policy.mode !== 'DRY_RUN') expect(approvals).toBeGreaterThan(0);
    });
  }
});
