import { describe, expect, it } from 'vitest';
import { paperMarkets } from '../../shared/adapters/paper-markets.js';
import { runBacktest } from '../../shared/backtest/engine.js';
import { dec } from '../../shared/domain/money.js';
import { validatePolicy, type Policy } from '../../shared/domain/policy.js';
import { readCandleDir, replayDataDir } from '../../shared/local/candle-files.js';
import { observe } from '../../shared/stress/observe.js';
import { pipelineOpenPositions, pipelineRoundTrips } from '../support/parity.js';

const SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'];
const FROM = Date.UTC(2021, 4, 19, 14, 0);
const TO = Date.UTC(2021, 4, 19, 16, 50);
const DOCUMENT = {
  symbols: SYMBOLS, risk: { stakePct: 10, maxPositionPct: 12 }, exits: { stopLossPct: -1, takeProfitPct: 1, timeStopMinutes: 30 },
  signals: { maxIntentsPerCycle: 1 },
};

describe('parity under signals.maxIntentsPerCycle: BTC, ETH and SOL on 19 May 2021 14:00-16:50 UTC, cap 1', () => {
  it('the embedded pipeline and the backtest keep the same intents of each cycle: same trades, rejections and equity', async () => {
    const candles = await readCandleDir(replayDataDir(), SYMBOLS, '1m', { from: FROM, to: TO });
    const o = await observe({ candles, timeframe: '1m', policy: DOCUMENT });
    const dropped = o.invocations.filter((i) => i.job === 'signal').reduce((n, i) => n + Number(i.out['dropped'] ?? 0), 0);
    expect(dropped, 'the cap must bind in this window').toBeGreaterThan(0);
    expect(o.summary.runtime).toEqual({ scheduledErrors: 0, handlerErrors: 0, undrainedPolls: 0 });
    const parsed = validatePolicy(DOCUMENT);
    if (!parsed.ok) throw new Error('the test policy is invalid');
    const run = (p: Policy, exact: boolean) => runBacktest({ policy: p, policyHash: o.decisions[0]!.policyHash, candles, markets: paperMarkets(), exact });
    const trades = pipelineRoundTrips(o.fills, o.ledger!);
    expect(trades.length).toBeGreaterThanOrEqual(3);
    for (const exact of [true, false]) {
      const b = run(parsed.policy, exact);
      expect(trades, `exact ${exact}`).toEqual(b.trades);
      expect(pipelineOpenPositions(o.ledger!), `exact ${exact}`).toEqual(b.openPositions);
      expect(o.summary.decisions.rejectedByReason, `exact ${exact}`).toEqual(b.rejections);
      expect(dec(o.summary.equity).eq(b.finalEquity), `exact ${exact}`).toBe(true);
    }
    // The comparison sees the cap: the same backtest without it decides other intents.
    const uncapped = run({ ...parsed.policy, signals: { maxIntentsPerCycle: 10_000 } }, true);
    expect({ trades: uncapped.trades, rejections: uncapped.rejections }).not.toEqual({ trades, rejections: o.summary.decisions.rejectedByReason });
  }, 60_000);
});
